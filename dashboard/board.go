package dashboard

import (
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// Layout constants.
const (
	// wideMin is the width from which the detail pane sits beside the board
	// instead of below it.
	wideMin = 120
	// tallMin is the height from which the narrow layout shows the detail
	// pane below the steps; below it the detail takes the steps' place
	// while it has the focus (Tab).
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
	// refresh asks for the plan files to be read again and every probe
	// checked now (key r).
	refresh()
	// setAt says "I am at this step" ("" clears it).
	setAt(key string)
	// signOff signs the step off as done, or withdraws the sign-off
	// (key x).
	signOff(key string, withdraw bool)
	// quit stops the board.
	quit()
	// redraw redraws the whole terminal (Ctrl-L).
	redraw()
	// wakeAfter asks for a redraw after d, to end a highlight.
	wakeAfter(d time.Duration)
}

// pane is which pane has the keys.
type pane int

const (
	paneList pane = iota
	paneDetail
	paneWhy
)

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
	// notes are lines the board keeps on screen above the steps
	// (Options.Notes: the demo's instructions).
	notes []string
	// note is a transient message in the footer ("check already running"),
	// until the next key or, with noteUntilCheck, the next result.
	note           string
	noteUntilCheck bool
	// canSignOff is false when sign-offs have nowhere to be kept (no
	// --record): x then says so.
	canSignOff bool
	// interval is the check interval, nextCheck when the next one is due
	// (zero while a check runs), for the status bar.
	interval  time.Duration
	nextCheck time.Time
	running   bool

	problemsOnly bool
	showEvents   bool
	showHelp     bool
	finding      bool
	focus        pane
	wide         bool
	tall         bool
	width        int
	height       int
	selKey       string
	// search is the find prompt's state (search.go).
	search search
	// whyDone is what the why pane's text was last built from.
	whyDone whyKey

	view     *rootView
	flex     *tview.Flex
	header   *tview.TextView
	verdict  *verdictBox
	actionTV *tview.TextView
	bannerTV *tview.TextView
	list     *stepList
	detail   *tview.TextView
	why      *tview.TextView
	eventsTV *tview.TextView
	footer   *statusBar
	find     *tview.InputField
	help     *tview.TextView
	setFocus func(tview.Primitive)
}

// newBoard builds the widgets. plan is the plan's path, shown until the
// first snapshot arrives.
func newBoard(plan string, color bool, act actions) *board {
	setTheme()
	b := &board{
		pal:        palette{color: color},
		now:        time.Now,
		loc:        time.Local,
		act:        act,
		plan:       plan,
		since:      map[string]time.Time{},
		flash:      map[string]time.Time{},
		canSignOff: true,
	}
	b.setFocus = func(tview.Primitive) {}
	b.header = tview.NewTextView().SetDynamicColors(true).SetWrap(false)
	b.verdict = &verdictBox{Box: tview.NewBox(), b: b}
	b.actionTV = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	b.bannerTV = tview.NewTextView().SetDynamicColors(true).SetWrap(true)
	b.list = newStepList(b)
	b.detail = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	b.detail.SetBorder(true).SetTitleAlign(tview.AlignLeft)
	b.detail.SetInputCapture(b.paneKeys)
	b.why = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	b.why.SetBorder(true).SetTitleAlign(tview.AlignLeft)
	b.why.SetInputCapture(b.paneKeys)
	b.eventsTV = tview.NewTextView().SetDynamicColors(true).SetWrap(true).SetWordWrap(true)
	b.eventsTV.SetBorder(true).SetTitle(" Event log (e) ").SetTitleAlign(tview.AlignLeft)
	b.footer = &statusBar{Box: tview.NewBox(), b: b}
	b.find = tview.NewInputField().SetLabel(findLabel)
	b.find.SetFieldBackgroundColor(tcell.ColorDefault).SetFieldTextColor(tcell.ColorDefault).
		SetLabelColor(tcell.ColorDefault).SetFieldStyle(tcell.StyleDefault.Underline(true))
	b.find.SetChangedFunc(b.findChanged)
	b.find.SetDoneFunc(b.findDone)
	b.help = tview.NewTextView().SetDynamicColors(true).SetText(helpText)
	b.help.SetBorder(true).SetTitle(" Help — any key closes ")
	b.view = &rootView{Box: tview.NewBox(), b: b}
	b.render()
	return b
}

