package gitstate

import (
	"slices"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Comparing the index with HEAD. The index's cache tree (its TREE
// extension) records, for each folder whose entries have not changed since
// a tree was last written from them, the id of that tree: where it equals
// the folder's id in HEAD, every entry below is known to equal HEAD
// without reading a tree object. This is the shortcut git status takes;
// only folders that changed are read and merged entry by entry, in the
// order trees and the index share.

// headLookup finds rel in HEAD. Under g.mu.
func (g *Repo) headLookup(rel string) (treeEntry, bool, error) {
	if g.headTree == nil {
		return treeEntry{}, false, nil
	}
	node, h, dir := g.idx.tree, g.headTree.root, ""
	for {
		if node != nil && node.count >= 0 && node.hash == h {
			return g.idx.asTree(rel)
		}
		rest := rel
		if dir != "" {
			rest = rel[len(dir)+1:]
		}
		comp, _, more := strings.Cut(rest, "/")
		items, ok, err := g.headTree.sub(dir)
		if err != nil || !ok {
			return treeEntry{}, false, err
		}
		it := find(items, comp)
		if !more {
			if it == nil {
				return treeEntry{}, false, nil
			}
			return treeEntry{hash: it.hash, mode: it.mode}, true, nil
		}
		if it == nil || it.mode != sIFDIR {
			return treeEntry{}, false, nil
		}
		h = it.hash
		if node != nil {
			node = node.child(comp)
		}
		if dir == "" {
			dir = comp
		} else {
			dir += "/" + comp
		}
	}
}

// asTree answers for HEAD from the index, where the cache tree proved
// them equal: the entry of rel, or rel as a folder of entries.
func (x *indexFile) asTree(rel string) (treeEntry, bool, error) {
	if e := x.find(rel); e != nil {
		if e.intentToAdd {
			return treeEntry{}, false, nil // not part of any tree
		}
		return treeEntry{hash: e.hash, mode: e.mode}, true, nil
	}
	for _, e := range x.under(rel) {
		if !e.intentToAdd {
			var h plumbing.Hash
			if n := x.tree.lookup(rel); n != nil && n.count >= 0 {
				h = n.hash
			}
			return treeEntry{hash: h, mode: sIFDIR}, true, nil
		}
	}
	return treeEntry{}, false, nil
}

// stagedUnder lists, sorted, the paths under folder rel ("" = all) whose
// index entry differs from HEAD: added, changed, or removed from the
// index. Under g.mu.
func (g *Repo) stagedUnder(rel string) ([]string, error) {
	ents := g.idx.under(rel)
	var out []string
	var h plumbing.Hash
	var node *cacheTree
	inHead := false
	if g.headTree != nil {
		if rel == "" {
			h, node, inHead = g.headTree.root, g.idx.tree, true
		} else {
			te, ok, err := g.headLookup(rel)
			if err != nil {
				return nil, err
			}
			if ok && te.mode == sIFDIR {
				if te.hash.IsZero() {
					return nil, nil // proven equal by an ancestor's cache tree
				}
				h, inHead = te.hash, true
				if g.idx.tree != nil {
					node = g.idx.tree.lookup(rel)
				}
			}
		}
	}
	if !inHead {
		for _, e := range ents {
			if !e.intentToAdd {
				out = append(out, e.name)
			}
		}
		return out, nil
	}
	if err := g.diffTree(rel, h, node, ents, &out); err != nil {
		return nil, err
	}
	sort.Strings(out)
	return slices.Compact(out), nil
}

// diffTree merges the HEAD folder dir (tree h) with the index entries
// under it, appending the paths that differ to out. Under g.mu.
func (g *Repo) diffTree(dir string, h plumbing.Hash, node *cacheTree, ents []indexEntry, out *[]string) error {
	if node != nil && node.count >= 0 && node.hash == h {
		return nil
	}
	items, _, err := g.headTree.sub(dir)
	if err != nil {
		return err
	}
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	join := func(name string) string { return prefix + name }
	headOnly := func(it treeItem) error {
		if it.mode != sIFDIR {
			*out = append(*out, join(it.name))
			return nil
		}
		files, err := g.headTree.filesUnder(join(it.name))
		for name := range files {
			*out = append(*out, name)
		}
		return err
	}
	indexOnly := func(group []indexEntry) {
		for _, e := range group {
			if !e.intentToAdd {
				*out = append(*out, e.name)
			}
		}
	}
	i := 0
	for len(ents) > 0 || i < len(items) {
		// The next group of entries: one file directly in dir, or every
		// entry under one sub-folder.
		var comp string
		var isDir bool
		var group []indexEntry
		if len(ents) > 0 {
			rest := ents[0].name[len(prefix):]
			if slash := strings.IndexByte(rest, '/'); slash >= 0 {
				comp, isDir = rest[:slash], true
				end := prefix + comp + "0" // '0' sorts right after '/'
				n := sort.Search(len(ents), func(k int) bool { return ents[k].name >= end })
				group = ents[:n]
			} else {
				comp, group = rest, ents[:1]
			}
		}
		c := -1 // items[i] first
		switch {
		case i >= len(items):
			c = 1
		case len(ents) > 0:
			c = treeCmp(items[i].name, items[i].mode == sIFDIR, comp, isDir)
		}
		switch {
		case c < 0:
			if err := headOnly(items[i]); err != nil {
				return err
			}
			i++
			continue
		case c > 0:
			indexOnly(group)
		case isDir:
			var child *cacheTree
			if node != nil {
				child = node.child(comp)
			}
			if err := g.diffTree(join(comp), items[i].hash, child, group, out); err != nil {
				return err
			}
			i++
		default:
			e := &group[0]
			if e.intentToAdd {
				*out = append(*out, e.name) // removed from HEAD's point of view
			} else if e.hash != items[i].hash || e.mode != items[i].mode {
				*out = append(*out, e.name)
			}
			i++
		}
		ents = ents[len(group):]
	}
	return nil
}
