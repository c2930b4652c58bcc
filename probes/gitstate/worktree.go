package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// WorktreeState is how a work tree file compares with its index entry.
type WorktreeState int

const (
	Unchanged WorktreeState = iota // unchanged since the index
	Modified                       // content, mode or type changed (for a submodule: another commit, or a dirty work tree)
	Deleted                        // gone from the work tree
)

// File types of st_mode, as the index stores them.
const (
	sIFMT  = 0o170000
	sIFREG = 0o100000
	sIFDIR = 0o040000
	sIFLNK = 0o120000
	sIFGIT = 0o160000 // a gitlink (submodule) in the index
)

// fileStat is what lstat says of a work tree file, in the index's terms.
type fileStat struct {
	mode                uint32
	size                int64
	mtimeSec, mtimeNsec int64
	ctimeSec, ctimeNsec int64
	ino                 uint64
	uid, gid            uint32
	noCtime             bool // the system gave no ctime, inode or owner
}

// comparer compares work tree files with their index entries the way git
// status does, for one load of the index.
type comparer struct {
	ctx        context.Context
	root       string
	indexMTime time.Time // the index file's mtime: entries not older are racy
	cfg        repoConfig
	cache      *Cache // to look into submodules
	depth      int    // submodule nesting
}

// compare says how the work tree file of e differs from e: by type and
// mode first, then the stat data git recorded (mtime, ctime, inode,
// owner, size: git's ie_match_stat); an entry whose stat data match is
// still hashed when it is racy (not older than the index file), and one
// whose stat data differ but size matches is hashed rather than called
// modified, as git does. Filters (autocrlf, LFS) are not applied: a file
// with a clean filter may read as modified.
func (c *comparer) compare(e *indexEntry) (WorktreeState, error) {
	if e.skipWorktree || e.assumeValid {
		return Unchanged, nil // git does not look at these files
	}
	full := filepath.Join(c.root, filepath.FromSlash(e.name))
	st, err := lstat(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return Deleted, nil
		}
		return Unchanged, fmt.Errorf("reading %s: %w", full, err)
	}
	return c.compareStat(e, filepath.Dir(full), filepath.Base(full), st)
}

// compareStat is compare with the lstat of the file (base, in folder dir)
// already taken. The path is joined only when the file must be read.
func (c *comparer) compareStat(e *indexEntry, dir, base string, st fileStat) (WorktreeState, error) {
	if e.intentToAdd {
		return Modified, nil // git status: " A", added in the work tree only
	}
	switch e.mode & sIFMT {
	case sIFGIT:
		if st.mode&sIFMT != sIFDIR {
			return Modified, nil
		}
		return c.compareSubmodule(filepath.Join(dir, base), e.hash)
	case sIFLNK:
		if st.mode&sIFMT != sIFLNK {
			return Modified, nil
		}
	default:
		if st.mode&sIFMT != sIFREG {
			return Modified, nil
		}
		// Only the owner's x bit counts, as in git.
		if !c.cfg.ignoreMode && (e.mode^st.mode)&0o100 != 0 {
			return Modified, nil
		}
	}
	sizeChanged := uint32(st.size) != e.size
	if sizeChanged && e.size != 0 {
		return Modified, nil
	}
	// A size of 0 in the index is "smudged" by git (a racily clean entry
	// at the last write): only the content can tell.
	if !sizeChanged && c.statMatches(e, st) && !c.racy(e) {
		return Unchanged, nil
	}
	h, err := blobHash(c.ctx, filepath.Join(dir, base), st)
	if err != nil {
		return Unchanged, err
	}
	if h != e.hash {
		return Modified, nil
	}
	return Unchanged, nil
}

// statMatches compares the times, inode and owner git recorded with the
// file's. Nanoseconds are compared when the entry has them (git writes
// them; a tool that does not leaves zeros, and then seconds must do).
func (c *comparer) statMatches(e *indexEntry, st fileStat) bool {
	nsec := e.mtimeNsec != 0 || e.ctimeNsec != 0
	if int64(e.mtimeSec) != st.mtimeSec&0xffffffff || nsec && int64(e.mtimeNsec) != st.mtimeNsec {
		return false
	}
	if st.noCtime {
		return true
	}
	if c.cfg.trustCtime && c.cfg.checkStat {
		if int64(e.ctimeSec) != st.ctimeSec&0xffffffff || nsec && int64(e.ctimeNsec) != st.ctimeNsec {
			return false
		}
	}
	if c.cfg.checkStat && (e.ino != uint32(st.ino) || e.uid != st.uid || e.gid != st.gid) {
		return false
	}
	return true
}

// racy is git's racy-git rule: an entry whose mtime is not older than the
// index file may have been changed in the same clock tick after git
// looked, so its stat data prove nothing.
func (c *comparer) racy(e *indexEntry) bool {
	if c.indexMTime.IsZero() {
		return true
	}
	is, ins := c.indexMTime.Unix(), int64(c.indexMTime.Nanosecond())
	es, ens := int64(e.mtimeSec), int64(e.mtimeNsec)
	if e.mtimeNsec == 0 {
		ins = 0 // seconds only, as git without nanoseconds
	}
	return es > is || es == is && ens >= ins
}

// compareSubmodule says whether the submodule checked out at dir differs
// from commit want as git status shows it: at another commit, or with
// modified, staged or untracked files of its own. An uninitialised
// submodule (an empty folder) counts as unchanged, as in git status.
func (c *comparer) compareSubmodule(dir string, want plumbing.Hash) (WorktreeState, error) {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err != nil {
		return Unchanged, nil
	}
	if c.cache == nil || c.depth >= maxSubmoduleDepth {
		return Unchanged, nil
	}
	sub := c.cache.Repo(dir)
	rep, head, err := sub.cleanAt(c.ctx, "", c.depth+1)
	if err != nil {
		return Modified, nil // git cannot read it either: "modified content"
	}
	if head != want || !rep.IsClean() {
		return Modified, nil
	}
	return Unchanged, nil
}

// maxSubmoduleDepth bounds submodules within submodules.
const maxSubmoduleDepth = 8

// blobHash is git's object id of a work tree file (or symlink target),
// streamed, stopping at ctx's deadline.
func blobHash(ctx context.Context, full string, st fileStat) (plumbing.Hash, error) {
	if st.mode&sIFMT == sIFLNK {
		target, err := os.Readlink(full)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading link %s: %w", full, err)
		}
		h := plumbing.NewHasher(plumbing.BlobObject, int64(len(target)))
		_, _ = io.Copy(h, strings.NewReader(target))
		return h.Sum(), nil
	}
	f, err := os.OpenFile(full, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, err)
	}
	if !fi.Mode().IsRegular() {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, errNotRegular)
	}
	h := plumbing.NewHasher(plumbing.BlobObject, fi.Size())
	n, err := io.Copy(h, io.LimitReader(ctxReader{ctx, f}, fi.Size()))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, err)
	}
	if n != fi.Size() {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: it shrank while being read", full)
	}
	return h.Sum(), nil
}

// ctxReader stops reading once ctx is done, so hashing a large file ends
// at the check's deadline.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

// Read reads from the underlying reader unless ctx is done.
func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
