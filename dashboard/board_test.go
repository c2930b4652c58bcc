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

// idColumn is the text in the ID column of a step row: the list's inner
// rows start after its border, then the marker and the badge.
func idColumn(line string) string {
	r := []rune(line)
	if len(r) < 1+markW+badgeW+idMax || (r[0] != '║' && r[0] != '│') {
		return ""
	}
	return strings.TrimSpace(string(r[1+markW+badgeW : 1+markW+badgeW+idMax]))
}

// badgeOf finds the row of step id in the list and returns where its badge
// starts and what it says.
func badgeOf(t *testing.T, s *screen, id string) (x, y int, badge string) {
	t.Helper()
	for y, l := range s.lines() {
		if idColumn(l) == id {
			r := []rune(l)
			return 1 + markW, y, strings.TrimSpace(string(r[1+markW : 1+markW+badgeW]))
		}
	}
	t.Fatalf("step %s is not on the board:\n%s", id, s.text())
	return 0, 0, ""
}

// TestBoardSizes draws the seed case at the smallest supported size, a
// common one and a large one, and checks what an operator must see at a
// glance: the verdict, what to do, three reasons, every step in columns.
func TestBoardSizes(t *testing.T) {
	for _, tc := range []struct {
		name string
		w, h int
		wide bool
	}{
		{"80x24", 80, 24, false},
		{"120x40", 120, 40, true},
		{"200x60", 200, 60, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, _, _ := testBoard(t, true)
			b.apply(fixture())
			s := draw(t, b, tc.w, tc.h)
			text := s.text()

			// The verdict block: its word, bright white on red.
			x, y := s.findIn(t, "✗ NO-GO", b.verdictWidth(), headerRows)
			if got := bg(s, x, y); got != colNoGo {
				t.Errorf("verdict block background = %v, want %v", got, colNoGo)
			}
			if got := fg(s, x, y); got != tcell.ColorWhite {
				t.Errorf("verdict word colour = %v, want white on red", got)
			}
			for _, want := range []string{"next ▶ 8a ✗ NO-GO Backup untracked files", "rollback ✗ NO-GO step 23 cannot run",
				"plan docs/plans/migrate.md", "checked 21:04:05", "root /srv/app", "Pre-deploy checklist", "Rollback",
				"▸ Don't start step 8a: it needs git config_chromadb.py", "? help", "q quit"} {
				if !strings.Contains(text, want) {
					t.Errorf("screen lacks %q:\n%s", want, text)
				}
			}
			// Nothing in the header is cut mid-word: a part fits whole or
			// is left out.
			for _, l := range s.lines()[:headerRows] {
				if strings.HasSuffix(l, "…") || strings.Contains(l, " ·") && strings.HasSuffix(l, " ·") {
					t.Errorf("header line cut: %q", l)
				}
			}
			// At least three reasons, each on its own line.
			for _, want := range []string{"✗ step 8a (Backup untracked", "✗ rollback step 23 (Restore ChromaDB config) cannot run",
				"◔ step 24 needs /var/backups/app.dump: step 9 makes it"} {
				if !strings.Contains(text, want) {
					t.Errorf("the why pane lacks %q:\n%s", want, text)
				}
			}
			// Every step in the ID column.
			ids := map[string]bool{}
			for _, l := range s.lines() {
				ids[idColumn(l)] = true
			}
			for _, id := range []string{"1", "8a", "9", "pre-dep…-4", "10", "23", "24"} {
				if !ids[id] {
					t.Errorf("step %s is not in the ID column:\n%s", id, text)
				}
			}
			// Badges: symbol and word, in the status colour.
			for _, c := range []struct {
				badge string
				color tcell.Color
			}{{"✓ DONE", tcell.ColorTeal}, {"● GO", tcell.ColorGreen}, {"· MANUAL", tcell.ColorDefault}, {"◔ PENDING", tcell.ColorOlive}} {
				x, y := s.find(t, c.badge)
				if got := fg(s, x, y); got != c.color {
					t.Errorf("%s badge colour = %v, want %v", c.badge, got, c.color)
				}
			}
			// The next step is marked and selected; 23 is NO-GO in red.
			if row := s.row(t, "▶ ✗ NO-GO"); idColumn(row) != "8a" {
				t.Errorf("next-step row = %q, want step 8a", row)
			}
			x, y = s.find(t, "Restore ChromaDB config")
			if got := fg(s, x-2-idMax-badgeW+1+2, y); got != colNoGo {
				t.Errorf("step 23 badge colour = %v, want %v", got, colNoGo)
			}
			// Steps after the next one are secondary (dim) unless they
			// need attention; the done step before it is not dim.
			for title, dim := range map[string]bool{"Stop the pipeline": true, "Page the DBA": true,
				"Record the baseline": false, "Restore ChromaDB config": false, "Restore the database": false} {
				x, y := s.find(t, title)
				if got := attrs(s, x, y)&tcell.AttrDim != 0; got != dim {
					t.Errorf("%q dimmed = %v, want %v", title, got, dim)
				}
			}
			// Backgrounds are the terminal's own outside the status blocks.
			x, y = s.find(t, "Record the baseline")
			if got := bg(s, x, y); got != tcell.ColorDefault {
				t.Errorf("board background = %v, want the terminal's default", got)
			}
			if tc.wide || tc.h >= tallMin {
				// The detail pane shows the selected (next) step's probes,
				// failing first.
				for _, want := range []string{"✗ fail     requires git config_chromadb.py",
					"config_chromadb.py is untracked: commit it or back it up", "$ cp config_chromadb.py"} {
					if !strings.Contains(text, want) {
						t.Errorf("detail lacks %q:\n%s", want, text)
					}
				}
			}
			if tc.wide {
				for _, want := range []string{"Xeon Gold 6130 @ 2.10GHz ×16", "mem 3.0G avail"} {
					if !strings.Contains(text, want) {
						t.Errorf("host strip lacks %q", want)
					}
				}
				// Side by side: the board row and the detail share a line.
				if row := s.row(t, "Stop the pipeline"); !strings.Contains(row, "║") || !strings.Contains(row, "│") {
					t.Errorf("at %s the detail pane should sit beside the board: %q", tc.name, row)
				}
				// The step list takes the rows its steps need; the why
				// pane the rest, all four entries.
				_, last := s.find(t, "Restore the database")
				_, why := s.find(t, "Why not GO")
				if why != last+2 {
					t.Errorf("the why pane starts %d rows below the last step, want right below the list", why-last)
				}
				if !strings.Contains(text, "finding error step 23 (line 141)") {
					t.Errorf("the why pane lacks the finding:\n%s", text)
				}
			}
			gonogotest.Golden(t, filepath.Join("testdata", "board-"+tc.name+".golden"), []byte(text+"\n"))
		})
	}
}

