package gitstate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/filesystem/dotgit"
)

// Repo is what is kept of one repository between checks: the HEAD tree
// and the decoded index. Both are reloaded only when a stat of the files
// they come from (.git/index, HEAD, the ref HEAD points to, packed-refs,
// config) changes.
//
// HEAD, refs, config and the index are read by this package, bounded;
// go-git reads objects (commits and trees) only. Nothing here writes to
// the repository.
type Repo struct {
	mu        sync.Mutex // guards everything below; the tree caches are not safe for concurrent use
	root      string     // work tree
	cache     *Cache     // for submodules and the small-file cache
	gitDir    string     // HEAD and index live here (.git, or .git/worktrees/W for a linked worktree)
	commonDir string     // refs, packed-refs, objects, config, info/exclude
	stamp     string
	checkedIn uint64 // the snapshot that last compared stamps
	loaded    bool
	loadErr   error

	cfg        repoConfig
	head       headRef
	headHex    string // HEAD's commit id as git prints it
	cli        bool   // read through the git CLI (cliWhy says why)
	cliWhy     string
	storer     storage.Storer // go-git's, for what objects cannot read
	objects    *objectStore
	headTree   *pathTree
	idx        *indexFile
	indexMTime time.Time // for racy-git detection
	revTrees   map[string]*revTree

	listMu   sync.Mutex
	listings map[string]*listing // untracked files by folder, kept across checks (see walker.list)
	listHits atomic.Int64        // listings reused, for tests
}

// Root is the repository's work tree.
func (g *Repo) Root() string { return g.root }

// revTree is a resolved revision: "HEAD~1" → commit → tree.
type revTree struct {
	hash plumbing.Hash
	tree *pathTree
	err  error
}

// currentStamp reads what decides whether the cached state is stale:
// HEAD's content, and stats of the index, the ref HEAD points to,
// packed-refs and the config (core.fileMode).
func (g *Repo) currentStamp(ctx context.Context) string {
	head, _ := readBounded(ctx, filepath.Join(g.gitDir, "HEAD"), capSmall, true)
	var b strings.Builder
	b.Write(head)
	b.WriteString("|" + statStamp(filepath.Join(g.gitDir, "index")))
	if ref, ok := strings.CutPrefix(strings.TrimSpace(string(head)), "ref: "); ok && validRefName(ref) {
		b.WriteString("|" + statStamp(filepath.Join(g.commonDir, filepath.FromSlash(ref))))
	}
	b.WriteString("|" + statStamp(filepath.Join(g.commonDir, "packed-refs")))
	b.WriteString("|" + statStamp(filepath.Join(g.commonDir, "config")))
	b.WriteString("|" + statStamp(filepath.Join(g.gitDir, "config.worktree")))
	return b.String()
}

// refresh (under g.mu) reloads HEAD and the index when they changed since
// the last load. Within one snapshot (WithSnapshot) it compares stamps
// only once, so all the checks of a round see the same state.
func (g *Repo) refresh(ctx context.Context) error {
	id := snapshotID(ctx)
	if id != 0 && id == g.checkedIn && g.loaded {
		return g.loadErr // already checked for staleness in this round
	}
	g.checkedIn = id
	if g.gitDir == "" {
		gd, cd, err := resolveGitDirs(ctx, g.root)
		if err != nil {
			return err
		}
		g.gitDir, g.commonDir = gd, cd
	}
	stamp := g.currentStamp(ctx)
	if stamp == g.stamp && g.loaded {
		return g.loadErr
	}
	g.stamp, g.loaded = stamp, true
	g.loadErr = g.load(ctx)
	if ctx.Err() != nil {
		g.loaded = false // cut off: try again next time
	}
	return g.loadErr
}

