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
	"time"

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
// object of --once --format json) to path.
func record(path string, snap *model.Snapshot) error {
	var line bytes.Buffer
	if err := report.JSONLine(&line, snap); err != nil {
		return fmt.Errorf("--record %s: %w", path, err)
	}
	return appendLine(path, line.Bytes())
}

// appendLine is the one way into the --record file: it appends line (one
// JSON object and its newline) to path, creating it 0644, in a single
// write. It opens the file for every line, so a log rotation between lines
// is harmless.
func appendLine(path string, line []byte) (err error) {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("--record %s: write failed: %v (%s)", path, pathErr(err), recordFix(path, err))
	}
	defer func() {
		if cerr := fh.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("--record %s: write failed: %v (the disk may be full)", path, pathErr(cerr))
		}
	}()
	if _, err := fh.Write(line); err != nil {
		return fmt.Errorf("--record %s: write failed: %v (the disk may be full: free some space, or pick another path)", path, pathErr(err))
	}
	return nil
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
	fh, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
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
