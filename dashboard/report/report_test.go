package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/probes"
)

// fixture is the seed's case as a snapshot: a pre-deploy step done, the
// backup step next, and rollback step 23 NO-GO because config_chromadb.py
// was never committed and no backup exists.
func fixture() *model.Snapshot {
	return &model.Snapshot{
		Version: 1, Plan: "docs/plans/migrate.md", Root: "/srv/app",
		CheckedAt: time.Date(2026, 2, 26, 21, 4, 5, 0, time.UTC), DurationMS: 18.25,
		Verdict: model.GateNoGo, NextStep: "8a", Rollback: model.GateNoGo,
		Action: "Don't start step 8a: rollback step 23 cannot run. Fix: add a pre-deploy step: git add config_chromadb.py && git commit (+1 more)",
		Reasons: []string{
			"rollback step 23 (Restore ChromaDB config) cannot run: git config_chromadb.py: config_chromadb.py is not in HEAD (untracked): commit it or back it up",
			"could not check rollback step 24 (Start the pipeline): systemd reddit-advisor.service: cannot check unit reddit-advisor.service: systemd runs here but its bus cannot be reached",
		},
		Blockers: []model.Blocker{
			{Gate: model.GateNoGo, Step: "23", Rollback: true, Probe: "git config_chromadb.py", Message: "config_chromadb.py is not in HEAD (untracked): commit it or back it up",
				Fix:  "add a pre-deploy step: git add config_chromadb.py && git commit",
				Text: "rollback step 23 (Restore ChromaDB config) cannot run: git config_chromadb.py: config_chromadb.py is not in HEAD (untracked): commit it or back it up"},
			{Gate: model.GateUnknown, Step: "24", Rollback: true, Probe: "systemd reddit-advisor.service", Message: "cannot check unit reddit-advisor.service: systemd runs here but its bus cannot be reached",
				Text: "could not check rollback step 24 (Start the pipeline): systemd reddit-advisor.service: cannot check unit reddit-advisor.service: systemd runs here but its bus cannot be reached"},
		},
		Pending:  []model.Pending{{Step: "25", Probe: "source of pg_restore exists", What: "/var/backups/app.dump", MadeBy: "8a", Line: 44, Command: "pg_dump -Fc -f /var/backups/app.dump app"}},
		SignOffs: []model.SignOff{{Step: "8", By: "ann", At: time.Date(2026, 2, 26, 20, 58, 0, 0, time.UTC)}},
		Steps: []model.StepView{
			{ID: "1", Title: "Check disk space", Phase: "Pre-deploy checklist", Line: 12, Status: model.StepDone,
				Probes: []model.ProbeView{{Role: "done", Kind: "host", Target: "disk", Source: "explicit", Status: probes.OK, Message: "42.0 GiB free on /", DurationMS: 0.2}}},
			{ID: "2", Title: "Stop the ingest worker", Phase: "Pre-deploy checklist", Line: 20, Status: model.StepGo, Regressed: true,
				Probes: []model.ProbeView{{Role: "done", Kind: "process", Target: "ingest_reddit", Source: "explicit", Status: probes.Fail, Message: "ingest_reddit is running again (pid 4242): stop it"}}},
			{ID: "8", Title: "Announce the window | read-only", Phase: "Pre-deploy checklist", Line: 36, Status: model.StepDone, Probes: []model.ProbeView{},
				SignedOff: &model.SignOff{Step: "8", By: "ann", At: time.Date(2026, 2, 26, 20, 58, 0, 0, time.UTC)}},
			{ID: "8a", Title: "Back up untracked files required for rollback", Phase: "Pre-deploy checklist", Line: 40, Status: model.StepGo, Next: true,
				Probes: []model.ProbeView{
					{Role: "requires", Kind: "file", Target: "config_chromadb.py", Source: "inferred", Status: probes.OK, Message: "config_chromadb.py exists (2.1 KiB)", DurationMS: 0.1},
					{Role: "requires", Kind: "host", Target: "memory", Source: "explicit", Status: probes.Warn, Severity: "warn", Message: "1.2 GiB available, want 2 GiB: stop other jobs first", DurationMS: 0.1},
				},
				Commands: []string{"cp config_chromadb.py /tmp/config_chromadb.py.bak"}},
			{ID: "12", Title: "Stop the pipeline", Phase: "Deployment", Line: 77, Status: model.StepManual, Probes: []model.ProbeView{},
				Notes: []string{"no probe inferred from \"systemctl stop $UNIT\": it holds a placeholder"}},
			{ID: "13", Title: "Switch the pipeline to pgvector", Phase: "Deployment", Line: 90, Status: model.StepGo,
				Probes: []model.ProbeView{{Role: "done", Kind: "file", Target: ".env", Source: "explicit", Status: probes.Fail, Message: "NOT-SHOWN: a step not yet carried out"}}},
			{ID: "23", Title: "Restore ChromaDB config", Phase: "Rollback", Rollback: true, Line: 141, Status: model.StepNoGo,
				Probes: []model.ProbeView{
					{Role: "requires", Kind: "git", Target: "config_chromadb.py", Source: "inferred", Status: probes.Fail, Message: "config_chromadb.py is not in HEAD (untracked): commit it or back it up", DurationMS: 0.4, Line: 143},
					{Role: "requires", Kind: "any", Source: "explicit", Status: probes.Fail, Message: "none of 2 holds", DurationMS: 1.5, Children: []model.ProbeView{
						{Role: "requires", Kind: "backup", Target: "/backup/config_chromadb.py", Source: "explicit", Status: probes.Fail, Message: "/backup/config_chromadb.py does not exist: no step creates it"},
						{Role: "requires", Kind: "port", Target: "127.0.0.1:8000", Source: "explicit", Status: probes.Error, Message: "connect timed out after 5s"},
					}},
				}},
			{ID: "24", Title: "Start the pipeline", Phase: "Rollback", Rollback: true, Line: 150, Status: model.StepUnknown,
				Probes: []model.ProbeView{{Role: "requires", Kind: "systemd", Target: "reddit-advisor.service", Source: "explicit", Status: probes.Error,
					Message: "cannot check unit reddit-advisor.service: systemd runs here but its bus cannot be reached"}}},
			{ID: "25", Title: "Restore the database", Phase: "Rollback", Rollback: true, Line: 160, Status: model.StepPending,
				Probes: []model.ProbeView{{Role: "requires", Kind: "file", Target: "/var/backups/app.dump", Name: "source of pg_restore exists", Source: "inferred",
					Status: probes.Fail, Message: "/var/backups/app.dump does not exist", MadeBy: "8a", Pending: true, Line: 162}}},
		},
		Findings: []model.Finding{{Severity: "error", Step: "23", Line: 143, Message: "restores config_chromadb.py from git, but it is untracked and no step commits it", Hint: "add a pre-deploy step: git add config_chromadb.py && git commit"}},
		Warnings: []string{"plan.md:90: step \"1\" repeats line 12; refer to it as \"deployment/1\""},
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		file   string
		render func(*bytes.Buffer, *model.Snapshot) error
	}{
		{"seed.txt", func(b *bytes.Buffer, s *model.Snapshot) error { return Write(b, s, Text, Options{}) }},
		{"seed.color.txt", func(b *bytes.Buffer, s *model.Snapshot) error { return Write(b, s, Text, Options{Color: true}) }},
		{"seed.json", func(b *bytes.Buffer, s *model.Snapshot) error { return Write(b, s, JSON, Options{}) }},
		{"seed.md", func(b *bytes.Buffer, s *model.Snapshot) error { return Write(b, s, Markdown, Options{}) }},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.render(&b, fixture()); err != nil {
				t.Fatal(err)
			}
			gonogotest.Golden(t, filepath.Join("testdata", tc.file), b.Bytes())
		})
	}
}