// load reads HEAD, the config and the index.
func (g *Repo) load(ctx context.Context) error {
	g.storer, g.headTree, g.idx, g.revTrees = nil, nil, nil, map[string]*revTree{}
	g.head, g.headHex, g.cli, g.cliWhy = headRef{}, "", false, ""
	if _, err := os.Stat(filepath.Join(g.gitDir, "HEAD")); err != nil {
		return fmt.Errorf("%s has no HEAD file: not a usable git repository (%w)", g.gitDir, err)
	}
	g.cfg = readRepoConfig(ctx, g.gitDir, g.commonDir)
	if g.cfg.unsupported != "" {
		return g.loadCLI(ctx, g.cfg.unsupported)
	}
	if forceCLI {
		return g.loadCLI(ctx, "forced by a test")
	}
	head, err := readHead(ctx, g.gitDir, g.commonDir)
	if err != nil {
		return fmt.Errorf("reading HEAD of %s: %w", g.root, err)
	}
	g.head, g.headHex = head, head.hash.String()
	g.storer = openObjects(g.gitDir, g.commonDir)
	if g.objects != nil {
		g.objects.close()
	}
	g.objects = newObjectStore(g.commonDir, g.storer)
	if !head.unborn {
		if err := g.readHeadTree(); err != nil {
			// Objects go-git cannot read (a pack format, alternates it
			// does not follow): git may still read them.
			if cliErr := g.loadCLI(ctx, err.Error()); cliErr != nil {
				g.cli = false
				return err
			}
			return nil
		}
	}
	indexPath := filepath.Join(g.gitDir, "index")
	if fi, err := os.Stat(indexPath); err == nil {
		g.indexMTime = fi.ModTime()
	}
	if g.idx, err = readIndex(ctx, g.gitDir, indexPath, g.expandSparse); err != nil {
		if errors.Is(err, errUnsupportedIndex) {
			return g.loadCLI(ctx, err.Error())
		}
		return err
	}
	return nil
}

// expandSparse lists the files of a folder entry of a sparse index (its
// name ends in "/", its id is a tree) as skip-worktree entries.
func (g *Repo) expandSparse(dir indexEntry) ([]indexEntry, error) {
	files, err := newPathTree(g.objects, dir.hash).filesUnder("")
	if err != nil {
		return nil, err
	}
	out := make([]indexEntry, 0, len(files))
	for name, e := range files {
		out = append(out, indexEntry{name: dir.name + name, mode: e.mode, hash: e.hash, skipWorktree: true})
	}
	return out, nil
}

// readHeadTree reads the commit HEAD points to and its top tree.
func (g *Repo) readHeadTree() error {
	t, err := commitTree(g.objects, g.head.hash)
	if err != nil {
		return fmt.Errorf("reading HEAD commit %s of %s: %w", g.head.hash, g.root, err)
	}
	g.headTree = newPathTree(g.objects, t)
	if _, _, err := g.headTree.sub(""); err != nil {
		return fmt.Errorf("reading the tree of HEAD %s of %s: %w", g.head.hash, g.root, err)
	}
	return nil
}

// forceCLI is set by tests to read every repository through the git CLI.
var forceCLI bool

// openObjects returns go-git's object storage for the repository: the git
// dir for per-worktree files, the common dir for objects (with
// alternates at any absolute path, as clone --shared writes them).
func openObjects(gitDir, commonDir string) storage.Storer {
	real := func(p string) string {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return r
		}
		return p
	}
	fs := dotgit.NewRepositoryFilesystem(osfs.New(real(gitDir)), osfs.New(real(commonDir)))
	return filesystem.NewStorageWithOptions(fs, cache.NewObjectLRUDefault(), filesystem.Options{AlternatesFS: osfs.New("/")})
}

// headLabel names HEAD for messages: "HEAD", "HEAD (detached at 1a2b3c4)".
func (g *Repo) headLabel() string {
	if g.head.target == "" {
		return "HEAD (detached at " + g.headHex[:min(7, len(g.headHex))] + ")"
	}
	return "HEAD"
}

// branch is HEAD's branch name ("main"), "" when detached.
func (g *Repo) branch() string {
	return strings.TrimPrefix(g.head.target, "refs/heads/")
}

// short abbreviates a hash to 7 digits.
func short(h plumbing.Hash) string { return h.String()[:7] }

// tree returns the tree to look paths up in, HEAD's or rev's when set,
// and its label. The tree is nil on an unborn branch. Under g.mu.
func (g *Repo) tree(ctx context.Context, rev string) (*pathTree, string, error) {
	if rev == "" || rev == "HEAD" {
		return g.headTree, g.headLabel(), nil
	}
	rt, ok := g.revTrees[rev]
	if !ok {
		rt = &revTree{}
		h, err := g.resolveRevision(ctx, rev)
		if err != nil {
			rt.err = fmt.Errorf("revision %q does not resolve in %s (%v): check the name with git rev-parse %s", rev, g.root, err, rev)
		} else {
			rt.hash = *h
			t, err := commitTree(g.objects, *h)
			rt.tree = newPathTree(g.objects, t)
			if err == nil {
				_, _, err = rt.tree.sub("")
			}
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
