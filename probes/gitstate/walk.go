package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The work tree pass of Clean. Each folder holding index entries is a job
// (a large folder is split in chunks of chunkSize entries); a bounded
// pool of workers opens each folder once and compares its entries by
// fstatat on the open folder, as git status spreads its lstat calls over
// threads. The first chunk of a folder also lists it for untracked files,
// unless the folder and everything that decided its last listing are
// unchanged (a cache by stat, kept across checks: on the board only
// folders that changed are read again).

const (
	chunkSize  = 1024
	maxWorkers = 8
)

// listingAge is how old a folder's change time must be before its
// listing is kept for reuse: file times tick coarsely (a few ms), and a
// folder changed in the same tick as it was read would look unchanged.
var listingAge = 2 * time.Second

// walker is the state of one Clean's pass over the work tree.
type walker struct {
	g      *Repo
	ctx    context.Context
	cmp    *comparer
	idx    *indexFile
	layout map[string]*dirInfo
	noList bool // compare the entries only, list no folder

	mu        sync.Mutex
	modified  []string
	untracked []string
	err       error

	memoMu sync.Mutex
	rules  map[string]*dirRules
	real   map[string]bool // folders that are real folders, no symlink on the way
}

// dirRules are the ignore rules that apply to the children of a folder,
// whether the folder itself is ignored, and a key that changes when any
// file they come from changes.
type dirRules struct {
	rules   []IgnoreRule
	ignored bool
	key     string
}

func newWalker(ctx context.Context, g *Repo, cmp *comparer, idx *indexFile) *walker {
	return &walker{g: g, ctx: ctx, cmp: cmp, idx: idx, layout: idx.layout(),
		rules: map[string]*dirRules{}, real: map[string]bool{"": true}}
}

// job is a chunk of one folder's entries.
type job struct {
	dir   string
	files []int32
	list  bool // also list the folder for untracked files
}

// run compares the entries (all under rel, or rel itself) with the work
// tree and lists untracked files under rel.
func (w *walker) run(rel string, entries []indexEntry) error {
	var jobs []job
	add := func(dir string, files []int32, list bool) {
		for len(files) > chunkSize {
			jobs = append(jobs, job{dir, files[:chunkSize], list})
			files, list = files[chunkSize:], false
		}
		jobs = append(jobs, job{dir, files, list})
	}
	if rel != "" {
		if e := w.idx.find(rel); e != nil {
			// rel is a file: compare it alone.
			add(pathDir(rel), []int32{int32(w.idx.pos(e))}, false)
		}
	}
	if d := w.layout[rel]; d == nil {
		if !w.noList {
			add(rel, nil, true) // no tracked files: only untracked ones to list
		}
	} else {
		prefix := rel + "/"
		for dir, d := range w.layout {
			if rel == "" || dir == rel || strings.HasPrefix(dir, prefix) {
				add(dir, d.files, !w.noList)
			}
		}
	}
	// The biggest folders first, so the pool ends together.
	slices.SortFunc(jobs, func(a, b job) int { return len(b.files) - len(a.files) })
	workers := min(maxWorkers, 2*runtime.GOMAXPROCS(0), len(jobs))
	ch := make(chan job)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range ch {
				if err := w.do(j); err != nil {
					w.fail(err)
				}
			}
		})
	}
	for _, j := range jobs {
		if w.ctx.Err() != nil || w.failed() {
			break
		}
		ch <- j
	}
	close(ch)
	wg.Wait()
	if w.err != nil {
		return w.err
	}
	return w.ctx.Err()
}

func (w *walker) fail(err error) {
	w.mu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.mu.Unlock()
}

func (w *walker) failed() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err != nil
}

