package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is what is kept of one repository between checks: the HEAD tree
// and a map of the index. Both are reloaded only when a stat of the files
// they come from (.git/index, HEAD, the ref HEAD points to, packed-refs,
// config) changes.
//
// The repository is opened read-only through go-git's filesystem storage:
// nothing here writes to it.
type Repo struct {
	mu        sync.Mutex  // guards everything below; object.Tree caches are not safe for concurrent use
	root      string      // work tree
	files     *smallFiles // shared with the other repositories of the Cache
	gitDir    string      // HEAD and index live here (.git, or .git/worktrees/W for a linked worktree)
	commonDir string      // refs, packed-refs, objects, config, info/exclude
	stamp     string
	checkedIn uint64 // the snapshot that last compared stamps
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

// Root is the repository's work tree.
func (g *Repo) Root() string { return g.root }

// headFilesUnder maps the files of HEAD under folder rel ("" = all) to
// their entries. The map of the whole tree is built once per HEAD and
// shared: callers must not modify what they get for "". Under g.mu.
func (g *Repo) headFilesUnder(rel string) (map[string]treeEntry, error) {
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

// currentStamp reads what decides whether the cached state is stale:
// HEAD's content, and stats of the index, the ref HEAD points to,
// packed-refs and the config (core.fileMode).
func (g *Repo) currentStamp() string {
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
// the last load. Within one snapshot (WithSnapshot) it compares stamps
// only once, so all the checks of a round see the same state.
func (g *Repo) refresh(ctx context.Context) error {
	id := snapshotID(ctx)
	if id != 0 && id == g.checkedIn && g.repo != nil {
		return g.loadErr // already checked for staleness in this round
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
func (g *Repo) load() error {
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

// headLabel names HEAD for messages: "HEAD", "HEAD (detached at 1a2b3c4)".
func (g *Repo) headLabel() string {
	if g.headName == "" {
		return "HEAD (detached at " + short(g.headHash) + ")"
	}
	return "HEAD"
}

// short abbreviates a hash to 7 digits.
func short(h plumbing.Hash) string { return h.String()[:7] }

// tree returns the tree to look paths up in, HEAD's or rev's when set,
// and its label. The tree is nil on an unborn branch. Under g.mu.
func (g *Repo) tree(rev string) (*pathTree, string, error) {
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
func (g *Repo) entriesUnder(rel string) []*index.Entry {
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
