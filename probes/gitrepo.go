package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// gitCache keeps one gitRepo per work tree across checks and runs.
type gitCache struct {
	mu    sync.Mutex
	repos map[string]*gitRepo // by work tree root
	roots map[string]string   // folder → work tree root found above it
}

// workTree is findWorkTree with the answer remembered per folder (only
// when a work tree was found: a repository created later is still seen).
func (c *gitCache) workTree(path string) string {
	dir := path
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	c.mu.Lock()
	root, ok := c.roots[dir]
	c.mu.Unlock()
	if ok {
		if _, err := os.Lstat(filepath.Join(root, ".git")); err == nil {
			return root
		}
	}
	root = findWorkTree(path)
	if root != "" {
		c.mu.Lock()
		if c.roots == nil {
			c.roots = map[string]string{}
		}
		if len(c.roots) > 4096 {
			clear(c.roots)
		}
		c.roots[dir] = root
		c.mu.Unlock()
	}
	return root
}

// repo returns the cached state of the repository whose work tree is
// root, creating it on first use.
func (c *gitCache) repo(root string) *gitRepo {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.repos == nil {
		c.repos = map[string]*gitRepo{}
	}
	g := c.repos[root]
	if g == nil {
		g = &gitRepo{root: root}
		c.repos[root] = g
	}
	return g
}

// gitRepo is what gonogo keeps of one repository between checks: the
// HEAD tree and a map of the index. Both are reloaded only when a stat of
// the files they come from (.git/index, HEAD, the ref HEAD points to,
// packed-refs) changes, so a check after the first costs a few stats and
// map lookups whatever the size of the repository.
//
// The repository is opened read-only through go-git's filesystem storage:
// nothing here writes to it, not even .git/index (git status would
// refresh it; we never do).
type gitRepo struct {
	mu        sync.Mutex // guards everything below; object.Tree caches are not safe for concurrent use
	root      string     // work tree
	gitDir    string     // HEAD and index live here (.git, or .git/worktrees/W for a linked worktree)
	commonDir string     // refs, packed-refs, objects, config, info/exclude
	stamp     string
	checkedIn uint64 // the Run that last compared stamps
	repo      *git.Repository
	loadErr   error

	headHash   plumbing.Hash
	headName   string // branch name, "" when detached
	unborn     bool
	headTree   *pathTree
	index      map[string]*index.Entry // stage 0 entries by slash path
	conflicted map[string]bool         // paths with merge stages 1-3
	names      []string                // sorted index paths, for prefix scans
	indexMTime time.Time               // for racy-git detection
	ignoreMode bool                    // core.fileMode=false: the exec bit is not compared
	revTrees   map[string]*revTree
	headFiles  map[string]treeEntry // every file of HEAD, built on first need
}

// headFilesUnder maps the files of HEAD under folder rel ("" = all) to
// their entries. The map of the whole tree is built once per HEAD and
// shared: callers must not modify what they get. Under g.mu.
func (g *gitRepo) headFilesUnder(rel string) (map[string]treeEntry, error) {
	if rel != "" {
		return treeFilesUnder(g.headTree, rel)
	}
	if g.headFiles == nil {
		m, err := treeFilesUnder(g.headTree, "")
		if err != nil {
			return nil, err
		}
		g.headFiles = m
	}
	return g.headFiles, nil
}

// revTree is a resolved revision: "HEAD~1" → commit → tree.
type revTree struct {
	hash plumbing.Hash
	tree *pathTree
	err  error
}

// pathTree is a tree with its decoded subtrees cached by folder path.
// go-git's own FindEntry cache skips first-level folders, so every lookup
// decoded a folder again and cost grew with the folder's size; with this
// cache a lookup after the first is a few map and binary searches.
type pathTree struct {
	root *object.Tree
	dirs map[string]*object.Tree // nil value: not a folder in the tree
}

func newPathTree(t *object.Tree) *pathTree {
	return &pathTree{root: t, dirs: map[string]*object.Tree{}}
}

// sub returns the decoded tree of folder dir ("" = root), or nil.
func (p *pathTree) sub(dir string) *object.Tree {
	if dir == "" {
		return p.root
	}
	if t, ok := p.dirs[dir]; ok {
		return t
	}
	var t *object.Tree
	if parent := p.sub(pathDir(dir)); parent != nil {
		base := dir[strings.LastIndexByte(dir, '/')+1:]
		if e, err := parent.FindEntry(base); err == nil && e.Mode == filemode.Dir {
			t, _ = parent.Tree(base)
		}
	}
	p.dirs[dir] = t
	return t
}