// do compares one chunk of a folder's entries and, for the first chunk,
// lists the folder.
func (w *walker) do(j job) error {
	full := filepath.Join(w.g.root, filepath.FromSlash(j.dir))
	var f *os.File
	var err error
	if w.isReal(j.dir) {
		f, err = os.OpenFile(full, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0)
	} else {
		err = syscall.ENOTDIR // a symlink or a file on the way: git reads no further
	}
	if err != nil {
		if !isGone(err) {
			return fmt.Errorf("listing %s: %w", full, err)
		}
		// The folder is gone (or is no folder): its entries are deleted.
		var mod []string
		for _, i := range j.files {
			e := &w.idx.entries[i]
			if !e.skipWorktree && !e.assumeValid {
				mod = append(mod, e.name)
			}
		}
		w.add(mod, nil)
		return nil
	}
	defer f.Close()
	fd := int(f.Fd())
	var mod []string
	for k, i := range j.files {
		if k%256 == 0 && w.ctx.Err() != nil {
			return w.ctx.Err()
		}
		e := &w.idx.entries[i]
		if e.skipWorktree || e.assumeValid {
			continue
		}
		base := e.name[strings.LastIndexByte(e.name, '/')+1:]
		st, err := statAt(fd, full, base, w.idx.nulNames)
		var state WorktreeState
		switch {
		case err == nil:
			if state, err = w.cmp.compareStat(e, full, base, st); err != nil {
				return err
			}
		case isGone(err):
			state = Deleted
		default:
			return fmt.Errorf("reading %s: %w", filepath.Join(full, base), err)
		}
		if state != Unchanged {
			mod = append(mod, e.name)
		}
	}
	var untracked []string
	if j.list {
		if untracked, err = w.list(j.dir, f); err != nil {
			return err
		}
	}
	w.add(mod, untracked)
	return nil
}

func (w *walker) add(mod, untracked []string) {
	if len(mod)+len(untracked) == 0 {
		return
	}
	w.mu.Lock()
	w.modified = append(w.modified, mod...)
	w.untracked = append(w.untracked, untracked...)
	w.mu.Unlock()
}

// baseName is the last part of a slash path.
func baseName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// isGone is true for the errors that mean "not there (any more)".
func isGone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.ELOOP)
}

// isReal says whether dir is a folder reached without a symlink: git
// does not follow symlinks to tracked files (a tracked folder replaced by
// a symlink reads as its files deleted and the link untracked).
func (w *walker) isReal(dir string) bool {
	w.memoMu.Lock()
	ok, known := w.real[dir]
	w.memoMu.Unlock()
	if known {
		return ok
	}
	ok = w.isReal(pathDir(dir))
	if ok {
		st, err := lstat(filepath.Join(w.g.root, filepath.FromSlash(dir)))
		ok = err == nil && st.mode&sIFMT == sIFDIR
	}
	w.memoMu.Lock()
	w.real[dir] = ok
	w.memoMu.Unlock()
	return ok
}

// rulesOf returns the ignore rules for the children of dir, built from its
// parent's and its own .gitignore, once per walk.
func (w *walker) rulesOf(dir string) *dirRules {
	w.memoMu.Lock()
	r, ok := w.rules[dir]
	w.memoMu.Unlock()
	if ok {
		return r
	}
	r = &dirRules{}
	if dir == "" {
		base, key := w.g.baseRules(w.ctx)
		r.rules, r.key = base, key
	} else {
		parent := w.rulesOf(pathDir(dir))
		parts := strings.Split(dir, "/")
		r.ignored = parent.ignored
		if !r.ignored {
			r.ignored, _ = ignoredWith(parent.rules, parts, true)
		}
		r.rules, r.key = parent.rules, parent.key
	}
	gi := filepath.Join(w.g.root, filepath.FromSlash(dir), ".gitignore")
	r.key += "|" + statStamp(gi)
	if !r.ignored {
		var domain []string
		if dir != "" {
			domain = strings.Split(dir, "/")
		}
		label := ".gitignore"
		if dir != "" {
			label = dir + "/.gitignore"
		}
		if own := w.g.parseIgnore(w.ctx, gi, label, domain, false); len(own) > 0 {
			r.rules = append(slices.Clip(r.rules), own...)
		}
	}
	w.memoMu.Lock()
	w.rules[dir] = r
	w.memoMu.Unlock()
	return r
}