// TestDetailFoldsPassingPrograms: in the detail pane a failing or pending
// probe comes first and passing program checks fold into one line.
func TestDetailFoldsPassingPrograms(t *testing.T) {
	b, _, _ := testBoard(t, false)
	b.apply(fixture())
	b.selKey = "24"
	s := draw(t, b, 200, 60)
	text := s.text()
	want := "+5 programs installed: pg_restore, psql, sudo, systemctl, gzip"
	if !strings.Contains(text, want) {
		t.Fatalf("detail lacks %q:\n%s", want, text)
	}
	_, yPending := s.find(t, "◔ pending")
	_, yFold := s.find(t, want)
	if yPending > yFold {
		t.Errorf("the pending probe comes after the folded programs")
	}
	if strings.Contains(text, "program psql") {
		t.Errorf("a passing program check is not folded:\n%s", text)
	}
	if !strings.Contains(text, "(made by step 9, not reached yet)") {
		t.Errorf("the pending probe does not say which step makes it:\n%s", text)
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
	big := draw(t, b, 200, 60)
	if !b.wide {
		t.Fatal("200 columns laid out narrow")
	}
	if _, y := big.find(t, "✗ fail     requires"); y > 12 {
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

	x, y, badge := badgeOf(t, s, "8a")
	if badge != "● GO" {
		t.Errorf("8a reads %q, want ● GO", badge)
	}
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
	x, y, _ = badgeOf(t, s, "8a")
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

// TestPlanErrorRedacted: a plan error quotes the plan, and the plan may
// hold a secret: the banner and the event log show it masked, like every
// other text.
func TestPlanErrorRedacted(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	b.setPlanError(errors.New(`plan.md:7: http: expected a URL, got "ftp://h/ pass=hunter2hunter2 ghp_0123456789abcdefghijABCDEFGHIJ012345"`))
	press(b, tcell.KeyRune, 'e')
	text := draw(t, b, 200, 60).text()
	if !strings.Contains(text, "PLAN ERROR") || !strings.Contains(text, "pass=***") {
		t.Errorf("no banner with the masked error:\n%s", text)
	}
	for _, secret := range []string{"hunter2hunter2", "0123456789abcdefghij"} {
		if strings.Contains(text, secret) {
			t.Errorf("%q is on the board:\n%s", secret, text)
		}
		for _, e := range b.events {
			if strings.Contains(e.Why, secret) {
				t.Errorf("%q is in the event log: %q", secret, e.Why)
			}
		}
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
		wants := []string{"✗ NO-GO", "● GO", "✓ DONE", "PLAN ERROR", "NO-GO → GO", "◔ step 24"}
		if size[0] > 100 {
			wants = append(wants, "· MANUAL", "◔ PENDING")
		}
		for _, want := range wants {
			if !strings.Contains(s.text(), want) {
				t.Errorf("%dx%d: monochrome board lacks %q:\n%s", size[0], size[1], want, s.text())
			}
		}
		// The verdict stays unmistakable: reverse video.
		x, y := s.findIn(t, "✗ NO-GO", b.verdictWidth(), headerRows)
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
		{tcell.KeyDown, 0, "pre-deploy-checklist-4"},
		{tcell.KeyDown, 0, "10"}, // skips the phase heading
		{tcell.KeyRune, 'k', "pre-deploy-checklist-4"},
		{tcell.KeyRune, 'G', "24"},
		{tcell.KeyRune, 'g', "1"},
		{tcell.KeyUp, 0, "1"},
		{tcell.KeyPgDn, 0, "24"},
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
	// Find as you type: the selection follows every keystroke.
	press(b, tcell.KeyRune, '/')
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "find (ID or words") {
		t.Fatalf("no find prompt:\n%s", s.text())
	}
	typeText(b, "2")
	if sel() != "23" { // no ID is "2"; 23 is the first after step 1 to begin with it
		t.Fatalf("typing 2 selected %q, want 23", sel())
	}
	typeText(b, "4")
	if sel() != "24" {
		t.Fatalf("typing 24 selected %q", sel())
	}
	press(b, tcell.KeyBackspace2, 0)
	typeText(b, "3")
	if sel() != "23" {
		t.Fatalf("typing 23 selected %q", sel())
	}
	press(b, tcell.KeyEnter, 0)
	if sel() != "23" {
		t.Fatalf("Enter after 23 selected %q", sel())
	}
	if s := draw(t, b, 200, 60); !strings.Contains(s.text(), "git checkout HEAD -- config_chromadb.py") {
		t.Errorf("detail does not follow the selection:\n%s", s.text())
	}
	// Esc goes back to where the search started.
	press(b, tcell.KeyRune, '/')
	typeText(b, "baseline")
	if sel() != "1" {
		t.Fatalf("typing baseline selected %q, want 1", sel())
	}
	press(b, tcell.KeyEscape, 0)
	if sel() != "23" {
		t.Fatalf("Esc left the selection at %q, want 23 where the search started", sel())
	}
	// Words of a title, any case; n and N walk through the matches.
	press(b, tcell.KeyRune, '/')
	typeText(b, "RESTORE")
	press(b, tcell.KeyEnter, 0)
	if sel() != "23" {
		t.Errorf("find RESTORE selected %q, want 23 (where the search started matches)", sel())
	}
	press(b, tcell.KeyRune, 'n')
	if sel() != "24" {
		t.Errorf("n selected %q, want 24", sel())
	}
	press(b, tcell.KeyRune, 'n')
	if sel() != "23" {
		t.Errorf("n wraps to %q, want 23", sel())
	}
	press(b, tcell.KeyRune, 'N')
	if sel() != "24" {
		t.Errorf("N selected %q, want 24", sel())
	}
	press(b, tcell.KeyRune, '/')
	typeText(b, "PIPELINE")
	press(b, tcell.KeyEnter, 0)
	if sel() != "9" {
		t.Errorf("find PIPELINE selected %q, want 9", sel())
	}
	press(b, tcell.KeyRune, '/')
	typeText(b, "nothing like this")
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), `no step matches "nothing like this"`) {
		t.Errorf("a search that matches nothing does not say so as you type:\n%s", s.text())
	}
	press(b, tcell.KeyEnter, 0)
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), `no step matches "nothing like this"`) || sel() != "9" {
		t.Errorf("a failed find should say so and keep the selection (%q):\n%s", sel(), s.text())
	}
	// Tab moves steps → detail → why → steps; Enter goes to the detail
	// and back; j in the detail scrolls it, not the steps.
	press(b, tcell.KeyTab, 0)
	if !b.detail.HasFocus() {
		t.Fatal("Tab did not focus the detail pane")
	}
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "9 — detail") {
		t.Errorf("at 80x24 the detail pane does not show while it has the keys:\n%s", s.text())
	}
	press(b, tcell.KeyRune, 'j')
	if sel() != "9" {
		t.Errorf("j in the detail pane moved the board selection to %q", sel())
	}
	press(b, tcell.KeyTab, 0)
	if !b.why.HasFocus() {
		t.Fatal("Tab from the detail did not focus the why pane")
	}
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "commit it or back it up") || !strings.Contains(s.text(), "fix: add a backup step before step 9, or commit the file") {
		t.Errorf("the focused why pane does not show whole reasons:\n%s", s.text())
	}
	press(b, tcell.KeyTab, 0)
	if !b.list.HasFocus() {
		t.Fatal("Tab from the why pane did not go back to the steps")
	}
	press(b, tcell.KeyEnter, 0)
	if !b.detail.HasFocus() {
		t.Fatal("Enter on the board did not focus the detail pane")
	}
	press(b, tcell.KeyEnter, 0)
	if !b.list.HasFocus() {
		t.Fatal("Enter in the detail pane did not go back to the board")
	}
	// Actions go to the refresh machinery; r's note lasts until the result.
	press(b, tcell.KeyRune, 'r')
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "re-reading the plan, re-checking every probe") {
		t.Errorf("r says nothing:\n%s", s.text())
	}
	b.apply(fixture())
	if s := draw(t, b, 80, 24); strings.Contains(s.text(), "re-reading the plan, re-checking every probe") {
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
	if s := draw(t, b, 80, 24); !strings.Contains(s.text(), "re-read plan, re-check") || !strings.Contains(s.text(), "◔ PENDING  an earlier step") {
		t.Errorf("no help with a legend:\n%s", s.text())
	}
	press(b, tcell.KeyRune, 'q')
	if rec.quits != 2 {
		t.Errorf("the key closing help also quit")
	}
	if s := draw(t, b, 80, 24); strings.Contains(s.text(), "re-read plan, re-check") {
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
	if got := b.list.selected().ID; got != "24" {
		t.Errorf("after a reload the selection is %q, want 24", got)
	}
	s = fixture()
	s.Steps = s.Steps[:6]
	b.apply(s)
	if got := b.list.selected(); got == nil || got.ID != "23" {
		t.Errorf("after step 24 vanished the selection is %v, want the step before it", got)
	}
}

// TestPartial: probes that have not answered show as checking.
func TestPartial(t *testing.T) {
	b, _, _ := testBoard(t, true)
	b.apply(fixture())
	s := fixture()
	s.Steps[1].Status = model.StepUnknown // as Evaluate makes it while a probe never answered
	s.Steps[1].Probes[0].Status = probes.Pending
	s.Steps[1].Probes[0].Message = ""
	n := len(b.events)
	b.applyPartial(s)
	scr := draw(t, b, 120, 40)
	if _, _, badge := badgeOf(t, scr, "8a"); badge != "◌ CHECKING" {
		t.Errorf("step being checked reads %q, want ◌ CHECKING", badge)
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
			"21:04:10  23  NO-GO → GO  any fail → ok: none of 2 holds",
			"21:04:10  24  PENDING → GO  source of pg_restore exists fail → ok: /var/backups/app.dump does not exist: make it (the step that creates it has not run?), or fix the path"}},
		{"worse, no probe changed", allGo(), func() *model.Snapshot {
			s := allGo()
			s.Steps[2].Status = model.StepUnknown
			return s
		}(), []string{"21:04:10  9  GO → UNKNOWN"}},
		{"a new step changes the plan, not a status", fixture(), func() *model.Snapshot {
			s := fixture()
			s.Steps = append(s.Steps, model.StepView{ID: "25", Status: model.StepNoGo})
			return s
		}(), []string{"21:04:10  plan  7 steps → 8 steps  the plan's steps changed"}},
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
	odd.Steps[5].Probes[0].Children[0].Children = []model.ProbeView{{Kind: "any", Children: []model.ProbeView{{}}}}
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

// TestSignOffKey: x on a MANUAL step asks for a sign-off, x on a signed-off
// step withdraws it; a step with done-probes or a rollback step refuses,
// and without --record the board says where a sign-off would be kept.
func TestSignOffKey(t *testing.T) {
	b, rec, _ := testBoard(t, false)
	b.apply(fixture())
	draw(t, b, 120, 40)
	selectStep := func(id string) {
		t.Helper()
		press(b, tcell.KeyRune, '/')
		typeText(b, id)
		press(b, tcell.KeyEnter, 0)
		if s := b.list.selected(); s == nil || s.Ref() != id {
			t.Fatalf("could not select step %s", id)
		}
	}
	selectStep("10")
	press(b, tcell.KeyRune, 'x')
	if s := draw(t, b, 120, 40); !strings.Contains(s.text(), "signing step 10 off…") {
		t.Errorf("x says nothing:\n%s", s.text())
	}
	signed := fixture()
	signed.Steps[4].Status = model.StepDone
	signed.Steps[4].SignedOff = &model.SignOff{Step: "10", By: "ann", At: t0}
	b.apply(signed)
	s := draw(t, b, 200, 60)
	if _, _, badge := badgeOf(t, s, "10"); badge != "✓ DONE" || !strings.Contains(s.text(), "Run the migration (signed off by ann)") {
		t.Errorf("a signed-off step reads %q:\n%s", badge, s.text())
	}
	if !strings.Contains(s.text(), "signed off by ann at 21:04 (x withdraws)") {
		t.Errorf("the detail does not say who signed off:\n%s", s.text())
	}
	press(b, tcell.KeyRune, 'x')
	selectStep("8a") // has done-probes
	press(b, tcell.KeyRune, 'x')
	if s := draw(t, b, 120, 40); !strings.Contains(s.text(), "step 8a cannot be signed off: it has done-probes") {
		t.Errorf("x on a step with done-probes:\n%s", s.text())
	}
	selectStep("23")
	press(b, tcell.KeyRune, 'x')
	if s := draw(t, b, 120, 40); !strings.Contains(s.text(), "step 23 cannot be signed off: it is a rollback step") {
		t.Errorf("x on a rollback step:\n%s", s.text())
	}
	if strings.Join(rec.signOffs, " ") != "10 -10" {
		t.Errorf("sign-offs asked = %q, want 10 then its withdrawal", rec.signOffs)
	}

	b.canSignOff = false
	selectStep("10")
	press(b, tcell.KeyRune, 'x')
	if s := draw(t, b, 200, 60); !strings.Contains(s.text(), "sign-off needs --record FILE, where it is kept: gonogo --record FILE docs/plans/migrate.md") {
		t.Errorf("x without --record:\n%s", s.text())
	}
	if len(rec.signOffs) != 2 {
		t.Errorf("a sign-off was asked without --record: %q", rec.signOffs)
	}
}

// TestStatusBarTiming: the status bar says how often the board checks and
// when next, or that a check runs and how many probes it waits for.
func TestStatusBarTiming(t *testing.T) {
	b, _, clock := testBoard(t, false)
	b.interval = 5 * time.Second
	b.apply(fixture())
	b.setChecking(false, clock.Add(3*time.Second))
	if s := draw(t, b, 80, 24); !strings.HasSuffix(s.lines()[23], "next check in 3s · every 5s") {
		t.Errorf("status bar = %q", s.lines()[23])
	}
	partial := fixture()
	partial.Steps[1].Probes[0].Refreshing = true
	partial.Steps[5].Probes[0].Refreshing = true
	b.setChecking(true, time.Time{})
	b.applyPartial(partial)
	s := draw(t, b, 80, 24)
	if !strings.HasSuffix(s.lines()[23], "checking 2 probes… · every 5s") {
		t.Errorf("status bar while checking = %q", s.lines()[23])
	}
	// The last answers stay while they are re-checked: no CHECKING, the
	// verdict as before, the row marked.
	if _, y, badge := badgeOf(t, s, "8a"); badge != "✗ NO-GO" || !strings.HasSuffix(s.lines()[y], refreshMark+"║") {
		t.Errorf("a step being re-checked reads %q: %q", badge, s.lines()[y])
	}
	if _, _ = s.findIn(t, "✗ NO-GO", b.verdictWidth(), headerRows); strings.Contains(s.text(), "CHECKING") {
		t.Errorf("a re-check shows CHECKING:\n%s", s.text())
	}
	if s := draw(t, b, 200, 60); !strings.Contains(s.text(), "✗ fail ⟳   requires git config_chromadb.py") {
		t.Errorf("the detail does not mark the probe being re-checked:\n%s", s.text())
	}
}

// TestBoardDrawsNoControlCharacters: control sequences from the world —
// in a title, a probe message, a command, a reason — reach no cell of the
// board (a cell's text goes to the terminal as it is). A guard: the board
// drops them already (tview), the reports show them as escapes.
func TestBoardDrawsNoControlCharacters(t *testing.T) {
	b, _, _ := testBoard(t, true)
	s := fixture()
	s.Steps[0].Title = "Back up \x1b]0;owned\x07 \u202eexe.txt"
	s.Steps[0].Probes[0].Message = "answered 503 \x1b[2J\u009b31mGone"
	s.Steps[0].Commands = append(s.Steps[0].Commands, "cp a b\x1b[H")
	s.Reasons = append(s.Reasons, "reason \x1b[31m red")
	b.apply(s)
	scr := draw(t, b, 200, 60)
	cells, _, _ := scr.GetContents()
	for i, c := range cells {
		for _, r := range c.Runes {
			if r < 0x20 || r == 0x7f || textfmt.ActsOnTerminal(r) {
				t.Fatalf("cell %d,%d holds %U:\n%s", i%200, i/200, r, scr.text())
			}
		}
	}
}

// TestWhyPaneFollowsSnapshots: the why pane is built again only from new
// slices; a snapshot that reuses the last one's (the model's reuse of an
// unchanged evaluation) shows the same, and one with new findings of the
// same count, or a new width, shows them.
func TestWhyPaneFollowsSnapshots(t *testing.T) {
	b, _, _ := testBoard(t, true)
	first := fixture()
	b.apply(first)
	s := draw(t, b, 100, 30)
	s.find(t, "restores config_chromadb.py")

	reused := *first
	reused.CheckedAt = first.CheckedAt.Add(5 * time.Second)
	b.apply(&reused)
	if again := draw(t, b, 100, 30); !strings.Contains(again.text(), "restores config_chromadb.py") {
		t.Fatalf("a reused snapshot lost the finding:\n%s", again.text())
	}

	changed := reused
	changed.Findings = []model.Finding{{Severity: "error", Step: "23", Line: 141, Message: "restores chroma.env, which no step backs up"}}
	b.apply(&changed)
	s = draw(t, b, 100, 30)
	s.find(t, "restores chroma.env")
	if strings.Contains(s.text(), "restores config_chromadb.py") {
		t.Errorf("the old finding is still shown:\n%s", s.text())
	}

	// Short, an entry is cut to the pane's width; wider, it is cut later.
	only := changed
	only.Blockers, only.Reasons, only.Pending = nil, nil, nil
	only.Findings = []model.Finding{{Severity: "error", Step: "23", Line: 141,
		Message: "restores chroma.env, which no step backs up, commits or otherwise keeps anywhere the rollback can find it"}}
	b.apply(&only)
	narrow := draw(t, b, 80, 24).row(t, "finding error")
	wide := draw(t, b, 100, 24).row(t, "finding error")
	if strings.Contains(narrow, "commits or") || !strings.Contains(wide, "commits or") {
		t.Errorf("the why pane was not cut again for the new width:\n 80: %q\n100: %q", narrow, wide)
	}
}
