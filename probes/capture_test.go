package probes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// producer is p with capture: name.
func producer(p *spec.Probe, name string) *spec.Probe {
	p.Capture = name
	return p
}

// reader is a command probe printing out whose expect is e.
func reader(t *testing.T, command, e string) *spec.Probe {
	t.Helper()
	sp := cmdSpec(command)
	sp.Params.(*spec.CommandParams).Expect = expect(t, e)
	return sp
}

// writeLines writes a file of the given content under dir.
func writeLines(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCaptures runs producers (a real file's line count, a real child
// process's stdout) and readers together in one Run, each case a plan of
// its own (a new Runner: nothing kept from another case).
func TestCaptures(t *testing.T) {
	dir := t.TempDir()
	// Three records, the last without a newline: three lines (wc -l says 2).
	export := writeLines(t, dir, "export.jsonl", "{\"id\":1}\n{\"id\":2}\n{\"id\":3}")
	empty := writeLines(t, dir, "empty.jsonl", "")
	nl := writeLines(t, dir, "nl.txt", "a\n\nb\n")
	type want struct {
		status   Status
		captured string
		msg      []string // substrings of the message
	}
	tests := []struct {
		name  string
		specs []*spec.Probe
		want  []want
	}{
		{"file lines, read by a command", []*spec.Probe{
			producer(fileSpec(export, true), "rows"),
			reader(t, "echo 3", "== captures.rows"),
			reader(t, "echo 2", ">= captures.rows"),
			reader(t, "echo 2.98", ">= captures.rows * 0.99"),
		}, []want{
			{OK, "3", []string{"3 lines captured as rows"}},
			{OK, "", []string{`printed "3" == captures.rows (3)`}},
			{Fail, "", []string{`printed "2", expected >= captures.rows (3)`}},
			{OK, "", []string{`>= captures.rows * 0.99 (rows = 3)`}},
		}},
		{"empty file and blank lines", []*spec.Probe{
			producer(fileSpec(empty, true), "none"),
			producer(fileSpec(nl, true), "three"),
			reader(t, "echo 3", "== captures.three + captures.none"),
		}, []want{
			{OK, "0", []string{"0 lines captured as none"}},
			{OK, "3", []string{"3 lines captured as three"}},
			{OK, "", []string{"(three = 3, none = 0)"}},
		}},
		{"command stdout, trimmed", []*spec.Probe{
			producer(cmdSpec("printf '  42\\n\\n'"), "answer"),
			reader(t, "echo 42", "== captures.answer"),
			reader(t, "echo forty-two", "== captures.answer"),
		}, []want{
			{OK, "42", []string{"captured answer = 42"}},
			{OK, "", []string{"(42)"}},
			{Fail, "", []string{`"forty-two" is not a number, and == captures.answer compares numbers`}},
		}},
		{"a capture that is not a number", []*spec.Probe{
			producer(cmdSpec("echo many"), "rows"),
			reader(t, "echo 3", "== captures.rows"),
		}, []want{
			{Fail, "", []string{`its output is "many", not a number, so capture rows cannot be taken`}},
			{Error, "", []string{"could not tell: capture rows was not taken: command echo many does not hold: "}},
		}},
		{"a producer that fails", []*spec.Probe{
			producer(fileSpec(filepath.Join(dir, "missing.jsonl"), true), "rows"),
			reader(t, "echo 3", "== captures.rows"),
		}, []want{
			{Fail, "", nil},
			{Error, "", []string{"could not tell: capture rows was not taken: file " + filepath.Join(dir, "missing.jsonl") + " does not hold"}},
		}},
		{"no producer at all", []*spec.Probe{
			reader(t, "echo 3", "== captures.rows"),
		}, []want{
			{Error, "", []string{"could not tell: capture rows was not taken: no probe has captured it yet"}},
		}},
		{"a reader inside any", []*spec.Probe{
			producer(cmdSpec("echo 5"), "five"),
			{Kind: spec.KindAny, Children: []*spec.Probe{reader(t, "echo 4", "== captures.five"), reader(t, "echo 5", "== captures.five")}},
		}, []want{
			{OK, "5", nil},
			{OK, "", []string{"any: ok via command echo 5"}},
		}},
		{"a division by zero: could not tell", []*spec.Probe{
			producer(cmdSpec("echo 0"), "total"),
			reader(t, "echo 1", "<= 100 / captures.total"),
		}, []want{
			{OK, "0", nil},
			{Error, "", []string{`could not tell: ` + "`echo 1`" + ` exited 0 and printed "1", but <= 100 / captures.total (total = 0): cannot be computed: division by zero`}},
		}},
		{"a producer with an expect of its own", []*spec.Probe{
			func() *spec.Probe {
				sp := producer(cmdSpec("echo 10"), "ten")
				sp.Params.(*spec.CommandParams).Expect = expect(t, ">= 11")
				return sp
			}(),
			reader(t, "echo 10", "== captures.ten"),
		}, []want{
			{Fail, "", []string{`printed "10", expected >= 11`}},
			{Error, "", []string{"capture ten was not taken: command echo 10 does not hold"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs := NewRunner(Options{}).Run(context.Background(), tt.specs, nil)
			for i, w := range tt.want {
				r := rs[i]
				if r.Spec != tt.specs[i] || r.Status != w.status || r.Captured != w.captured {
					t.Errorf("probe %d: %s captured %q (%s), want %s captured %q", i, r.Status, r.Captured, r.Message, w.status, w.captured)
				}
				for _, m := range w.msg {
					if !strings.Contains(r.Message, m) {
						t.Errorf("probe %d: message %q does not say %q", i, r.Message, m)
					}
				}
			}
		})
	}
}

// TestCaptureWaves: a reader listed before its producer, whose command
// takes a while, still sees the value — the reader waits for the first
// wave — and a producer that times out leaves its reader "could not
// tell". onResult gets each result at its own index.
func TestCaptureWaves(t *testing.T) {
	slow := producer(cmdSpec("sleep 0.3; echo 7"), "slow")
	stuck := producer(cmdSpec("sleep 5; echo 1"), "stuck")
	stuck.Timeout = 200 * time.Millisecond
	specs := []*spec.Probe{
		reader(t, "echo 7", "== captures.slow"),
		reader(t, "echo 1", "== captures.stuck"),
		slow,
		stuck,
	}
	var mu sync.Mutex
	seen := map[int]*spec.Probe{}
	rs := NewRunner(Options{}).Run(context.Background(), specs, func(i int, r Result) {
		mu.Lock()
		defer mu.Unlock()
		seen[i] = r.Spec
	})
	if rs[0].Status != OK || !strings.Contains(rs[0].Message, "== captures.slow (7)") {
		t.Errorf("reader of a slow producer: %s %s", rs[0].Status, rs[0].Message)
	}
	if rs[1].Status != Error || !strings.Contains(rs[1].Message, "could not tell: capture stuck was not taken: command sleep 5; echo 1: timed out after 200ms") {
		t.Errorf("reader of a producer that timed out: %s %s", rs[1].Status, rs[1].Message)
	}
	if rs[2].Captured != "7" || rs[3].Status != Error || rs[3].Captured != "" {
		t.Errorf("producers: %+v / %+v", rs[2], rs[3])
	}
	for i, sp := range specs {
		if seen[i] != sp {
			t.Errorf("onResult gave index %d the result of %v", i, seen[i])
		}
	}
}

// TestCaptureKeptAcrossRuns: the board re-checks a reader in a round where
// its producer is not due; the reader reads the producer's last answer,
// value or failure.
func TestCaptureKeptAcrossRuns(t *testing.T) {
	dir := t.TempDir()
	path := writeLines(t, dir, "export.jsonl", "a\nb\n")
	prod := producer(fileSpec(path, true), "rows")
	read := reader(t, "echo 2", "== captures.rows")
	r := NewRunner(Options{})
	ctx := context.Background()
	if rs := r.Run(ctx, []*spec.Probe{read}, nil); rs[0].Status != Error {
		t.Fatalf("before the producer ran: %s %s", rs[0].Status, rs[0].Message)
	}
	r.Run(ctx, []*spec.Probe{prod}, nil)
	if rs := r.Run(ctx, []*spec.Probe{read}, nil); rs[0].Status != OK {
		t.Errorf("after the producer took 2: %s %s", rs[0].Status, rs[0].Message)
	}
	// The file grows: the reader, run with its producer, sees the new count.
	writeLines(t, dir, "export.jsonl", "a\nb\nc\n")
	if rs := r.Run(ctx, []*spec.Probe{read, prod}, nil); rs[0].Status != Fail || !strings.Contains(rs[0].Message, "(3)") {
		t.Errorf("after the file grew: %s %s", rs[0].Status, rs[0].Message)
	}
	os.Remove(path)
	r.Run(ctx, []*spec.Probe{prod}, nil)
	if rs := r.Run(ctx, []*spec.Probe{read}, nil); rs[0].Status != Error || !strings.Contains(rs[0].Message, "was not taken") {
		t.Errorf("after the producer failed: %s %s", rs[0].Status, rs[0].Message)
	}
}

// TestCapturePostgres: the real PostgreSQL of the test suite (see
// pgFixture) — a query captures a count, another compares with a file's
// line count, and a value that is not a number is not captured.
func TestCapturePostgres(t *testing.T) {
	u := pgFixture(t)
	dsn := u.String()
	dir := t.TempDir()
	five := writeLines(t, dir, "five.jsonl", "1\n2\n3\n4\n5\n")
	four := writeLines(t, dir, "four.jsonl", "1\n2\n3\n4\n")
	q := func(query, e, capture string) *spec.Probe {
		p := spec.PostgresParams{Check: spec.PostgresQuery, Query: query}
		if e != "" {
			p.Expect = expect(t, e)
		}
		sp := pgSpec(dsn, p)
		sp.Capture = capture
		return sp
	}
	specs := []*spec.Probe{
		q("SELECT count(*) FROM app.items", "== captures.export_rows", ""),
		q("SELECT count(*) FROM app.items", "== captures.short_rows", ""),
		producer(fileSpec(five, true), "export_rows"),
		producer(fileSpec(four, true), "short_rows"),
		q("SELECT count(*) FROM app.items", "", "pg_rows"),
		reader(t, "echo 5", "== captures.pg_rows"),
		q("SELECT 'five'", "", "word"),
		q("SELECT max(id) FROM app.items", ">= 5", "max_id"),
	}
	rs := NewRunner(Options{}).Run(context.Background(), specs, nil)
	want := []struct {
		st       Status
		captured string
		msg      string
	}{
		{OK, "", `the query returned "5" == captures.export_rows (5)`},
		{Fail, "", `the query returned "5", expected == captures.short_rows (4)`},
		{OK, "5", "5 lines captured as export_rows"},
		{OK, "4", "4 lines captured as short_rows"},
		{OK, "5", `the query returned "5", captured as pg_rows`},
		{OK, "", `printed "5" == captures.pg_rows (5)`},
		{Fail, "", `the value is "five", not a number, so capture word cannot be taken`},
		{OK, "5", `the query returned "5" (>= 5), captured as max_id`},
	}
	for i, w := range want {
		if rs[i].Status != w.st || rs[i].Captured != w.captured || !strings.Contains(rs[i].Message, w.msg) {
			t.Errorf("probe %d: %s captured %q %q, want %s captured %q saying %q", i, rs[i].Status, rs[i].Captured, rs[i].Message, w.st, w.captured, w.msg)
		}
	}
}
