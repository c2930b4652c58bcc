package gitstate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// Trees and commits are decoded here from the raw objects go-git's
// storage hands out: go-git's own tree decoder refuses names git accepts
// (a tab or a newline in a file name), and decoding only the folders a
// question needs is what keeps a check cheap.

// capObject bounds one commit or tree object (a folder of 100k files
// makes a tree of about 4 MB).
const capObject = 256 << 20

// treeItem is one entry of a tree object.
type treeItem struct {
	name string
	mode uint32 // canonical: 040000, 0100644, 0100755, 0120000, 0160000
	hash plumbing.Hash
}

// treeEntry is what a tree says about one path.
type treeEntry struct {
	hash plumbing.Hash
	mode uint32
}

// readObject returns the content of an object of the given type.
func readObject(st storer.EncodedObjectStorer, typ plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	o, err := st.EncodedObject(typ, h)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", typ, h, err)
	}
	if o.Size() > capObject {
		return nil, fmt.Errorf("%s %s is %d bytes, more than the %d read of such an object", typ, h, o.Size(), capObject)
	}
	r, err := o.Reader()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", typ, h, err)
	}
	defer r.Close()
	b := make([]byte, 0, min(o.Size(), 1<<20))
	b, err = readAllInto(b, io.LimitReader(r, capObject+1))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", typ, h, err)
	}
	return b, nil
}

// readAllInto appends everything r holds to b.
func readAllInto(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// objectReader hands out the content of objects: the native objectStore,
// or go-git's storage.
type objectReader interface {
	read(typ plumbing.ObjectType, h plumbing.Hash) ([]byte, error)
}

// commitTree returns the tree a commit object records (its first line,
// "tree <id>").
func commitTree(st objectReader, commit plumbing.Hash) (plumbing.Hash, error) {
	b, err := st.read(plumbing.CommitObject, commit)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	line, _, _ := bytes.Cut(b, []byte{'\n'})
	hexID, ok := bytes.CutPrefix(line, []byte("tree "))
	if !ok {
		return plumbing.ZeroHash, fmt.Errorf("commit %s does not start with its tree", commit)
	}
	return parseHash(string(hexID))
}

// parseTree decodes a tree object: "<octal mode> SP <name> NUL <20-byte
// id>" repeated, in git's tree order. Names are taken as git stores
// them, whatever bytes they hold.
func parseTree(b []byte) ([]treeItem, error) {
	var items []treeItem
	for len(b) > 0 {
		sp := bytes.IndexByte(b, ' ')
		if sp < 0 {
			return nil, errors.New("tree entry without a mode")
		}
		mode, err := strconv.ParseUint(string(b[:sp]), 8, 32)
		if err != nil {
			return nil, fmt.Errorf("tree entry mode %q", b[:sp])
		}
		b = b[sp+1:]
		nul := bytes.IndexByte(b, 0)
		if nul < 0 || len(b) < nul+1+hashSizeSHA1 {
			return nil, errors.New("tree entry runs past the end")
		}
		it := treeItem{name: string(b[:nul]), mode: canonicalMode(uint32(mode))}
		copy(it.hash[:], b[nul+1:nul+1+hashSizeSHA1])
		b = b[nul+1+hashSizeSHA1:]
		items = append(items, it)
	}
	return items, nil
}

// canonicalMode maps a tree mode to the five git uses (old trees may
// hold 100664 and the like).
func canonicalMode(m uint32) uint32 {
	switch m & sIFMT {
	case sIFDIR:
		return sIFDIR
	case sIFLNK:
		return sIFLNK
	case sIFGIT:
		return sIFGIT
	}
	if m&0o100 != 0 {
		return 0o100755
	}
	return 0o100644
}

// treeCmp orders names as git orders tree entries: byte-wise, with a
// folder's name read as if it ended in "/".
func treeCmp(a string, aDir bool, b string, bDir bool) int {
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
		return c
	}
	next := func(s string, dir bool) int {
		if len(s) > n {
			return int(s[n])
		}
		if dir {
			return '/'
		}
		return 0
	}
	return next(a, aDir) - next(b, bDir)
}

// find returns the item of items named name, or nil.
func find(items []treeItem, name string) *treeItem {
	for _, dir := range []bool{false, true} {
		i := sort.Search(len(items), func(i int) bool {
			return treeCmp(items[i].name, items[i].mode == sIFDIR, name, dir) >= 0
		})
		if i < len(items) && items[i].name == name && (items[i].mode == sIFDIR) == dir {
			return &items[i]
		}
	}
	return nil
}

// pathTree is the tree of one commit with its folders decoded once, on
// first need, and kept by folder path. Not safe for concurrent use.
type pathTree struct {
	st   objectReader
	root plumbing.Hash
	dirs map[string][]treeItem // decoded folders; nil value: not a folder
	has  map[string]bool       // folders already looked up
}

func newPathTree(st objectReader, root plumbing.Hash) *pathTree {
	return &pathTree{st: st, root: root, dirs: map[string][]treeItem{}, has: map[string]bool{}}
}

// sub returns the items of folder dir ("" = the top); ok is false when
// dir is not a folder of the tree.
func (p *pathTree) sub(dir string) ([]treeItem, bool, error) {
	if p.has[dir] {
		items := p.dirs[dir]
		return items, items != nil, nil
	}
	h := p.root
	if dir != "" {
		parent, ok, err := p.sub(pathDir(dir))
		if err != nil || !ok {
			return nil, false, err
		}
		it := find(parent, dir[strings.LastIndexByte(dir, '/')+1:])
		if it == nil || it.mode != sIFDIR {
			p.has[dir] = true
			return nil, false, nil
		}
		h = it.hash
	}
	b, err := p.st.read(plumbing.TreeObject, h)
	if err != nil {
		return nil, false, err
	}
	items, err := parseTree(b)
	if err != nil {
		return nil, false, fmt.Errorf("tree %s (%q): %w", h, dir, err)
	}
	if items == nil {
		items = []treeItem{} // an empty tree is still a folder
	}
	p.dirs[dir], p.has[dir] = items, true
	return items, true, nil
}

// lookup finds rel in the tree; ok is false when it is not there.
func (p *pathTree) lookup(rel string) (treeEntry, bool, error) {
	if p == nil {
		return treeEntry{}, false, nil
	}
	items, ok, err := p.sub(pathDir(rel))
	if err != nil || !ok {
		return treeEntry{}, false, err
	}
	it := find(items, rel[strings.LastIndexByte(rel, '/')+1:])
	if it == nil {
		return treeEntry{}, false, nil
	}
	return treeEntry{hash: it.hash, mode: it.mode}, true, nil
}

// filesUnder maps every file (and gitlink) under folder rel ("" = all)
// to its entry.
func (p *pathTree) filesUnder(rel string) (map[string]treeEntry, error) {
	out := map[string]treeEntry{}
	if p == nil {
		return out, nil
	}
	var walk func(dir string) error
	walk = func(dir string) error {
		items, ok, err := p.sub(dir)
		if err != nil || !ok {
			return err
		}
		for _, it := range items {
			name := it.name
			if dir != "" {
				name = dir + "/" + name
			}
			if it.mode == sIFDIR {
				if err := walk(name); err != nil {
					return err
				}
				continue
			}
			out[name] = treeEntry{hash: it.hash, mode: it.mode}
		}
		return nil
	}
	return out, walk(rel)
}
