package dashboard

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// fg is the foreground colour of the cell at x, y.
func fg(s *screen, x, y int) tcell.Color {
	c, _, _ := s.style(x, y).Decompose()
	return c
}

func bg(s *screen, x, y int) tcell.Color {
	_, c, _ := s.style(x, y).Decompose()
	return c
}

func attrs(s *screen, x, y int) tcell.AttrMask {
	_, _, a := s.style(x, y).Decompose()
	return a
}

// TestBoardSizes draws the seed case at the smallest supported size and a
// large one, and checks what an operator must see at a glance.
func TestBoardSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		wide bool
	}{
		{"80x24", 80, 24, false},
		{"100x30", 100, 30, false},
		{"200x60", 200, 60, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _, _ := testBoard(t, true)
			b.apply(fixture())
			s := draw(t, b, tc.w, tc.h)
			text := s.text()

			// The verdict block: its word, on the verdict colour.
			x, y := s.findIn(t, "✗ NO-GO", 16, headerRows)
			if got := bg(s, x, y); got != colNoGo {
				t.Errorf("verdict block background = %v, want %v", got, colNoGo)
			}
			for _, want := range []string{"plan docs/plans/migrate.md", "root /srv/app",
				"next ▶ 8a ✗ NO-GO Backup untracked files", "rollback ✗ NO-GO", "step 23 cannot run",
				"checked 21:04:05", "Xeon Gold 6130 @ 2.10GHz ×16", "Pre-deploy checklist", "Rollback",
				"q quit"} {
				if !strings.Contains(text, want) {
					t.Errorf("screen lacks %q:\n%s", want, text)
				}
			}
			// Every step ID is on the board.
			for _, id := range []string{"1", "8a", "9", "10", "23"} {
				found := false
				for _, line := range s.lines() {
					if strings.Contains(line, "║") && strings.Contains(line, " "+id+" ") {
						found = true
					}
				}
				if !found {
					t.Errorf("step %s is not on the board:\n%s", id, text)
				}
			}
			// Badges: symbol and word, in the status colour.
			for _, c := range []struct {
				badge string
				color tcell.Color
			}{{"✓ DONE", tcell.ColorTeal}, {"● GO", tcell.ColorGreen}, {"· MANUAL", tcell.ColorDefault}} {
				x, y := s.find(t, c.badge)
				if got := fg(s, x, y); got != c.color {
					t.Errorf("%s badge colour = %v, want %v", c.badge, got, c.color)
				}
			}
			// The next step is marked and selected; 23 is NO-GO in red.
			row := s.row(t, "▶ ✗ NO-GO")
			if !strings.Contains(row, "8a") {
				t.Errorf("next-step row = %q, want step 8a", row)
			}
			x, y = s.find(t, "✗ NO-GO 23")
			if got := fg(s, x, y); got != colNoGo {
				t.Errorf("step 23 badge colour = %v, want %v", got, colNoGo)
			}
			// Steps after the next one are secondary (dim); the done step
			// before it is not.
			x, y = s.find(t, "Stop the pipeline")
			if attrs(s, x, y)&tcell.AttrDim == 0 {
				t.Errorf("step 9 after the next step is not dimmed")
			}
			x, y = s.find(t, "Record the baseline")
			if attrs(s, x, y)&tcell.AttrDim != 0 {
				t.Errorf("step 1 before the next step is dimmed")
			}
			// Backgrounds are the terminal's own outside the status blocks.
			x, y = s.find(t, "Record the baseline")
			if got := bg(s, x, y); got != tcell.ColorDefault {
				t.Errorf("board background = %v, want the terminal's default", got)
			}
			// The detail pane shows the selected (next) step's probes.
			for _, want := range []string{"requires", "✗ fail", "git config_chromadb.py", "explicit",
				"config_chromadb.py is untracked: commit it or back it up"} {
				if !strings.Contains(text, want) {
					t.Errorf("detail lacks %q:\n%s", want, text)
				}
			}
			if tc.h >= tallMin && !strings.Contains(text, "$ cp config_chromadb.py") {
				t.Errorf("detail lacks the step's commands at %s:\n%s", tc.name, text)
			}
			if tc.h >= tallMin || tc.wide {
				if !strings.Contains(text, "Why not GO") || !strings.Contains(text, "finding error step 23 (line 141)") {
					t.Errorf("no findings panel at %s:\n%s", tc.name, text)
				}
			}
			if tc.wide {
				for _, want := range []string{"cpu 12%", "load 0.42", "mem 3.0G avail", "/srv 40G free"} {
					if !strings.Contains(text, want) {
						t.Errorf("host strip lacks %q", want)
					}
				}
				// Side by side: the board row and the detail share a line.
				if row := s.row(t, "Stop the pipeline"); !strings.Contains(row, "║") || !strings.Contains(row, "│") {
					t.Errorf("at %s the detail pane should sit beside the board: %q", tc.name, row)
				}
			}
			gonogotest.Golden(t, filepath.Join("testdata", "board-"+tc.name+".golden"), []byte(text+"\n"))
		})
	}
}

