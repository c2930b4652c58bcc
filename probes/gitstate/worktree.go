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

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// WorktreeState is how a work tree file compares with its index entry.
type WorktreeState int

const (
	Unchanged WorktreeState = iota // unchanged since the index
	Modified                       // content, mode or type changed
	Deleted                        // gone from the work tree
)

// compareWorktree compares the work tree file of an index entry with the
// entry: first by type, mode and size, then mtime (trusting an equal
// mtime unless the entry is racy, i.e. not older than the index file),
// and only then by hashing the content as a blob. Filters (autocrlf,
// LFS) are not applied: a file with a clean filter may read as modified.
func compareWorktree(ctx context.Context, root string, e *index.Entry, indexMTime time.Time, ignoreMode bool) (WorktreeState, error) {
	full := filepath.Join(root, filepath.FromSlash(e.Name))
	fi, err := os.Lstat(full)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return Deleted, nil
		}
		return Unchanged, fmt.Errorf("reading %s: %w", full, err)
	}
	if e.SkipWorktree {
		return Unchanged, nil
	}
	switch e.Mode {
	case filemode.Submodule:
		if !fi.IsDir() {
			return Modified, nil
		}
		return compareSubmodule(full, e.Hash), nil
	case filemode.Symlink:
		if fi.Mode()&fs.ModeSymlink == 0 {
			return Modified, nil
		}
	default:
		if !fi.Mode().IsRegular() {
			return Modified, nil
		}
		exec := fi.Mode()&0o111 != 0
		if exec != (e.Mode == filemode.Executable) && !ignoreMode {
			return Modified, nil
		}
	}
	if uint32(fi.Size()) != e.Size {
		return Modified, nil
	}
	if fi.ModTime().Equal(e.ModifiedAt) && e.ModifiedAt.Before(indexMTime) {
		return Unchanged, nil
	}
	h, err := blobHash(ctx, full, fi)
	if err != nil {
		return Unchanged, err
	}
	if h != e.Hash {
		return Modified, nil
	}
	return Unchanged, nil
}

// compareSubmodule says whether the submodule checked out at dir is at
// commit want. An uninitialised submodule (empty folder) counts as
// unchanged, as git status does.
func compareSubmodule(dir string, want plumbing.Hash) WorktreeState {
	if _, err := os.Lstat(filepath.Join(dir, ".git")); err != nil {
		return Unchanged
	}
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	if err != nil {
		return Unchanged
	}
	h, err := r.Head()
	if err != nil || h.Hash() != want {
		return Modified
	}
	return Unchanged
}

// blobHash is git's object id of a work tree file (or symlink target),
// streamed, stopping at ctx's deadline.
func blobHash(ctx context.Context, full string, fi fs.FileInfo) (plumbing.Hash, error) {
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := os.Readlink(full)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("reading link %s: %w", full, err)
		}
		h := plumbing.NewHasher(plumbing.BlobObject, int64(len(target)))
		_, _ = io.Copy(h, strings.NewReader(target))
		return h.Sum(), nil
	}
	f, err := os.Open(full)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, err)
	}
	defer f.Close()
	h := plumbing.NewHasher(plumbing.BlobObject, fi.Size())
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("reading %s: %w", full, err)
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
