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
	"syscall"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
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
	root, indexMTime, ignoreMode := g.root, g.indexMTime, g.ignoreMode
	tree, label, err := g.tree(rev)
	if err != nil {
		g.mu.Unlock()
		return nil, err
	}
	f.RevLabel, f.Rev = label, rev != "" && rev != "HEAD"
	f.Unborn, f.Branch = g.unborn && !f.Rev, g.headName
	te, inTree := lookupTree(tree, rel)
	f.InTree = inTree
	f.TreeIsDir = inTree && te.mode == filemode.Dir
	headEntry, inHead := te, inTree
	if f.Rev {
		headEntry, inHead = lookupTree(g.headTree, rel)
	}
	ie, inIndex := g.index[rel]
	var entry index.Entry
	if inIndex {
		entry = *ie
	}
	f.InIndex = inIndex
	f.Conflicted = g.conflicted[rel]
	if !inIndex {
		parts := strings.Split(rel, "/")
		for i := 1; i < len(parts); i++ {
			if e, ok := g.index[strings.Join(parts[:i], "/")]; ok && e.Mode == filemode.Submodule {
				f.Submodule = e.Name
				break
			}
		}
	}
	var under []*index.Entry
	var headUnder map[string]treeEntry
	if !inIndex && f.Submodule == "" {
		under = g.entriesUnder(rel)
		f.DirEntries = len(under)
		if len(under) > 0 || (inHead && headEntry.mode == filemode.Dir) {
			if headUnder, err = g.headFilesUnder(rel); err != nil {
				g.mu.Unlock()
				return nil, err
			}
		}
	}
	g.mu.Unlock()

	if f.Submodule != "" {
		return f, nil
	}
	if inIndex {
		f.Staged = !inHead || headEntry.hash != entry.Hash || headEntry.mode != entry.Mode
	} else {
		f.Staged = inHead && headEntry.mode != filemode.Dir
	}
	inUnder := make(map[string]bool, len(under))
	for _, e := range under {
		inUnder[e.Name] = true
		if h, ok := headUnder[e.Name]; !ok || h.hash != e.Hash || h.mode != e.Mode {
			f.DirStaged = append(f.DirStaged, e.Name)
		}
	}
	for name := range headUnder {
		if !inUnder[name] {
			f.DirStaged = append(f.DirStaged, name) // removed from the index
		}
	}
	sort.Strings(f.DirStaged)

	full := filepath.Join(root, filepath.FromSlash(rel))
	fi, err := os.Lstat(full)
	switch {
	case err == nil:
		f.Exists = true
		f.IsDir = fi.IsDir()
		if fi.Mode()&fs.ModeSymlink != 0 {
			f.Link, _ = os.Readlink(full)
		}
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
	case errors.Is(err, fs.ErrPermission):
		return nil, fmt.Errorf("cannot read %s: permission denied (run gonogo as a user who can read the work tree)", full)
	default:
		return nil, fmt.Errorf("cannot read %s: %w", full, err)
	}
	if inIndex {
		if f.Worktree, err = compareWorktree(ctx, root, &entry, indexMTime, ignoreMode); err != nil {
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
		if st != Unchanged {
			f.DirChanged = append(f.DirChanged, e.Name)
		}
	}
	if !inIndex && f.DirEntries == 0 {
		// A path that does not exist can still be matched by a rule
		// (would a file created there be ignored?).
		f.Ignored, f.Rule = g.ignoredBy(rel, f.Exists && f.IsDir)
	}
	return f, nil
}
