package gitstate

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// CleanReport is what keeps a folder of the work tree from being clean,
// as git status would list it.
type CleanReport struct {
	Tracked   int      // index entries under the folder
	Conflicts int      // paths with unresolved merge stages
	Staged    []string // sorted: index differs from HEAD (added, changed, removed)
	Modified  []string // sorted: work tree differs from the index (changed, deleted)
	Untracked []string // sorted: neither in the index nor ignored; a folder holding only such files is one "dir/"
}

// IsClean is true when nothing is staged, modified, untracked or conflicted.
func (c *CleanReport) IsClean() bool {
	return c.Conflicts+len(c.Staged)+len(c.Modified)+len(c.Untracked) == 0
}

// Clean compares the folder rel ("" = the whole work tree) with the
// index and HEAD. Unlike Facts it costs a walk: one pass over the work
// tree compares every index entry with its file (by stat, hashing only
// racy or touched files) and lists untracked files, skipping ignored
// folders, nested repositories and .git, like git status.
func (g *Repo) Clean(ctx context.Context, rel string) (*CleanReport, error) {
	rep, _, err := g.cleanAt(ctx, rel, 0)
	return rep, err
}

// cleanAt is Clean for a repository nested depth submodules deep; it also
// returns the commit HEAD is at (zero on an unborn branch).
func (g *Repo) cleanAt(ctx context.Context, rel string, depth int) (*CleanReport, plumbing.Hash, error) {
	g.mu.Lock()
	if err := g.refresh(ctx); err != nil {
		g.mu.Unlock()
		return nil, plumbing.ZeroHash, err
	}
	if g.cli {
		return g.cliClean(ctx, rel) // unlocks g.mu
	}
	cmp := g.comparer(ctx, depth)
	headHash := g.head.hash
	idx := g.idx
	// Index entries are never modified after load (a reload makes new
	// ones), so they can be read after the lock is released.
	entries := idx.under(rel)
	if rel != "" {
		if e := idx.find(rel); e != nil {
			entries = append(slices.Clip(entries), *e)
		}
	}
	staged, err := g.stagedUnder(rel)
	if err != nil {
		g.mu.Unlock()
		return nil, headHash, err
	}
	if rel != "" {
		// The folder may be a file itself.
		he, inHead, err := g.headLookup(rel)
		if err != nil {
			g.mu.Unlock()
			return nil, headHash, err
		}
		e := idx.find(rel)
		switch {
		case e != nil && !e.intentToAdd && (!inHead || he.hash != e.hash || he.mode != e.mode):
			staged = append(staged, rel)
		case (e == nil || e.intentToAdd) && inHead && he.mode != sIFDIR:
			staged = append(staged, rel)
		}
	}
	rep := &CleanReport{Tracked: len(entries), Staged: staged}
	for _, p := range idx.conflicted {
		if rel == "" || p == rel || strings.HasPrefix(p, rel+"/") {
			rep.Conflicts++
		}
	}
	g.mu.Unlock()
	sort.Strings(rep.Staged)

	w := newWalker(ctx, g, cmp, idx)
	if err := w.run(rel, entries); err != nil {
		return nil, headHash, err
	}
	rep.Modified, rep.Untracked = w.modified, w.untracked
	sort.Strings(rep.Modified)
	sort.Strings(rep.Untracked)
	return rep, headHash, nil
}
