package gitstate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"

	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// Caps on the files of a repository read whole. A repository is input
// like any other: a .gitignore committed as a symlink to /dev/zero, a FIFO
// at .git/HEAD or a 10 GB config must cost a bounded amount of memory and
// time, and never hang a check.
const (
	capSmall  = 1 << 20   // HEAD, a ref, the .git file, commondir
	capText   = 8 << 20   // config
	capIgnore = 100 << 20 // ignore files: git refuses larger ones too
	capIndex  = 1 << 30   // .git/index: 100k entries take about 10 MB
	readChunk = 4 << 20   // how much is read between two looks at the context
)

// errNotRegular is returned for a path that is a FIFO, a device, a socket
// or a folder where a regular file was expected.
var errNotRegular = errors.New("not a regular file")

// readBounded reads the regular file at path whole, refusing anything
// else: a FIFO or device (it is opened without blocking and checked with
// fstat before any read), a file over limit bytes, and, unless follow is
// set, a symlink (git does not follow a symlinked .gitignore in the work
// tree). It stops when ctx is done.
func readBounded(ctx context.Context, path string, limit int64, follow bool) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	flags := os.O_RDONLY | syscall.O_NONBLOCK | syscall.O_CLOEXEC
	if !follow {
		flags |= syscall.O_NOFOLLOW
	}
	f, err := os.OpenFile(path, flags, 0)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) && !follow {
			return nil, fmt.Errorf("%s is a symlink, which git does not follow here: %w", path, errNotRegular)
		}
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is %s: %w", path, textfmt.FileKind(fi.Mode()), errNotRegular)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d read of such a file", path, fi.Size(), limit)
	}
	// The size can change under us: read at most limit+1 bytes, in
	// chunks, looking at ctx between them.
	buf := make([]byte, 0, min(fi.Size(), limit)+1)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			if int64(len(buf)) > limit {
				return nil, fmt.Errorf("%s grew past %d bytes while being read", path, limit)
			}
			buf = append(buf, 0)[:len(buf)]
		}
		end := min(cap(buf), len(buf)+readChunk)
		n, err := f.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if int64(len(buf)) > limit {
				return nil, fmt.Errorf("%s grew past %d bytes while being read", path, limit)
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// regularOrAbsent checks that each path is a regular file (following
// symlinks) or does not exist, before go-git is handed a repository: it
// opens these files itself, and a FIFO there would block it forever.
func regularOrAbsent(paths ...string) error {
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			continue
		}
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is %s: %w", p, textfmt.FileKind(fi.Mode()), errNotRegular)
		}
	}
	return nil
}
