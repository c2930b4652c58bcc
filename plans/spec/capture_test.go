package spec

import (
	"errors"
	"strings"
	"testing"
)

// TestMatchCaptures: expects that read captures, compared with a value
// and the captured values, as an operator would write them.
func TestMatchCaptures(t *testing.T) {
	caps := map[string]float64{"rows": 1000, "errors": 0, "a": 7, "b": 2}
	for _, tt := range []struct {
		expect, value string
		want          bool
		reads         string
	}{
		{"== captures.rows", "1000", true, "rows"},
		{"== captures.rows", "999", false, "rows"},
		{"!= captures.rows", "999", true, "rows"},
		{">= captures.rows * 0.99", "990", true, "rows"},
		{">= captures.rows * 0.99", "989", false, "rows"},
		{"> captures.rows - 1", "1000", true, "rows"},
		{"< (captures.rows + 1) / 2", "500", true, "rows"},
		{"<= -captures.rows", "-1000", true, "rows"},
		{"== captures.a % captures.b", "1", true, "a,b"},
		{`== captures["rows"]`, "1000", true, "rows"},
		{"== captures.errors", " 0\n", true, "errors"},
		{"== captures.rows + 1_000", "2000", true, "rows"},
		{"== captures.rows + captures.rows", "2000", true, "rows"},
	} {
		e, err := ParseExpect(tt.expect)
		if err != nil {
			t.Errorf("ParseExpect(%q): %v", tt.expect, err)
			continue
		}
		if got := strings.Join(e.Captures, ","); got != tt.reads {
			t.Errorf("%q reads %q, want %q", tt.expect, got, tt.reads)
		}
		got, err := e.MatchCaptures(tt.value, caps)
		if err != nil || got != tt.want {
			t.Errorf("%q on %q = %v, %v; want %v", tt.expect, tt.value, got, err, tt.want)
		}
	}
}

// TestMatchCapturesCannotCompute: a value that is not a number is an
// error the probe fails on; a division by zero and a capture not taken
// are ErrNotComputable (the probe could not tell); none is a false
// comparison.
func TestMatchCapturesCannotCompute(t *testing.T) {
	caps := map[string]float64{"rows": 1000, "zero": 0}
	for _, tt := range []struct{ expect, value, wantErr string }{
		{"== captures.rows", "many", `"many" is not a number`},
		{"== captures.rows / captures.zero", "1", "division by zero"},
		{"== captures.rows % captures.zero", "1", "division by zero"},
		{"== captures.missing", "1", "capture missing was not taken"},
	} {
		e, err := ParseExpect(tt.expect)
		if err != nil {
			t.Fatalf("ParseExpect(%q): %v", tt.expect, err)
		}
		_, err = e.MatchCaptures(tt.value, caps)
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("%q on %q: error %v, want one saying %q", tt.expect, tt.value, err, tt.wantErr)
		}
		// A value that is not a number fails; an operand that cannot be
		// computed leaves the probe unable to tell.
		if notNumber := tt.value == "many"; errors.Is(err, ErrNotComputable) == notNumber {
			t.Errorf("%q on %q: errors.Is(%v, ErrNotComputable) = %v", tt.expect, tt.value, err, !notNumber)
		}
	}
}

// TestParseExpectCaptureErrors: operands that are not arithmetic on
// numbers and captures are refused when the plan is read, saying why.
func TestParseExpectCaptureErrors(t *testing.T) {
	for _, tt := range []struct{ expect, wantErr string }{
		{"== captures.rows *", "expected operand"},
		{"== captures.rows == 1", "a second comparison (==)"},
		{"== capture.rows", "unknown name capture"},
		{"== captures", ""}, // no "captures." nor "captures[": a plain comparison
		{"== captures[x]", "reads captures other than as captures.NAME"},
		{`== captures.rows + "1"`, `"1" is not a number`},
		{"== captures.rows && 1", "not an operation on numbers"},
		{"== len(captures.rows)", "an operand is numbers"},
		{"== captures.rows.x", "reads captures other than as captures.NAME"},
		{"== !captures.rows", "not an operation on numbers"},
	} {
		_, err := ParseExpect(tt.expect)
		if tt.expect == "== captures" {
			// No "captures." or "captures[": a plain comparison with the
			// text "captures", as before captures existed.
			if err != nil {
				t.Errorf("ParseExpect(%q): %v", tt.expect, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
			t.Errorf("ParseExpect(%q): error %v, want one saying %q", tt.expect, err, tt.wantErr)
		}
	}
}

// TestCheckCaptureName: a capture's name must read back as captures.NAME.
func TestCheckCaptureName(t *testing.T) {
	for name, ok := range map[string]bool{"rows": true, "chroma_rows": true, "_x1": true, "1rows": false, "a-b": false, "func": false, "range": false, "": false} {
		if got := CheckCaptureName(name) == ""; got != ok {
			t.Errorf("CheckCaptureName(%q) = %q, want ok %v", name, CheckCaptureName(name), ok)
		}
	}
}
