package gitstate

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// objectStore reads commits and trees straight from the object folders
// (loose objects, then pack files found through their .idx, then the
// alternates), looking up only the object asked for: go-git's storage
// decodes a pack's whole index on first use, a cost that grows with the
// repository (70 ms on 100k objects) where a check needs two objects.
// What it cannot read (a pack index version it does not know, an object
// it does not find) is asked of go-git's storage, the fallback.
type objectStore struct {
	dirs     []string // objects folders: the repository's, then its alternates
	fallback storer.EncodedObjectStorer

	mu    sync.Mutex
	packs []*packFile // listed on first need
	ready bool
	bases map[packKey][]byte // delta bases already inflated, bounded by basesSize
	size  int
}

// packKey names an object by its pack and offset.
type packKey struct {
	p   *packFile
	off int64
}

const (
	maxDeltaDepth = 4096    // git's own limit on delta chains
	basesSize     = 8 << 20 // bytes of delta bases kept
	objCommit     = 1
	objTree       = 2
	objBlob       = 3
	objTag        = 4
	objOfsDelta   = 6
	objRefDelta   = 7
)

// newObjectStore lists the objects folder of commonDir and the alternates
// it names (recursively, as git reads them).
func newObjectStore(commonDir string, fallback storer.EncodedObjectStorer) *objectStore {
	o := &objectStore{fallback: fallback, bases: map[packKey][]byte{}}
	seen := map[string]bool{}
	var add func(dir string, depth int)
	add = func(dir string, depth int) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			dir = real
		}
		if seen[dir] || depth > 5 {
			return
		}
		seen[dir] = true
		o.dirs = append(o.dirs, dir)
		b, err := readBounded(context.Background(), filepath.Join(dir, "info", "alternates"), capSmall, true)
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(b), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || line[0] == '#' {
				continue
			}
			if !filepath.IsAbs(line) {
				line = filepath.Join(dir, line)
			}
			add(filepath.Clean(line), depth+1)
		}
	}
	add(filepath.Join(commonDir, "objects"), 0)
	return o
}

// read returns the content of object h, which must be of type typ.
func (o *objectStore) read(typ plumbing.ObjectType, h plumbing.Hash) ([]byte, error) {
	t, b, err := o.readNative(h)
	if err == nil {
		if t != typ {
			return nil, fmt.Errorf("object %s is a %s, not a %s", h, t, typ)
		}
		return b, nil
	}
	if o.fallback == nil {
		return nil, err
	}
	return readObject(o.fallback, typ, h)
}

// errNotHere is readNative's "not found natively".
var errNotHere = errors.New("not found by the native reader")

