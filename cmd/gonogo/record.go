package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
)

// openRecord opens (creating it 0644) the --record file and closes it
// again: the check made before any probe runs or the board opens, so a
// wrong path fails at once with exit 2 rather than mid-window.
func openRecord(path string) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--record %s: cannot open the audit file: %v (%s)", path, pathErr(err), recordFix(path, err))
	}
	if err := fh.Close(); err != nil {
		return fmt.Errorf("--record %s: %w", path, err)
	}
	return nil
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
// object of --once --format json) to path, creating it 0644. It opens the
// file for every line, so a log rotation between lines is harmless.
func record(path string, snap *model.Snapshot) (err error) {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--record %s: write failed: %v (%s)", path, pathErr(err), recordFix(path, err))
	}
	defer func() {
		if cerr := fh.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("--record %s: write failed: %v (the disk may be full)", path, pathErr(cerr))
		}
	}()
	if err := report.JSONLine(io.Writer(fh), snap); err != nil {
		return fmt.Errorf("--record %s: write failed: %v (the disk may be full: free some space, or pick another path)", path, pathErr(err))
	}
	return nil
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
