package dashboard

import (
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
			idw = max(idw, min(12, uniseg.StringWidth(r.Step.ID)))
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
		l.drawStep(screen, r.Step, i == l.sel, afterNext && !r.Step.Rollback, x, y+i-l.offset, w, idw)
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
	putText(screen, x, y, w, name, st)
}

// drawStep draws one step row. Columns: next marker (2), badge (11), ID,
// title (the rest), probes ok/total (6), since (5).
func (l *stepList) drawStep(screen tcell.Screen, s *model.StepView, selected, secondary bool, x, y, w, idw int) {
	p := l.b.pal
	base := tcell.StyleDefault
	if secondary {
		base = base.Dim(true)
	}
	lk := rowLook(s)
	badge := p.fg(lk.Color).Bold(!secondary).Dim(secondary)
	flash := l.b.flashing(s.Ref())
	if flash {
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
	marker := "  "
	switch {
	case s.Next:
		marker = "▶ "
	case s.Regressed:
		marker = "↺ "
	}
	col := x
	col += putText(screen, col, y, 2, marker, base.Bold(true))
	col += putText(screen, col, y, 11, lk.Badge(), badge)
	col++
	col += putText(screen, col, y, idw, s.ID, base.Bold(!secondary)) + 1
	col = max(col, x+2+11+1+idw+1)
	counts := ""
	if t := s.Tally(); t.Total() > 0 {
		counts = t.String()
	}
	since := ""
	if t, found := l.b.since[s.Ref()]; found {
		since = textfmt.AgeShort(l.b.now().Sub(t))
	}
	right := 12
	if w < 50 {
		right = 0
	}
	titleW := x + w - col - right - 1
	if titleW > 0 {
		putText(screen, col, y, titleW, s.Title, base)
	}
	if right > 0 {
		putRight(screen, x+w-right, y, 6, counts, base)
		putRight(screen, x+w-5, y, 5, since, base.Dim(true))
	}
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
			l.b.toggleFocus()
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
			l.b.detailFocus = false
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
