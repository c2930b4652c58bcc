package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Facts is everything git knows about one path of the work tree, relative
// to HEAD or another revision. It holds no judgement: which of these make
// a probe pass is decided by the caller.
type Facts struct {
	Rel      string // slash path in the work tree
	RevLabel string // "HEAD", "HEAD (detached at 1a2b3c4)", "v1.2 (1a2b3c4)"
	Rev      bool   // a revision other than HEAD was asked for
	Unborn   bool   // HEAD's branch has no commits yet (only when Rev is false)
	Branch   string // HEAD's branch, "" when detached

	InTree    bool // the path (file or folder) is in the revision
	TreeIsDir bool // … as a folder

	InIndex    bool   // a stage-0 index entry exists for the path
	Conflicted bool   // the path has merge stages 1-3
	Submodule  string // set when the path lies inside this gitlink (nothing else is filled)

	// Folder targets: index entries under the path.
	DirEntries int
	DirStaged  []string // sorted paths whose index entry differs from HEAD (or is missing from one side)
	DirChanged []string // paths whose work tree file differs from the index

	Exists   bool          // the path exists in the work tree (lstat)
	IsDir    bool          // … as a folder
	Link     string        // symlink target, when the path is a symlink
	Worktree WorktreeState // for an index entry: how the work tree file compares
	Staged   bool          // index differs from HEAD (or the path is new / removed in the index)
	Ignored  bool          // not tracked and matched by an ignore rule (also for a path that does not exist)
	Rule     *IgnoreRule   // the rule that ignores it
}

// Folder is true for a path that is a folder in the index or the tree.
func (f *Facts) Folder() bool { return !f.InIndex && (f.DirEntries > 0 || f.TreeIsDir) }

// Facts gathers what the repository says about rel (a slash path inside
// the work tree, not "") in HEAD, or in rev when set. The repository lock
// is held only for the cached lookups; work tree files are compared after.
func (g *Repo) Facts(ctx context.Context, rel, rev string) (*Facts, error) {
	f := &Facts{Rel: rel}
	g.mu.Lock()
	if err := g.refresh(ctx); err != nil {
		g.mu.Unlock()
		return nil, err
	}
	if g.cli {
		return g.cliFacts(ctx, rel, rev) // unlocks g.mu
	}
	cmp := g.comparer(ctx, 0)
	idx := g.idx
	tree, label, err := g.tree(ctx, rev)
	if err != nil {
		g.mu.Unlock()
		return nil, err
	}
	f.RevLabel, f.Rev = label, rev != "" && rev != "HEAD"
	f.Unborn, f.Branch = g.head.unborn && !f.Rev, g.branch()
	var te treeEntry
	var inTree bool
	if f.Rev {
		te, inTree, err = tree.lookup(rel)
	} else {
		te, inTree, err = g.headLookup(rel)
	}
	if err != nil {
		g.mu.Unlock()
		return nil, err
	}
	f.InTree = inTree
	f.TreeIsDir = inTree && te.mode == sIFDIR
	headEntry, inHead := te, inTree
	if f.Rev {
		if headEntry, inHead, err = g.headLookup(rel); err != nil {
			g.mu.Unlock()
			return nil, err
		}
	}
	entry := idx.find(rel)
	f.InIndex = entry != nil
	f.Conflicted = idx.isConflicted(rel)
	if entry == nil {
		f.Submodule = idx.submoduleAbove(rel)
	}
	var under []indexEntry
	if entry == nil && f.Submodule == "" {
		under = idx.under(rel)
		f.DirEntries = len(under)
		if len(under) > 0 || (inHead && headEntry.mode == sIFDIR) {
			if f.DirStaged, err = g.stagedUnder(rel); err != nil {
				g.mu.Unlock()
				return nil, err
			}
		}
	}
	g.mu.Unlock()

	if f.Submodule != "" {
		return f, nil
	}
	if entry != nil {
		f.Staged = !entry.intentToAdd && (!inHead || headEntry.hash != entry.hash || headEntry.mode != entry.mode)
	} else {
		f.Staged = inHead && headEntry.mode != sIFDIR
	}

	full := filepath.Join(g.root, filepath.FromSlash(rel))
	st, err := lstat(full)
	switch {
	case err == nil:
		f.Exists = true
		f.IsDir = st.mode&sIFMT == sIFDIR
		if st.mode&sIFMT == sIFLNK {
			f.Link, _ = os.Readlink(full)
		}
	case isGone(err):
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read %s: permission denied (run gonogo as a user who can read the work tree)", full)
	default:
		return nil, fmt.Errorf("cannot read %s: %w", full, err)
	}
	if entry != nil {
		switch {
		case entry.skipWorktree || entry.assumeValid:
		case !f.Exists || g.symlinkOnTheWay(rel):
			f.Worktree = Deleted
		default:
			if f.Worktree, err = cmp.compareStat(entry, filepath.Dir(full), filepath.Base(full), st); err != nil {
				return nil, err
			}
		}
	}
	if len(under) > 0 {
		w := newWalker(ctx, g, cmp, idx)
		w.noList = true
		if err := w.run(rel, under); err != nil {
			return nil, err
		}
		f.DirChanged = w.modified
		sort.Strings(f.DirChanged)
	}
	if entry == nil && f.DirEntries == 0 {
		// A path that does not exist can still be matched by a rule
		// (would a file created there be ignored?).
		f.Ignored, f.Rule = g.ignoredBy(ctx, rel, f.Exists && f.IsDir)
	}
	return f, nil
}

// symlinkOnTheWay says whether a folder on the way to rel is a symlink
// (or not a folder): git does not follow one to a tracked file, which
// then reads as deleted.
func (g *Repo) symlinkOnTheWay(rel string) bool {
	for i := strings.IndexByte(rel, '/'); i >= 0; i = next(rel, i) {
		st, err := lstat(filepath.Join(g.root, filepath.FromSlash(rel[:i])))
		if err != nil || st.mode&sIFMT != sIFDIR {
			return true
		}
	}
	return false
}

// submoduleAbove is the submodule (a gitlink entry of the index) on the
// way to rel, "" when none: a path inside a submodule is that
// repository's business, not this one's.
func (x *indexFile) submoduleAbove(rel string) string {
	for i := strings.IndexByte(rel, '/'); i >= 0; i = next(rel, i) {
		if e := x.find(rel[:i]); e != nil && e.mode&sIFMT == sIFGIT {
			return e.name
		}
	}
	return ""
}

// next is the index of the '/' after position i in s, or -1.
func next(s string, i int) int {
	j := strings.IndexByte(s[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
}

// comparer returns the work tree comparer of the loaded index. Under g.mu.
func (g *Repo) comparer(ctx context.Context, depth int) *comparer {
	return &comparer{ctx: ctx, root: g.root, indexMTime: g.indexMTime, cfg: g.cfg, cache: g.cache, depth: depth}
}
