package probes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func init() { register(spec.KindGit, checkGit) }

// checkGit answers a git probe: is the path tracked / committed /
// untracked / ignored / staged / modified, or is the whole tree clean.
// Per-path questions look the path up in the cached HEAD (or Rev) tree and
// index map and compare one worktree file; they never walk the tree.
func checkGit(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.GitParams) (Status, string) {
	state := p.State
	if state == "" {
		state = spec.GitCommitted
	}
	start := p.Repo
	if start == "" {
		start = p.Path
	}
	root := r.git.workTree(start)
	if root == "" {
		return Error, fmt.Sprintf("%s is not inside a git repository (no .git above it): set repo: on the probe or --root to the work tree", start)
	}
	rel, err := relInRepo(root, p.Path)
	if err != nil {
		return Error, err.Error()
	}
	if rel == "" && p.Repo == "" && state != spec.GitClean {
		// The path is the top of a nested work tree (a submodule): ask
		// the repository that holds it.
		if outer := findWorkTree(filepath.Dir(root)); outer != "" {
			if orel, err := relInRepo(outer, p.Path); err == nil {
				root, rel = outer, orel
			}
		}
	}
	g := r.git.repo(root)
	if state == spec.GitClean {
		return g.checkClean(ctx, rel)
	}
	if rel == "" {
		return Error, fmt.Sprintf("git state %q needs a path inside the repository, not its top %s (use state: clean for the whole tree)", state, root)
	}
	f, err := g.facts(ctx, rel, p.Rev)
	if err != nil {
		return Error, err.Error()
	}
	return f.verdict(state)
}

// relInRepo turns an absolute path into a slash path relative to the work
// tree root ("" for the root itself), or explains why it is not in it.
func relInRepo(root, path string) (string, error) {
	rel, err := filepath.Rel(root, path)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		// The two may differ only by symlinks (/tmp → /private/tmp).
		if rr, e1 := filepath.EvalSymlinks(root); e1 == nil {
			if rp, e2 := evalExistingPrefix(path); e2 == nil {
				if r2, e3 := filepath.Rel(rr, rp); e3 == nil && r2 != ".." && !strings.HasPrefix(r2, "../") {
					rel, err = r2, nil
				}
			}
		}
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return "", fmt.Errorf("%s is outside the repository at %s: fix repo: or the path", path, root)
		}
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return "", nil
	}
	if rel == ".git" || strings.HasPrefix(rel, ".git/") {
		return "", fmt.Errorf("%s is inside .git: git probes are about work tree files", path)
	}
	return rel, nil
}

