package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/gonogo-dev/gonogo/dashboard/model"
)

func init() {
	register(JSON, renderer{
		snapshot: func(w io.Writer, s *model.Snapshot, _ Options) error { return JSONObject(w, s) },
		// lint's JSON is the snapshot: findings, warnings, and every probe
		// with where it came from.
		lint: func(w io.Writer, s *model.Snapshot, _ Options) error { return JSONObject(w, s) },
	})
}

// JSONObject writes the snapshot as one indented JSON object — the README's
// contract for `--once --format json`.
func JSONObject(w io.Writer, s *model.Snapshot) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("write JSON snapshot: %w", err)
	}
	return nil
}

// JSONLine writes the snapshot as exactly one line of JSON and a newline,
// for the --record audit trail (one line per run, easy to grep and tail).
// The line goes out in a single Write, so runs appending to the same file
// (O_APPEND) never interleave.
func JSONLine(w io.Writer, s *model.Snapshot) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("encode JSON snapshot: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write JSON snapshot line: %w", err)
	}
	return nil
}