// findWorkTree walks up from start to the folder holding .git (a folder,
// or a file for linked worktrees and submodules). It returns "" when
// there is none.
func findWorkTree(start string) string {
	dir := start
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		// Skip folders that do not exist yet (a target to be created).
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// resolveGitDirs finds the git dir and common dir of a work tree, reading
// a .git file ("gitdir: …") and commondir as git does.
func resolveGitDirs(root string) (gitDir, commonDir string, err error) {
	dot := filepath.Join(root, ".git")
	fi, err := os.Stat(dot)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", dot, err)
	}
	gitDir = dot
	if !fi.IsDir() {
		b, err := os.ReadFile(dot)
		if err != nil {
			return "", "", fmt.Errorf("reading %s: %w", dot, err)
		}
		line := strings.TrimSpace(string(b))
		if !strings.HasPrefix(line, "gitdir:") {
			return "", "", fmt.Errorf("%s is a file without a gitdir: line", dot)
		}
		gitDir = strings.TrimSpace(strings.TrimPrefix(line, "gitdir:"))
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(root, gitDir)
		}
	}
	commonDir = gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		commonDir = filepath.Clean(c)
	}
	return gitDir, commonDir, nil
}

// statStamp identifies a file's version by size, mtime and inode; "-" when
// it does not exist.
func statStamp(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "-"
	}
	ino := uint64(0)
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = st.Ino
	}
	return fmt.Sprintf("%d.%d.%d", fi.Size(), fi.ModTime().UnixNano(), ino)
}

// currentStamp reads what decides whether the cached state is stale:
// HEAD's content, and stats of the index, the ref HEAD points to,
// packed-refs and the config (core.fileMode).
func (g *gitRepo) currentStamp() string {
	head, _ := os.ReadFile(filepath.Join(g.gitDir, "HEAD"))
	var b strings.Builder
	b.Write(head)
	b.WriteString("|" + statStamp(filepath.Join(g.gitDir, "index")))
	if ref, ok := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: "); ok {
		b.WriteString("|" + statStamp(filepath.Join(g.commonDir, filepath.FromSlash(ref))))
	}
	b.WriteString("|" + statStamp(filepath.Join(g.commonDir, "packed-refs")))
	b.WriteString("|" + statStamp(filepath.Join(g.commonDir, "config")))
	return b.String()
}

// refresh (under g.mu) reloads HEAD and the index when they changed since
// the last load. Within one Run it compares stamps only once, so all the
// probes of a Run see the same state of the repository.
func (g *gitRepo) refresh(ctx context.Context) error {
	id := runID(ctx)
	if id != 0 && id == g.checkedIn && g.repo != nil {
		return g.loadErr // already checked for staleness in this Run
	}
	g.checkedIn = id
	if g.gitDir == "" {
		gd, cd, err := resolveGitDirs(g.root)
		if err != nil {
			return err
		}
		g.gitDir, g.commonDir = gd, cd
	}
	stamp := g.currentStamp()
	if stamp == g.stamp && g.repo != nil {
		return g.loadErr
	}
	g.stamp = stamp
	g.loadErr = g.load()
	return g.loadErr
}

