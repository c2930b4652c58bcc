package gitstate

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// headRef is what .git/HEAD says: a branch (symbolic) or a commit.
type headRef struct {
	target string        // "refs/heads/main"; "" when detached
	hash   plumbing.Hash // the commit; zero on an unborn branch
	unborn bool          // the branch has no commits yet
}

// readHead reads HEAD and resolves it to a commit, reading refs and
// packed-refs itself, bounded, instead of through go-git.
func readHead(ctx context.Context, gitDir, commonDir string) (headRef, error) {
	b, err := readBounded(ctx, filepath.Join(gitDir, "HEAD"), capSmall, true)
	if err != nil {
		return headRef{}, err
	}
	line := strings.TrimSpace(string(b))
	target, ok := strings.CutPrefix(line, "ref:")
	if !ok {
		h, err := parseHash(line)
		if err != nil {
			return headRef{}, fmt.Errorf("HEAD holds %q: %w", clip(line), err)
		}
		return headRef{hash: h}, nil
	}
	target = strings.TrimSpace(target)
	h, found, err := resolveRef(ctx, gitDir, commonDir, target)
	if err != nil {
		return headRef{}, err
	}
	return headRef{target: target, hash: h, unborn: !found}, nil
}

// resolveRef finds the commit a ref names, following symbolic refs a few
// levels, in the loose ref file and then packed-refs. found is false when
// the ref does not exist (an unborn branch).
func resolveRef(ctx context.Context, gitDir, commonDir, name string) (h plumbing.Hash, found bool, err error) {
	for range 5 {
		if !validRefName(name) {
			return h, false, fmt.Errorf("HEAD points to %q, which is not a ref name", clip(name))
		}
		dir := commonDir
		if perWorktreeRef(name) {
			dir = gitDir
		}
		b, err := readBounded(ctx, filepath.Join(dir, filepath.FromSlash(name)), capSmall, true)
		switch {
		case err == nil:
			line := strings.TrimSpace(string(b))
			if next, ok := strings.CutPrefix(line, "ref:"); ok {
				name = strings.TrimSpace(next)
				continue
			}
			h, err := parseHash(line)
			if err != nil {
				return h, false, fmt.Errorf("ref %s holds %q: %w", name, clip(line), err)
			}
			return h, true, nil
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR):
			return packedRef(ctx, commonDir, name)
		default:
			return h, false, err
		}
	}
	return h, false, fmt.Errorf("ref %s: symbolic refs nest too deep", name)
}

// packedRef looks name up in packed-refs, streaming the file (it can be
// large) under ctx.
func packedRef(ctx context.Context, commonDir, name string) (plumbing.Hash, bool, error) {
	path := filepath.Join(commonDir, "packed-refs")
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		if err == nil {
			err = fmt.Errorf("%s is %s: %w", path, textfmt.FileKind(fi.Mode()), errNotRegular)
		}
		return plumbing.ZeroHash, false, err
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 64<<10)
	for n := 0; sc.Scan(); n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return plumbing.ZeroHash, false, ctx.Err()
		}
		line := sc.Text()
		if line == "" || line[0] == '#' || line[0] == '^' {
			continue
		}
		hex, ref, ok := strings.Cut(line, " ")
		if ok && ref == name {
			h, err := parseHash(hex)
			if err != nil {
				return h, false, fmt.Errorf("packed-refs: %s: %w", name, err)
			}
			return h, true, nil
		}
	}
	if err := sc.Err(); err != nil {
		return plumbing.ZeroHash, false, fmt.Errorf("reading %s: %w", path, err)
	}
	return plumbing.ZeroHash, false, nil
}

// perWorktreeRef is true for refs a linked worktree keeps in its own git
// dir rather than the common dir.
func perWorktreeRef(name string) bool {
	return !strings.Contains(name, "/") || strings.HasPrefix(name, "refs/bisect/") ||
		strings.HasPrefix(name, "refs/worktree/") || strings.HasPrefix(name, "refs/rewritten/")
}

// validRefName rejects names that would leave the git dir.
func validRefName(name string) bool {
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\x00") {
		return false
	}
	for _, part := range strings.Split(name, "/") {
		if part == "" || part == "." || part == ".." {
			return false
		}
	}
	return true
}

// parseHash parses a 40-digit SHA-1 object id.
func parseHash(s string) (plumbing.Hash, error) {
	if len(s) != 40 {
		return plumbing.ZeroHash, errors.New("not a 40-digit object id")
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return plumbing.ZeroHash, errors.New("not a 40-digit object id")
		}
	}
	return plumbing.NewHash(s), nil
}

// clip shortens a value for a message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