// TestResize redraws one board at a new size: the layout follows.
func TestResize(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	small := draw(t, b, 80, 24)
	if b.wide {
		t.Fatal("80 columns laid out wide")
	}
	_, ySmall := small.find(t, "requires")
	big := draw(t, b, 200, 60)
	if !b.wide {
		t.Fatal("200 columns laid out narrow")
	}
	if _, y := big.find(t, "requires"); y >= ySmall+10 || y > 12 {
		t.Errorf("wide detail pane starts at row %d, want beside the board near the top", y)
	}
	back := draw(t, b, 80, 24)
	if back.text() != small.text() {
		t.Errorf("after resizing back to 80x24 the screen differs:\n%s\n---\n%s", back.text(), small.text())
	}
}

// TestStatusChange: a step that changes is highlighted for a while and the
// change goes to the event log with its cause.
func TestStatusChange(t *testing.T) {
	b, rec, clock := testBoard(t, true)
	b.apply(fixture())
	*clock = t0.Add(6 * time.Second)
	b.apply(fixed8a())
	press(b, tcell.KeyRune, 'e')
	s := draw(t, b, 100, 30)

	x, y := s.find(t, "● GO 8a")
	if got := bg(s, x+6, y); got != tcell.ColorGreen {
		t.Errorf("changed row background = %v, want the highlight %v:\n%s", got, tcell.ColorGreen, s.text())
	}
	want := "21:04:10  8a  NO-GO → GO  git config_chromadb.py fail → ok: config_chromadb.py is committed"
	if !strings.Contains(s.text(), want) {
		t.Errorf("event log lacks %q:\n%s", want, s.text())
	}
	if len(rec.wakes) != 1 || rec.wakes[0] < flashFor {
		t.Errorf("wake-ups asked = %v, want one after the highlight ends", rec.wakes)
	}
	if got := b.since["8a"]; !got.Equal(t0.Add(5 * time.Second)) {
		t.Errorf("8a changed at %v, want the check time %v", got, t0.Add(5*time.Second))
	}
	gonogotest.Golden(t, filepath.Join("testdata", "status-change-100x30.golden"), []byte(s.text()+"\n"))

	// After the highlight, the row is plain again; the log stays.
	*clock = t0.Add(6*time.Second + flashFor + time.Second)
	s = draw(t, b, 100, 30)
	x, y = s.find(t, "● GO 8a")
	if got := bg(s, x+6, y); got == tcell.ColorGreen {
		t.Errorf("row still highlighted %v after the highlight time", flashFor)
	}
	if !strings.Contains(s.text(), want) {
		t.Errorf("event log lost %q", want)
	}
	// An unchanged snapshot logs nothing more.
	n := len(b.events)
	b.apply(fixed8a())
	if len(b.events) != n {
		t.Errorf("unchanged snapshot logged %v", b.events[n:])
	}
}

// TestProblemFilter: p keeps only steps that need attention.
func TestProblemFilter(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	press(b, tcell.KeyRune, 'p')
	s := draw(t, b, 80, 24)
	text := s.text()
	for _, want := range []string{"problems only", "8a", "Restore ChromaDB config"} {
		if !strings.Contains(text, want) {
			t.Errorf("filtered board lacks %q:\n%s", want, text)
		}
	}
	for _, gone := range []string{"Stop the pipeline", "Record the baseline", "Run the migration"} {
		if strings.Contains(text, gone) {
			t.Errorf("filtered board still shows %q:\n%s", gone, text)
		}
	}
	gonogotest.Golden(t, filepath.Join("testdata", "problems-80x24.golden"), []byte(text+"\n"))
	// All GO: the filter says so instead of showing an empty box.
	b.apply(allGo())
	s = draw(t, b, 80, 24)
	if !strings.Contains(s.text(), "no problem steps") {
		t.Errorf("empty filter is silent:\n%s", s.text())
	}
	press(b, tcell.KeyRune, 'p')
	s = draw(t, b, 80, 24)
	if !strings.Contains(s.text(), "Stop the pipeline") {
		t.Errorf("p again does not show all steps:\n%s", s.text())
	}
}