func TestTextColour(t *testing.T) {
	for _, color := range []bool{false, true} {
		var b bytes.Buffer
		if err := Write(&b, fixture(), Text, Options{Color: color}); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		if has := strings.Contains(out, "\x1b["); has != color {
			t.Errorf("color=%v: escape sequences present = %v", color, has)
		}
		plain := stripANSI(out)
		for _, word := range []string{"NO-GO", "DONE", "GO", "MANUAL", "fail", "warn", "error"} {
			if !strings.Contains(plain, word) {
				t.Errorf("color=%v: status word %q missing", color, word)
			}
		}
		// What to do comes first, the verdict right under it; both again last.
		s := fixture()
		lines := strings.Split(strings.TrimSuffix(plain, "\n"), "\n")
		if lines[0] != "▸ "+s.Action || !strings.HasPrefix(lines[1]+"\n"+lines[2], "┏━━━━━━━━━┓\n┃  NO-GO  ┃") {
			t.Errorf("color=%v: the action and the verdict do not come first: %q", color, lines[:3])
		}
		if last := lines[len(lines)-1]; last != "✗ NO-GO  "+s.Action {
			t.Errorf("color=%v: the last line is %q, want the verdict and the action", color, last)
		}
	}
}

// Done-probes that do not hold yet are noise under a step not yet carried
// out; under a regressed step they are the news.
func TestDoneProbesShownOnlyWhenTheyMatter(t *testing.T) {
	var text, md bytes.Buffer
	if err := Write(&text, fixture(), Text, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&md, fixture(), Markdown, Options{}); err != nil {
		t.Fatal(err)
	}
	for name, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if strings.Contains(out, "NOT-SHOWN") {
			t.Errorf("%s lists a failing done-probe of a step not yet carried out", name)
		}
		if !strings.Contains(out, "ingest_reddit is running again") {
			t.Errorf("%s hides the done-probe of a regressed step", name)
		}
	}
}

