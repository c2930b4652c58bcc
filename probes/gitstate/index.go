package gitstate

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unsafe"

	"github.com/go-git/go-git/v5/plumbing"
)

// indexEntry is one entry of .git/index: a path, its blob id and mode, and
// the stat data git recorded when it last saw the work tree file.
type indexEntry struct {
	name                 string
	ctimeSec, ctimeNsec  uint32
	mtimeSec, mtimeNsec  uint32
	dev, ino             uint32
	mode, uid, gid, size uint32
	hash                 plumbing.Hash
	stage                uint8
	assumeValid          bool // update-index --assume-unchanged: not compared
	skipWorktree         bool // outside a sparse checkout: not in the work tree, not compared
	intentToAdd          bool // git add -N: a placeholder, not staged content
}

// indexFile is a decoded .git/index: stage-0 entries sorted by name, the
// names with merge stages 1-3, and the cache tree (the TREE extension).
type indexFile struct {
	entries    []indexEntry // stage 0, sorted by name as git sorts them (bytes)
	conflicted []string     // sorted, each once
	tree       *cacheTree   // nil when the index has none
	nulNames   bool         // every name is followed by a NUL byte in memory (see statAt)

	layoutOnce sync.Once
	dirs       map[string]*dirInfo // see layout
}

// errUnsupportedIndex marks an index this reader does not decode (a split
// or sparse index, a version or required extension it does not know): the
// repository is then read through the git CLI.
var errUnsupportedIndex = errors.New("unsupported index")

// cacheTree is a node of the TREE extension: for a folder, how many index
// entries it covers and, when valid (count >= 0), the id of the tree
// object those entries make. A valid node whose id equals the folder's
// tree in HEAD proves every entry under it equals HEAD without reading
// a single tree object — the shortcut git status itself takes.
type cacheTree struct {
	name     string // component name, "" at the top
	count    int    // entries covered, -1 when invalidated by a change
	hash     plumbing.Hash
	children []*cacheTree
}

// child returns the node of component name, or nil.
func (c *cacheTree) child(name string) *cacheTree {
	for _, ch := range c.children {
		if ch.name == name {
			return ch
		}
	}
	return nil
}

// lookup returns the node of folder dir ("" = the top), or nil.
func (c *cacheTree) lookup(dir string) *cacheTree {
	n := c
	for dir != "" && n != nil {
		first, rest, _ := strings.Cut(dir, "/")
		n, dir = n.child(first), rest
	}
	return n
}

// Index flags (see git's Documentation/gitformat-index.txt).
const (
	flagAssumeValid  = 0x8000
	flagExtended     = 0x4000
	flagStageShift   = 12
	flagNameMask     = 0x0fff
	extSkipWorktree  = 0x4000
	extIntentToAdd   = 0x2000
	hashSizeSHA1     = 20
	entryFixedFields = 40 // ten 32-bit stat and mode fields
)

// readIndex reads and decodes the index file at path (a missing file is
// an empty index, as in a new repository). A split index is merged with
// its shared index from gitDir; the folder entries of a sparse index are
// expanded into the files of their trees with expand (skip-worktree
// entries, as git's own ensure_full_index makes them).
func readIndex(ctx context.Context, gitDir, path string, expand func(dir indexEntry) ([]indexEntry, error)) (*indexFile, error) {
	raw, err := decodeIndexFile(ctx, path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return &indexFile{}, nil
		}
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	entries := raw.entries
	if raw.link != nil && !raw.link.base.IsZero() {
		shared := filepath.Join(gitDir, "sharedindex."+raw.link.base.String())
		base, err := decodeIndexFile(ctx, shared)
		if err != nil {
			return nil, fmt.Errorf("reading the shared index of a split index: %w", err)
		}
		if base.link != nil {
			return nil, fmt.Errorf("%s is itself split", shared)
		}
		if entries, err = mergeSplit(base.entries, raw); err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
	}
	idx, err := finishIndex(entries, expand)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	idx.tree = raw.tree
	return idx, nil
}

