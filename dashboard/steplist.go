package dashboard

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// listRow is one line of the board: a phase heading (Step nil) or a step.
type listRow struct {
	Phase    string
	Rollback bool
	Step     *model.StepView
}

// stepList is the board proper: steps grouped by phase, one row each with
// a status badge, ID, title, probes passing/total and how long ago the
// status changed. It draws rows itself (rather than through tview.Table) so
// that every part of a row can carry its own colour and the selection
// skips phase headings.
type stepList struct {
	*tview.Box
	b      *board
	rows   []listRow
	sel    int // index into rows of the selected step row; -1 when none
	offset int // first row drawn
	// height of the last draw, for PgUp/PgDn.
	height int
	// empty is shown when there are no rows.
	empty string
}

func newStepList(b *board) *stepList {
	l := &stepList{Box: tview.NewBox(), b: b, sel: -1}
	l.SetBorder(true).SetTitleAlign(tview.AlignLeft)
	return l
}

// setRows replaces the rows and selects the step with key sel, or the
// nearest step row to the old selection.
func (l *stepList) setRows(rows []listRow, sel string) {
	old := l.sel
	l.rows = rows
	l.sel = -1
	for i, r := range rows {
		if r.Step != nil && r.Step.Ref() == sel {
			l.sel = i
			return
		}
	}
	if old >= len(rows) {
		old = len(rows) - 1
	}
	if old < 0 {
		old = 0
	}
	l.moveTo(old, 1)
}

// selected is the selected step, nil when none.
func (l *stepList) selected() *model.StepView {
	if l.sel < 0 || l.sel >= len(l.rows) {
		return nil
	}
	return l.rows[l.sel].Step
}

// moveTo selects the step row at i, or the nearest one in direction dir
// (+1 or -1), or the nearest in the other direction.
func (l *stepList) moveTo(i, dir int) {
	if len(l.rows) == 0 {
		l.sel = -1
		return
	}
	if i < 0 {
		i = 0
	}
	if i >= len(l.rows) {
		i = len(l.rows) - 1
	}
	for _, d := range []int{dir, -dir} {
		for j := i; j >= 0 && j < len(l.rows); j += d {
			if l.rows[j].Step != nil {
				l.sel = j
				return
			}
		}
	}
	l.sel = -1
}

// Columns of a step row: the next/regressed marker, the status badge, the
// ID (as wide as the longest, up to idMax), the title (the rest, cut with
// "…"), probes ok/total and the time since the status changed.
const (
	markW  = 2
	badgeW = 11 // "◌ CHECKING" and a space
	idMax  = 10
	countW = 6
	sinceW = 5
)

// Draw draws the rows that fit, keeping the selection in view.
func (l *stepList) Draw(screen tcell.Screen) {
	l.Box.DrawForSubclass(screen, l)
	x, y, w, h := l.GetInnerRect()
	l.height = h
	if w <= 0 || h <= 0 {
		return
	}
	if len(l.rows) == 0 {
		tview.Print(screen, tview.Escape(l.empty), x+1, y, w-1, tview.AlignLeft, tcell.ColorDefault)
		return
	}
	if l.sel >= 0 {
		if l.sel < l.offset {
			l.offset = l.sel
			// Show the phase heading above the first step of a phase.
			if l.offset > 0 && l.rows[l.offset-1].Step == nil {
				l.offset--
			}
		}
		if l.sel >= l.offset+h {
			l.offset = l.sel - h + 1
		}
	}
	if l.offset > len(l.rows)-h {
		l.offset = max(0, len(l.rows)-h)
	}
	idw := 2
	for _, r := range l.rows {
		if r.Step != nil {
			idw = max(idw, min(idMax, uniseg.StringWidth(r.Step.Ref())))
		}
	}
	afterNext := false
	for i := 0; i < l.offset; i++ {
		if r := l.rows[i]; r.Step != nil && r.Step.Next {
			afterNext = true
		}
	}
	for i := l.offset; i < len(l.rows) && i < l.offset+h; i++ {
		r := l.rows[i]
		if r.Step == nil {
			l.drawPhase(screen, r, x, y+i-l.offset, w)
			continue
		}
		// Steps after the next one are dimmed, unless they are rollback
		// steps (they stand now) or need attention.
		secondary := afterNext && !r.Step.Rollback && !r.Step.Problem()
		l.drawStep(screen, r.Step, i == l.sel, secondary, x, y+i-l.offset, w, idw)
		if r.Step.Next {
			afterNext = true
		}
	}
}

func (l *stepList) drawPhase(screen tcell.Screen, r listRow, x, y, w int) {
	name := r.Phase
	if name == "" {
		name = "(before any phase)"
	}
	st := tcell.StyleDefault.Bold(true).Underline(true)
	putText(screen, x, y, w, cutText(name, w), st)
}

