package dashboard

import (
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// layout (re)builds the flex tree for the screen's size and what is shown.
// From the top: the header (verdict block, next step, rollback gate, plan,
// host), the action line, the banner (plan error, record error, notes),
// then the body, then the status bar or the find prompt.
//
// The body puts the answer first. The why pane (reasons, pending,
// findings) always has room for three entries; it grows with the terminal
// while the step list takes only the rows its steps need. Wide (120
// columns and more) the detail pane sits to the right; narrow and tall it
// sits below; narrow and short it takes the steps' place while it has the
// keys (Tab).
func (b *board) layout() {
	flex := tview.NewFlex().SetDirection(tview.FlexRow)
	top := tview.NewFlex().
		AddItem(b.verdict, b.verdictWidth(), 0, false).
		AddItem(b.header, 0, 1, false)
	flex.AddItem(top, headerRows, 0, false)
	used := headerRows + 1 // and the status bar
	if h := b.actionHeight(); h > 0 {
		flex.AddItem(b.actionTV, h, 0, false)
		used += h
	}
	if h := b.bannerHeight(); h > 0 {
		flex.AddItem(b.bannerTV, h, 0, false)
		used += h
	}
	avail := max(b.height-used, 0)
	whyN := b.whyLines()
	listRows := len(b.list.rows) + 2
	if len(b.list.rows) == 0 {
		listRows = 3
	}

	var body *tview.Flex
	if b.wide {
		left := tview.NewFlex().SetDirection(tview.FlexRow)
		if whyN > 0 {
			// The steps get their rows, leaving the why pane at least
			// three entries; the why pane takes the rest.
			whyMin := min(whyN, 3) + 2
			listH := max(min(listRows, avail-whyMin), 3)
			left.AddItem(b.list, listH, 0, b.focus == paneList).AddItem(b.why, 0, 1, b.focus == paneWhy)
		} else {
			left.AddItem(b.list, 0, 1, true)
		}
		right := tview.NewFlex().SetDirection(tview.FlexRow).AddItem(b.detail, 0, 3, b.focus == paneDetail)
		if b.showEvents {
			right.AddItem(b.eventsTV, 0, 2, false)
		}
		// The steps and the why pane get three fifths: their titles and
		// reasons are what the operator reads first.
		body = tview.NewFlex().AddItem(left, 0, 3, true).AddItem(right, 0, 2, false)
	} else {
		body = tview.NewFlex().SetDirection(tview.FlexRow)
		whyH := 0
		if whyN > 0 {
			whyH = min(whyN, 3) + 2
			if b.tall || b.focus == paneWhy {
				// Room to spare, or the keys are in the pane: it grows
				// to what it holds, up to half the body.
				whyH = max(whyH, min(b.whyRows()+2, avail/2))
			}
		}
		if whyH > 0 && !b.showEvents && !(b.focus == paneDetail && !b.tall) {
			// Rows the steps do not need go to the why pane, as far as
			// it has entries to fill them.
			listH := min(listRows, avail-whyH)
			if b.tall {
				listH = min(listRows, max((avail-whyH)*3/5, 5))
			}
			spare := avail - whyH - listH
			if b.tall {
				spare = 0 // the detail pane takes them
			}
			whyH = max(whyH, min(b.whyRows()+2, whyH+spare))
		}
		rest := avail - whyH
		switch {
		case b.showEvents:
			body.AddItem(b.list, min(listRows, max(rest/2, 5)), 0, b.focus == paneList)
			body.AddItem(b.eventsTV, 0, 1, false)
		case b.tall:
			listH := min(listRows, max(rest*3/5, 5))
			body.AddItem(b.list, listH, 0, b.focus == paneList)
			body.AddItem(b.detail, 0, 1, b.focus == paneDetail)
		case b.focus == paneDetail:
			body.AddItem(b.detail, 0, 1, true)
		default:
			body.AddItem(b.list, 0, 1, b.focus == paneList)
		}
		if whyH > 0 {
			body.AddItem(b.why, whyH, 0, b.focus == paneWhy)
		}
	}
	flex.AddItem(body, 0, 1, true)
	if b.finding {
		flex.AddItem(b.find, 1, 0, false)
	} else {
		flex.AddItem(b.footer, 1, 0, false)
	}
	b.flex = flex
}

// whyRows is the number of rows the why pane's entries take wrapped at
// its width.
func (b *board) whyRows() int {
	n := 0
	text := b.why.GetText(true)
	w := max(b.whyWidth(), 1)
	for _, l := range splitLines(text) {
		n += max(1, (uniseg.StringWidth(l)+w-1)/w)
	}
	return n
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// rootView is the application's root: it picks the layout for the screen's
// width, draws it, and the help overlay over it.
type rootView struct {
	*tview.Box
	b *board
}

// Draw lays the board out for the current size and draws it.
func (r *rootView) Draw(screen tcell.Screen) {
	x, y, w, h := r.GetRect()
	if w != r.b.width || h != r.b.height {
		r.b.wide, r.b.tall, r.b.width, r.b.height = w >= wideMin, h >= tallMin, w, h
		r.b.render() // wrapping and cutting follow the size
	}
	r.b.layout()
	r.b.flex.SetRect(x, y, w, h)
	r.b.flex.Draw(screen)
	if r.b.showHelp {
		hw, hh := min(w-2, 78), min(h-2, 25)
		r.b.help.SetRect(x+(w-hw)/2, y+(h-hh)/2, hw, hh)
		r.b.help.Draw(screen)
	}
}

// Focus hands focus to the board's focused pane.
func (r *rootView) Focus(delegate func(p tview.Primitive)) {
	switch {
	case r.b.finding:
		delegate(r.b.find)
	case r.b.focus == paneDetail:
		delegate(r.b.detail)
	case r.b.focus == paneWhy:
		delegate(r.b.why)
	default:
		delegate(r.b.list)
	}
}

// MouseHandler passes mouse events (only with --mouse) to the panes.
func (r *rootView) MouseHandler() func(tview.MouseAction, *tcell.EventMouse, func(tview.Primitive)) (bool, tview.Primitive) {
	return r.WrapMouseHandler(func(a tview.MouseAction, ev *tcell.EventMouse, setFocus func(tview.Primitive)) (bool, tview.Primitive) {
		return r.b.flex.MouseHandler()(a, ev, setFocus)
	})
}

// focusables are the widgets that can hold focus, in the order keys are
// offered to them.
func (r *rootView) focusables() []tview.Primitive {
	return []tview.Primitive{r.b.find, r.b.detail, r.b.why, r.b.list}
}

// HasFocus is true when one of the board's widgets has focus: the
// application only hands keys to a root that has.
func (r *rootView) HasFocus() bool {
	for _, p := range r.focusables() {
		if p.HasFocus() {
			return true
		}
	}
	return false
}

// InputHandler passes keys the board's capture did not take to the
// focused widget.
func (r *rootView) InputHandler() func(*tcell.EventKey, func(tview.Primitive)) {
	return r.WrapInputHandler(func(ev *tcell.EventKey, setFocus func(tview.Primitive)) {
		for _, p := range r.focusables() {
			if p.HasFocus() {
				if h := p.InputHandler(); h != nil {
					h(ev, setFocus)
				}
				return
			}
		}
	})
}

// statusBar is the last row: the keys on the left (or a note), and on the
// right how often the board checks and when it checks next, or that a
// check is running.
type statusBar struct {
	*tview.Box
	b *board
}

// Draw draws the keys and the timing; the timing wins the room.
func (s *statusBar) Draw(screen tcell.Screen) {
	x, y, w, _ := s.GetRect()
	if w <= 0 {
		return
	}
	b := s.b
	for i := 0; i < w; i++ {
		screen.SetContent(x+i, y, ' ', nil, tcell.StyleDefault)
	}
	right := b.timing()
	rw := uniseg.StringWidth(right)
	if rw > w {
		right, rw = "", 0
	}
	left := w - rw
	if rw > 0 {
		left-- // a space between
	}
	if b.note != "" {
		st := b.pal.fg(colUnknown)
		putText(screen, x, y, left, cutText(b.note, left), st)
	} else {
		col := x
		for _, k := range footerKeys {
			need := uniseg.StringWidth(k[0]) + 1 + uniseg.StringWidth(k[1]) + 1
			if col-x+need > left {
				break
			}
			col += putText(screen, col, y, left, k[0], tcell.StyleDefault.Bold(true))
			col++
			col += putText(screen, col, y, left, k[1], tcell.StyleDefault) + 1
		}
	}
	if rw > 0 {
		putText(screen, x+w-rw, y, rw, right, tcell.StyleDefault.Dim(true))
	}
}

// footerKeys are the keys the status bar offers, most needed first: as
// many as fit are shown.
var footerKeys = [][2]string{
	{"?", "help"}, {"q", "quit"}, {"Tab", "panes"}, {"/", "find"}, {"x", "sign off"},
	{"r", "re-check"}, {"p", "problems"}, {"a", "I'm here"}, {"e", "log"},
}

// timing is the status bar's right part: "every 5s · next in 3s", or
// "checking 2 probes…" while a check runs.
func (b *board) timing() string {
	if b.interval <= 0 {
		return ""
	}
	every := "every " + textfmt.Duration(b.interval)
	if b.running || b.nextCheck.IsZero() {
		if b.snap != nil {
			if n := b.snap.Rechecking(); n > 0 {
				return "checking " + textfmt.Plural(n, "probe") + "… · " + every
			}
		}
		return "checking… · " + every
	}
	left := b.nextCheck.Sub(b.now()).Round(time.Second)
	if left < time.Second {
		return "next check now · " + every
	}
	return "next check in " + textfmt.Duration(left) + " · " + every
}