// helpText is the help overlay: the keys, then a legend of the statuses
// and the columns.
const helpText = ` [::b]Keys[::-]
  ↑ ↓ j k  PgUp PgDn  g G   move between steps
  Tab  Enter                 next pane: steps → detail → why (Esc: steps)
  /                          find as you type; n N: next, previous match
  x                          sign the step off as done (again: withdraw)
  a                          "I am at this step" (again: clear)
  r  p  e                    re-read plan, re-check · problems only · log
  Ctrl-L  q                  redraw · quit
 [::b]Statuses[::-]
  ✓ DONE     its done-probes hold, or signed off (x)
  ● GO       may run: its requirements hold
  ✗ NO-GO    a requirement fails: the why pane says the fix
  ? UNKNOWN  could not check a requirement (timeout, permission, tool)
  ◔ PENDING  an earlier step not reached yet makes what it needs
  · MANUAL   nothing to probe: do it by hand, then x
  ◌ CHECKING no answer yet   ⟳ re-checking, the last answer stays
 [::b]Columns[::-]
  ▶ next step  ↺ regressed · status · ID · title · probes ok/total ·
  time since the status changed. Highlighted: changed a moment ago (e).`

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

// applyPartial shows a snapshot of a check still running: answers that
// arrived are new, the others are the last ones (refreshing) or, never
// answered, checking. Nothing is logged or highlighted.
func (b *board) applyPartial(s *model.Snapshot) {
	if s == nil {
		return
	}
	if s.Host == nil && b.full != nil {
		c := *s
		c.Host = b.full.Host // the host strip is read at the end of a check
		s = &c
	}
	b.snap = s
	if b.full == nil && b.selKey == "" && s.NextStep != "" {
		b.selKey = s.NextStep
	}
	b.render()
}

// setChecking tells the status bar a check started (next is zero) or when
// the next one is due.
func (b *board) setChecking(running bool, next time.Time) {
	b.running, b.nextCheck = running, next
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
		b.banner = redact.String(err.Error()) // it quotes the plan
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
	case err != nil && redact.String(textfmt.OneLine(err.Error())) != b.hookErr:
		b.hookErr = redact.String(textfmt.OneLine(err.Error()))
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
	b.note, b.noteUntilCheck = redact.String(s), false
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

// cycleFocus moves the keys to the next pane: steps → detail → why
// (when there is a why pane) → steps.
func (b *board) cycleFocus() {
	switch b.focus {
	case paneList:
		b.focus = paneDetail
	case paneDetail:
		if b.whyLines() > 0 {
			b.focus = paneWhy
		} else {
			b.focus = paneList
		}
	default:
		b.focus = paneList
	}
	b.focusCurrent()
	b.render()
}

// focusList gives the keys back to the steps.
func (b *board) focusList() {
	b.focus = paneList
	b.focusCurrent()
	b.render()
}

// focusCurrent gives focus to the widget that should have it.
func (b *board) focusCurrent() {
	switch {
	case b.finding:
		b.setFocus(b.find)
	case b.focus == paneDetail:
		b.setFocus(b.detail)
	case b.focus == paneWhy:
		b.setFocus(b.why)
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
	if b.note != "" && !b.noteUntilCheck {
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
	case tcell.KeyTab:
		b.cycleFocus()
		return nil
	case tcell.KeyBacktab, tcell.KeyEscape:
		if b.focus != paneList {
			b.focusList()
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
		b.setNote("re-reading the plan, re-checking every probe…")
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
		b.startFind()
	case 'n':
		b.findNext(1)
	case 'N':
		b.findNext(-1)
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
	case 'x':
		b.signOff()
	default:
		return ev
	}
	return nil
}

// signOff is key x on the selected step: sign it off as done, or withdraw
// the sign-off. The board only asks; the sign-off shows when the next
// snapshot has it.
func (b *board) signOff() {
	s := b.list.selected()
	switch {
	case s == nil:
		b.setNote("no step selected")
		return
	case !b.canSignOff:
		b.setNote("sign-off needs --record FILE, where it is kept: gonogo --record FILE " + b.planName())
		return
	case !s.CanSignOff():
		why := "it has done-probes: gonogo sees it done when they hold"
		if s.Rollback {
			why = "it is a rollback step: its requirements decide whether it can run"
		}
		b.setNote("step " + s.Ref() + " cannot be signed off: " + why)
		return
	}
	withdraw := s.SignedOff != nil
	b.act.signOff(s.Ref(), withdraw)
	if withdraw {
		b.setNote("withdrawing the sign-off of step " + s.Ref() + "…")
	} else {
		b.setNote("signing step " + s.Ref() + " off…")
	}
	b.noteUntilCheck = true
}

// planName is the plan's path as the operator typed it, for messages.
func (b *board) planName() string {
	if b.snap != nil && b.snap.Plan != "" {
		return b.snap.Plan
	}
	return b.plan
}

// paneKeys lets Enter in the detail or why pane go back to the steps.
func (b *board) paneKeys(ev *tcell.EventKey) *tcell.EventKey {
	if ev.Key() == tcell.KeyEnter {
		b.focusList()
		return nil
	}
	return ev
}
