package probes

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes/gitstate"
)

func init() { register(spec.KindGit, checkGit) }

// checkGit answers a git probe: is the path tracked / committed /
// untracked / ignored / staged / modified, or is the whole tree clean.
// Per-path questions look the path up in the cached HEAD (or Rev) tree and
// index and compare one worktree file; they never walk the tree. The facts
// come from package gitstate; the verdict and its message are decided here.
func checkGit(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.GitParams) (Status, string) {
	ctx = gitstate.WithSnapshot(ctx, runID(ctx))
	state := p.State
	if state == "" {
		state = spec.GitCommitted
	}
	start := p.Repo
	if start == "" {
		start = p.Path
	}
	root := r.git.WorkTree(start)
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
		if outer := gitstate.FindWorkTree(filepath.Dir(root)); outer != "" {
			if orel, err := relInRepo(outer, p.Path); err == nil {
				root, rel = outer, orel
			}
		}
	}
	g := r.git.Repo(root)
	if state == spec.GitClean {
		rep, err := g.Clean(ctx, rel)
		if err != nil {
			return Error, err.Error()
		}
		return cleanVerdict(rel, rep)
	}
	if rel == "" {
		return Error, fmt.Sprintf("git state %q needs a path inside the repository, not its top %s (use state: clean for the whole tree)", state, root)
	}
	f, err := g.Facts(ctx, rel, p.Rev)
	if err != nil {
		return Error, err.Error()
	}
	return gitVerdict(f, state)
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

// notInRev explains why the path is not in the revision, with what it is
// instead.
func notInRev(f *gitstate.Facts) string {
	n := f.Rel
	switch {
	case f.Unborn:
		return fmt.Sprintf("%s is not in HEAD: branch %s has no commits yet", n, f.Branch)
	case f.Rev && (f.InIndex || f.Folder()):
		return fmt.Sprintf("%s is not in %s (it exists in the index now, but not in that revision)", n, f.RevLabel)
	case f.InIndex:
		return fmt.Sprintf("%s is not in %s (added to the index, not yet committed): commit it", n, f.RevLabel)
	case f.Ignored && f.Exists:
		return fmt.Sprintf("%s is not in %s (ignored by %s %q): commit it with git add -f, or back it up", n, f.RevLabel, f.Rule.Src, f.Rule.Text)
	case f.Exists:
		return fmt.Sprintf("%s is not in %s (untracked)", n, f.RevLabel)
	default:
		return fmt.Sprintf("%s is not in %s and does not exist in the work tree", n, f.RevLabel)
	}
}

// gitVerdict decides the asked state from the facts.
func gitVerdict(f *gitstate.Facts, state string) (Status, string) {
	n := f.Rel
	if f.Submodule != "" {
		return Error, fmt.Sprintf("%s is inside submodule %s: point repo: at the submodule to check it", n, f.Submodule)
	}
	if f.Conflicted {
		if state == spec.GitModified || state == spec.GitStaged {
			return OK, fmt.Sprintf("%s has an unresolved merge conflict", n)
		}
		return Fail, fmt.Sprintf("%s has an unresolved merge conflict: resolve it and commit", n)
	}
	if f.Folder() {
		return folderVerdict(f, state)
	}
	switch state {
	case spec.GitTracked:
		if f.InTree {
			return OK, fmt.Sprintf("%s is tracked (in %s)", n, f.RevLabel)
		}
		return Fail, notInRev(f)
	case spec.GitCommitted:
		switch {
		case !f.InTree:
			if !f.InIndex && f.Exists && !f.Ignored && !f.Rev && !f.Unborn {
				return Fail, fmt.Sprintf("%s is untracked: commit it or back it up", n)
			}
			return Fail, notInRev(f)
		case !f.InIndex:
			return Fail, fmt.Sprintf("%s is staged for deletion (git rm): restore it with git restore --staged --worktree %s, or commit", n, n)
		case f.Staged && !f.Rev:
			return Fail, fmt.Sprintf("%s has staged changes not yet committed: commit them", n)
		case f.Worktree == gitstate.Deleted:
			return Fail, fmt.Sprintf("%s is deleted in the work tree: restore it with git checkout -- %s, or commit the deletion", n, n)
		case f.Worktree == gitstate.Modified:
			return Fail, fmt.Sprintf("%s is modified in the worktree since the index: commit or stash", n)
		case f.Rev && f.Staged:
			return Fail, fmt.Sprintf("%s differs between %s and HEAD: the work tree matches HEAD, not that revision", n, f.RevLabel)
		}
		return OK, fmt.Sprintf("%s is committed", n)
	case spec.GitUntracked:
		switch {
		case f.InIndex:
			return Fail, fmt.Sprintf("%s is tracked (in the index), not untracked", n)
		case !f.Exists:
			return Fail, fmt.Sprintf("%s does not exist", n)
		case f.Ignored:
			return Fail, fmt.Sprintf("%s is ignored (by %s %q), not untracked", n, f.Rule.Src, f.Rule.Text)
		}
		return OK, fmt.Sprintf("%s is untracked (not in the index, not ignored)", n)
	case spec.GitIgnored:
		switch {
		case f.InIndex:
			return Fail, fmt.Sprintf("%s is tracked, so ignore rules do not apply to it", n)
		case !f.Exists && f.Ignored:
			return Fail, fmt.Sprintf("%s does not exist (a file there would be ignored by %s %q)", n, f.Rule.Src, f.Rule.Text)
		case !f.Exists:
			return Fail, fmt.Sprintf("%s does not exist", n)
		case f.Ignored:
			return OK, fmt.Sprintf("%s is ignored (by %s %q)", n, f.Rule.Src, f.Rule.Text)
		}
		return Fail, fmt.Sprintf("%s is not ignored: no .gitignore, .git/info/exclude or global excludes rule matches it", n)
	case spec.GitStaged:
		switch {
		case f.InIndex && f.Staged && !f.InTree:
			return OK, fmt.Sprintf("%s is staged as a new file", n)
		case f.InIndex && f.Staged:
			return OK, fmt.Sprintf("%s has staged changes (the index differs from %s)", n, f.RevLabel)
		case !f.InIndex && f.Staged:
			return OK, fmt.Sprintf("%s is staged for deletion", n)
		case !f.InIndex:
			return Fail, fmt.Sprintf("%s has nothing staged: it is not in the index (git add it)", n)
		}
		return Fail, fmt.Sprintf("%s has no staged changes (the index matches %s)", n, f.RevLabel)
	case spec.GitModified:
		switch {
		case !f.InIndex:
			return Fail, fmt.Sprintf("%s is not tracked, so it cannot be modified (git status lists it as untracked or ignored)", n)
		case f.Worktree == gitstate.Deleted:
			return OK, fmt.Sprintf("%s is deleted in the work tree", n)
		case f.Worktree == gitstate.Modified:
			return OK, fmt.Sprintf("%s is modified in the worktree since the index", n)
		}
		return Fail, fmt.Sprintf("%s is unchanged since the index", n)
	}
	return Error, fmt.Sprintf("unknown git state %q: use one of tracked, committed, untracked, ignored, staged, modified, clean", state)
}