// decodeIndexFile maps (or reads) an index file and decodes it. A mapped
// file truncated under us would fault: the fault is turned into an error.
func decodeIndexFile(ctx context.Context, path string) (raw *rawIndex, err error) {
	buf, release, err := mapFile(ctx, path, capIndex)
	if err != nil {
		return nil, err
	}
	defer release()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if re, ok := r.(runtime.Error); ok && strings.Contains(re.Error(), "fault") {
				raw, err = nil, fmt.Errorf("%s changed while being read: %v", path, re)
				return
			}
			panic(r)
		}
	}()
	return decodeIndex(buf)
}

// rawIndex is one index file as written: every entry, in file order.
type rawIndex struct {
	entries []indexEntry
	tree    *cacheTree
	link    *splitLink // the "link" extension of a split index
}

// splitLink names the shared index of a split index, and which of its
// entries this file deletes and replaces.
type splitLink struct {
	base            plumbing.Hash
	delete, replace []byte // EWAH bitmaps over the shared index's entries, decoded by mergeSplit
}

// decodeIndex decodes versions 2, 3 and 4 of the index format. The
// trailing checksum is not verified (git does not either, outside fsck):
// staleness is decided by stat, and every read is bounds-checked, so a
// damaged file is an error, never a crash.
func decodeIndex(buf []byte) (*rawIndex, error) {
	const hsz = hashSizeSHA1
	if len(buf) < 12+hsz || string(buf[:4]) != "DIRC" {
		return nil, errors.New("not a git index (no DIRC header)")
	}
	version := binary.BigEndian.Uint32(buf[4:8])
	if version < 2 || version > 4 {
		return nil, fmt.Errorf("index version %d: %w", version, errUnsupportedIndex)
	}
	count := binary.BigEndian.Uint32(buf[8:12])
	end := len(buf) - hsz // the checksum
	if uint64(count) > uint64(end)/(entryFixedFields+hsz+2) {
		return nil, fmt.Errorf("index claims %d entries in %d bytes", count, len(buf))
	}
	// Names are copied into one arena, each followed by a NUL (see
	// statAt), so nothing refers to buf afterwards: it may be a mapping
	// of the file that is released once decoded. Version 4 names are
	// rebuilt there from their prefix-compressed form.
	arena := make([]byte, 0, len(buf))
	type span struct{ off, n int }
	spans := make([]span, 0, count)
	entries := make([]indexEntry, 0, count)
	prevSpan := span{}
	off := 12
	for i := uint32(0); i < count; i++ {
		start := off
		if off+entryFixedFields+hsz+2 > end {
			return nil, fmt.Errorf("index entry %d runs past the end", i)
		}
		u := func(k int) uint32 { return binary.BigEndian.Uint32(buf[off+4*k:]) }
		e := indexEntry{
			ctimeSec: u(0), ctimeNsec: u(1), mtimeSec: u(2), mtimeNsec: u(3),
			dev: u(4), ino: u(5), mode: u(6), uid: u(7), gid: u(8), size: u(9),
		}
		off += entryFixedFields
		copy(e.hash[:], buf[off:off+hsz])
		off += hsz
		flags := binary.BigEndian.Uint16(buf[off:])
		off += 2
		e.stage = uint8(flags>>flagStageShift) & 3
		e.assumeValid = flags&flagAssumeValid != 0
		if flags&flagExtended != 0 {
			if version < 3 {
				return nil, fmt.Errorf("index entry %d has extended flags in a version 2 index", i)
			}
			if off+2 > end {
				return nil, fmt.Errorf("index entry %d runs past the end", i)
			}
			ext := binary.BigEndian.Uint16(buf[off:])
			off += 2
			e.skipWorktree = ext&extSkipWorktree != 0
			e.intentToAdd = ext&extIntentToAdd != 0
		}
		if version == 4 {
			strip, n := uvarint(buf[off:end])
			if n <= 0 || strip > uint64(prevSpan.n) {
				return nil, fmt.Errorf("index entry %d: bad path prefix", i)
			}
			off += n
			nul := bytes.IndexByte(buf[off:end], 0)
			if nul < 0 {
				return nil, fmt.Errorf("index entry %d: path runs past the end", i)
			}
			keep := prevSpan.n - int(strip)
			s := span{off: len(arena), n: keep + nul}
			arena = append(arena, arena[prevSpan.off:prevSpan.off+keep]...)
			arena = append(arena, buf[off:off+nul]...)
			arena = append(arena, 0)
			off += nul + 1
			spans = append(spans, s)
			prevSpan = s
		} else {
			n := int(flags & flagNameMask)
			if n == flagNameMask { // 4095 or longer: NUL-terminated
				nul := bytes.IndexByte(buf[off:end], 0)
				if nul < 0 {
					return nil, fmt.Errorf("index entry %d: path runs past the end", i)
				}
				n = nul
			}
			if off+n > end {
				return nil, fmt.Errorf("index entry %d: path runs past the end", i)
			}
			spans = append(spans, span{off: len(arena), n: n})
			arena = append(arena, buf[off:off+n]...)
			arena = append(arena, 0)
			// One to eight NULs pad the entry to a multiple of eight bytes.
			off = start + (off-start+n+8)&^7
			if off > end {
				return nil, fmt.Errorf("index entry %d runs past the end", i)
			}
		}
		entries = append(entries, e)
	}
	if len(arena) > 0 {
		names := unsafe.String(unsafe.SliceData(arena), len(arena))
		for i := range entries {
			entries[i].name = names[spans[i].off : spans[i].off+spans[i].n]
		}
	}
	raw := &rawIndex{entries: entries}

	// Extensions: a 4-byte signature, a 32-bit size, the data.
	for off+8 <= end {
		sig := string(buf[off : off+4])
		size := int(binary.BigEndian.Uint32(buf[off+4:]))
		off += 8
		if size < 0 || off+size > end {
			return nil, fmt.Errorf("index extension %q runs past the end", sig)
		}
		body := buf[off : off+size]
		off += size
		switch {
		case sig == "TREE":
			t, err := decodeCacheTree(body)
			if err != nil {
				return nil, err
			}
			raw.tree = t
		case sig == "link":
			l, err := decodeLink(body)
			if err != nil {
				return nil, err
			}
			raw.link = l
		case sig == "sdir":
			// A sparse index: its folder entries are expanded later.
		case sig[0] < 'A' || sig[0] > 'Z':
			// A lower-case first letter: the extension is required to
			// understand the index.
			return nil, fmt.Errorf("index extension %q: %w", sig, errUnsupportedIndex)
		}
	}
	return raw, nil
}