// TestPlanErrorBanner: a plan that no longer parses leaves the last good
// board up with the error above it.
func TestPlanErrorBanner(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	err := plans.ErrorList{{File: "docs/plans/migrate.md", Line: 44, Field: "state",
		Msg: `"comitted" is not a git state: want tracked, committed, untracked, ignored, staged, modified or clean`}}
	b.setPlanError(err)
	s := draw(t, b, 80, 24)
	text := s.text()
	if !strings.Contains(text, "PLAN ERROR") || !strings.Contains(text, "migrate.md:44: state") {
		t.Errorf("no banner with the error's place:\n%s", text)
	}
	x, y := s.find(t, "PLAN ERROR")
	if got := fg(s, x, y); got != colNoGo {
		t.Errorf("banner colour = %v, want %v", got, colNoGo)
	}
	for _, want := range []string{"8a", "Backup untracked files", "Stop the pipeline", "✗ NO-GO"} {
		if !strings.Contains(text, want) {
			t.Errorf("the last good board is gone (%q missing):\n%s", want, text)
		}
	}
	gonogotest.Golden(t, filepath.Join("testdata", "plan-error-80x24.golden"), []byte(text+"\n"))
	b.setPlanError(nil)
	if s := draw(t, b, 80, 24); strings.Contains(s.text(), "PLAN ERROR") {
		t.Errorf("banner stays after a good reload")
	}
	if got := b.events[len(b.events)-1].Why; !strings.Contains(got, "parses again") {
		t.Errorf("last event = %q, want the recovery logged", got)
	}
}

// TestNoColor: without colour not one cell has a colour, and every status
// is still told by its word.
func TestNoColor(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		b, _, clock := testBoard(t, false)
		b.apply(fixture())
		*clock = t0.Add(6 * time.Second)
		b.apply(fixed8a())
		press(b, tcell.KeyRune, 'e')
		b.setPlanError(errors.New("plan.md:3: bad"))
		s := draw(t, b, size[0], size[1])
		cells, _, _ := s.GetContents()
		for i, c := range cells {
			f, bgc, _ := c.Style.Decompose()
			if f != tcell.ColorDefault || bgc != tcell.ColorDefault {
				t.Fatalf("%dx%d: cell %d,%d %q has colour fg=%v bg=%v", size[0], size[1],
					i%size[0], i/size[0], string(c.Runes), f, bgc)
			}
		}
		for _, want := range []string{"✗ NO-GO", "● GO", "✓ DONE", "· MANUAL", "PLAN ERROR", "NO-GO → GO"} {
			if !strings.Contains(s.text(), want) {
				t.Errorf("%dx%d: monochrome board lacks %q:\n%s", size[0], size[1], want, s.text())
			}
		}
		// The verdict stays unmistakable: reverse video.
		x, y := s.findIn(t, "✗ NO-GO", 16, headerRows)
		if attrs(s, x, y)&tcell.AttrReverse == 0 {
			t.Errorf("monochrome verdict is not in reverse video")
		}
	}
}

