package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
)

// testIO is an IOStreams over buffers, as a pipe would be.
func testIO() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errb}, &out, &errb
}

func TestColorWanted(t *testing.T) {
	tests := []struct {
		tty  bool
		env  map[string]string
		want bool
	}{
		{true, nil, true},
		{false, nil, false},
		{true, map[string]string{"NO_COLOR": "1"}, false},
		{true, map[string]string{"TERM": "dumb"}, false},
		{false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{true, map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "yes"}, false},
	}
	for _, tc := range tests {
		got := colorWanted(tc.tty, func(k string) string { return tc.env[k] })
		if got != tc.want {
			t.Errorf("tty=%v env=%v: colour %v, want %v", tc.tty, tc.env, got, tc.want)
		}
	}
}

// shellQuote's output, read back by a real shell, is the input.
func TestShellQuote(t *testing.T) {
	for _, s := range []string{"/tmp/gonogo-demo-1", "/tmp/with space", "it's", "$HOME", "", "a\"b`c"} {
		out, err := exec.Command("sh", "-c", "printf %s "+shellQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Errorf("shellQuote(%q) = %s, the shell read %q (%v)", s, shellQuote(s), out, err)
		}
	}
}

func TestPlanErrorOnePerLine(t *testing.T) {
	list := plans.ErrorList{
		{File: "plan.md", Line: 12, Field: "state", Msg: `"comitted" is not a git state: want one of tracked, committed, …`},
		{File: "plan.md", Line: 30, Field: "fiel", Msg: "unknown probe kind"},
	}
	err := planError(list)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitUsage {
		t.Fatalf("planError: %v, want exit 2", err)
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], "  plan.md:12: state:") || !strings.HasPrefix(lines[2], "  plan.md:30: fiel:") {
		t.Errorf("planError lines:\n%s", err)
	}
}

func TestRunInProcess(t *testing.T) {
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{[]string{"version"}, 0, "gonogo ", ""},
		{[]string{"--once", "--timeout", "-1s", "x.md"}, exitUsage, "", "--timeout -1s: want a positive duration"},
		{[]string{"--once", "--interval", "0s", "x.md"}, exitUsage, "", "--interval 0s"},
		{[]string{"a.md", "b.md"}, exitUsage, "", "one plan at a time, got 2 arguments"},
		{[]string{"lint"}, exitUsage, "", "which plan?"},
		{[]string{"demo", "extra"}, exitUsage, "", `unknown command "extra"`},
		{[]string{"demo"}, exitUsage, "", "stdout is not a terminal: use --once"},
		{[]string{"--format", "json", "x.md"}, exitUsage, "", "stdout is not a terminal"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			ios, out, errb := testIO()
			code := run(context.Background(), tc.args, ios, func(string) string { return "" })
			if code != tc.code || !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("exit %d (want %d)\nstdout %q (want %q)\nstderr %q (want %q)", code, tc.code, out, tc.stdout, errb, tc.stderr)
			}
		})
	}
}

// On a terminal, --format still needs --once, and a --record file that
// cannot be opened stops gonogo before the board opens (a board that
// opened would draw on this process's terminal, not on the buffers).
func TestBoardFlags(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-dir", "r.jsonl")
	plan := filepath.Join(t.TempDir(), "plan.md")
	if err := os.WriteFile(plan, []byte("# P\n\n1. Do it\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args  []string
		wants []string
	}{
		{[]string{"--format", "json", "x.md"}, []string{"--format goes with --once", "--record FILE"}},
		{[]string{"--record", missing, plan}, []string{"--record " + missing + ": cannot open the audit file", "mkdir -p " + filepath.Dir(missing)}},
		// The record is opened once the plan has loaded.
		{[]string{"--record", missing, "x.md"}, []string{"cannot read plan x.md"}},
		{[]string{"demo", "--record", missing}, []string{"--record " + missing + ": cannot open the audit file"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			ios, out, errb := testIO()
			ios.IsTTY, ios.InTTY = true, true
			code := run(context.Background(), tc.args, ios, func(string) string { return "" })
			if code != exitUsage || out.Len() != 0 {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			for _, w := range tc.wants {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr %q does not say %q", errb, w)
				}
			}
		})
	}
}