func TestTextWidth(t *testing.T) {
	for _, w := range []int{20, 40, 80} {
		for _, color := range []bool{false, true} {
			var b bytes.Buffer
			if err := Write(&b, fixture(), Text, Options{Width: w, Color: color}); err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
				if got := uniseg.StringWidth(stripANSI(l)); got > w {
					t.Errorf("width %d color=%v: line is %d columns: %q", w, color, got, l)
				}
			}
		}
	}
}

// With a width, messages fold instead of losing their end (the fix).
func TestTextWrapKeepsWholeMessages(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, fixture(), Text, Options{Width: 60}); err != nil {
		t.Fatal(err)
	}
	flat := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{
		"config_chromadb.py is not in HEAD (untracked): commit it or back it up",
		"fix: add a pre-deploy step: git add config_chromadb.py && git commit",
		"/backup/config_chromadb.py does not exist: no step creates it",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("folded text lost %q:\n%s", want, b.String())
		}
	}
}

func TestFold(t *testing.T) {
	tests := []struct {
		s          string
		n          int
		head, rest string
	}{
		{"short", 10, "short", ""},
		{"one two three", 8, "one two", "three"},
		{"abcdefghij", 4, "abcd", "efghij"},
		{"日本語テキスト", 5, "日本", "語テキスト"},
	}
	for _, tc := range tests {
		h, r := fold(tc.s, tc.n)
		if h != tc.head || r != tc.rest {
			t.Errorf("fold(%q, %d) = %q, %q; want %q, %q", tc.s, tc.n, h, r, tc.head, tc.rest)
		}
	}
}

// The JSON field names are the README's contract ("The JSON snapshot").
func TestTextCapsReasons(t *testing.T) {
	s := fixture()
	s.Reasons, s.Blockers = nil, nil
	for i := range 12 {
		s.Reasons = append(s.Reasons, fmt.Sprintf("reason %d", i))
	}
	var b bytes.Buffer
	if err := Write(&b, s, Text, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "reason 7") || strings.Contains(out, "reason 8") || !strings.Contains(out, "… and 4 more") {
		t.Errorf("12 reasons:\n%s", out)
	}
}

