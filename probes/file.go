package probes

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() { register(spec.KindFile, checkFile) }

// fileScanCap bounds how much of a file a contains: regex reads, so a
// probe on a multi-GB log costs at most this much.
const fileScanCap = 16 << 20

// checkFile answers a file probe: exists (or not), is a directory when
// Dir, size, age, permission bits, content.
func checkFile(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.FileParams) (Status, string) {
	t, st, msg := statTarget(p.Path)
	if st != OK {
		if st == Fail && !t.lexists {
			if !p.Exists {
				return OK, fmt.Sprintf("%s does not exist, as required", p.Path)
			}
			return Fail, missing(sp, p.Path, p.Dir)
		}
		return st, msg
	}
	if !p.Exists {
		return Fail, fmt.Sprintf("%s exists%s but should not: remove it or fix the step that left it", p.Path, t.linkNote())
	}
	fi := t.fi
	switch {
	case p.Dir && !fi.IsDir():
		return Fail, fmt.Sprintf("%s is %s%s, expected a directory: move it away and create the folder (mkdir -p %s)", p.Path, textfmt.FileKind(fi.Mode()), t.linkNote(), p.Path)
	case !p.Dir && fi.IsDir() && (p.Contains != nil || p.MinSize > 0):
		return Fail, fmt.Sprintf("%s is a directory%s, expected a file: check the path", p.Path, t.linkNote())
	case !fi.IsDir() && !fi.Mode().IsRegular() && sp.Capture != "":
		return Fail, fmt.Sprintf("%s is %s%s, not a regular file: its lines cannot be counted for capture %s; point the probe at a regular file", p.Path, textfmt.FileKind(fi.Mode()), t.linkNote(), sp.Capture)
	case fi.IsDir() && sp.Capture != "":
		return Fail, fmt.Sprintf("%s is a directory%s: its lines cannot be counted for capture %s; point the probe at a file", p.Path, t.linkNote(), sp.Capture)
	case !fi.IsDir() && !fi.Mode().IsRegular() && p.Contains != nil:
		return Fail, fmt.Sprintf("%s is %s%s, not a regular file: its content cannot be searched; point the probe at a regular file", p.Path, textfmt.FileKind(fi.Mode()), t.linkNote())
	}
	if st, msg := checkSizeAgeMode(p.Path, fi, p.MinSize, p.MaxAge, p.Mode, t.linkNote()); st != OK {
		return st, msg
	}
	if p.Contains != nil {
		found, truncated, err := fileContains(ctx, p.Path, p.Contains)
		if err != nil {
			return Error, err.Error()
		}
		if !found {
			more := ""
			if truncated {
				more = fmt.Sprintf(" (searched the first %s only)", textfmt.Bytes(fileScanCap))
			}
			return Fail, fmt.Sprintf("%s does not contain a match for /%s/%s: the step that writes it has not run, or wrote something else (grep -E the pattern in it to see)", p.Path, pattern(p.Contains), more)
		}
	}
	var out string
	switch {
	case p.Contains != nil:
		out = fmt.Sprintf("%s contains /%s/", p.Path, pattern(p.Contains))
	case fi.IsDir():
		out = fmt.Sprintf("%s is a directory%s (%s, modified %s ago)", p.Path, t.linkNote(), textfmt.Bytes(fi.Size()), textfmt.Age(time.Since(fi.ModTime())))
	default:
		out = fmt.Sprintf("%s exists%s (%s, modified %s ago)", p.Path, t.linkNote(), textfmt.Bytes(fi.Size()), textfmt.Age(time.Since(fi.ModTime())))
	}
	if sp.Capture != "" {
		n, err := countLines(ctx, p.Path)
		if err != nil {
			return Error, err.Error()
		}
		take(ctx, strconv.FormatInt(n, 10))
		out += fmt.Sprintf(", %d lines captured as %s", n, sp.Capture)
	}
	return OK, out
}

// countLines counts the lines of a file as a person does: every newline
// ends one, and text after the last newline is one more (wc -l would not
// count it: a JSON-lines export often has no final newline). It reads
// the whole file, a chunk at a time, and stops when ctx is done.
func countLines(ctx context.Context, path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, openErr(path, err)
	}
	defer f.Close()
	pooled := getChunk()
	defer putChunk(pooled)
	buf := *pooled
	var n int64
	last := byte('\n')
	r := ctxReader{ctx, f}
	for {
		k, err := r.Read(buf)
		if k > 0 {
			n += int64(bytes.Count(buf[:k], []byte{'\n'}))
			last = buf[k-1]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return 0, ctx.Err()
			}
			return 0, fmt.Errorf("counting the lines of %s: %w", path, err)
		}
	}
	if last != '\n' {
		n++
	}
	return n, nil
}

// target is what a stat of a probe's path found.
type target struct {
	fi      fs.FileInfo // of the file itself, symlinks followed
	link    string      // where the path points when it is a symlink
	lexists bool        // the path itself exists (perhaps as a broken link)
}

// linkNote says where a symlink points, for messages.
func (t target) linkNote() string {
	if t.link == "" {
		return ""
	}
	return " (symlink to " + t.link + ")"
}

