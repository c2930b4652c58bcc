package probes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() { register(spec.KindBackup, checkBackup) }

// checkBackup answers a backup probe: the file exists, is big and recent
// enough, and has the SHA-256 of its source (of:) or of a given digest.
// Digests are cached by (path, size, mtime, inode), so a multi-GB backup
// is hashed once, not on every refresh of the board.
func checkBackup(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.BackupParams) (Status, string) {
	t, st, msg := statTarget(p.Path)
	if st != OK {
		if st == Fail && !t.lexists {
			hint := "no step has created it yet: run the step that makes it"
			if p.Of != "" {
				hint = "create it with cp -p " + p.Of + " " + p.Path
			}
			return Fail, fmt.Sprintf("backup %s does not exist: %s", p.Path, hint)
		}
		return st, "backup " + msg
	}
	fi := t.fi
	note := t.linkNote()
	if fi.IsDir() {
		if p.Of != "" || p.SHA256 != "" {
			return Fail, fmt.Sprintf("backup %s%s is a directory: a digest can only be compared for a file; point the probe at the file inside it", p.Path, note)
		}
	} else if !fi.Mode().IsRegular() {
		return Fail, fmt.Sprintf("backup %s%s is %s, expected a regular file: take the backup again as a plain copy (cp -p)", p.Path, note, textfmt.FileKind(fi.Mode()))
	}
	if st, msg := checkSizeAgeMode("backup "+p.Path, fi, p.MinSize, p.MaxAge, nil, note); st != OK {
		return st, msg
	}
	var detail []string
	if p.Of != "" || p.SHA256 != "" {
		sum, err := r.digests.sum(ctx, p.Path, fi)
		if err != nil {
			return Error, err.Error()
		}
		if p.SHA256 != "" {
			want := strings.ToLower(strings.TrimSpace(p.SHA256))
			if sum != want {
				return Fail, fmt.Sprintf("backup %s%s has sha256 %s, expected %s: the backup is not the file you meant, or it is damaged: take it again", p.Path, note, sum[:12], shortHex(want))
			}
			detail = append(detail, "sha256 "+sum[:12]+" as expected")
		}
		if p.Of != "" {
			src, st, msg := statTarget(p.Of)
			if st != OK {
				return Error, fmt.Sprintf("cannot verify backup %s: source %s", p.Path, msg)
			}
			if !src.fi.Mode().IsRegular() {
				return Error, fmt.Sprintf("cannot verify backup %s: its source %s is %s", p.Path, p.Of, textfmt.FileKind(src.fi.Mode()))
			}
			srcSum, err := r.digests.sum(ctx, p.Of, src.fi)
			if err != nil {
				return Error, err.Error()
			}
			if srcSum != sum {
				return Fail, fmt.Sprintf("backup %s%s differs from %s (sha256 %s vs %s): re-run the backup step", p.Path, note, p.Of, sum[:12], srcSum[:12])
			}
			detail = append(detail, "same sha256 as "+p.Of)
		}
	}
	detail = append(detail, textfmt.Bytes(fi.Size()), "made "+textfmt.Age(time.Since(fi.ModTime()))+" ago")
	return OK, fmt.Sprintf("backup %s%s is present: %s", p.Path, note, strings.Join(detail, ", "))
}

// shortHex abbreviates a digest for messages.
func shortHex(s string) string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// digestKey identifies one version of a file cheaply.
type digestKey struct {
	path  string
	size  int64
	mtime int64
	ino   uint64
	dev   uint64
}

// digestCache remembers SHA-256 digests by digestKey. A changed file gets
// a new key; old keys are dropped when the cache grows past maxDigests.
type digestCache struct {
	mu sync.Mutex
	m  map[digestKey]string
}

// maxDigests bounds the digest cache.
const maxDigests = 4096

// sum returns the hex SHA-256 of path (whose stat is fi), from the cache
// when the file has not changed. Hashing streams the file and stops at
// ctx's deadline.
func (c *digestCache) sum(ctx context.Context, path string, fi fs.FileInfo) (string, error) {
	k := digestKey{path: path, size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		k.ino, k.dev = st.Ino, uint64(st.Dev)
	}
	c.mu.Lock()
	if s, ok := c.m[k]; ok {
		c.mu.Unlock()
		return s, nil
	}
	c.mu.Unlock()
	f, err := os.Open(path)
	if err != nil {
		return "", openErr(path, err)
	}
	defer f.Close()
	h := sha256.New()
	buf := getChunk()
	defer putChunk(buf)
	// A small file is read with a buffer its size, so the chunk's pages
	// past it are never touched.
	n := int64(len(*buf))
	if sz := fi.Size(); sz >= 0 && sz < n {
		n = sz + 1 // +1: the read that finds the end
	}
	if _, err := io.CopyBuffer(h, ctxReader{ctx, f}, (*buf)[:n]); err != nil {
		if ctx.Err() != nil {
			return "", ctx.Err()
		}
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	s := hex.EncodeToString(h.Sum(nil))
	// Only trust the digest if the file did not change while we read it.
	if after, err := os.Stat(path); err != nil || after.Size() != fi.Size() || !after.ModTime().Equal(fi.ModTime()) {
		return s, nil
	}
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxDigests {
		c.m = map[digestKey]string{}
	}
	c.m[k] = s
	c.mu.Unlock()
	return s, nil
}