// finishIndex keeps the stage-0 entries sorted by name, expands the
// folder entries of a sparse index and lists the names with merge stages.
func finishIndex(entries []indexEntry, expand func(dir indexEntry) ([]indexEntry, error)) (*indexFile, error) {
	idx := &indexFile{}
	w := 0
	var extra []indexEntry
	for _, e := range entries {
		if e.stage != 0 {
			if len(idx.conflicted) == 0 || idx.conflicted[len(idx.conflicted)-1] != e.name {
				idx.conflicted = append(idx.conflicted, e.name)
			}
			continue
		}
		if e.mode&sIFMT == sIFDIR {
			// A folder of a sparse index (its name ends in "/").
			if expand == nil {
				return nil, fmt.Errorf("sparse index: %w", errUnsupportedIndex)
			}
			files, err := expand(e)
			if err != nil {
				return nil, fmt.Errorf("expanding the sparse folder %s: %w", e.name, err)
			}
			extra = append(extra, files...)
			continue
		}
		entries[w] = e
		w++
	}
	entries = entries[:w]
	cmp := func(a, b indexEntry) int { return strings.Compare(a.name, b.name) }
	if len(extra) > 0 {
		entries = append(entries, extra...)
		slices.SortFunc(entries, cmp)
	}
	for i := 1; i < len(entries); i++ {
		if entries[i-1].name >= entries[i].name {
			return nil, fmt.Errorf("index entries out of order at %q", entries[i].name)
		}
	}
	idx.entries = slices.Clip(entries)
	idx.nulNames = len(extra) == 0 // expanded names are built in Go, without a NUL after them
	slices.Sort(idx.conflicted)
	idx.conflicted = slices.Compact(idx.conflicted)
	return idx, nil
}

// decodeLink decodes the "link" extension: the shared index's id, then
// the delete and replace bitmaps (absent when nothing is deleted or
// replaced).
func decodeLink(b []byte) (*splitLink, error) {
	if len(b) < hashSizeSHA1 {
		return nil, errors.New("index link extension: truncated")
	}
	l := &splitLink{}
	copy(l.base[:], b[:hashSizeSHA1])
	b = b[hashSizeSHA1:]
	if len(b) == 0 {
		return l, nil
	}
	n, err := ewahSize(b)
	if err != nil {
		return nil, fmt.Errorf("index link extension, delete bitmap: %w", err)
	}
	l.delete, b = bytes.Clone(b[:n]), b[n:]
	if n, err = ewahSize(b); err != nil {
		return nil, fmt.Errorf("index link extension, replace bitmap: %w", err)
	}
	l.replace = bytes.Clone(b[:n])
	return l, nil
}