// readNative looks for h as a loose object, then in every pack.
func (o *objectStore) readNative(h plumbing.Hash) (plumbing.ObjectType, []byte, error) {
	hex := h.String()
	for _, dir := range o.dirs {
		t, b, err := readLoose(filepath.Join(dir, hex[:2], hex[2:]))
		if err == nil {
			return t, b, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return 0, nil, err
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.ready {
		o.listPacks()
	}
	for _, p := range o.packs {
		off, ok, err := p.find(h)
		if err != nil {
			return 0, nil, err
		}
		if ok {
			return o.readPacked(p, off, 0)
		}
	}
	return 0, nil, errNotHere
}

// listPacks finds the .idx files of every objects folder. Under o.mu.
func (o *objectStore) listPacks() {
	o.ready = true
	for _, dir := range o.dirs {
		names, _ := filepath.Glob(filepath.Join(dir, "pack", "pack-*.idx"))
		sort.Strings(names)
		for _, idx := range names {
			o.packs = append(o.packs, &packFile{idxPath: idx, packPath: strings.TrimSuffix(idx, ".idx") + ".pack"})
		}
	}
}

// readLoose reads a loose object: zlib of "<type> <size>\0<content>".
func readLoose(path string) (plumbing.ObjectType, []byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return 0, nil, fmt.Errorf("%s: %w", path, errNotRegular)
	}
	zr, err := zlib.NewReader(bufio.NewReader(f))
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer zr.Close()
	br := bufio.NewReader(zr)
	hdr, err := br.ReadString(0)
	if err != nil || len(hdr) > 32 {
		return 0, nil, fmt.Errorf("%s: no object header", path)
	}
	typName, sizeStr, ok := strings.Cut(strings.TrimSuffix(hdr, "\x00"), " ")
	size, err := strconv.ParseInt(sizeStr, 10, 64)
	t, terr := plumbing.ParseObjectType(typName)
	if !ok || err != nil || terr != nil || size < 0 || size > capObject {
		return 0, nil, fmt.Errorf("%s: bad object header %q", path, clip(hdr))
	}
	b, err := readExactly(br, size)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	return t, b, nil
}

// readPacked reads the object at off in p, resolving deltas. Under o.mu.
func (o *objectStore) readPacked(p *packFile, off int64, depth int) (plumbing.ObjectType, []byte, error) {
	if depth > maxDeltaDepth {
		return 0, nil, fmt.Errorf("%s: delta chain longer than %d", p.packPath, maxDeltaDepth)
	}
	f, err := p.pack()
	if err != nil {
		return 0, nil, err
	}
	r := bufio.NewReaderSize(io.NewSectionReader(f, off, 1<<62), 4096)
	c, err := r.ReadByte()
	if err != nil {
		return 0, nil, fmt.Errorf("%s at %d: %w", p.packPath, off, err)
	}
	typ := (c >> 4) & 7
	size := int64(c & 15)
	for shift := 4; c&0x80 != 0; shift += 7 {
		if c, err = r.ReadByte(); err != nil || shift > 60 {
			return 0, nil, fmt.Errorf("%s at %d: bad object header", p.packPath, off)
		}
		size |= int64(c&0x7f) << shift
	}
	if size > capObject {
		return 0, nil, fmt.Errorf("%s at %d: object of %d bytes", p.packPath, off, size)
	}
	var baseOff int64 = -1
	var baseHash plumbing.Hash
	switch typ {
	case objCommit, objTree, objBlob, objTag:
		b, err := inflate(r, size)
		if err != nil {
			return 0, nil, fmt.Errorf("%s at %d: %w", p.packPath, off, err)
		}
		return plumbing.ObjectType(typ), b, nil
	case objOfsDelta:
		c, err := r.ReadByte()
		if err != nil {
			return 0, nil, err
		}
		rel := int64(c & 0x7f)
		for c&0x80 != 0 {
			if c, err = r.ReadByte(); err != nil || rel > 1<<55 {
				return 0, nil, fmt.Errorf("%s at %d: bad delta offset", p.packPath, off)
			}
			rel = (rel+1)<<7 | int64(c&0x7f)
		}
		baseOff = off - rel
		if baseOff <= 0 || baseOff >= off {
			return 0, nil, fmt.Errorf("%s at %d: bad delta offset", p.packPath, off)
		}
	case objRefDelta:
		if _, err := io.ReadFull(r, baseHash[:]); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, fmt.Errorf("%s at %d: object type %d", p.packPath, off, typ)
	}
	delta, err := inflate(r, size)
	if err != nil {
		return 0, nil, fmt.Errorf("%s at %d: %w", p.packPath, off, err)
	}
	var baseType plumbing.ObjectType
	var base []byte
	if baseOff >= 0 {
		k := packKey{p, baseOff}
		if b, ok := o.bases[k]; ok {
			// The type of a cached base is kept in its first byte.
			baseType, base = plumbing.ObjectType(b[0]), b[1:]
		} else {
			if baseType, base, err = o.readPacked(p, baseOff, depth+1); err != nil {
				return 0, nil, err
			}
			o.keepBase(k, baseType, base)
		}
	} else {
		found := false
		for _, q := range o.packs {
			if qoff, ok, err := q.find(baseHash); err == nil && ok {
				if baseType, base, err = o.readPacked(q, qoff, depth+1); err != nil {
					return 0, nil, err
				}
				found = true
				break
			}
		}
		if !found {
			return 0, nil, errNotHere // a thin pack's base elsewhere: ask the fallback
		}
	}
	out, err := applyDelta(base, delta)
	if err != nil {
		return 0, nil, fmt.Errorf("%s at %d: %w", p.packPath, off, err)
	}
	return baseType, out, nil
}

// keepBase remembers an inflated delta base, within basesSize bytes.
func (o *objectStore) keepBase(k packKey, t plumbing.ObjectType, b []byte) {
	if len(b) > basesSize/4 {
		return
	}
	if o.size+len(b) > basesSize {
		clear(o.bases)
		o.size = 0
	}
	o.bases[k] = append([]byte{byte(t)}, b...)
	o.size += len(b) + 1
}

// inflate reads a zlib stream holding exactly size bytes.
func inflate(r io.Reader, size int64) ([]byte, error) {
	zr, err := zlib.NewReader(r)
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	return readExactly(zr, size)
}

// readExactly reads size bytes, growing the buffer as they come rather
// than trusting a size a damaged header may claim.
func readExactly(r io.Reader, size int64) ([]byte, error) {
	b, err := readAllInto(make([]byte, 0, min(size, 1<<20)), io.LimitReader(r, size))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) != size {
		return nil, io.ErrUnexpectedEOF
	}
	return b, nil
}