// load opens the repository and reads HEAD and the index.
func (g *gitRepo) load() error {
	g.repo, g.headTree, g.index, g.names, g.revTrees, g.headFiles = nil, nil, nil, nil, map[string]*revTree{}, nil
	g.conflicted = map[string]bool{}
	g.headHash, g.headName, g.unborn = plumbing.ZeroHash, "", false
	if _, err := os.Stat(filepath.Join(g.gitDir, "HEAD")); err != nil {
		return fmt.Errorf("%s has no HEAD file: not a usable git repository (%w)", g.gitDir, err)
	}
	repo, err := git.PlainOpenWithOptions(g.root, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return fmt.Errorf("opening the repository at %s: %w", g.root, err)
	}
	g.repo = repo
	if cfg, err := repo.Config(); err == nil {
		g.ignoreMode = strings.EqualFold(cfg.Raw.Section("core").Option("filemode"), "false")
	}

	head, err := repo.Reference(plumbing.HEAD, false)
	if err != nil {
		return fmt.Errorf("reading HEAD of %s: %w", g.root, err)
	}
	if head.Type() == plumbing.SymbolicReference {
		g.headName = head.Target().Short()
		ref, err := repo.Reference(head.Target(), true)
		switch {
		case errors.Is(err, plumbing.ErrReferenceNotFound):
			g.unborn = true
		case err != nil:
			return fmt.Errorf("resolving HEAD (%s) of %s: %w", head.Target(), g.root, err)
		default:
			g.headHash = ref.Hash()
		}
	} else {
		g.headHash = head.Hash()
	}
	if !g.unborn {
		commit, err := repo.CommitObject(g.headHash)
		if err != nil {
			return fmt.Errorf("reading HEAD commit %s of %s: %w", g.headHash, g.root, err)
		}
		t, err := commit.Tree()
		if err != nil {
			return fmt.Errorf("reading the tree of HEAD %s of %s: %w", g.headHash, g.root, err)
		}
		g.headTree = newPathTree(t)
	}

	idx, err := repo.Storer.Index()
	if err != nil {
		return fmt.Errorf("reading %s: %w", filepath.Join(g.gitDir, "index"), err)
	}
	g.index = make(map[string]*index.Entry, len(idx.Entries))
	g.names = make([]string, 0, len(idx.Entries))
	for _, e := range idx.Entries {
		// Stage 0 is a merged entry (go-git's index.Merged constant is 1,
		// which is wrong for entries it decodes).
		if e.Stage != 0 {
			g.conflicted[e.Name] = true
			continue
		}
		g.index[e.Name] = e
		g.names = append(g.names, e.Name)
	}
	sort.Strings(g.names)
	g.indexMTime = idx.ModTime
	if fi, err := os.Stat(filepath.Join(g.gitDir, "index")); err == nil {
		g.indexMTime = fi.ModTime()
	}
	return nil
}

// headLabel names HEAD for messages: "HEAD (main)", "HEAD (detached at 1a2b3c4)".
func (g *gitRepo) headLabel() string {
	if g.headName == "" {
		return "HEAD (detached at " + short(g.headHash) + ")"
	}
	return "HEAD"
}

// short abbreviates a hash to 7 digits.
func short(h plumbing.Hash) string { return h.String()[:7] }

// tree returns the tree to look paths up in: HEAD's, or rev's when set.
// The boolean is false on an unborn branch (no tree). Under g.mu.
func (g *gitRepo) tree(rev string) (*pathTree, string, error) {
	if rev == "" || rev == "HEAD" {
		return g.headTree, g.headLabel(), nil
	}
	rt, ok := g.revTrees[rev]
	if !ok {
		rt = &revTree{}
		h, err := g.repo.ResolveRevision(plumbing.Revision(rev))
		if err != nil {
			rt.err = fmt.Errorf("revision %q does not resolve in %s (%v): check the name with git rev-parse %s", rev, g.root, err, rev)
		} else {
			rt.hash = *h
			c, err := g.repo.CommitObject(*h)
			var t *object.Tree
			if err == nil {
				t, err = c.Tree()
			}
			rt.tree = newPathTree(t)
			if err != nil {
				rt.err = fmt.Errorf("revision %q (%s) is not a readable commit in %s: %w", rev, short(*h), g.root, err)
			}
		}
		g.revTrees[rev] = rt
	}
	if rt.err != nil {
		return nil, "", rt.err
	}
	return rt.tree, rev + " (" + short(rt.hash) + ")", nil
}

// treeEntry is what a tree or the index says about one path.
type treeEntry struct {
	hash plumbing.Hash
	mode filemode.FileMode
}

// lookupTree finds rel in tree; ok is false when it is not there. Under g.mu.
func lookupTree(tree *pathTree, rel string) (treeEntry, bool) {
	if tree == nil || tree.root == nil {
		return treeEntry{}, false
	}
	dir := tree.sub(pathDir(rel))
	if dir == nil {
		return treeEntry{}, false
	}
	e, err := dir.FindEntry(rel[strings.LastIndexByte(rel, '/')+1:])
	if err != nil {
		return treeEntry{}, false
	}
	return treeEntry{hash: e.Hash, mode: e.Mode}, true
}

