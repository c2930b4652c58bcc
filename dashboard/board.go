package dashboard

import (
	"fmt"
	"strings"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// Layout constants.
const (
	// wideMin is the width from which the detail pane sits beside the board
	// instead of below it.
	wideMin = 120
	// tallMin is the height from which the narrow layout has room for a
	// findings panel; below it a step's findings show in its detail.
	tallMin = 30
	// headerRows is the height of the header.
	headerRows = 4
	// flashFor is how long a status change stays highlighted.
	flashFor = 5 * time.Second
	// maxEvents bounds the event log kept in memory.
	maxEvents = 1000
)

// actions are what the board asks of the refresh machinery. The board
// never runs probes or reads files itself: it only asks, and later
// receives a snapshot.
type actions interface {
	// refresh asks for a check now, with Force (key r).
	refresh()
	// setAt says "I am at this step" ("" clears it).
	setAt(key string)
	// quit stops the board.
	quit()
	// redraw redraws the whole terminal (Ctrl-L).
	redraw()
	// wakeAfter asks for a redraw after d, to end a highlight.
	wakeAfter(d time.Duration)
}

// board holds what the operator sees and the widgets that show it. All
// methods run on the UI goroutine (or in tests, on the test's goroutine
// with no application at all).
type board struct {
	pal  palette
	now  func() time.Time
	loc  *time.Location
	act  actions
	plan string // the plan's path as the header shows it before a snapshot

	snap *model.Snapshot // last applied, complete or partial
	full *model.Snapshot // last complete snapshot
	// since is when each step's status last changed (or was first seen).
	since map[string]time.Time
	// flash is until when a step's change is highlighted.
	flash  map[string]time.Time
	events []event
	// banner is a plan that no longer parses; the last good board stays.
	banner string
	// hookErr is the error of the last Options.OnSnapshot call (the
	// --record file could not be written), "" when it went well.
	hookErr string
	// note is a transient message in the footer ("check already running"),
	// until the next key or, with noteUntilCheck, the next result.
	note           string
	noteUntilCheck bool

	problemsOnly bool
	showEvents   bool
	showHelp     bool
	finding      bool
	detailFocus  bool
	wide         bool
	tall         bool
	width        int
	height       int
	selKey       string

	view     *rootView
	flex     *tview.Flex
	header   *tview.TextView
	verdict  *verdictBox
	bannerTV *tview.TextView
	list     *stepList
	detail   *tview.TextView
	findings *tview.TextView
	eventsTV *tview.TextView
	footer   *tview.TextView
	find     *tview.InputField
	help     *tview.TextView
	setFocus func(tview.Primitive)
}

// newBoard builds the widgets. plan is the plan's path, shown until the
// first snapshot arrives.
func newBoard(plan string, color bool, act actions) *board {
	setTheme()
	b := &board{
		pal:   palette{color: color},
		now:   time.Now,
		loc:   time.Local,
		act:   act,
		plan:  plan,
		since: map[string]time.Time{},
		flash: map[string]time.Time{},
	}
	b.setFocus = func(tview.Primitive) {}
	b.header = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	b.verdict = &verdictBox{Box: tview.NewBox(), b: b}
	b.bannerTV = tview.NewTextView().SetDynamicColors(true).SetWrap(true)
	b.list = newStepList(b)
	b.detail = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	b.detail.SetBorder(true).SetTitleAlign(tview.AlignLeft)
	b.detail.SetInputCapture(b.detailKeys)
	b.findings = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	b.findings.SetBorder(true).SetTitleAlign(tview.AlignLeft)
	b.eventsTV = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	b.eventsTV.SetBorder(true).SetTitle(" Event log (e) ").SetTitleAlign(tview.AlignLeft)
	b.footer = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	b.find = tview.NewInputField().SetLabel("find step (ID or words, Enter/Esc): ")
	b.find.SetFieldBackgroundColor(tcell.ColorDefault).SetFieldTextColor(tcell.ColorDefault).
		SetLabelColor(tcell.ColorDefault).SetFieldStyle(tcell.StyleDefault.Underline(true))
	b.find.SetDoneFunc(b.findDone)
	b.help = tview.NewTextView().SetDynamicColors(true).SetText(helpText)
	b.help.SetBorder(true).SetTitle(" Keys — any key closes ")
	b.view = &rootView{Box: tview.NewBox(), b: b}
	b.render()
	return b
}

// helpText is the help overlay.
const helpText = `
  ↑ ↓  j k      move between steps
  PgUp PgDn     a page up or down
  g G           first or last step
  Enter  Tab    switch between the board and the detail pane
  r             re-check every probe now
  p             show only problem steps (again: all steps)
  /             find a step by ID or title
  a             "I am at this step": the verdict follows it (again: clear)
  e             show or hide the event log
  Ctrl-L        redraw the screen
  q  Ctrl-C     quit

  ▶ next step   ↺ regressed   dimmed: steps after the next one
  A highlighted row changed status a moment ago; the event log says why.`

// apply shows a complete snapshot: it records status changes in the event
// log, highlights them and keeps the selection.
func (b *board) apply(s *model.Snapshot) {
	if s == nil {
		return
	}
	now := b.now()
	at := s.CheckedAt
	if at.IsZero() {
		at = now
	}
	if b.full != nil {
		evs := diffSnapshots(b.full, s, at.In(b.loc))
		for _, e := range evs {
			if e.Step != model.ChangeVerdict && e.Step != model.ChangeRollback && e.Step != model.ChangeNext {
				b.since[e.Step] = at
				b.flash[e.Step] = now.Add(flashFor)
			}
		}
		if len(evs) > 0 && b.act != nil {
			b.act.wakeAfter(flashFor + 100*time.Millisecond)
		}
		b.log(evs...)
	} else {
		b.log(event{At: at.In(b.loc), Step: "verdict",
			Why: "first check: verdict " + string(s.Verdict) + ", rollback " + string(s.Rollback) + ", next step " + orDash(s.NextStep)})
	}
	for i := range s.Steps {
		k := s.Steps[i].Ref()
		if _, ok := b.since[k]; !ok {
			b.since[k] = at
		}
	}
	if b.full == nil && b.selKey == "" && s.NextStep != "" {
		b.selKey = s.NextStep
	}
	b.full = s
	b.snap = s
	if b.noteUntilCheck {
		b.note, b.noteUntilCheck = "", false
	}
	b.render()
}

// applyPartial shows a snapshot of a check still running: probes that have
// not answered show as checking. Nothing is logged or highlighted.
func (b *board) applyPartial(s *model.Snapshot) {
	if s == nil {
		return
	}
	b.snap = s
	if b.full == nil && b.selKey == "" && s.NextStep != "" {
		b.selKey = s.NextStep
	}
	b.render()
}

// setPlanError shows (err != nil) or clears the plan error banner.
func (b *board) setPlanError(err error) {
	if err == nil {
		if b.banner != "" {
			b.log(event{At: b.now().In(b.loc), Step: "plan", Why: "plan reloaded: it parses again"})
		} else {
			b.log(event{At: b.now().In(b.loc), Step: "plan", Why: "plan reloaded"})
		}
		b.banner = ""
	} else {
		b.banner = err.Error()
		b.log(event{At: b.now().In(b.loc), Step: "plan", Why: "plan error: " + textfmt.OneLine(b.banner)})
	}
	b.render()
}

// setHookError shows the error of an Options.OnSnapshot call in the
// banner and the event log, or (err == nil) clears it. The same error
// again is not logged again.
func (b *board) setHookError(err error) {
	switch {
	case err == nil && b.hookErr != "":
		b.log(event{At: b.now().In(b.loc), Step: "record", Why: "written again, the error is over"})
		b.hookErr = ""
	case err != nil && textfmt.OneLine(err.Error()) != b.hookErr:
		b.hookErr = textfmt.OneLine(err.Error())
		b.log(event{At: b.now().In(b.loc), Step: "record", Why: b.hookErr})
	default:
		return
	}
	b.render()
}

// log appends events to the event log.
func (b *board) log(evs ...event) {
	b.events = append(b.events, evs...)
	if n := len(b.events) - maxEvents; n > 0 {
		b.events = append([]event(nil), b.events[n:]...)
	}
}

// setNote shows a transient message in the footer until the next key.
func (b *board) setNote(s string) {
	b.note, b.noteUntilCheck = s, false
	b.render()
}

// selectionChanged follows the list's selection into the detail pane.
func (b *board) selectionChanged() {
	if s := b.list.selected(); s != nil && s.Ref() != b.selKey {
		b.selKey = s.Ref()
		b.detail.ScrollToBeginning()
	}
	b.renderDetail()
}

// toggleFocus moves between the board and the detail pane.
func (b *board) toggleFocus() {
	b.detailFocus = !b.detailFocus
	b.focusCurrent()
	b.renderBorders()
}

// focusCurrent gives focus to the widget that should have it.
func (b *board) focusCurrent() {
	switch {
	case b.finding:
		b.setFocus(b.find)
	case b.detailFocus:
		b.setFocus(b.detail)
	default:
		b.setFocus(b.list)
	}
}

// onKey is the application's input capture: the board's own keys. Other
// keys go on to the focused widget.
func (b *board) onKey(ev *tcell.EventKey) *tcell.EventKey {
	if b.finding {
		if ev.Key() == tcell.KeyCtrlC {
			b.act.quit()
			return nil
		}
		return ev // to the input field
	}
	if b.showHelp {
		b.showHelp = false
		if ev.Key() == tcell.KeyCtrlC {
			b.act.quit()
		}
		return nil
	}
	if b.note != "" {
		b.note = ""
		b.renderFooter()
	}
	switch ev.Key() {
	case tcell.KeyCtrlC:
		b.act.quit()
		return nil
	case tcell.KeyCtrlL:
		b.act.redraw()
		return nil
	case tcell.KeyTab, tcell.KeyBacktab:
		b.toggleFocus()
		return nil
	case tcell.KeyEscape:
		if b.detailFocus {
			b.toggleFocus()
		}
		return nil
	case tcell.KeyRune:
	default:
		return ev
	}
	switch ev.Rune() {
	case 'q':
		b.act.quit()
	case 'r':
		b.setNote("re-checking every probe…")
		b.noteUntilCheck = true
		b.act.refresh()
	case 'p':
		b.problemsOnly = !b.problemsOnly
		b.render()
	case 'e':
		b.showEvents = !b.showEvents
		b.render()
	case '?':
		b.showHelp = true
	case '/':
		b.finding = true
		b.find.SetText("")
		b.render()
		b.focusCurrent()
	case 'a':
		s := b.list.selected()
		if s == nil {
			b.setNote("no step selected")
			return nil
		}
		key := s.Ref()
		if b.snap != nil && b.snap.At == key {
			key = ""
		}
		b.act.setAt(key)
		if key == "" {
			b.setNote("cleared \"I am at\": the next step is worked out from the probes again")
		} else {
			b.setNote("you are at step " + key + ": re-checking…")
		}
		b.noteUntilCheck = true
	default:
		return ev
	}
	return nil
}

// detailKeys lets Enter leave the detail pane as Tab does.
func (b *board) detailKeys(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyEnter {
		b.toggleFocus()
		return nil
	}
	return ev
}

// findDone ends the find prompt: Enter selects the first step after the
// selection whose ID or key is the text, else whose title contains it.
func (b *board) findDone(key tcell.Key) {
	q := strings.TrimSpace(b.find.GetText())
	b.finding = false
	defer func() { b.render(); b.focusCurrent() }()
	if key != tcell.KeyEnter || q == "" {
		return
	}
	rows := b.list.rows
	n := len(rows)
	lq := strings.ToLower(q)
	match := func(exact bool) int {
		for k := 1; k <= n; k++ {
			i := (b.list.sel + k + n) % n
			s := rows[i].Step
			if s == nil {
				continue
			}
			if exact && (s.ID == q || s.Ref() == q) {
				return i
			}
			if !exact && strings.Contains(strings.ToLower(s.Title), lq) {
				return i
			}
		}
		return -1
	}
	i := match(true)
	if i < 0 {
		i = match(false)
	}
	if i < 0 {
		what := "no step matches " + fmt.Sprintf("%q", q)
		if b.problemsOnly {
			what += " among problem steps (p shows all)"
		}
		b.note = what
		return
	}
	b.list.sel = i
	b.selKey = rows[i].Step.Ref()
}
