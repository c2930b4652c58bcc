package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
	head, err := g.headFilesUnder(rel)
	if err != nil {
		g.mu.Unlock()
		return nil, headHash, err
	}
	if rel != "" {
		if e, ok, _ := g.headTree.lookup(rel); ok && e.mode != sIFDIR {
			head[rel] = e // a fresh map for rel != ""
		}
	}
	rep := &CleanReport{Tracked: len(entries)}
	for _, p := range idx.conflicted {
		if rel == "" || p == rel || strings.HasPrefix(p, rel+"/") {
			rep.Conflicts++
		}
	}
	g.mu.Unlock()

	byName := make(map[string]int, len(entries))
	seen := 0
	for i := range entries {
		e := &entries[i]
		byName[e.name] = i
		h, ok := head[e.name]
		if ok {
			seen++
		}
		if e.intentToAdd && !ok {
			continue // git add -N: nothing staged yet
		}
		if !ok || h.hash != e.hash || h.mode != e.mode {
			rep.Staged = append(rep.Staged, e.name)
		}
	}
	if seen < len(head) { // files removed from the index
		for p := range head {
			if _, ok := byName[p]; !ok {
				rep.Staged = append(rep.Staged, p)
			}
		}
	}
	sort.Strings(rep.Staged)

	w := &cleanWalk{g: g, ctx: ctx, cmp: cmp, entries: entries, byName: byName,
		visited: make([]bool, len(entries)), rep: rep}
	w.trackedDirs = map[string]bool{"": true}
	for i := range entries {
		for d := pathDir(entries[i].name); d != ""; d = pathDir(d) {
			if w.trackedDirs[d] {
				break
			}
			w.trackedDirs[d] = true
		}
	}
	if err := w.walk(rel, false); err != nil {
		return nil, headHash, err
	}
	// Entries the walk did not meet: their folder is gone or unreadable.
	for i := range entries {
		if w.visited[i] {
			continue
		}
		if err := w.compare(&entries[i]); err != nil {
			return nil, headHash, err
		}
	}
	sort.Strings(rep.Modified)
	sort.Strings(rep.Untracked)
	return rep, headHash, nil
}

// cleanWalk is the state of one Clean's pass over the work tree.
type cleanWalk struct {
	g           *Repo
	ctx         context.Context
	cmp         *comparer
	entries     []indexEntry
	byName      map[string]int // index of each entry in entries
	visited     []bool
	trackedDirs map[string]bool // folders holding index entries
	rep         *CleanReport
}

// compare adds e to the report's modified files when its work tree file
// differs from it.
func (w *cleanWalk) compare(e *indexEntry) error {
	st, err := w.cmp.compare(e)
	if err != nil {
		return err
	}
	if st != Unchanged {
		w.rep.Modified = append(w.rep.Modified, e.name)
	}
	return nil
}

// walk reads the folder dir once: each name that is an index entry is
// compared with it, each other name is checked against the ignore rules
// and reported as untracked. It goes down into folders holding tracked
// files (inside an ignored folder, only to compare them: untracked files
// there are ignored too).
func (w *cleanWalk) walk(dir string, ignoredAbove bool) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	full := filepath.Join(w.g.root, filepath.FromSlash(dir))
	ents, err := os.ReadDir(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return fmt.Errorf("listing %s: %w", full, err)
	}
	var rules []IgnoreRule
	if !ignoredAbove {
		rules = w.g.ignoreRulesFor(w.ctx, childParts(dir, ""))
	}
	for _, de := range ents {
		name := de.Name()
		p := name
		if dir != "" {
			p = dir + "/" + name
		}
		if p == ".git" {
			continue
		}
		if i, ok := w.byName[p]; ok {
			w.visited[i] = true
			if err := w.compare(&w.entries[i]); err != nil {
				return err
			}
			continue
		}
		isDir := de.IsDir()
		ign := ignoredAbove
		if !ign {
			ign, _ = ignoredWith(rules, childParts(dir, name), isDir)
		}
		if isDir && w.trackedDirs[p] {
			if err := w.walk(p, ign); err != nil {
				return err
			}
			continue
		}
		if ign {
			continue
		}
		if !isDir {
			w.rep.Untracked = append(w.rep.Untracked, p)
			continue
		}
		if _, err := os.Lstat(filepath.Join(full, name, ".git")); err == nil {
			w.rep.Untracked = append(w.rep.Untracked, p+"/") // a nested repository
			continue
		}
		if has, err := w.g.hasUntracked(w.ctx, p); err != nil {
			return err
		} else if has {
			w.rep.Untracked = append(w.rep.Untracked, p+"/")
		}
	}
	return nil
}

// hasUntracked reports whether the untracked folder dir holds any file
// that is not ignored (git status does not list empty or all-ignored
// folders).
func (g *Repo) hasUntracked(ctx context.Context, dir string) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	full := filepath.Join(g.root, filepath.FromSlash(dir))
	ents, err := os.ReadDir(full)
	if err != nil {
		return false, nil
	}
	rules := g.ignoreRulesFor(ctx, childParts(dir, ""))
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