// evalExistingPrefix resolves symlinks in the longest existing prefix of
// path and appends the rest.
func evalExistingPrefix(path string) (string, error) {
	rest := ""
	p := path
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest), nil
		}
		parent := filepath.Dir(p)
		if parent == p {
			return "", fmt.Errorf("cannot resolve %s", path)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// gitFacts is everything a per-path verdict needs, gathered once.
type gitFacts struct {
	rel      string
	name     string // base name shown in messages
	revLabel string // "HEAD", "HEAD (detached at …)", "v1.2 (1a2b3c4)"
	rev      bool   // a Rev other than HEAD was asked for
	unborn   bool
	branch   string

	inTree    bool
	treeEntry treeEntry
	treeIsDir bool

	inIndex    bool
	conflicted bool
	submodule  string // set when rel lies inside this gitlink

	// Folder targets: index entries under rel.
	dirEntries int
	dirStaged  []string
	dirChanged []string

	exists  bool
	isDir   bool
	link    string // symlink target, when the path is a symlink
	wt      wtState
	staged  bool // index differs from HEAD (or the path is new / removed in the index)
	ignored bool
	rule    *ignoreRule
}

// facts gathers what the repository says about rel. It holds the repo
// lock only for the cached lookups; worktree files are compared after.
func (g *gitRepo) facts(ctx context.Context, rel, rev string) (*gitFacts, error) {
	f := &gitFacts{rel: rel, name: rel}
	g.mu.Lock()
	if err := g.refresh(ctx); err != nil {
		g.mu.Unlock()
		return nil, err
	}
	root, indexMTime, ignoreMode := g.root, g.indexMTime, g.ignoreMode
	tree, label, err := g.tree(rev)
	if err != nil {
		g.mu.Unlock()
		return nil, err
	}
	f.revLabel, f.rev = label, rev != "" && rev != "HEAD"
	f.unborn, f.branch = g.unborn && !f.rev, g.headName
	f.treeEntry, f.inTree = lookupTree(tree, rel)
	f.treeIsDir = f.inTree && f.treeEntry.mode == filemode.Dir
	headEntry, inHead := f.treeEntry, f.inTree
	if f.rev {
		headEntry, inHead = lookupTree(g.headTree, rel)
	}
	ie, inIndex := g.index[rel]
	var entry index.Entry
	if inIndex {
		entry = *ie
	}
	f.inIndex = inIndex
	f.conflicted = g.conflicted[rel]
	if !inIndex {
		parts := strings.Split(rel, "/")
		for i := 1; i < len(parts); i++ {
			if e, ok := g.index[strings.Join(parts[:i], "/")]; ok && e.Mode == filemode.Submodule {
				f.submodule = e.Name
				break
			}
		}
	}
	var under []*index.Entry
	var headUnder map[string]treeEntry
	if !inIndex && f.submodule == "" {
		under = g.entriesUnder(rel)
		f.dirEntries = len(under)
		if len(under) > 0 || (inHead && headEntry.mode == filemode.Dir) {
			if headUnder, err = g.headFilesUnder(rel); err != nil {
				g.mu.Unlock()
				return nil, err
			}
		}
	}
	g.mu.Unlock()

	if f.submodule != "" {
		return f, nil
	}
	if inIndex {
		f.staged = !inHead || headEntry.hash != entry.Hash || headEntry.mode != entry.Mode
	} else {
		f.staged = inHead && headEntry.mode != filemode.Dir
	}
	inUnder := make(map[string]bool, len(under))
	for _, e := range under {
		inUnder[e.Name] = true
		if h, ok := headUnder[e.Name]; !ok || h.hash != e.Hash || h.mode != e.Mode {
			f.dirStaged = append(f.dirStaged, e.Name)
		}
	}
	for name := range headUnder {
		if !inUnder[name] {
			f.dirStaged = append(f.dirStaged, name) // removed from the index
		}
	}
	sort.Strings(f.dirStaged)

	full := filepath.Join(root, filepath.FromSlash(rel))
	fi, err := os.Lstat(full)
	switch {
	case err == nil:
		f.exists = true
		f.isDir = fi.IsDir()
		if fi.Mode()&fs.ModeSymlink != 0 {
			f.link, _ = os.Readlink(full)
		}
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read %s: permission denied (run gonogo as a user who can read the work tree)", full)
	default:
		return nil, fmt.Errorf("cannot read %s: %w", full, err)
	}
	if inIndex {
		if f.wt, err = compareWorktree(ctx, root, &entry, indexMTime, ignoreMode); err != nil {
			return nil, err
		}
	}
	for _, e := range under {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		st, err := compareWorktree(ctx, root, e, indexMTime, ignoreMode)
		if err != nil {
			return nil, err
		}
		if st != wtSame {
			f.dirChanged = append(f.dirChanged, e.Name)
		}
	}
	if !inIndex && f.dirEntries == 0 && f.exists {
		f.ignored, f.rule = g.ignoredBy(rel, f.isDir)
	} else if !inIndex && f.dirEntries == 0 {
		// A path that does not exist can still be matched by a rule
		// (ignored: would a file created there be ignored?).
		f.ignored, f.rule = g.ignoredBy(rel, false)
	}
	return f, nil
}

// where names the revision in messages: "HEAD" or "v1.2 (1a2b3c4)".
func (f *gitFacts) where() string { return f.revLabel }

// tracked says whether the path (file or folder) is in the revision.
func (f *gitFacts) tracked() bool { return f.inTree }

// folder is true for a target that is a folder in the index or the tree.
func (f *gitFacts) folder() bool { return !f.inIndex && (f.dirEntries > 0 || f.treeIsDir) }

// notInRev explains why the path is not in the revision, with what it is
// instead.
func (f *gitFacts) notInRev() string {
	n := f.name
	switch {
	case f.unborn:
		return fmt.Sprintf("%s is not in HEAD: branch %s has no commits yet", n, f.branch)
	case f.rev && (f.inIndex || f.folder()):
		return fmt.Sprintf("%s is not in %s (it exists in the index now, but not in that revision)", n, f.where())
	case f.inIndex:
		return fmt.Sprintf("%s is not in %s (added to the index, not yet committed): commit it", n, f.where())
	case f.ignored && f.exists:
		return fmt.Sprintf("%s is not in %s (ignored by %s %q): commit it with git add -f, or back it up", n, f.where(), f.rule.src, f.rule.text)
	case f.exists:
		return fmt.Sprintf("%s is not in %s (untracked)", n, f.where())
	default:
		return fmt.Sprintf("%s is not in %s and does not exist in the work tree", n, f.where())
	}
}

// verdict decides the asked state from the facts.
func (f *gitFacts) verdict(state string) (Status, string) {
	n := f.name
	if f.submodule != "" {
		return Error, fmt.Sprintf("%s is inside submodule %s: point repo: at the submodule to check it", n, f.submodule)
	}
	if f.conflicted {
		if state == spec.GitModified || state == spec.GitStaged {
			return OK, fmt.Sprintf("%s has an unresolved merge conflict", n)
		}
		return Fail, fmt.Sprintf("%s has an unresolved merge conflict: resolve it and commit", n)
	}
	if f.folder() {
		return f.folderVerdict(state)
	}
	switch state {
	case spec.GitTracked:
		if f.tracked() {
			return OK, fmt.Sprintf("%s is tracked (in %s)", n, f.where())
		}
		return Fail, f.notInRev()
	case spec.GitCommitted:
		switch {
		case !f.tracked():
			if !f.inIndex && f.exists && !f.ignored && !f.rev && !f.unborn {
				return Fail, fmt.Sprintf("%s is untracked: commit it or back it up", n)
			}
			return Fail, f.notInRev()
		case !f.inIndex:
			return Fail, fmt.Sprintf("%s is staged for deletion (git rm): restore it with git restore --staged --worktree %s, or commit", n, n)
		case f.staged && !f.rev:
			return Fail, fmt.Sprintf("%s has staged changes not yet committed: commit them", n)
		case f.wt == wtDeleted:
			return Fail, fmt.Sprintf("%s is deleted in the work tree: restore it with git checkout -- %s, or commit the deletion", n, n)
		case f.wt == wtModified:
			return Fail, fmt.Sprintf("%s is modified in the worktree since the index: commit or stash", n)
		case f.rev && f.staged:
			return Fail, fmt.Sprintf("%s differs between %s and HEAD: the work tree matches HEAD, not that revision", n, f.where())
		}
		return OK, fmt.Sprintf("%s is committed", n)
	case spec.GitUntracked:
		switch {
		case f.inIndex:
			return Fail, fmt.Sprintf("%s is tracked (in the index), not untracked", n)
		case !f.exists:
			return Fail, fmt.Sprintf("%s does not exist", n)
		case f.ignored:
			return Fail, fmt.Sprintf("%s is ignored (by %s %q), not untracked", n, f.rule.src, f.rule.text)
		}
		return OK, fmt.Sprintf("%s is untracked (not in the index, not ignored)", n)
	case spec.GitIgnored:
		switch {
		case f.inIndex:
			return Fail, fmt.Sprintf("%s is tracked, so ignore rules do not apply to it", n)
		case !f.exists && f.ignored:
			return Fail, fmt.Sprintf("%s does not exist (a file there would be ignored by %s %q)", n, f.rule.src, f.rule.text)
		case !f.exists:
			return Fail, fmt.Sprintf("%s does not exist", n)
		case f.ignored:
			return OK, fmt.Sprintf("%s is ignored (by %s %q)", n, f.rule.src, f.rule.text)
		}
		return Fail, fmt.Sprintf("%s is not ignored: no .gitignore, .git/info/exclude or global excludes rule matches it", n)
	case spec.GitStaged:
		switch {
		case f.inIndex && f.staged && !f.inTree:
			return OK, fmt.Sprintf("%s is staged as a new file", n)
		case f.inIndex && f.staged:
			return OK, fmt.Sprintf("%s has staged changes (the index differs from %s)", n, f.where())
		case !f.inIndex && f.staged:
			return OK, fmt.Sprintf("%s is staged for deletion", n)
		case !f.inIndex:
			return Fail, fmt.Sprintf("%s has nothing staged: it is not in the index (git add it)", n)
		}
		return Fail, fmt.Sprintf("%s has no staged changes (the index matches %s)", n, f.where())
	case spec.GitModified:
		switch {
		case !f.inIndex:
			return Fail, fmt.Sprintf("%s is not tracked, so it cannot be modified (git status lists it as untracked or ignored)", n)
		case f.wt == wtDeleted:
			return OK, fmt.Sprintf("%s is deleted in the work tree", n)
		case f.wt == wtModified:
			return OK, fmt.Sprintf("%s is modified in the worktree since the index", n)
		}
		return Fail, fmt.Sprintf("%s is unchanged since the index", n)
	}
	return Error, fmt.Sprintf("unknown git state %q: use one of tracked, committed, untracked, ignored, staged, modified, clean", state)
}

// folderVerdict decides a state for a folder target from the entries
// under it.
func (f *gitFacts) folderVerdict(state string) (Status, string) {
	n := f.name + "/"
	switch state {
	case spec.GitTracked:
		if f.tracked() {
			return OK, fmt.Sprintf("%s is tracked (in %s)", n, f.where())
		}
		return Fail, f.notInRev()
	case spec.GitCommitted:
		switch {
		case !f.tracked():
			return Fail, f.notInRev()
		case len(f.dirStaged) > 0 && !f.rev:
			return Fail, fmt.Sprintf("%s has staged changes not yet committed (%s): commit them", n, listFew(f.dirStaged))
		case len(f.dirChanged) > 0:
			return Fail, fmt.Sprintf("%s has files modified in the worktree since the index (%s): commit or stash", n, listFew(f.dirChanged))
		}
		return OK, fmt.Sprintf("%s is committed (%d files)", n, f.dirEntries)
	case spec.GitUntracked:
		return Fail, fmt.Sprintf("%s holds tracked files, not untracked", n)
	case spec.GitIgnored:
		return Fail, fmt.Sprintf("%s holds tracked files, so ignore rules do not apply to them", n)
	case spec.GitStaged:
		if len(f.dirStaged) > 0 {
			return OK, fmt.Sprintf("%s has staged changes (%s)", n, listFew(f.dirStaged))
		}
		return Fail, fmt.Sprintf("%s has no staged changes", n)
	case spec.GitModified:
		if len(f.dirChanged) > 0 {
			return OK, fmt.Sprintf("%s has files modified in the worktree (%s)", n, listFew(f.dirChanged))
		}
		return Fail, fmt.Sprintf("%s has no files modified since the index", n)
	}
	return Error, fmt.Sprintf("unknown git state %q: use one of tracked, committed, untracked, ignored, staged, modified, clean", state)
}

// listFew shows up to three names and how many more.
func listFew(names []string) string {
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
}

// checkClean answers state clean for the whole work tree (rel "") or a
// folder in it: nothing staged, nothing modified, no untracked files.
// Unlike the per-path states it costs a walk: every index entry is
// compared with its file (by stat, hashing only racy or touched files)
// and the work tree is walked for untracked files, skipping ignored
// folders and .git, like git status. On 100k files expect a few hundred
// milliseconds.
func (g *gitRepo) checkClean(ctx context.Context, rel string) (Status, string) {
	g.mu.Lock()
	if err := g.refresh(ctx); err != nil {
		g.mu.Unlock()
		return Error, err.Error()
	}
	root, indexMTime, ignoreMode := g.root, g.indexMTime, g.ignoreMode
	// Index entries are never modified after load (a reload makes new
	// ones), so they can be read after the lock is released.
	entries := g.entriesUnder(rel)
	if rel != "" {
		if e, ok := g.index[rel]; ok {
			entries = append(entries, e)
		}
	}
	head, err := g.headFilesUnder(rel)
	if err != nil {
		g.mu.Unlock()
		return Error, err.Error()
	}
	if rel != "" {
		if e, ok := lookupTree(g.headTree, rel); ok && e.mode != filemode.Dir {
			head[rel] = e
		}
	}
	nConflicts := 0
	for p := range g.conflicted {
		if rel == "" || p == rel || strings.HasPrefix(p, rel+"/") {
			nConflicts++
		}
	}
	tracked := make(map[string]bool, len(entries))
	for _, e := range entries {
		tracked[e.Name] = true
	}
	g.mu.Unlock()

	var staged, modified, untracked []string
	seen := 0
	for i, e := range entries {
		if h, ok := head[e.Name]; !ok || h.hash != e.Hash || h.mode != e.Mode {
			staged = append(staged, e.Name)
		}
		if _, ok := head[e.Name]; ok {
			seen++
		}
		if i%256 == 0 && ctx.Err() != nil {
			return Error, ctx.Err().Error()
		}
		st, err := compareWorktree(ctx, root, e, indexMTime, ignoreMode)
		if err != nil {
			return Error, err.Error()
		}
		if st != wtSame {
			modified = append(modified, e.Name)
		}
	}
	if seen < len(head) { // files removed from the index
		for p := range head {
			if !tracked[p] {
				staged = append(staged, p)
			}
		}
	}
	sort.Strings(staged)
	untracked, err = g.untrackedUnder(ctx, rel, tracked)
	if err != nil {
		return Error, err.Error()
	}
	what := "the work tree"
	if rel != "" {
		what = rel
	}
	if len(staged)+len(modified)+len(untracked)+nConflicts == 0 {
		return OK, fmt.Sprintf("%s is clean (%d tracked files, nothing staged, modified or untracked)", what, len(entries))
	}
	var parts []string
	if nConflicts > 0 {
		parts = append(parts, fmt.Sprintf("%d with merge conflicts", nConflicts))
	}
	if len(staged) > 0 {
		parts = append(parts, fmt.Sprintf("%d staged (%s)", len(staged), listFew(staged)))
	}
	if len(modified) > 0 {
		parts = append(parts, fmt.Sprintf("%d modified (%s)", len(modified), listFew(modified)))
	}
	if len(untracked) > 0 {
		parts = append(parts, fmt.Sprintf("%d untracked (%s)", len(untracked), listFew(untracked)))
	}
	return Fail, fmt.Sprintf("%s is not clean: %s: commit, stash or remove them", what, strings.Join(parts, ", "))
}

// untrackedUnder walks the work tree under rel for files that are neither
// in the index nor ignored, as git status lists them (a folder holding
// only untracked files is listed as one "dir/" entry). It does not go into
// ignored folders, nested repositories or .git.
func (g *gitRepo) untrackedUnder(ctx context.Context, rel string, tracked map[string]bool) ([]string, error) {
	// Folders holding tracked files.
	trackedDirs := map[string]bool{"": true}
	for p := range tracked {
		for d := pathDir(p); d != ""; d = pathDir(d) {
			if trackedDirs[d] {
				break
			}
			trackedDirs[d] = true
		}
	}
	var out []string
	var walk func(dir string) error
	walk = func(dir string) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		full := filepath.Join(g.root, filepath.FromSlash(dir))
		ents, err := os.ReadDir(full)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return fmt.Errorf("listing %s: %w", full, err)
		}
		rules := g.ignoreRulesFor(childParts(dir, ""))
		for _, de := range ents {
			name := de.Name()
			p := name
			if dir != "" {
				p = dir + "/" + name
			}
			if p == ".git" || tracked[p] {
				continue
			}
			isDir := de.IsDir()
			if ign, _ := ignoredWith(rules, childParts(dir, name), isDir); ign {
				continue
			}
			if !isDir {
				out = append(out, p)
				continue
			}
			if trackedDirs[p] {
				if err := walk(p); err != nil {
					return err
				}
				continue
			}
			if _, err := os.Lstat(filepath.Join(full, name, ".git")); err == nil {
				out = append(out, p+"/") // a nested repository
				continue
			}
			if has, err := g.hasUntracked(ctx, p); err != nil {
				return err
			} else if has {
				out = append(out, p+"/")
			}
		}
		return nil
	}
	if err := walk(rel); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return out, nil
}

// hasUntracked reports whether the untracked folder dir holds any file
// that is not ignored (git status does not list empty or all-ignored
// folders).
func (g *gitRepo) hasUntracked(ctx context.Context, dir string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	full := filepath.Join(g.root, filepath.FromSlash(dir))
	ents, err := os.ReadDir(full)
	if err != nil {
		return false, nil
	}
	rules := g.ignoreRulesFor(childParts(dir, ""))
	for _, de := range ents {
		p := dir + "/" + de.Name()
		if ign, _ := ignoredWith(rules, childParts(dir, de.Name()), de.IsDir()); ign {
			continue
		}
		if !de.IsDir() {
			return true, nil
		}
		if has, err := g.hasUntracked(ctx, p); err != nil || has {
			return has, err
		}
	}
	return false, nil
}

// pathDir is the folder part of a slash path, "" at the top.
func pathDir(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i]
	}
	return ""
}

// childParts splits dir/name into path parts ("" dir = the top).
func childParts(dir, name string) []string {
	if dir == "" {
		return []string{name}
	}
	return append(strings.Split(dir, "/"), name)
}
