package gitstate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// Cache keeps one Repo per work tree, and the text of small files (ignore
// files, git config) they share, across checks. The zero value is ready
// to use; it is safe for concurrent use.
type Cache struct {
	mu    sync.Mutex
	repos map[string]*Repo  // by work tree root
	roots map[string]string // folder → work tree root found above it
	files smallFiles
}

// WorkTree is FindWorkTree with the answer remembered per folder (only
// when a work tree was found: a repository created later is still seen).
func (c *Cache) WorkTree(path string) string {
	dir := path
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	c.mu.Lock()
	root, ok := c.roots[dir]
	c.mu.Unlock()
	if ok {
		if _, err := os.Lstat(filepath.Join(root, ".git")); err == nil {
			return root
		}
	}
	root = FindWorkTree(path)
	if root != "" {
		c.mu.Lock()
		if c.roots == nil {
			c.roots = map[string]string{}
		}
		if len(c.roots) > 4096 {
			clear(c.roots)
		}
		c.roots[dir] = root
		c.mu.Unlock()
	}
	return root
}

// Repo returns the cached state of the repository whose work tree is
// root, creating it on first use. Nothing is read until it is asked.
func (c *Cache) Repo(root string) *Repo {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.repos == nil {
		c.repos = map[string]*Repo{}
	}
	g := c.repos[root]
	if g == nil {
		g = &Repo{root: root, cache: c}
		c.repos[root] = g
	}
	return g
}

// FindWorkTree walks up from start to the folder holding .git (a folder,
// or a file for linked worktrees and submodules). It returns "" when
// there is none.
func FindWorkTree(start string) string {
	dir := start
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		dir = filepath.Dir(dir)
	}
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return dir
		}
		// Skip folders that do not exist yet (a target to be created).
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// snapshotKey carries the id of one round of checks in a context.
type snapshotKey struct{}

// WithSnapshot marks ctx as part of round id (non-zero): the first call
// of a round compares the repository's stamps, later calls with the same
// id reuse the state it loaded, so all the checks of one round see the
// same state of the repository and pay for the staleness check once.
func WithSnapshot(ctx context.Context, id uint64) context.Context {
	return context.WithValue(ctx, snapshotKey{}, id)
}

// snapshotID returns the round of ctx, 0 when none was set (every call
// then compares stamps).
func snapshotID(ctx context.Context) uint64 {
	id, _ := ctx.Value(snapshotKey{}).(uint64)
	return id
}

// resolveGitDirs finds the git dir and common dir of a work tree, reading
// a .git file ("gitdir: …") and commondir as git does, bounded.
func resolveGitDirs(ctx context.Context, root string) (gitDir, commonDir string, err error) {
	dot := filepath.Join(root, ".git")
	fi, err := os.Stat(dot)
	if err != nil {
		return "", "", fmt.Errorf("%s: %w", dot, err)
	}
	gitDir = dot
	if !fi.IsDir() {
		b, err := readBounded(ctx, dot, capSmall, true)
		if err != nil {
			return "", "", fmt.Errorf("reading %s: %w", dot, err)
		}
		line := strings.TrimSpace(string(b))
		if !strings.HasPrefix(line, "gitdir:") {
			return "", "", fmt.Errorf("%s is a file without a gitdir: line", dot)
		}
		gitDir = strings.TrimSpace(strings.TrimPrefix(line, "gitdir:"))
		if !filepath.IsAbs(gitDir) {
			gitDir = filepath.Join(root, gitDir)
		}
	}
	commonDir = gitDir
	if b, err := readBounded(ctx, filepath.Join(gitDir, "commondir"), capSmall, true); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		commonDir = filepath.Clean(c)
	}
	return gitDir, commonDir, nil
}

// statStamp identifies a file's version by size, mtime and inode; "-" when
// it does not exist.
func statStamp(path string) string {
	fi, err := os.Stat(path)
	if err != nil {
		return "-"
	}
	ino := uint64(0)
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		ino = st.Ino
	}
	return fmt.Sprintf("%d.%d.%d", fi.Size(), fi.ModTime().UnixNano(), ino)
}