func TestJSONContractFields(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, fixture(), JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "plan", "root", "checked_at", "duration_ms", "verdict", "next_step", "rollback", "steps", "findings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("top-level field %q missing", k)
		}
	}
	var step map[string]any
	for _, st := range m["steps"].([]any) {
		if st.(map[string]any)["id"] == "23" {
			step = st.(map[string]any)
		}
	}
	for _, k := range []string{"id", "title", "phase", "rollback", "line", "status", "probes"} {
		if _, ok := step[k]; !ok {
			t.Errorf("step field %q missing", k)
		}
	}
	probe := step["probes"].([]any)[0].(map[string]any)
	for _, k := range []string{"role", "kind", "target", "source", "status", "message", "duration_ms"} {
		if _, ok := probe[k]; !ok {
			t.Errorf("probe field %q missing", k)
		}
	}
}

func TestJSONLineIsOneLine(t *testing.T) {
	s := fixture()
	s.Steps[0].Title = "multi\nline <title> & more"
	var b bytes.Buffer
	if err := JSONLine(&b, s); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(b.String(), "\n"); n != 1 || !strings.HasSuffix(b.String(), "\n") {
		t.Fatalf("JSONLine wrote %d newlines: %q", n, b.String())
	}
	var back model.Snapshot
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Steps[0].Title != s.Steps[0].Title || back.Verdict != s.Verdict {
		t.Errorf("round trip lost data: %+v", back.Steps[0])
	}
}

// A | in a title, a phase, the next step or a pending command stays in its
// cell: every table row has its table's number of cells.
func TestMarkdownEscapesCells(t *testing.T) {
	s := fixture()
	s.Steps[0].Title = "a | b"
	s.Steps[3].Title = "Back up | copy" // the next step, in the summary table
	s.Steps[3].Phase = "Pre | deploy"
	s.Pending[0].Command = "pg_dump app | gzip > /var/backups/app.dump"
	var b bytes.Buffer
	if err := Write(&b, s, Markdown, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, `a \| b`) || !strings.Contains(out, `Back up \| copy`) {
		t.Errorf("pipe in a title not escaped:\n%s", out)
	}
	for _, l := range strings.Split(out, "\n") {
		if !strings.HasPrefix(l, "|") {
			continue
		}
		cells := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(l, -1)) - 1
		if want := 2; strings.HasPrefix(l, "| **") || l == "| | |" || l == "|---|---|" {
			if cells != want {
				t.Errorf("summary row has %d cells, want %d: %q", cells, want, l)
			}
		} else if cells != 6 {
			t.Errorf("step row has %d cells, want 6: %q", cells, l)
		}
	}
	// The step table is folded, the answer is not.
	if i, j := strings.Index(out, "<details>"), strings.Index(out, "| Status | ID |"); i < 0 || j < i || !strings.Contains(out, "</details>") {
		t.Errorf("the step table is not folded in <details>:\n%s", out)
	}
	if !strings.HasPrefix(out, "## gonogo: ✗ NO-GO") || !strings.Contains(out, "**"+s.Action+"**") {
		t.Errorf("the verdict and the action do not lead:\n%s", out)
	}
}