// TestKeys drives the board with keys as the application delivers them.
func TestKeys(t *testing.T) {
	b, rec, _ := testBoard(t, true)
	b.apply(fixture())
	sel := func() string {
		if s := b.list.selected(); s != nil {
			return s.ID
		}
		return ""
	}
	steps := []struct {
		key  tcell.Key
		r    rune
		want string
	}{
		{tcell.KeyRune, 0, "8a"}, // the next step starts selected
		{tcell.KeyRune, 'j', "9"},
		{tcell.KeyDown, 0, "10"}, // skips the phase heading
		{tcell.KeyRune, 'k', "9"},
		{tcell.KeyRune, 'G', "23"},
		{tcell.KeyRune, 'g', "1"},
		{tcell.KeyUp, 0, "1"},
		{tcell.KeyPgDn, 0, "23"},
		{tcell.KeyPgUp, 0, "1"},
	}
	draw(t, b, 80, 24)
	for i, st := range steps {
		if st.r != 0 || st.key != tcell.KeyRune {
			press(b, st.key, st.r)
		}
		if got := sel(); got != st.want {
			t.Fatalf("key %d (%v %q): selected %q, want %q", i, st.key, st.r, got, st.want)
		}
	}
	// Find by ID, then by words in a title.
	press(b, tcell.KeyRune, '/')
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "find step") {
		t.Fatalf("no find prompt:\n%s", s.text())
	}
	typeText(b, "23")
	press(b, tcell.KeyEnter, 0)
	if sel() != "23" {
		t.Fatalf("find 23 selected %q", sel())
	}
	if s := draw(t, b, 200, 60); !strings.Contains(s.text(), "git checkout HEAD -- config_chromadb.py") {
		t.Errorf("detail does not follow the selection:\n%s", s.text())
	}
	press(b, tcell.KeyRune, '/')
	typeText(b, "PIPELINE")
	press(b, tcell.KeyEnter, 0)
	if sel() != "9" {
		t.Errorf("find PIPELINE selected %q, want 9", sel())
	}
	press(b, tcell.KeyRune, '/')
	typeText(b, "nothing like this")
	press(b, tcell.KeyEnter, 0)
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), `no step matches "nothing like this"`) || sel() != "9" {
		t.Errorf("a failed find should say so and keep the selection (%q):\n%s", sel(), s.text())
	}
	// Tab and Enter move between board and detail; j then scrolls the detail.
	press(b, tcell.KeyTab, 0)
	if !b.detail.HasFocus() {
		t.Fatal("Tab did not focus the detail pane")
	}
	press(b, tcell.KeyRune, 'j')
	if sel() != "9" {
		t.Errorf("j in the detail pane moved the board selection to %q", sel())
	}
	press(b, tcell.KeyEnter, 0)
	if !b.list.HasFocus() {
		t.Fatal("Enter in the detail pane did not go back to the board")
	}
	press(b, tcell.KeyEnter, 0)
	if !b.detail.HasFocus() {
		t.Fatal("Enter on the board did not focus the detail pane")
	}
	press(b, tcell.KeyTab, 0)
	// Actions go to the refresh machinery; r's note lasts until the result.
	press(b, tcell.KeyRune, 'r')
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "re-checking every probe") {
		t.Errorf("r says nothing:\n%s", s.text())
	}
	b.apply(fixture())
	if s := draw(t, b, 80, 24); strings.Contains(s.text(), "re-checking every probe") {
		t.Errorf("r's note stays after the result came:\n%s", s.text())
	}
	press(b, tcell.KeyRune, 'a')
	press(b, tcell.KeyCtrlL, 0)
	press(b, tcell.KeyRune, 'q')
	press(b, tcell.KeyCtrlC, 0)
	if rec.refreshes != 1 || len(rec.at) != 1 || rec.at[0] != "9" || rec.redraws != 1 || rec.quits != 2 {
		t.Errorf("actions = %+v, want 1 refresh, at [9], 1 redraw, 2 quits", rec)
	}
	// a on the step one is already at clears it.
	s := fixture()
	s.At = "9"
	b.apply(s)
	press(b, tcell.KeyRune, 'a')
	if len(rec.at) != 2 || rec.at[1] != "" {
		t.Errorf("a on the current at-step sent %q, want a clear", rec.at)
	}
	// ? shows help; any key closes it without acting.
	press(b, tcell.KeyRune, '?')
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "re-check every probe now") {
		t.Errorf("no help:\n%s", s.text())
	}
	press(b, tcell.KeyRune, 'q')
	if rec.quits != 2 {
		t.Errorf("the key closing help also quit")
	}
	if s := draw(t, b, 80, 24); strings.Contains(s.text(), "re-check every probe now") {
		t.Errorf("help still shown")
	}
}

// TestSelectionSurvivesReload: a new snapshot (after a plan edit) keeps
// the selected step, and a vanished step moves the selection nearby.
func TestSelectionSurvivesReload(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	draw(t, b, 80, 24)
	press(b, tcell.KeyRune, 'G')
	s := fixture()
	s.Steps = append([]model.StepView{{ID: "0", Title: "New first step", Phase: "Pre-deploy checklist", Status: model.StepManual}}, s.Steps...)
	b.apply(s)
	if got := b.list.selected().ID; got != "23" {
		t.Errorf("after a reload the selection is %q, want 23", got)
	}
	s = fixture()
	s.Steps = s.Steps[:4]
	b.apply(s)
	if got := b.list.selected(); got == nil || got.ID != "10" {
		t.Errorf("after step 23 vanished the selection is %v, want the step before it", got)
	}
}