// statTarget stats path, following a symlink and saying where it points.
// It returns Fail for a missing path or a broken link and Error when the
// path cannot be looked at (permission denied, I/O error).
func statTarget(path string) (target, Status, string) {
	var t target
	lfi, err := os.Lstat(path)
	if err != nil {
		st, msg := statErr(path, err)
		return t, st, msg
	}
	t.lexists = true
	t.fi = lfi
	if lfi.Mode()&fs.ModeSymlink != 0 {
		t.link, _ = os.Readlink(path)
		fi, err := os.Stat(path)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return t, Fail, fmt.Sprintf("%s is a broken symlink: it points to %s, which does not exist: restore the target, or point the link elsewhere (ln -sfn)", path, t.link)
			}
			st, msg := statErr(path, err)
			return t, st, msg
		}
		t.fi = fi
	}
	return t, OK, ""
}

// missing is the message of a path that must exist and does not: a
// done-probe's path is made by its own step, a requirement's by the plan
// or by hand.
func missing(sp *spec.Probe, path string, dir bool) string {
	if sp != nil && sp.Role == spec.Done {
		return fmt.Sprintf("%s does not exist yet: carrying out this step makes it", path)
	}
	if dir {
		return fmt.Sprintf("%s does not exist: create it (mkdir -p %s), or fix the path", path, path)
	}
	return fmt.Sprintf("%s does not exist: make it (the step that creates it has not run?), or fix the path", path)
}

// statErr turns a stat error into a result: missing is Fail, anything
// else (permission, I/O) is Error because we cannot tell.
func statErr(path string, err error) (Status, string) {
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return Fail, fmt.Sprintf("%s does not exist", path)
	case errors.Is(err, fs.ErrPermission):
		return Error, fmt.Sprintf("cannot check %s: permission denied on a folder above it (gonogo runs as uid %d)", path, os.Getuid())
	default:
		return Error, fmt.Sprintf("cannot check %s: %v", path, err)
	}
}

// openErr describes a failure to open a file for reading.
func openErr(path string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("cannot read %s: permission denied (gonogo runs as uid %d; run it as a user who can read the file)", path, os.Getuid())
	}
	return fmt.Errorf("cannot read %s: %w", path, err)
}

// checkSizeAgeMode checks the bounds shared by file and backup probes.
func checkSizeAgeMode(path string, fi fs.FileInfo, minSize int64, maxAge time.Duration, mode *os.FileMode, note string) (Status, string) {
	if minSize > 0 && fi.Size() < minSize {
		return Fail, fmt.Sprintf("%s%s is %s, expected at least %s: the step that writes it may have stopped halfway; run it again", path, note, textfmt.Bytes(fi.Size()), textfmt.Bytes(minSize))
	}
	if maxAge > 0 {
		if age := time.Since(fi.ModTime()); age > maxAge {
			return Fail, fmt.Sprintf("%s%s was last modified %s ago (%s), expected within %s: re-run the step that writes it",
				path, note, textfmt.Age(age), fi.ModTime().Format("2006-01-02 15:04"), textfmt.Age(maxAge))
		}
	}
	if mode != nil && fi.Mode().Perm() != mode.Perm() {
		return Fail, fmt.Sprintf("%s%s has mode %04o, expected %04o: chmod %o %s", path, note, fi.Mode().Perm(), mode.Perm(), mode.Perm(), path)
	}
	return OK, ""
}

// fileContains searches up to fileScanCap bytes of path for re, a chunk
// at a time (regexp's byte matcher is many times faster than MatchReader).
// Consecutive chunks overlap by scanOverlap bytes, so a match up to that
// long is found wherever it lies; a longer one across a chunk boundary is
// not.
func fileContains(ctx context.Context, path string, re *regexp.Regexp) (found, truncated bool, err error) {
	f, err := os.Open(path)
	if err != nil {
		return false, false, openErr(path, err)
	}
	defer f.Close()
	lr := &io.LimitedReader{R: ctxReader{ctx, f}, N: fileScanCap}
	pooled := getChunk()
	defer putChunk(pooled)
	buf := *pooled
	keep := 0
	for {
		n, err := io.ReadFull(lr, buf[keep:])
		if n > 0 && matchText(re, buf[:keep+n]) {
			return true, false, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			if ctx.Err() != nil {
				return false, false, ctx.Err()
			}
			return false, false, fmt.Errorf("reading %s: %w", path, err)
		}
		// Carry the tail over so a match across the chunk boundary is
		// found, starting it at a line start where there is one, so
		// that ^ does not match in the middle of a line.
		total := keep + n
		start := total - min(scanOverlap, total)
		if i := bytes.IndexByte(buf[start:total], '\n'); i >= 0 {
			start += i + 1
		}
		keep = total - start
		copy(buf, buf[start:total])
	}
	if ctx.Err() != nil {
		return false, false, ctx.Err()
	}
	if lr.N == 0 {
		// Anything left past the cap?
		var one [1]byte
		if n, _ := f.Read(one[:]); n > 0 {
			truncated = true
		}
	}
	return false, truncated, nil
}

// Chunking of fileContains.
const (
	scanChunk   = readChunk
	scanOverlap = 64 << 10
)

// ctxReader stops reading once ctx is done, so a long scan or hash ends
// at the probe's deadline.
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
