package dashboard

import (
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// t0 is the fixtures' check time.
var t0 = time.Date(2026, 2, 26, 21, 4, 5, 0, time.UTC)

// fixture is the seed case: the backup step 8a is blocked because
// config_chromadb.py is untracked, and rollback step 23 cannot run.
func fixture() *model.Snapshot {
	return &model.Snapshot{
		Version: 1, Plan: "docs/plans/migrate.md", Root: "/srv/app", CheckedAt: t0, DurationMS: 18,
		Verdict: model.GateNoGo, NextStep: "8a", Rollback: model.GateNoGo,
		Action: "Don't start step 8a: it needs git config_chromadb.py: config_chromadb.py is untracked: commit it or back it up (+1 more)",
		Reasons: []string{"step 8a (Backup untracked files required for rollback) cannot run: git config_chromadb.py: config_chromadb.py is untracked: commit it or back it up",
			"rollback step 23 (Restore ChromaDB config) cannot run: any: none of 2 holds"},
		Blockers: []model.Blocker{
			{Gate: model.GateNoGo, Step: "8a", Probe: "git config_chromadb.py", Message: "config_chromadb.py is untracked: commit it or back it up",
				Text: "step 8a (Backup untracked files required for rollback) cannot run: git config_chromadb.py: config_chromadb.py is untracked: commit it or back it up"},
			{Gate: model.GateNoGo, Step: "23", Rollback: true, Probe: "any", Message: "none of 2 holds", Fix: "add a backup step before step 9, or commit the file",
				Text: "rollback step 23 (Restore ChromaDB config) cannot run: any: none of 2 holds"},
		},
		Pending: []model.Pending{{Step: "24", Probe: "source of pg_restore exists", What: "/var/backups/app.dump", MadeBy: "9",
			Line: 52, Command: "pg_dump -Fc -f /var/backups/app.dump app"}},
		Host: &model.HostFacts{CPUModel: "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz", Cores: 16, CPUPercent: 12.4,
			Load1: 0.42, MemAvailable: 3 << 30, Disks: []model.Disk{{Path: "/srv", Free: 40 << 30}}},
		Steps: []model.StepView{
			{ID: "1", Title: "Record the baseline", Phase: "Pre-deploy checklist", Line: 10, Status: model.StepDone,
				Probes: []model.ProbeView{{Role: "done", Kind: "file", Target: "logs/pre_migration_baseline.txt",
					Source: "inferred", Status: probes.OK, Message: "logs/pre_migration_baseline.txt exists", DurationMS: 0.2}}},
			{ID: "8a", Title: "Backup untracked files required for rollback", Phase: "Pre-deploy checklist", Line: 42,
				Status: model.StepNoGo, Next: true,
				Probes: []model.ProbeView{
					{Role: "requires", Kind: "git", Target: "config_chromadb.py", Source: "explicit", Status: probes.Fail,
						Message: "config_chromadb.py is untracked: commit it or back it up", DurationMS: 0.4},
					{Role: "done", Kind: "backup", Target: "/tmp/config_chromadb.py.bak", Source: "inferred",
						Status: probes.Fail, Message: "/tmp/config_chromadb.py.bak does not exist", DurationMS: 0.1},
				},
				Commands: []string{"cp config_chromadb.py /tmp/config_chromadb.py.bak",
					"git add config_chromadb.py", "git commit -m \"chore: track config_chromadb.py\""}},
			{ID: "9", Title: "Stop the pipeline and dump the database", Phase: "Pre-deploy checklist", Line: 50, Status: model.StepGo,
				Probes: []model.ProbeView{{Role: "requires", Kind: "systemd", Target: "rag-pipeline.service",
					Source: "inferred", Status: probes.OK, Message: "rag-pipeline.service is active", DurationMS: 3}}},
			{ID: "pre-deploy-checklist-4", Title: "Page the DBA", Phase: "Pre-deploy checklist", Line: 56, Status: model.StepManual, Generated: true,
				Probes: []model.ProbeView{}},
			{ID: "10", Title: "Run the migration", Phase: "Deployment", Line: 60, Status: model.StepManual,
				Notes: []string{"no probe: the command holds a placeholder <DSN>"}},
			{ID: "23", Title: "Restore ChromaDB config", Phase: "Rollback", Rollback: true, Line: 141, Status: model.StepNoGo,
				Probes: []model.ProbeView{{Role: "requires", Kind: "any", Source: "inferred", Status: probes.Fail,
					Message: "none of 2 holds", DurationMS: 0.6, Children: []model.ProbeView{
						{Role: "requires", Kind: "git", Target: "config_chromadb.py", Source: "inferred", Status: probes.Fail,
							Message: "config_chromadb.py is not in HEAD (untracked)", DurationMS: 0.4},
						{Role: "requires", Kind: "file", Target: "/backup/config_chromadb.py", Source: "inferred",
							Status: probes.Fail, Message: "/backup/config_chromadb.py does not exist: no step creates it", DurationMS: 0.1},
					}}},
				Commands: []string{"git checkout HEAD -- config_chromadb.py", "cp /backup/config_chromadb.py ."}},
			{ID: "24", Title: "Restore the database", Phase: "Rollback", Rollback: true, Line: 150, Status: model.StepPending,
				Probes: []model.ProbeView{
					{Role: "requires", Kind: "file", Target: "/var/backups/app.dump", Name: "source of pg_restore exists", Source: "inferred",
						Status: probes.Fail, Message: "/var/backups/app.dump does not exist: make it (the step that creates it has not run?), or fix the path",
						MadeBy: "9", Pending: true, Line: 152},
					program("pg_restore"), program("psql"), program("sudo"), program("systemctl"), program("gzip"),
				},
				Commands: []string{"pg_restore -d app /var/backups/app.dump"}},
		},
		Findings: []model.Finding{{Severity: "error", Step: "23", Line: 141,
			Message: "restores config_chromadb.py, which no step backs up or commits",
			Hint:    "add a backup step before step 9, or commit the file"}},
	}
}

// program is a passing inferred "is installed" check.
func program(name string) model.ProbeView {
	return model.ProbeView{Role: "requires", Kind: "file", Target: "/usr/bin/" + name, Name: "program " + name, Program: name,
		Source: "inferred", Status: probes.OK, Message: "/usr/bin/" + name + " exists", DurationMS: 0.1}
}

// fixed8a is the fixture after the operator committed config_chromadb.py:
// 8a's requirement holds.
func fixed8a() *model.Snapshot {
	s := fixture()
	s.CheckedAt = t0.Add(5 * time.Second)
	s.Verdict = model.GateNoGo // the rollback gate still blocks
	s.Steps[1].Status = model.StepGo
	s.Steps[1].Probes[0].Status = probes.OK
	s.Steps[1].Probes[0].Message = "config_chromadb.py is committed"
	s.Reasons, s.Blockers = s.Reasons[1:], s.Blockers[1:]
	s.Action = "Don't start step 8a: rollback step 23 cannot run. Fix: add a backup step before step 9, or commit the file"
	return s
}

// allGo is a plan whose next step and rollback are GO.
func allGo() *model.Snapshot {
	s := fixed8a()
	s.Verdict, s.Rollback, s.Reasons, s.Blockers, s.Findings, s.Pending = model.GateGo, model.GateGo, nil, nil, nil, nil
	s.Action = "Run step 8a next: Backup untracked files required for rollback."
	s.Steps[5].Status = model.StepGo
	s.Steps[5].Probes[0].Status = probes.OK
	s.Steps[6].Status = model.StepGo
	s.Steps[6].Probes[0].Status, s.Steps[6].Probes[0].Pending = probes.OK, false
	return s
}

// recorder is the board's actions in tests: it records what was asked.
type recorder struct {
	refreshes int
	at        []string
	signOffs  []string // key, with a "-" in front for a withdrawal
	quits     int
	redraws   int
	wakes     []time.Duration
}

func (r *recorder) refresh()       { r.refreshes++ }
func (r *recorder) setAt(k string) { r.at = append(r.at, k) }
func (r *recorder) signOff(k string, withdraw bool) {
	if withdraw {
		k = "-" + k
	}
	r.signOffs = append(r.signOffs, k)
}
func (r *recorder) quit()                     { r.quits++ }
func (r *recorder) redraw()                   { r.redraws++ }
func (r *recorder) wakeAfter(d time.Duration) { r.wakes = append(r.wakes, d) }

// testBoard is a board on a fixed clock (returned so tests can move it),
// with focus handled as the application would.
func testBoard(t *testing.T, color bool) (*board, *recorder, *time.Time) {
	t.Helper()
	rec := &recorder{}
	b := newBoard("docs/plans/migrate.md", color, rec)
	clock := t0.Add(30 * time.Second)
	b.now = func() time.Time { return clock }
	b.loc = time.UTC
	f := &focus{}
	b.setFocus = f.set
	f.set(b.view)
	testFocus[b] = f
	return b, rec, &clock
}

// focus does what tview.Application.SetFocus does, without an application.
type focus struct{ cur tview.Primitive }

func (f *focus) set(p tview.Primitive) {
	if f.cur != nil {
		f.cur.Blur()
	}
	f.cur = p
	p.Focus(func(q tview.Primitive) { f.set(q) })
}

var testFocus = map[*board]*focus{}

// press sends a key as tview.Application does: the board's capture first,
// then the root, if it has focus.
func press(b *board, key tcell.Key, r rune) {
	ev := tcell.NewEventKey(key, r, tcell.ModNone)
	if ev = b.onKey(ev); ev == nil {
		return
	}
	if b.view.HasFocus() {
		b.view.InputHandler()(ev, testFocus[b].set)
	}
}

// typeText presses the runes of s.
func typeText(b *board, s string) {
	for _, r := range s {
		press(b, tcell.KeyRune, r)
	}
}

// screen is a drawn simulation screen.
type screen struct {
	tcell.SimulationScreen
	w, h int
}

// draw draws the board on a fresh simulation screen of w×h.
func draw(t *testing.T, b *board, w, h int) *screen {
	t.Helper()
	s := tcell.NewSimulationScreen("UTF-8")
	if err := s.Init(); err != nil {
		t.Fatal(err)
	}
	s.SetSize(w, h)
	b.view.SetRect(0, 0, w, h)
	b.view.Draw(s)
	s.Show()
	return &screen{s, w, h}
}

// lines is the screen's text, one string per row, trailing blanks trimmed.
func (s *screen) lines() []string {
	cells, w, h := s.GetContents()
	out := make([]string, h)
	for y := 0; y < h; y++ {
		var b strings.Builder
		for x := 0; x < w; x++ {
			c := cells[y*w+x]
			if len(c.Runes) == 0 {
				continue // the second cell of a wide rune
			}
			b.WriteString(string(c.Runes))
		}
		out[y] = strings.TrimRight(b.String(), " ")
	}
	return out
}

func (s *screen) text() string { return strings.Join(s.lines(), "\n") }

// find is the position of the first occurrence of needle, in cells.
func (s *screen) find(t *testing.T, needle string) (x, y int) {
	t.Helper()
	for y, line := range s.lines() {
		if i := strings.Index(line, needle); i >= 0 {
			return len([]rune(line[:i])), y
		}
	}
	t.Fatalf("%q is not on the screen:\n%s", needle, s.text())
	return 0, 0
}

// findIn is find within the top-left w×h cells (the verdict block, say).
func (s *screen) findIn(t *testing.T, needle string, w, h int) (x, y int) {
	t.Helper()
	for y, line := range s.lines()[:h] {
		r := []rune(line)
		r = r[:min(len(r), w)]
		if i := strings.Index(string(r), needle); i >= 0 {
			return len([]rune(string(r)[:i])), y
		}
	}
	t.Fatalf("%q is not in the top-left %dx%d of the screen:\n%s", needle, w, h, s.text())
	return 0, 0
}

// style is the style of the cell at x, y.
func (s *screen) style(x, y int) tcell.Style {
	cells, w, _ := s.GetContents()
	return cells[y*w+x].Style
}

// row is the text of the row holding needle.
func (s *screen) row(t *testing.T, needle string) string {
	t.Helper()
	_, y := s.find(t, needle)
	return s.lines()[y]
}

// row is how a step's badge and ID read in the list's fixed columns:
// row("● GO", "8a") is "● GO       8a".
func row(badge, id string) string {
	return textfmt.Pad(badge, badgeW) + id
}