// applyDelta rebuilds an object from its base and a git delta: the two
// sizes, then instructions that copy a range of the base or insert bytes.
func applyDelta(base, delta []byte) ([]byte, error) {
	varint := func() (int64, error) {
		var v int64
		for shift := 0; ; shift += 7 {
			if len(delta) == 0 || shift > 56 {
				return 0, errors.New("truncated delta")
			}
			c := delta[0]
			delta = delta[1:]
			v |= int64(c&0x7f) << shift
			if c&0x80 == 0 {
				return v, nil
			}
		}
	}
	srcSize, err := varint()
	if err != nil {
		return nil, err
	}
	dstSize, err := varint()
	if err != nil {
		return nil, err
	}
	if srcSize != int64(len(base)) || dstSize > capObject {
		return nil, errors.New("delta does not fit its base")
	}
	out := make([]byte, 0, min(dstSize, int64(len(base))+int64(len(delta))))
	for len(delta) > 0 {
		op := delta[0]
		delta = delta[1:]
		switch {
		case op&0x80 != 0:
			var off, n uint32
			for i := 0; i < 4; i++ {
				if op&(1<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated delta")
					}
					off |= uint32(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			for i := 0; i < 3; i++ {
				if op&(0x10<<i) != 0 {
					if len(delta) == 0 {
						return nil, errors.New("truncated delta")
					}
					n |= uint32(delta[0]) << (8 * i)
					delta = delta[1:]
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if int64(off)+int64(n) > int64(len(base)) || int64(len(out))+int64(n) > dstSize {
				return nil, errors.New("delta copies out of range")
			}
			out = append(out, base[off:off+n]...)
		case op != 0:
			if int(op) > len(delta) || int64(len(out))+int64(op) > dstSize {
				return nil, errors.New("delta inserts out of range")
			}
			out = append(out, delta[:op]...)
			delta = delta[op:]
		default:
			return nil, errors.New("delta opcode 0")
		}
	}
	if int64(len(out)) != dstSize {
		return nil, errors.New("delta result has the wrong size")
	}
	return out, nil
}

// packFile is one pack and its index (version 2), opened on first need.
type packFile struct {
	idxPath, packPath string
	idx, pk           *os.File
	fanout            [256]uint32
	err               error
	opened            bool
}

// open reads the index's header and fan-out table.
func (p *packFile) open() error {
	if p.opened {
		return p.err
	}
	p.opened = true
	f, err := openRegular(p.idxPath)
	if err != nil {
		p.err = err
		return err
	}
	var hdr [8 + 256*4]byte
	if _, err := f.ReadAt(hdr[:], 0); err != nil {
		f.Close()
		p.err = fmt.Errorf("%s: %w", p.idxPath, err)
		return p.err
	}
	if !bytes.Equal(hdr[:4], []byte{0xff, 't', 'O', 'c'}) || binary.BigEndian.Uint32(hdr[4:]) != 2 {
		f.Close()
		p.err = fmt.Errorf("%s: not a version 2 pack index: %w", p.idxPath, errNotHere)
		return p.err
	}
	for i := range p.fanout {
		p.fanout[i] = binary.BigEndian.Uint32(hdr[8+4*i:])
	}
	p.idx = f
	return nil
}

// pack returns the open pack file.
func (p *packFile) pack() (*os.File, error) {
	if p.pk == nil {
		f, err := openRegular(p.packPath)
		if err != nil {
			return nil, err
		}
		p.pk = f
	}
	return p.pk, nil
}

// find looks h up in the index: a binary search among the ids of its
// fan-out bucket, read from the file, then its offset.
func (p *packFile) find(h plumbing.Hash) (int64, bool, error) {
	if err := p.open(); err != nil {
		if errors.Is(err, errNotHere) {
			return 0, false, err
		}
		return 0, false, nil // an unreadable pack: git would skip it too
	}
	n := int64(p.fanout[255])
	lo, hi := int64(0), int64(p.fanout[h[0]])
	if h[0] > 0 {
		lo = int64(p.fanout[h[0]-1])
	}
	if lo > hi || hi > n {
		return 0, false, fmt.Errorf("%s: bad fan-out table", p.idxPath)
	}
	const ids = 8 + 256*4
	bucket := make([]byte, (hi-lo)*hashSizeSHA1)
	if _, err := p.idx.ReadAt(bucket, ids+lo*hashSizeSHA1); err != nil {
		return 0, false, fmt.Errorf("%s: %w", p.idxPath, err)
	}
	k := sort.Search(int(hi-lo), func(i int) bool {
		return bytes.Compare(bucket[i*hashSizeSHA1:(i+1)*hashSizeSHA1], h[:]) >= 0
	})
	if k == int(hi-lo) || !bytes.Equal(bucket[k*hashSizeSHA1:(k+1)*hashSizeSHA1], h[:]) {
		return 0, false, nil
	}
	pos := lo + int64(k)
	var b [8]byte
	offsets := ids + n*hashSizeSHA1 + n*4
	if _, err := p.idx.ReadAt(b[:4], offsets+pos*4); err != nil {
		return 0, false, fmt.Errorf("%s: %w", p.idxPath, err)
	}
	off := int64(binary.BigEndian.Uint32(b[:4]))
	if off&0x80000000 != 0 {
		large := offsets + n*4 + (off&0x7fffffff)*8
		if _, err := p.idx.ReadAt(b[:], large); err != nil {
			return 0, false, fmt.Errorf("%s: %w", p.idxPath, err)
		}
		off = int64(binary.BigEndian.Uint64(b[:]))
	}
	return off, true, nil
}

// openRegular opens a file for reading without blocking, and refuses
// anything but a regular file.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		f.Close()
		if err == nil {
			err = fmt.Errorf("%s is %s: %w", path, textfmt.FileKind(fi.Mode()), errNotRegular)
		}
		return nil, err
	}
	return f, nil
}

// close releases the open pack files.
func (o *objectStore) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, p := range o.packs {
		if p.idx != nil {
			p.idx.Close()
		}
		if p.pk != nil {
			p.pk.Close()
		}
	}
	o.packs, o.ready = nil, false
}
