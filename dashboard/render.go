package dashboard

import (
	"fmt"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// render brings every widget in line with the board's state.
func (b *board) render() {
	b.renderHeader()
	b.renderBanner()
	b.renderList()
	b.renderDetail()
	b.renderFindings()
	b.renderEvents()
	b.renderFooter()
	b.renderBorders()
	b.layout()
}

// layout (re)builds the flex tree for the screen's size and what is shown:
// wide or narrow, banner, event log, findings, the find prompt. It is cheap
// and runs on every draw.
func (b *board) layout() {
	flex := tview.NewFlex().SetDirection(tview.FlexRow)
	vw := 17
	if b.wide {
		vw = 25
	}
	top := tview.NewFlex().
		AddItem(b.verdict, vw, 0, false).
		AddItem(b.header, 0, 1, false)
	flex.AddItem(top, headerRows, 0, false)
	if b.banner != "" || b.hookErr != "" {
		flex.AddItem(b.bannerTV, b.bannerHeight(), 0, false)
	}
	nf := b.findingCount()
	var body *tview.Flex
	if b.wide {
		left := tview.NewFlex().SetDirection(tview.FlexRow).AddItem(b.list, 0, 1, true)
		if nf > 0 {
			left.AddItem(b.findings, min(2*nf+2, max(6, (b.height-headerRows-1)/3)), 0, false)
		}
		right := tview.NewFlex().SetDirection(tview.FlexRow).AddItem(b.detail, 0, 3, false)
		if b.showEvents {
			right.AddItem(b.eventsTV, 0, 2, false)
		}
		body = tview.NewFlex().AddItem(left, 0, 1, true).AddItem(right, 0, 1, false)
	} else {
		// The board gets what its rows need, up to three fifths; the
		// detail pane the rest.
		avail := b.height - headerRows - 1
		if b.banner != "" || b.hookErr != "" {
			avail -= b.bannerHeight()
		}
		if nf > 0 && b.tall {
			avail -= min(nf+2, 6)
		}
		listH := min(len(b.list.rows)+2, max(avail*3/5, 5))
		if len(b.list.rows) == 0 {
			listH = 3
		}
		body = tview.NewFlex().SetDirection(tview.FlexRow).AddItem(b.list, listH, 0, true)
		if b.showEvents {
			body.AddItem(b.eventsTV, 0, 2, false)
		} else {
			body.AddItem(b.detail, 0, 2, false)
		}
		if nf > 0 && b.tall {
			body.AddItem(b.findings, min(nf+2, 6), 0, false)
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

// findingCount is the number of lines of the findings panel: the verdict's
// reasons and the plan's findings.
func (b *board) findingCount() int {
	if b.snap == nil {
		return 0
	}
	return len(b.snap.Reasons) + len(b.snap.Findings)
}

func (b *board) renderHeader() {
	p := b.pal
	s := b.snap
	var lines []string
	if s == nil {
		lines = []string{
			"[::b]plan[::-] " + tview.Escape(b.plan),
			"checking every probe for the first time…",
		}
		b.header.SetText(strings.Join(lines, "\n"))
		return
	}
	first := "[::b]plan[::-] " + tview.Escape(s.Plan) + "  [::b]root[::-] " + tview.Escape(s.Root)
	if s.At != "" {
		first += "  [::b]at[::-] " + tview.Escape(s.At)
	}
	lines = append(lines, first)
	next := "[::b]next[::-] "
	if st := stepByKey(s, s.NextStep); st != nil {
		lk := rowLook(st)
		next += "▶ " + tview.Escape(st.ID) + " " + p.tag(lk.Color, "[::b]"+lk.Badge()+"[::-]") + " " + tview.Escape(st.Title)
	} else {
		next += "none — every step is done or manual"
	}
	lines = append(lines, next)
	rb := gateLook(s.Rollback)
	roll := "[::b]rollback[::-] " + p.tag(rb.Color, "[::b]"+rb.Badge()+"[::-]")
	if s.Rollback == model.GateNone {
		roll += " (the plan has no rollback phase)"
	} else if s.Rollback != model.GateGo {
		var bad []string
		for i := range s.Steps {
			st := &s.Steps[i]
			if st.Rollback && (st.Status == model.StepNoGo || st.Status == model.StepUnknown) {
				bad = append(bad, st.ID)
			}
		}
		if len(bad) > 0 {
			roll += "  step " + tview.Escape(strings.Join(bad, ", ")) + " cannot run as written"
		}
	}
	lines = append(lines, roll)
	strip := "checked " + s.CheckedAt.In(b.loc).Format("15:04:05")
	if host := hostStrip(s.Host); host != "" {
		strip += " · " + host
	}
	lines = append(lines, p.tag(colQuiet, tview.Escape(strip)))
	b.header.SetText(strings.Join(lines, "\n"))
}

// stepByKey finds a step of a snapshot by key or ID.
func stepByKey(s *model.Snapshot, key string) *model.StepView {
	if s == nil || key == "" {
		return nil
	}
	for i := range s.Steps {
		if s.Steps[i].Ref() == key {
			return &s.Steps[i]
		}
	}
	for i := range s.Steps {
		if s.Steps[i].ID == key {
			return &s.Steps[i]
		}
	}
	return nil
}

// bannerLines are the banner's messages, plain: the plan error, then the
// error of the last Options.OnSnapshot call (a --record write).
func (b *board) bannerLines() []string {
	var out []string
	if b.banner != "" {
		out = append(out, "⚠ PLAN ERROR (the last good plan stays on the board; fix the file and save): "+textfmt.OneLine(b.banner))
	}
	if b.hookErr != "" {
		out = append(out, "⚠ "+b.hookErr)
	}
	return out
}

// bannerHeight is the rows the banner needs at the current width, up to 3
// a message.
func (b *board) bannerHeight() int {
	w := max(b.width, 1)
	h := 0
	for _, l := range b.bannerLines() {
		h += min(3, (len([]rune(l))+w-1)/w)
	}
	return h
}

func (b *board) renderBanner() {
	lines := b.bannerLines()
	for i, l := range lines {
		lines[i] = b.pal.tag(colNoGo, "[::b]"+tview.Escape(l)+"[::-]")
	}
	b.bannerTV.SetText(strings.Join(lines, "\n"))
}

func (b *board) renderList() {
	var rows []listRow
	title := " Steps "
	if b.snap != nil {
		phase := "\x00" // no phase yet
		for i := range b.snap.Steps {
			st := &b.snap.Steps[i]
			if b.problemsOnly && !st.Problem() {
				continue
			}
			if st.Phase != phase {
				phase = st.Phase
				rows = append(rows, listRow{Phase: st.Phase, Rollback: st.Rollback})
			}
			rows = append(rows, listRow{Step: st})
		}
	}
	if b.problemsOnly {
		title = " Steps — problems only (p: all) "
		b.list.empty = "no problem steps — p shows all steps"
	} else if b.snap == nil {
		b.list.empty = "checking…"
	} else {
		b.list.empty = "the plan has no steps"
	}
	b.list.SetTitle(title)
	b.list.setRows(rows, b.selKey)
	if s := b.list.selected(); s != nil {
		b.selKey = s.Ref()
	}
}

func (b *board) renderDetail() {
	p := b.pal
	s := b.list.selected()
	if s == nil {
		b.detail.SetTitle(" Detail ")
		b.detail.SetText("")
		return
	}
	b.detail.SetTitle(" " + s.ID + " — detail (Tab) ")
	var w strings.Builder
	lk := rowLook(s)
	fmt.Fprintf(&w, "[::b]%s[::-]  %s\n", tview.Escape(s.ID+"  "+s.Title), p.tag(lk.Color, "[::b]"+lk.Badge()+"[::-]"))
	var facts []string
	if s.Phase != "" {
		facts = append(facts, "phase "+s.Phase)
	}
	if s.Line > 0 {
		facts = append(facts, fmt.Sprintf("line %d", s.Line))
	}
	if s.Next {
		facts = append(facts, "▶ the next step")
	}
	if s.Regressed {
		facts = append(facts, "↺ regressed: its done-probes no longer hold")
	}
	if s.Checked {
		facts = append(facts, "ticked in the plan")
	}
	if b.snap != nil && b.snap.At == s.Ref() {
		facts = append(facts, "you said you are here (a)")
	}
	w.WriteString("[::d]" + tview.Escape(strings.Join(facts, " · ")) + "[::-]\n")
	if len(s.Probes) == 0 {
		w.WriteString("no probes: gonogo cannot check this step; do it by hand\n")
	} else {
		for i := range s.Probes {
			b.writeProbe(&w, &s.Probes[i], "")
		}
	}
	if b.snap != nil {
		for _, f := range b.snap.Findings {
			if f.Step == s.ID || f.Step == s.Ref() {
				w.WriteString(b.findingLine(f) + "\n")
			}
		}
	}
	if len(s.Commands) > 0 {
		w.WriteString("[::u]Commands[::-] (gonogo never runs them)\n")
		for _, c := range s.Commands {
			w.WriteString("  $ " + tview.Escape(c) + "\n")
		}
	}
	if len(s.Notes) > 0 {
		w.WriteString("[::u]Notes[::-]\n")
		for _, n := range s.Notes {
			w.WriteString("  • " + tview.Escape(textfmt.OneLine(n)) + "\n")
		}
	}
	if text := strings.TrimRight(w.String(), "\n"); text != b.detail.GetText(false) {
		b.detail.SetText(text)
	}
}

// detailWidth is the detail pane's inner width for the current screen
// (one cell less than the layout gives, to be safe), or 0 before the first
// draw: then tview wraps as usual.
func (b *board) detailWidth() int {
	if b.width == 0 {
		return 0
	}
	if b.wide {
		return b.width/2 - 3
	}
	return b.width - 3
}

// wrap breaks text into lines of at most width cells, each starting with
// indent, at spaces where it can: a hanging indent that tview's own
// wrapping cannot do. width 0 means one line.
func wrap(text string, width int, indent string) []string {
	iw := uniseg.StringWidth(indent)
	if width-iw < 20 {
		return []string{indent + text}
	}
	var out []string
	line := ""
	for _, word := range strings.Fields(text) {
		for uniseg.StringWidth(word) > width-iw { // a word longer than a line
			if line != "" {
				out = append(out, indent+line)
				line = ""
			}
			r := []rune(word)
			n := min(len(r), width-iw)
			out = append(out, indent+string(r[:n]))
			word = string(r[n:])
		}
		switch {
		case word == "":
		case line == "":
			line = word
		case uniseg.StringWidth(line)+1+uniseg.StringWidth(word) <= width-iw:
			line += " " + word
		default:
			out = append(out, indent+line)
			line = word
		}
	}
	if line != "" || len(out) == 0 {
		out = append(out, indent+line)
	}
	return out
}

// writeProbe writes one probe: role, status, label, source and duration on
// one line, its message below, its children indented.
func (b *board) writeProbe(w *strings.Builder, pv *model.ProbeView, indent string) {
	lk := probeLook(pv.Status)
	role := pv.Role
	if role == "" {
		role = "-"
	}
	fmt.Fprintf(w, "%s%-8s %s  %s  [::d]%s", indent, tview.Escape(string(role)),
		b.pal.tag(lk.Color, fmt.Sprintf("[::b]%-10s[::-]", lk.Badge())),
		tview.Escape(pv.Label()), tview.Escape(string(pv.Source)))
	if pv.Status != probes.Pending {
		w.WriteString(" " + textfmt.Millis(pv.DurationMS))
	}
	if pv.Severity != "" && pv.Status != probes.Warn {
		w.WriteString(" severity " + tview.Escape(string(pv.Severity)))
	}
	w.WriteString("[::-]\n")
	if pv.Message != "" {
		for _, l := range wrap(textfmt.OneLine(pv.Message), b.detailWidth(), indent+"         ") {
			w.WriteString(tview.Escape(l) + "\n")
		}
	}
	for i := range pv.Children {
		b.writeProbe(w, &pv.Children[i], indent+"  ")
	}
}

func (b *board) renderFindings() {
	p := b.pal
	s := b.snap
	if s == nil {
		b.findings.SetText("")
		return
	}
	title := " Findings "
	if len(s.Reasons) > 0 {
		title = " Why not GO · findings "
	}
	b.findings.SetTitle(title)
	var lines []string
	for _, r := range s.Reasons {
		lines = append(lines, p.tag(gateLook(s.Verdict).Color, "▸ ")+tview.Escape(textfmt.OneLine(r)))
	}
	for _, f := range s.Findings {
		lines = append(lines, b.findingLine(f))
	}
	b.findings.SetText(strings.Join(lines, "\n"))
}

// findingLine is one finding: severity, step and line, message, hint.
func (b *board) findingLine(f model.Finding) string {
	c := colUnknown
	if f.Severity == "error" {
		c = colNoGo
	}
	loc := "step " + f.Step
	if f.Line > 0 {
		loc += fmt.Sprintf(" (line %d)", f.Line)
	}
	line := b.pal.tag(c, "[::b]finding "+tview.Escape(string(f.Severity))+"[::-]") + " " + tview.Escape(loc+": "+textfmt.OneLine(f.Message))
	if f.Hint != "" {
		line += " — " + tview.Escape(textfmt.OneLine(f.Hint))
	}
	return line
}

func (b *board) renderEvents() {
	var lines []string
	for _, e := range b.events {
		line := tview.Escape(e.String())
		if e.To != "" {
			if e.Step == model.ChangeVerdict || e.Step == model.ChangeRollback {
				line = strings.Replace(line, e.To, b.pal.tag(gateLook(model.Gate(e.To)).Color, e.To), 1)
			}
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		lines = []string{"no changes yet — every status change is recorded here with its time and cause"}
	}
	b.eventsTV.SetText(strings.Join(lines, "\n"))
	b.eventsTV.ScrollToEnd()
}

func (b *board) renderFooter() {
	keys := "[::b]↑↓[::-] move [::b]Tab[::-] detail [::b]r[::-] re-check [::b]p[::-] problems [::b]/[::-] find [::b]a[::-] I'm here [::b]e[::-] log [::b]?[::-] help [::b]q[::-] quit"
	if b.note != "" {
		keys = b.pal.tag(colUnknown, tview.Escape(b.note)) + "  [::d]? help  q quit[::-]"
	}
	b.footer.SetText(keys)
}

// renderBorders marks the focused pane's border.
func (b *board) renderBorders() {
	for _, w := range []struct {
		box     *tview.Box
		focused bool
	}{{b.list.Box, !b.detailFocus}, {b.detail.Box, b.detailFocus}} {
		if w.focused {
			w.box.SetBorderAttributes(tcell.AttrBold)
		} else {
			w.box.SetBorderAttributes(tcell.AttrDim)
		}
	}
}

// verdictBox is the header's large verdict: a filled block in the
// verdict's colour (reverse video without colour) with the word.
type verdictBox struct {
	*tview.Box
	b *board
}

// Draw fills the block and centres the verdict word in it.
func (v *verdictBox) Draw(screen tcell.Screen) {
	x, y, w, h := v.GetRect()
	if w <= 0 || h <= 0 {
		return
	}
	var g model.Gate
	if v.b.snap != nil {
		g = v.b.snap.Verdict
	}
	lk := gateLook(g)
	st := v.b.pal.block(lk.Color)
	for row := 0; row < h; row++ {
		for col := 0; col < w-1; col++ {
			screen.SetContent(x+col, y+row, ' ', nil, st)
		}
	}
	label := "verdict"
	putText(screen, x+(w-1-len(label))/2, y, w-1, label, st.Bold(false))
	word := lk.Sym + " " + lk.Word
	ww := len([]rune(word))
	putText(screen, x+max(0, (w-1-ww)/2), y+min(h-1, 1+(h-2)/2), w-1, word, st)
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
		r.b.renderDetail() // its hanging indents follow the width
	}
	r.b.layout()
	r.b.flex.SetRect(x, y, w, h)
	r.b.flex.Draw(screen)
	if r.b.showHelp {
		hw, hh := min(w-2, 78), min(h-2, 18)
		r.b.help.SetRect(x+(w-hw)/2, y+(h-hh)/2, hw, hh)
		r.b.help.Draw(screen)
	}
}

// Focus hands focus to the board's focused pane.
func (r *rootView) Focus(delegate func(p tview.Primitive)) {
	switch {
	case r.b.finding:
		delegate(r.b.find)
	case r.b.detailFocus:
		delegate(r.b.detail)
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
	return []tview.Primitive{r.b.find, r.b.detail, r.b.list}
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
