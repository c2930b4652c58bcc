package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// openRecord opens (creating it 0600) the --record file and closes it
// again: the check made once the plan has loaded, before any probe runs or
// the board opens, so a wrong path fails at once with exit 2 rather than
// mid-window — and a plan that does not load leaves no file behind.
func openRecord(path string) error {
	fh, err := openRecordFile(path)
	if err != nil {
		return fmt.Errorf("--record %s: cannot open the audit file: %v", path, err)
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("--record %s: %w", path, err)
	}
	return nil
}

// recordLockWait bounds the wait for another gonogo writing the same
// record file; past it the record is written without the lock.
const recordLockWait = 2 * time.Second

// openRecordFile opens the record file for appending the way an audit
// trail must be:
//
//   - O_NOFOLLOW: a symbolic link in its place is refused, so a link
//     planted in a shared folder (/tmp, a sticky log folder) cannot make
//     gonogo — perhaps run as root — append to the file it points at;
//   - O_NONBLOCK and a regular-file check on the open file: a FIFO or a
//     device is refused at once rather than blocking the open (a FIFO
//     with no reader) or swallowing the record (/dev/null);
//   - created 0600: the record describes the host and its plan, for its
//     owner only (an existing file keeps its mode);
//   - read and write, so appendLine can look at the last byte; a file
//     we may only write to is opened write-only.
//
// The error says what is wrong and how to fix it, without the path (the
// caller names it).
func openRecordFile(path string) (*os.File, error) {
	flags := os.O_APPEND | os.O_CREATE | syscall.O_NOFOLLOW | syscall.O_NONBLOCK | syscall.O_NOCTTY
	fh, err := os.OpenFile(path, os.O_RDWR|flags, 0o600)
	if errors.Is(err, fs.ErrPermission) {
		fh, err = os.OpenFile(path, os.O_WRONLY|flags, 0o600)
	}
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("it is a symbolic link, and gonogo does not follow one for --record (a link in a shared folder could point at anyone's file): give the real path")
		}
		if errors.Is(err, syscall.ENXIO) {
			return nil, fmt.Errorf("it is a named pipe (FIFO) with no reader; give a regular file")
		}
		return nil, fmt.Errorf("%v (%s)", pathErr(err), recordFix(path, err))
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		fh.Close()
		return nil, fmt.Errorf("it is %s, not a regular file; give the path of a regular file (it is created if missing)", textfmt.FileKind(st.Mode()))
	}
	return fh, nil
}

// pathErr is err without the path a *fs.PathError repeats.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// recordFix says how to fix an open error of the --record file at path.
func recordFix(path string, err error) string {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "the folder " + dir + " does not exist: create it (mkdir -p " + shellQuote(dir) + ") or pick another path"
	case errors.Is(err, fs.ErrPermission):
		return "make " + path + " and its folder writable for this user, or pick another path"
	default:
		return "check that the folder exists and is writable, or pick another path"
	}
}

// record appends the snapshot as one JSON line (report.JSONLine, the
// object of --once --format json) to the record file at path.
func record(path string, snap *model.Snapshot) error {
	var line bytes.Buffer
	if err := report.JSONLine(&line, snap); err != nil {
		return fmt.Errorf("--record %s: %w", path, err)
	}
	return appendLine(path, line.Bytes())
}

// appendLine is the one way into the --record file: it appends one record
// — line, a JSON object and its newline: a snapshot, a sign-off — to the
// record file at path, whole or not at all.
//
// The file is opened for every record (a log rotation between two is
// harmless) and locked against other gonogo processes writing to it. The
// record goes out in one write; if that write fails part way — a full
// disk, a file-size limit — the file is cut back to its size before, so
// no partial line is left for the next record to be glued onto. A file
// whose last line was torn by an earlier crash gets a newline first: the
// torn line stays as it was, and every later record is a line of its own.
func appendLine(path string, line []byte) (err error) {
	fh, err := openRecordFile(path)
	if err != nil {
		return fmt.Errorf("--record %s: write failed: %v", path, err)
	}
	defer func() {
		if cerr := fh.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("--record %s: write failed: %v (the disk may be full)", path, pathErr(cerr))
		}
	}()
	defer lockRecord(fh)()
	st, err := fh.Stat()
	if err != nil {
		return fmt.Errorf("--record %s: write failed: %v", path, pathErr(err))
	}
	size := st.Size()
	out := line
	if size > 0 && !endsLine(fh, size) {
		out = append([]byte{'\n'}, line...)
	}
	if _, werr := fh.Write(out); werr != nil {
		// The file was opened O_APPEND and is locked: whatever this
		// write left is past size.
		if terr := fh.Truncate(size); terr != nil {
			return fmt.Errorf("--record %s: write failed: %v, and the partial record could not be taken back: %v", path, pathErr(werr), pathErr(terr))
		}
		return fmt.Errorf("--record %s: write failed: %v (the disk may be full: free some space, or pick another path); nothing of this record was kept", path, pathErr(werr))
	}
	return nil
}