// ewahSize is the length in bytes of the EWAH bitmap b starts with.
func ewahSize(b []byte) (int, error) {
	if len(b) < 8 {
		return 0, errors.New("truncated")
	}
	words := uint64(binary.BigEndian.Uint32(b[4:]))
	if words > uint64(len(b)-8)/8 || uint64(len(b)) < 8+8*words+4 {
		return 0, errors.New("truncated")
	}
	return int(8 + 8*words + 4), nil
}

// decodeEWAH decodes one EWAH-compressed bitmap as git writes it (bit
// count, word count, 64-bit words, position of the last run word) into
// the positions of its set bits, which must all be below limit (the
// entries it speaks of: this bounds what a damaged bitmap can cost).
// Each run word holds a running bit, a run length (in words) and how
// many literal words follow.
func decodeEWAH(b []byte, limit uint64) ([]uint64, error) {
	n, err := ewahSize(b)
	if err != nil {
		return nil, err
	}
	bits := uint64(binary.BigEndian.Uint32(b))
	words := uint64(binary.BigEndian.Uint32(b[4:]))
	b = b[:n]
	if bits > limit+63 {
		return nil, fmt.Errorf("a bitmap of %d bits over %d entries", bits, limit)
	}
	w := func(i uint64) uint64 { return binary.BigEndian.Uint64(b[8+8*i:]) }
	var set []uint64
	pos := uint64(0)
	for i := uint64(0); i < words; {
		rlw := w(i)
		i++
		run := (rlw >> 1) & 0xffffffff
		lits := rlw >> 33
		if run > bits/64+1 || lits > words-i {
			return nil, errors.New("corrupt run word")
		}
		if rlw&1 != 0 {
			for k := uint64(0); k < run*64; k++ {
				set = append(set, pos+k)
			}
		}
		pos += run * 64
		for ; lits > 0; lits-- {
			lit := w(i)
			i++
			for bit := uint64(0); bit < 64; bit++ {
				if lit&(1<<bit) != 0 {
					set = append(set, pos+bit)
				}
			}
			pos += 64
		}
	}
	for len(set) > 0 && set[len(set)-1] >= bits {
		set = set[:len(set)-1]
	}
	if len(set) > 0 && set[len(set)-1] >= limit {
		return nil, fmt.Errorf("a bitmap sets bit %d of %d entries", set[len(set)-1], limit)
	}
	return set, nil
}

// mergeSplit applies a split index to its shared index as git's
// merge_base_index does: the first entries of the split file replace, in
// order, the shared entries whose replace bit is set (keeping their
// names); shared entries whose delete bit is set are dropped; the other
// entries of the split file are added, replacing a shared entry of the
// same name and stage.
func mergeSplit(base []indexEntry, split *rawIndex) ([]indexEntry, error) {
	var replace, deletes []uint64
	if len(split.link.replace) > 0 {
		var err error
		if replace, err = decodeEWAH(split.link.replace, uint64(len(base))); err != nil {
			return nil, fmt.Errorf("split index, replace bitmap: %w", err)
		}
		if deletes, err = decodeEWAH(split.link.delete, uint64(len(base))); err != nil {
			return nil, fmt.Errorf("split index, delete bitmap: %w", err)
		}
	}
	out := slices.Clone(base)
	own := split.entries
	r := 0
	for _, pos := range replace {
		if pos >= uint64(len(out)) || r >= len(own) {
			return nil, errors.New("split index: replace bitmap out of range")
		}
		if own[r].name != "" {
			return nil, fmt.Errorf("split index: replacement %d has a name", r)
		}
		name := out[pos].name
		out[pos] = own[r]
		out[pos].name = name
		r++
	}
	if len(deletes) > 0 {
		del := make(map[uint64]bool, len(deletes))
		for _, pos := range deletes {
			if pos >= uint64(len(out)) {
				return nil, errors.New("split index: delete bitmap out of range")
			}
			del[pos] = true
		}
		w := 0
		for i := range out {
			if !del[uint64(i)] {
				out[w] = out[i]
				w++
			}
		}
		out = out[:w]
	}
	added := own[r:]
	if len(added) == 0 {
		return out, nil
	}
	key := func(e indexEntry) string { return e.name + "\x00" + strconv.Itoa(int(e.stage)) }
	have := make(map[string]int, len(out))
	for i, e := range out {
		have[key(e)] = i
	}
	for _, e := range added {
		if e.name == "" {
			return nil, errors.New("split index: an added entry has no name")
		}
		if i, ok := have[key(e)]; ok {
			out[i] = e
			continue
		}
		out = append(out, e)
	}
	slices.SortStableFunc(out, func(a, b indexEntry) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		return int(a.stage) - int(b.stage)
	})
	return out, nil
}