// Under a locale that is not UTF-8 the text report is plain ASCII with the
// same words: no box characters, no symbols.
func TestTextASCII(t *testing.T) {
	var utf, ascii bytes.Buffer
	if err := Write(&utf, fixture(), Text, Options{Width: 80}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&ascii, fixture(), Text, Options{ASCII: true, Width: 80}); err != nil {
		t.Fatal(err)
	}
	for i, r := range ascii.String() {
		if r > 0x7e || (r < 0x20 && r != '\n') {
			t.Fatalf("byte %d is %q, not printable ASCII:\n%s", i, r, ascii.String())
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(ascii.String(), "\n"), "\n") {
		if len(l) > 80 {
			t.Errorf("line of %d columns at width 80: %q", len(l), l)
		}
	}
	words := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, w := range regexp.MustCompile(`[A-Za-z][A-Za-z-]+`).FindAllString(s, -1) {
			m[w] = true
		}
		return m
	}
	a := words(ascii.String())
	for w := range words(utf.String()) {
		if !a[w] {
			t.Errorf("the ASCII report lacks the word %q", w)
		}
	}
	if !strings.Contains(ascii.String(), "+=========+\n|  NO-GO  |") {
		t.Errorf("no ASCII verdict box:\n%s", ascii.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestWriteErrorsAreReturned(t *testing.T) {
	s := fixture()
	if err := Write(failWriter{}, s, Text, Options{}); err == nil {
		t.Error("Text: no error from a failing writer")
	}
	if err := Write(failWriter{}, s, JSON, Options{}); err == nil {
		t.Error("JSON: no error from a failing writer")
	}
	if err := JSONLine(failWriter{}, s); err == nil {
		t.Error("JSONLine: no error from a failing writer")
	}
	if err := Write(failWriter{}, s, Markdown, Options{}); err == nil {
		t.Error("Markdown: no error from a failing writer")
	}
}

// hostile is the fixture with control sequences and markup from the
// world in every kind of text a report prints: a reason phrase, a
// symlink target, command output, a file name, the plan's title.
func hostile() *model.Snapshot {
	s := fixture()
	step := func(id string) *model.StepView {
		for i := range s.Steps {
			if s.Steps[i].ID == id {
				return &s.Steps[i]
			}
		}
		panic("no step " + id)
	}
	s.Reasons = append(s.Reasons, "http://h/ answered 503 \x1b]0;owned\x07Service Unavailable")
	s.Blockers[0].Text = "http://h/ answered 503 \x1b]0;owned\x07Service Unavailable"
	s.Action = "Don't start step 8a: \x1b]0;owned\x07"
	step("8a").Title = "Back up | <img src=x onerror=alert(1)> [click](http://evil) \x1b[2J"
	step("8a").Probes[0].Message = "config.py is a symlink to \x1b[31m/etc/\u202eexe.txt"
	step("2").Probes[0].Message = "<script>alert(1)</script> output \u009b2J done"
	step("2").Probes[0].Target = "file\rname"
	s.Findings[0].Message = "restores `a<b` from <b>git</b>"
	s.Findings[0].Hint = "fix \x1b[2J it"
	s.Warnings = append(s.Warnings, "bad byte \xff here")
	return s
}

// TestReportsAreTerminalSafe: no control sequence from the world reaches
// the output of any format, for --once or lint, raw; each shows as an
// escape.
// (Colour is off: every ESC in the output would be the world's.)
func TestReportsAreTerminalSafe(t *testing.T) {
	for _, f := range Formats() {
		for _, lint := range []bool{false, true} {
			if lint && !slices.Contains(LintFormats(), f) {
				continue
			}
			var b bytes.Buffer
			var err error
			if lint {
				err = WriteLint(&b, hostile(), f, Options{})
			} else {
				err = Write(&b, hostile(), f, Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, bad := range []string{"\x1b", "\x07", "\r", "\u009b", "\u202e", "\xff"} {
				if strings.Contains(out, bad) {
					t.Errorf("%s (lint %v): %q reaches the output raw", f, lint, bad)
				}
			}
			if f != JSON && f != Prometheus && !strings.Contains(out, `\x1b`) {
				t.Errorf("%s (lint %v): no escape shown for ESC:\n%s", f, lint, out)
			}
		}
	}
}

// TestMarkdownIsInert: in the Markdown report, text from the world makes
// no HTML, link or image, and a "|" splits no table cell — also in the
// next step's title; code spans keep their text.
func TestMarkdownIsInert(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, hostile(), Markdown, Options{}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"<img", "<script>", "<b>", " [click](http://evil)"} {
		if strings.Contains(out, bad) {
			t.Errorf("%q in the Markdown report:\n%s", bad, out)
		}
	}
	for _, want := range []string{"&lt;img src=x", "&lt;script&gt;", "\\[click\\]", "`a<b`", "&lt;b&gt;git&lt;/b&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q missing from the Markdown report:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "| **Next step**") && strings.Count(strings.ReplaceAll(l, `\|`, ""), "|") != 3 {
			t.Errorf("the next step's title splits its cell: %s", l)
		}
	}
	var j bytes.Buffer
	if err := Write(&j, hostile(), JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	var back model.Snapshot
	if err := json.Unmarshal(j.Bytes(), &back); err != nil || back.Steps[1].Probes[0].Message != hostile().Steps[1].Probes[0].Message {
		t.Errorf("JSON does not carry the data unchanged: %v %q", err, back.Steps[1].Probes[0].Message)
	}
	if back.Steps[1].ID != "2" {
		t.Fatalf("the fixture's second step is %q, want 2", back.Steps[1].ID)
	}
}

// A message of megabytes (a step titled by a 1 MB inline code
// span, a command with 20,000 operands) folds in time linear in its length.
// Folding asked for the width of everything left once per line, so 2 MB at
// 80 columns took many minutes (issue 13); now it takes a fraction of a
// second. The
// bound is a generous one, for a loaded machine, not a measurement.
func TestTextWrapLongMessageIsLinear(t *testing.T) {
	s := fixture()
	long := strings.Repeat("config_chromadb.py ", 2<<20/19)
	s.Reasons = []string{long}
	s.Blockers = nil
	s.Steps[0].Title = long
	done := make(chan error, 1)
	var b bytes.Buffer
	go func() { done <- Write(&b, s, Text, Options{Width: 80}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		t.Fatal("folding a 2 MB message at 80 columns did not finish in a minute: it is not linear")
	}
	if !strings.Contains(b.String(), "config_chromadb.py config_chromadb.py") {
		t.Error("the long reason is not in the output")
	}
}

// countWriter counts the Write calls that reach it.
type countWriter struct {
	buf   bytes.Buffer
	calls int
}

func (c *countWriter) Write(p []byte) (int, error) {
	c.calls++
	return c.buf.Write(p)
}

func (c *countWriter) String() string { return c.buf.String() }

// TestWritesAreBuffered: every format and lint reach the caller's writer
// in a write or two (the fixture's report is far below the buffer; the
// XML encoder flushes the buffer once itself), not one per line, and with
// the bytes a bytes.Buffer gets.
func TestWritesAreBuffered(t *testing.T) {
	for _, f := range Formats() {
		var direct bytes.Buffer
		if err := Write(&direct, fixture(), f, Options{}); err != nil {
			t.Fatal(err)
		}
		var c countWriter
		if err := Write(&c, fixture(), f, Options{}); err != nil {
			t.Fatal(err)
		}
		if c.calls > 2 || c.String() != direct.String() {
			t.Errorf("%s: %d writes, same bytes %v; want at most 2 writes", f, c.calls, c.String() == direct.String())
		}
	}
	for _, f := range LintFormats() {
		var c countWriter
		if err := WriteLint(&c, fixture(), f, Options{}); err != nil {
			t.Fatal(err)
		}
		if c.calls > 2 {
			t.Errorf("lint %s: %d writes, want at most 2", f, c.calls)
		}
	}
}

// TestLintWriteErrorsAreReturned: the lint report, written as it is made,
// still returns the writer's error, in UTF-8 and in ASCII; and its ASCII
// form is its UTF-8 form transliterated.
func TestLintWriteErrorsAreReturned(t *testing.T) {
	for _, ascii := range []bool{false, true} {
		if err := WriteLint(failWriter{}, fixture(), Text, Options{ASCII: ascii}); err == nil {
			t.Errorf("ASCII %v: no error from a failing writer", ascii)
		}
		if err := lint(failWriter{}, fixture(), Options{ASCII: ascii}); err == nil {
			t.Errorf("ASCII %v: lint itself, unbuffered: no error from a failing writer", ascii)
		}
	}
	var utf, ascii bytes.Buffer
	if err := WriteLint(&utf, fixture(), Text, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := WriteLint(&ascii, fixture(), Text, Options{ASCII: true}); err != nil {
		t.Fatal(err)
	}
	if want := model.ASCII(utf.String()); ascii.String() != want || utf.Len() < 100 {
		t.Errorf("ASCII lint report:\n%s\nwant:\n%s", ascii.String(), want)
	}
}