// folderVerdict decides a state for a folder target from the entries
// under it.
func folderVerdict(f *gitstate.Facts, state string) (Status, string) {
	n := f.Rel + "/"
	switch state {
	case spec.GitTracked:
		if f.InTree {
			return OK, fmt.Sprintf("%s is tracked (in %s)", n, f.RevLabel)
		}
		return Fail, notInRev(f)
	case spec.GitCommitted:
		switch {
		case !f.InTree:
			return Fail, notInRev(f)
		case len(f.DirStaged) > 0 && !f.Rev:
			return Fail, fmt.Sprintf("%s has staged changes not yet committed (%s): commit them", n, listFew(f.DirStaged))
		case len(f.DirChanged) > 0:
			return Fail, fmt.Sprintf("%s has files modified in the worktree since the index (%s): commit or stash", n, listFew(f.DirChanged))
		}
		return OK, fmt.Sprintf("%s is committed (%d files)", n, f.DirEntries)
	case spec.GitUntracked:
		return Fail, fmt.Sprintf("%s holds tracked files, not untracked", n)
	case spec.GitIgnored:
		return Fail, fmt.Sprintf("%s holds tracked files, so ignore rules do not apply to them", n)
	case spec.GitStaged:
		if len(f.DirStaged) > 0 {
			return OK, fmt.Sprintf("%s has staged changes (%s)", n, listFew(f.DirStaged))
		}
		return Fail, fmt.Sprintf("%s has no staged changes", n)
	case spec.GitModified:
		if len(f.DirChanged) > 0 {
			return OK, fmt.Sprintf("%s has files modified in the worktree (%s)", n, listFew(f.DirChanged))
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

// cleanVerdict words the report of state clean for the folder rel (""
// for the whole work tree).
func cleanVerdict(rel string, rep *gitstate.CleanReport) (Status, string) {
	what := "the work tree"
	if rel != "" {
		what = rel
	}
	if rep.IsClean() {
		return OK, fmt.Sprintf("%s is clean (%d tracked files, nothing staged, modified or untracked)", what, rep.Tracked)
	}
	var parts []string
	if rep.Conflicts > 0 {
		parts = append(parts, fmt.Sprintf("%d with merge conflicts", rep.Conflicts))
	}
	if len(rep.Staged) > 0 {
		parts = append(parts, fmt.Sprintf("%d staged (%s)", len(rep.Staged), listFew(rep.Staged)))
	}
	if len(rep.Modified) > 0 {
		parts = append(parts, fmt.Sprintf("%d modified (%s)", len(rep.Modified), listFew(rep.Modified)))
	}
	if len(rep.Untracked) > 0 {
		parts = append(parts, fmt.Sprintf("%d untracked (%s)", len(rep.Untracked), listFew(rep.Untracked)))
	}
	return Fail, fmt.Sprintf("%s is not clean: %s: commit, stash or remove them", what, strings.Join(parts, ", "))
}