// list returns the untracked paths directly in dir (f, open): names that
// are neither index entries nor folders of the index, and not ignored. A
// folder holding only untracked files is one "dir/" entry, as git status
// shows it, as is a nested repository; empty and all-ignored folders are
// not shown.
func (w *walker) list(dir string, f *os.File) ([]string, error) {
	r := w.rulesOf(dir)
	if r.ignored {
		return nil, nil // tracked files in an ignored folder: the rest is ignored
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	stamp := stampOf(fi)
	if c := w.g.cachedListing(w.idx, dir, stamp, r.key); c != nil {
		return c, nil
	}
	var files []int32
	var subdirs []string
	if d := w.layout[dir]; d != nil {
		files, subdirs = d.files, d.subdirs
	}
	tracked := func(name string) bool {
		_, ok := slices.BinarySearchFunc(files, name, func(i int32, n string) int {
			return strings.Compare(baseName(w.idx.entries[i].name), n)
		})
		return ok
	}
	var out []string
	var deps []listingDep
	err = eachName(f, func(name string, isDir bool) error {
		if tracked(name) {
			return nil // compared by its folder's job
		}
		if _, ok := slices.BinarySearch(subdirs, name); ok && isDir {
			return nil // a folder of the index: its own job lists it
		}
		if dir == "" && name == ".git" {
			return nil
		}
		name = strings.Clone(name) // the listing's buffer is reused
		p := name
		if dir != "" {
			p = dir + "/" + name
		}
		if ign, _ := ignoredWith(r.rules, childParts(dir, name), isDir); ign {
			return nil
		}
		if !isDir {
			out = append(out, p)
			return nil
		}
		sub := filepath.Join(f.Name(), name)
		deps = append(deps, listingDep{sub, depStamp(sub)})
		if _, err := os.Lstat(filepath.Join(sub, ".git")); err == nil {
			out = append(out, p+"/") // a nested repository
			return nil
		}
		has, err := w.hasUntracked(p, &deps)
		if err != nil {
			return err
		}
		if has {
			out = append(out, p+"/")
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing %s: %w", f.Name(), err)
	}
	w.g.keepListing(w.idx, dir, stamp, r.key, fi, out, deps)
	return out, nil
}

// hasUntracked reports whether the untracked folder dir holds any file
// that is not ignored; the folders it reads are added to deps.
func (w *walker) hasUntracked(dir string, deps *[]listingDep) (bool, error) {
	if err := w.ctx.Err(); err != nil {
		return false, err
	}
	full := filepath.Join(w.g.root, filepath.FromSlash(dir))
	ents, err := os.ReadDir(full)
	if err != nil {
		return false, nil
	}
	r := w.rulesOf(dir)
	gi := filepath.Join(full, ".gitignore")
	*deps = append(*deps, listingDep{gi, depStamp(gi)})
	for _, de := range ents {
		if ign, _ := ignoredWith(r.rules, childParts(dir, de.Name()), de.IsDir()); ign {
			continue
		}
		if !de.IsDir() {
			return true, nil
		}
		sub := filepath.Join(full, de.Name())
		*deps = append(*deps, listingDep{sub, depStamp(sub)})
		if has, err := w.hasUntracked(dir+"/"+de.Name(), deps); err != nil || has {
			return has, err
		}
	}
	return false, nil
}

// listingDep is a file whose stat a cached listing depends on.
type listingDep struct{ path, stamp string }

// listing is a folder's untracked files, as last listed.
type listing struct {
	idx       *indexFile // the index they were listed against
	stamp     string     // the folder's stat
	rulesKey  string
	untracked []string
	deps      []listingDep
}

// stampOf identifies a file's version by size, times and inode.
func stampOf(fi fs.FileInfo) string {
	ino, ctime := inodeAndCtime(fi)
	return fmt.Sprintf("%d.%d.%d.%d.%o", fi.Size(), fi.ModTime().UnixNano(), ctime, ino, uint32(fi.Mode()))
}

// depStamp is stampOf of path's lstat, "-" when it does not exist.
func depStamp(path string) string {
	fi, err := os.Lstat(path)
	if err != nil {
		return "-"
	}
	return stampOf(fi)
}

// cachedListing returns the untracked files of dir as last listed, when
// nothing they depend on has changed since; nil otherwise.
func (g *Repo) cachedListing(idx *indexFile, dir, stamp, rulesKey string) []string {
	g.listMu.Lock()
	c := g.listings[dir]
	g.listMu.Unlock()
	if c == nil || c.idx != idx || c.stamp != stamp || c.rulesKey != rulesKey {
		return nil
	}
	for _, d := range c.deps {
		if depStamp(d.path) != d.stamp {
			return nil
		}
	}
	g.listHits.Add(1)
	if c.untracked == nil {
		return []string{}
	}
	return c.untracked
}

// keepListing remembers a folder's listing, unless the folder changed so
// recently that a change in the same clock tick could go unseen.
func (g *Repo) keepListing(idx *indexFile, dir, stamp, rulesKey string, fi fs.FileInfo, untracked []string, deps []listingDep) {
	if _, ctime := inodeAndCtime(fi); ctime != 0 && time.Since(time.Unix(0, ctime)) < listingAge {
		return
	}
	if time.Since(fi.ModTime()) < listingAge {
		return
	}
	g.listMu.Lock()
	defer g.listMu.Unlock()
	if g.listings == nil || len(g.listings) > 1<<16 {
		g.listings = map[string]*listing{}
	}
	g.listings[dir] = &listing{idx: idx, stamp: stamp, rulesKey: rulesKey, untracked: untracked, deps: deps}
}