// entriesUnder returns the index entries under the folder rel ("" = all).
// Under g.mu.
func (g *gitRepo) entriesUnder(rel string) []*index.Entry {
	prefix := ""
	if rel != "" {
		prefix = rel + "/"
	}
	i := sort.SearchStrings(g.names, prefix)
	var out []*index.Entry
	for ; i < len(g.names) && strings.HasPrefix(g.names[i], prefix); i++ {
		out = append(out, g.index[g.names[i]])
	}
	return out
}

// treeFilesUnder maps every file (and gitlink) under the folder rel of
// tree to its entry. Under g.mu.
func treeFilesUnder(tree *pathTree, rel string) (map[string]treeEntry, error) {
	out := map[string]treeEntry{}
	if tree == nil || tree.root == nil {
		return out, nil
	}
	sub := tree.sub(rel)
	if sub == nil {
		return out, nil // not a folder in the tree: nothing under it
	}
	w := object.NewTreeWalker(sub, true, nil)
	defer w.Close()
	for {
		name, e, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("walking the tree under %q: %w", rel, err)
		}
		if e.Mode == filemode.Dir {
			continue
		}
		if rel != "" {
			name = rel + "/" + name
		}
		out[name] = treeEntry{hash: e.Hash, mode: e.Mode}
	}
	return out, nil
}

// wtState is how a worktree file compares with its index entry.
type wtState int

const (
	wtSame     wtState = iota // unchanged since the index
	wtModified                // content, mode or type changed
	wtDeleted                 // gone from the worktree
)

// compareWorktree compares the worktree file of an index entry with the
// entry: first by type, mode and size, then mtime (trusting an equal
// mtime unless the entry is racy, i.e. not older than the index file),
// and only then by hashing the content as a blob. Filters (autocrlf,
// LFS) are not applied: a file with a clean filter may read as modified.
func compareWorktree(ctx context.Context, root string, e *index.Entry, indexMTime time.Time, ignoreMode bool) (wtState, error) {
	full := filepath.Join(root, filepath.FromSlash(e.Name))
	fi, err := os.Lstat(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return wtDeleted, nil
		}
		return wtSame, fmt.Errorf("reading %s: %w", full, err)
	}
	if e.SkipWorktree {
		return wtSame, nil
	}
	switch e.Mode {
	case filemode.Submodule:
		if !fi.IsDir() {
			return wtModified, nil
		}
		return compareSubmodule(full, e.Hash), nil
	case filemode.Symlink:
		if fi.Mode()&fs.ModeSymlink == 0 {
			return wtModified, nil
		}
	default:
		if !fi.Mode().IsRegular() {
			return wtModified, nil
		}
		exec := fi.Mode()&0o111 != 0
		if exec != (e.Mode == filemode.Executable) && !ignoreMode {
			return wtModified, nil
		}
	}
	if uint32(fi.Size()) != e.Size {
		return wtModified, nil
	}
	if fi.ModTime().Equal(e.ModifiedAt) && e.ModifiedAt.Before(indexMTime) {
		return wtSame, nil
	}
	h, err := blobHash(ctx, full, fi)
	if err != nil {
		return wtSame, err
	}
	if h != e.Hash {
		return wtModified, nil
	}
	return wtSame, nil
}

// compareSubmodule says whether the submodule checked out at dir is at
// commit want. An uninitialised submodule (empty folder) counts as
// unchanged, as git status does.
func compareSubmodule(dir string, want plumbing.Hash) wtState {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err != nil {
		return wtSame
	}
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return wtSame
	}
	h, err := r.Head()
	if err != nil || h.Hash() != want {
		return wtModified
	}
	return wtSame
}

// blobHash is git's object id of a worktree file (or symlink target),
// streamed, stopping at ctx's deadline.
func blobHash(ctx context.Context, full string, fi fs.FileInfo) (plumbing.Hash, error) {
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(full)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading link %s: %w", full, err)
		}
		h := plumbing.NewHasher(plumbing.BlobObject, int64(len(target)))
		_, _ = io.Copy(h, bytes.NewReader([]byte(target)))
		return h.Sum(), nil
	}
	f, err := os.Open(full)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, err)
	}
	defer f.Close()
	h := plumbing.NewHasher(plumbing.BlobObject, fi.Size())
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, err)
	}
	return h.Sum(), nil
}