// uvarint decodes git's offset varint (index version 4): seven bits per
// byte, most significant first, adding one at each continuation.
func uvarint(b []byte) (uint64, int) {
	var v uint64
	for i, c := range b {
		if i > 9 {
			return 0, -1
		}
		if i > 0 {
			v++
		}
		v = v<<7 | uint64(c&0x7f)
		if c&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, -1
}

// decodeCacheTree decodes the TREE extension: nodes in pre-order, each
// "name NUL count SP subtrees LF" and, when count >= 0, the tree id.
func decodeCacheTree(b []byte) (*cacheTree, error) {
	var read func(depth int) (*cacheTree, error)
	read = func(depth int) (*cacheTree, error) {
		if depth > 4096 {
			return nil, errors.New("index TREE extension nests too deep")
		}
		nul := bytes.IndexByte(b, 0)
		if nul < 0 {
			return nil, errors.New("index TREE extension: truncated")
		}
		n := &cacheTree{name: string(b[:nul])}
		b = b[nul+1:]
		lf := bytes.IndexByte(b, '\n')
		if lf < 0 {
			return nil, errors.New("index TREE extension: truncated")
		}
		cnt, sub, ok := strings.Cut(string(b[:lf]), " ")
		if !ok {
			return nil, errors.New("index TREE extension: bad counts")
		}
		b = b[lf+1:]
		count, err1 := strconv.Atoi(cnt)
		subtrees, err2 := strconv.Atoi(sub)
		if err1 != nil || err2 != nil || subtrees < 0 || subtrees > len(b) {
			return nil, errors.New("index TREE extension: bad counts")
		}
		n.count = count
		if count >= 0 {
			if len(b) < hashSizeSHA1 {
				return nil, errors.New("index TREE extension: truncated")
			}
			copy(n.hash[:], b[:hashSizeSHA1])
			b = b[hashSizeSHA1:]
		}
		n.children = make([]*cacheTree, 0, subtrees)
		for range subtrees {
			c, err := read(depth + 1)
			if err != nil {
				return nil, err
			}
			n.children = append(n.children, c)
		}
		return n, nil
	}
	return read(0)
}

// find returns the stage-0 entry of name, or nil.
func (x *indexFile) find(name string) *indexEntry {
	i, ok := slices.BinarySearchFunc(x.entries, name, func(e indexEntry, n string) int { return strings.Compare(e.name, n) })
	if !ok {
		return nil
	}
	return &x.entries[i]
}

// pos is the position of e, an entry of x, in x.entries.
func (x *indexFile) pos(e *indexEntry) int {
	return int((uintptr(unsafe.Pointer(e)) - uintptr(unsafe.Pointer(&x.entries[0]))) / unsafe.Sizeof(*e))
}

// under returns the entries under folder dir ("" = all) as a sub-slice.
func (x *indexFile) under(dir string) []indexEntry {
	if dir == "" {
		return x.entries
	}
	lo, _ := slices.BinarySearchFunc(x.entries, dir+"/", func(e indexEntry, n string) int { return strings.Compare(e.name, n) })
	hi, _ := slices.BinarySearchFunc(x.entries, dir+"0", func(e indexEntry, n string) int { return strings.Compare(e.name, n) }) // '0' follows '/'
	return x.entries[lo:hi]
}

// isConflicted says whether name has merge stages.
func (x *indexFile) isConflicted(name string) bool {
	_, ok := slices.BinarySearch(x.conflicted, name)
	return ok
}