// drawStep draws one step row in fixed columns.
func (l *stepList) drawStep(screen tcell.Screen, s *model.StepView, selected, secondary bool, x, y, w, idw int) {
	p := l.b.pal
	base := tcell.StyleDefault
	if secondary {
		base = base.Dim(true)
	}
	lk := rowLook(s)
	badge := p.fg(lk.Color).Bold(!secondary).Dim(secondary)
	if l.b.flashing(s.Ref()) {
		base = p.block(lk.Color)
		badge = base
	}
	if selected {
		// Reverse video keeps each part's colour readable on any theme.
		base = base.Reverse(true)
		badge = badge.Reverse(true)
		if l.HasFocus() {
			base = base.Bold(true)
		}
	}
	// Fill the row so the selection and the highlight span its width.
	for i := 0; i < w; i++ {
		screen.SetContent(x+i, y, ' ', nil, base)
	}
	marker := ""
	switch {
	case s.Next:
		marker = "▶"
	case s.Regressed:
		marker = "↺"
	}
	putText(screen, x, y, markW, marker, base.Bold(true))
	col := x + markW
	putText(screen, col, y, badgeW-1, lk.Badge(), badge)
	col += badgeW
	putText(screen, col, y, idw, shortID(s.Ref(), idw), base.Bold(!secondary))
	col += idw + 1

	right := countW + sinceW
	if w < 50 {
		right = 0
	}
	if titleW := x + w - col - right - 1; titleW > 0 {
		title := s.Title
		if s.SignedOff != nil {
			title += " (signed off by " + s.SignedOff.By + ")"
		}
		putText(screen, col, y, titleW, cutText(title, titleW), base)
	}
	if right > 0 {
		counts := ""
		if t := s.Tally(); t.Total() > 0 {
			counts = t.String()
		}
		since := ""
		if t, found := l.b.since[s.Ref()]; found {
			since = textfmt.AgeShort(l.b.now().Sub(t))
		}
		if s.Refreshing() {
			since = refreshMark
		}
		putRight(screen, x+w-right, y, countW-1, counts, base)
		putRight(screen, x+w-sinceW, y, sinceW, since, base.Dim(true))
	}
}

// shortID fits a step reference in w cells. A long generated ID
// ("pre-deploy-checklist-12") keeps its head and its number, which tell
// it apart: "pre-deplo…-12".
func shortID(id string, w int) string {
	if uniseg.StringWidth(id) <= w {
		return id
	}
	tail := ""
	if i := strings.LastIndexAny(id, "-/"); i > 0 && len(id)-i <= 5 {
		tail = id[i:]
	}
	head := w - 1 - uniseg.StringWidth(tail)
	if head < 1 {
		return cutText(id, w)
	}
	return cutText(id, head+1) + tail
}

// putText prints s in at most w cells from (x, y) with style st and
// returns the cells used. Text is printed literally: no tags.
func putText(screen tcell.Screen, x, y, w int, s string, st tcell.Style) int {
	used := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cw := g.Width()
		if used+cw > w {
			break
		}
		rs := g.Runes()
		if cw > 0 {
			screen.SetContent(x+used, y, rs[0], rs[1:], st)
		}
		used += cw
	}
	return used
}

// putRight prints s right-aligned in a field of w cells.
func putRight(screen tcell.Screen, x, y, w int, s string, st tcell.Style) {
	sw := uniseg.StringWidth(s)
	if sw > w {
		putText(screen, x, y, w, s, st)
		return
	}
	putText(screen, x+w-sw, y, sw, s, st)
}

// InputHandler moves the selection: arrows and j/k, PgUp/PgDn, g/G and
// Home/End. Enter goes to the detail pane.
func (l *stepList) InputHandler() func(*tcell.EventKey, func(tview.Primitive)) {
	return l.WrapInputHandler(func(ev *tcell.EventKey, setFocus func(tview.Primitive)) {
		page := max(1, l.height-1)
		switch ev.Key() {
		case tcell.KeyUp:
			l.moveTo(l.sel-1, -1)
		case tcell.KeyDown:
			l.moveTo(l.sel+1, 1)
		case tcell.KeyPgUp:
			l.moveTo(l.sel-page, -1)
		case tcell.KeyPgDn:
			l.moveTo(l.sel+page, 1)
		case tcell.KeyHome:
			l.moveTo(0, 1)
		case tcell.KeyEnd:
			l.moveTo(len(l.rows)-1, -1)
		case tcell.KeyEnter:
			l.b.cycleFocus()
			return
		case tcell.KeyRune:
			switch ev.Rune() {
			case 'k':
				l.moveTo(l.sel-1, -1)
			case 'j':
				l.moveTo(l.sel+1, 1)
			case 'g':
				l.moveTo(0, 1)
			case 'G':
				l.moveTo(len(l.rows)-1, -1)
			default:
				return
			}
		default:
			return
		}
		l.b.selectionChanged()
	})
}

// MouseHandler (only with --mouse): a click selects a step, the wheel
// moves the selection.
func (l *stepList) MouseHandler() func(tview.MouseAction, *tcell.EventMouse, func(tview.Primitive)) (bool, tview.Primitive) {
	return l.WrapMouseHandler(func(action tview.MouseAction, ev *tcell.EventMouse, setFocus func(tview.Primitive)) (bool, tview.Primitive) {
		x, y := ev.Position()
		if !l.InRect(x, y) {
			return false, nil
		}
		switch action {
		case tview.MouseLeftClick:
			_, iy, _, _ := l.GetInnerRect()
			if i := l.offset + y - iy; i >= 0 && i < len(l.rows) && l.rows[i].Step != nil {
				l.sel = i
			}
			l.b.focus = paneList
			l.b.focusCurrent()
			l.b.renderBorders()
		case tview.MouseScrollUp:
			l.moveTo(l.sel-1, -1)
		case tview.MouseScrollDown:
			l.moveTo(l.sel+1, 1)
		default:
			return false, nil
		}
		l.b.selectionChanged()
		return true, nil
	})
}

// flashing is true while a step's status change is highlighted.
func (b *board) flashing(key string) bool {
	until, ok := b.flash[key]
	return ok && b.now().Before(until)
}