// TestPartial: probes that have not answered show as checking.
func TestPartial(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	s := fixture()
	s.Steps[1].Probes[0].Status = probes.Pending
	s.Steps[1].Probes[0].Message = ""
	n := len(b.events)
	b.applyPartial(s)
	scr := draw(t, b, 80, 24)
	row := scr.row(t, "Backup untracked")
	if !strings.Contains(row, "◌ CHECKING") {
		t.Errorf("row of a step being checked = %q, want ◌ CHECKING", row)
	}
	if !strings.Contains(scr.text(), "◌ checking") {
		t.Errorf("detail does not show the probe as checking:\n%s", scr.text())
	}
	if len(b.events) != n {
		t.Errorf("a partial snapshot was logged: %v", b.events[n:])
	}
}

// TestBeforeFirstCheck: the board draws before any snapshot.
func TestBeforeFirstCheck(t *testing.T) {
	b, _, _ := testBoard(t, true)
	s := draw(t, b, 80, 24)
	for _, want := range []string{"◌ CHECKING", "docs/plans/migrate.md", "checking"} {
		if !strings.Contains(s.text(), want) {
			t.Errorf("first screen lacks %q:\n%s", want, s.text())
		}
	}
}

// TestTinyScreen: nothing panics on screens smaller than supported.
func TestTinyScreen(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	for _, sz := range [][2]int{{1, 1}, {10, 3}, {40, 10}, {80, 5}} {
		draw(t, b, sz[0], sz[1])
	}
}