// endsLine reports whether the file of size bytes ends with a newline. A
// file that cannot be read (opened write-only) is taken to end one.
func endsLine(fh *os.File, size int64) bool {
	var b [1]byte
	if _, err := fh.ReadAt(b[:], size-1); err != nil {
		return true
	}
	return b[0] == '\n'
}

// lockRecord takes an exclusive advisory lock on the record file, waiting
// at most recordLockWait for another gonogo that holds it, and returns the
// unlock. Only the lock makes cutting back a failed write safe while
// another process may append.
func lockRecord(fh *os.File) func() {
	fd := int(fh.Fd())
	for deadline := time.Now().Add(recordLockWait); ; {
		err := syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { _ = syscall.Flock(fd, syscall.LOCK_UN) }
		}
		if (err != syscall.EWOULDBLOCK && err != syscall.EINTR) || time.Now().After(deadline) {
			return func() {}
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// signOffLine is the --record line of a sign-off (the board's x) or of its
// withdrawal: an event line beside the snapshot lines, told apart by its
// "event" field (snapshot lines have none), so that
// jq 'select(.event == "signoff")' finds them and
// jq 'select(.event == null)' the snapshots.
type signOffLine struct {
	Event     string    `json:"event"` // "signoff"
	Plan      string    `json:"plan"`  // the plan's absolute path
	Step      string    `json:"step"`  // the step's key
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Withdrawn bool      `json:"withdrawn,omitempty"`
}

// recordSignOff appends a sign-off of a step of plan (absolute path), or
// its withdrawal, to the record file at path.
func recordSignOff(path, plan string, so model.SignOff, withdrawn bool) error {
	line, err := json.Marshal(signOffLine{Event: "signoff", Plan: plan, Step: so.Step, By: so.By, At: so.At.UTC(), Withdrawn: withdrawn})
	if err != nil {
		return fmt.Errorf("--record %s: %w", path, err)
	}
	return appendLine(path, append(line, '\n'))
}

// readSignOffs reads back the sign-offs of plan (absolute path) from the
// record file at path: the last line about each step wins, a withdrawal
// undoes. A missing file holds none; a line that is not a sign-off (a
// snapshot, a line cut short by a crash) is passed over.
func readSignOffs(path, plan string) ([]model.SignOff, error) {
	// Without blocking (a FIFO) or following a link, as the record is
	// written: openRecord refuses both with the reason.
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW|syscall.O_NOCTTY, 0)
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ELOOP) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--record %s: cannot read the sign-offs back: %v", path, pathErr(err))
	}
	defer fh.Close()
	if fi, err := fh.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, nil // a device or a pipe (/dev/full, /dev/stdout) keeps no sign-offs
	}
	var (
		order []string
		byKey = map[string]model.SignOff{}
		r     = bufio.NewReaderSize(fh, 64<<10)
		mark  = []byte(`"event":"signoff"`)
	)
	for {
		line, err := r.ReadBytes('\n')
		if bytes.Contains(line, mark) {
			var e signOffLine
			if json.Unmarshal(line, &e) == nil && e.Event == "signoff" && e.Plan == plan && e.Step != "" {
				if _, seen := byKey[e.Step]; !seen {
					order = append(order, e.Step)
				}
				if e.Withdrawn {
					byKey[e.Step] = model.SignOff{}
				} else {
					byKey[e.Step] = model.SignOff{Step: e.Step, By: e.By, At: e.At}
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("--record %s: cannot read the sign-offs back: %v", path, err)
		}
	}
	var out []model.SignOff
	for _, k := range order {
		if so := byKey[k]; so.Step != "" {
			out = append(out, so)
		}
	}
	return out, nil
}

// boardRecord keeps the live board's --record file: one line for the
// first complete check, then one for every check whose verdict, rollback
// gate, next step or any step status differs from the last line written.
// Its onSnapshot is dashboard.Options.OnSnapshot: the board calls it off
// the UI goroutine and one call at a time, so it needs no lock.
type boardRecord struct {
	path string
	// last is the snapshot of the last line written, nil before the first.
	last *model.Snapshot
	// failed is the snapshot whose write failed, and err that failure;
	// both nil once a line is written. A failed write is retried on the
	// next change, not on every check.
	failed *model.Snapshot
	err    error
}

// onSnapshot appends snap if it is news. While a write has failed it
// keeps returning that error, so the board keeps showing it.
func (r *boardRecord) onSnapshot(snap *model.Snapshot) error {
	if r.last != nil && sameState(r.last, snap) {
		return r.err
	}
	if r.failed != nil && sameState(r.failed, snap) {
		return r.err
	}
	if err := record(r.path, snap); err != nil {
		r.failed, r.err = snap, err
		return err
	}
	r.last, r.failed, r.err = snap, nil, nil
	return nil
}

// sameState reports whether two snapshots agree on everything the record
// tracks: verdict, rollback gate, next step, the steps and each step's
// status — model.Diff finds nothing between them.
func sameState(a, b *model.Snapshot) bool {
	return len(model.Diff(a, b)) == 0
}
