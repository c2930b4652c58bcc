package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() {
	register(JSON, renderer{
		snapshot: func(w io.Writer, s *model.Snapshot, _ Options) error { return JSONObject(w, s) },
		// lint's JSON is the snapshot: findings, warnings, and every probe
		// with where it came from.
		lint: func(w io.Writer, s *model.Snapshot, _ Options) error { return JSONObject(w, s) },
		raw:  true, // terminalSafe escapes what acts on a terminal
	})
}

// JSONObject writes the snapshot as one indented JSON object — the README's
// contract for `--once --format json`.
func JSONObject(w io.Writer, s *model.Snapshot) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		return fmt.Errorf("write JSON snapshot: %w", err)
	}
	if _, err := w.Write(terminalSafe(buf.Bytes())); err != nil {
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
	if _, err := w.Write(terminalSafe(buf.Bytes())); err != nil {
		return fmt.Errorf("write JSON snapshot line: %w", err)
	}
	return nil
}

// terminalSafe escapes, in encoded JSON, the characters encoding/json
// leaves raw that act on a terminal: C1 controls (U+0080–U+009F) and the
// bidirectional controls. They can only stand inside strings, where
// "\u009b" is the same character, so the data is unchanged and a JSON
// snapshot printed on a terminal (or tailed from the record) is as safe as
// the text report. C0 controls are escaped by the encoder itself.
func terminalSafe(b []byte) []byte {
	var out []byte
	last := 0
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && textfmt.ActsOnTerminal(r) {
			out = append(out, b[last:i]...)
			out = fmt.Appendf(out, `\u%04x`, r)
			last = i + size
		}
		i += size
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}