func TestFormat(t *testing.T) {
	for _, tc := range []struct {
		d    time.Duration
		want string
	}{{-time.Second, "0s"}, {0, "0s"}, {59 * time.Second, "59s"}, {time.Minute, "1m"},
		{59 * time.Minute, "59m"}, {3 * time.Hour, "3h"}, {47 * time.Hour, "47h"}, {72 * time.Hour, "3d"}} {
		if got := textfmt.AgeShort(tc.d); got != tc.want {
			t.Errorf("textfmt.AgeShort(%v) = %q, want %q", tc.d, got, tc.want)
		}
	}
	for _, tc := range []struct {
		n    uint64
		want string
	}{{0, "0B"}, {1023, "1023B"}, {1024, "1.0K"}, {3 << 30, "3.0G"}, {1536 << 20, "1.5G"}, {5 << 40, "5.0T"}} {
		if got := textfmt.BytesShort(tc.n); got != tc.want {
			t.Errorf("textfmt.BytesShort(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
	if got := shortCPU("Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz"); got != "Intel Xeon Gold 6130 @ 2.10GHz" {
		t.Errorf("shortCPU = %q", got)
	}
}

func TestDiffSnapshots(t *testing.T) {
	at := t0.Add(5 * time.Second)
	for _, tc := range []struct {
		name     string
		old, cur *model.Snapshot
		want     []string
	}{
		{"no change", fixture(), fixture(), nil},
		{"step fixed", fixture(), fixed8a(), []string{
			"21:04:10  8a  NO-GO → GO  git config_chromadb.py fail → ok: config_chromadb.py is committed"}},
		{"all go", fixture(), allGo(), []string{
			"21:04:10  verdict  NO-GO → GO",
			"21:04:10  rollback  NO-GO → GO",
			"21:04:10  8a  NO-GO → GO  git config_chromadb.py fail → ok: config_chromadb.py is committed",
			"21:04:10  23  NO-GO → GO  any fail → ok: none of 2 holds"}},
		{"worse, no probe changed", allGo(), func() *model.Snapshot {
			s := allGo()
			s.Steps[2].Status = model.StepUnknown
			return s
		}(), []string{"21:04:10  9  GO → UNKNOWN"}},
		{"a new step changes the plan, not a status", fixture(), func() *model.Snapshot {
			s := fixture()
			s.Steps = append(s.Steps, model.StepView{ID: "24", Status: model.StepNoGo})
			return s
		}(), []string{"21:04:10  plan  5 steps → 6 steps  the plan's steps changed"}},
		{"first snapshot", nil, fixture(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, e := range diffSnapshots(tc.old, tc.cur, at) {
				got = append(got, e.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestMouse: with --mouse a click selects the step under it.
func TestMouse(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	s := draw(t, b, 80, 24)
	x, y := s.find(t, "Restore ChromaDB config")
	ev := tcell.NewEventMouse(x, y, tcell.Button1, tcell.ModNone)
	if consumed, _ := b.view.MouseHandler()(tview.MouseLeftClick, ev, testFocus[b].set); !consumed {
		t.Fatal("click on a step row not consumed")
	}
	if got := b.list.selected().ID; got != "23" {
		t.Errorf("click selected %q, want 23", got)
	}
}

// BenchmarkApplyDraw measures what one refresh costs the UI goroutine: a
// snapshot of a 60-step plan applied and the board drawn at 200x60.
func BenchmarkApplyDraw(b *testing.B) {
	snap := fixture()
	base := snap.Steps
	snap.Steps = nil
	for i := 0; i < 12; i++ {
		for _, s := range base {
			s.ID = s.ID + "-" + string(rune('a'+i))
			snap.Steps = append(snap.Steps, s)
		}
	}
	bd := newBoard("plan.md", true, &recorder{})
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		b.Fatal(err)
	}
	scr.SetSize(200, 60)
	bd.view.SetRect(0, 0, 200, 60)
	b.ReportAllocs()
	for b.Loop() {
		bd.apply(snap)
		bd.view.Draw(scr)
		scr.Show()
	}
}

func TestWrap(t *testing.T) {
	for _, tc := range []struct {
		text   string
		width  int
		indent string
		want   []string
	}{
		{"short", 40, "  ", []string{"  short"}},
		{"", 40, "  ", []string{"  "}},
		{"a b c", 0, "> ", []string{"> a b c"}},
		{"config_chromadb.py is untracked: commit it or back it up", 30, "    ",
			[]string{"    config_chromadb.py is", "    untracked: commit it or", "    back it up"}},
		{"/a/very/long/path/that/does/not/fit/on/one/line ok", 28, "  ",
			[]string{"  /a/very/long/path/that/doe", "  s/not/fit/on/one/line ok"}},
	} {
		got := wrap(tc.text, tc.width, tc.indent)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tc.text, tc.width, got, tc.want)
		}
		for _, l := range got {
			if tc.width > 0 && len(l) > tc.width {
				t.Errorf("line %q longer than %d", l, tc.width)
			}
		}
	}
}

// TestOddSnapshots: whatever a snapshot holds, the board draws it without
// panicking, and text from the plan is shown literally (no tview tags).
func TestOddSnapshots(t *testing.T) {
	odd := fixture()
	odd.Steps[0].Title = "[red]not a colour[-] and [::b]not bold"
	odd.Steps[1].Title = strings.Repeat("日本語のタイトル ", 20)
	odd.Steps[2].Status = "WEIRD"
	odd.Steps[2].Probes[0].Status = "odd"
	odd.Steps[3].ID = ""
	odd.Steps[4].Probes[0].Children[0].Children = []model.ProbeView{{Kind: "any", Children: []model.ProbeView{{}}}}
	odd.Findings = append(odd.Findings, model.Finding{Severity: "", Step: "", Message: "[yellow]x"})
	odd.Host = &model.HostFacts{}
	for name, s := range map[string]*model.Snapshot{
		"empty":      {},
		"no steps":   {Verdict: model.GateGo, Rollback: model.GateNone},
		"odd fields": odd,
		"next gone":  {Verdict: model.GateNoGo, NextStep: "99", Steps: []model.StepView{{ID: "1", Status: model.StepNoGo}}},
	} {
		t.Run(name, func(t *testing.T) {
			b, _, _ := testBoard(t, true)
			b.apply(s)
			b.setPlanError(errors.New(strings.Repeat("bad ", 100)))
			for _, k := range []rune{'p', 'j', 'G', 'e', 'a', 'p', 'g', 'k'} {
				press(b, tcell.KeyRune, k)
			}
			press(b, tcell.KeyTab, 0)
			for _, sz := range [][2]int{{80, 24}, {200, 60}, {12, 4}, {0, 0}} {
				scr := draw(t, b, sz[0], sz[1])
				if name == "odd fields" && sz[0] == 200 && !strings.Contains(scr.text(), "[red]not a colour[-]") {
					t.Errorf("tags in a title were interpreted:\n%s", scr.text())
				}
			}
		})
	}
}
