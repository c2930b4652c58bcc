package dashboard

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"
	"github.com/rivo/uniseg"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// render brings every widget in line with the board's state.
func (b *board) render() {
	b.renderHeader()
	b.renderAction()
	b.renderBanner()
	b.renderList()
	b.renderDetail()
	b.renderWhy()
	b.renderEvents()
	b.renderFooter()
	b.renderBorders()
	b.layout()
}

func (b *board) renderHeader() {
	p := b.pal
	s := b.snap
	if s == nil {
		b.header.SetText("[::b]plan[::-] " + tview.Escape(b.plan) + "\nchecking every probe for the first time…")
		return
	}
	var lines []string
	next := "[::b]next[::-] "
	if st := s.Step(s.NextStep); st != nil {
		lk := rowLook(st)
		next += "▶ " + tview.Escape(st.Ref()) + " " + p.tag(lk.Color, "[::b]"+lk.Badge()+"[::-]") + " " + tview.Escape(st.Title)
	} else if s.NextStep != "" {
		next += "▶ " + tview.Escape(s.NextStep)
	} else {
		next += "none — every step is done"
	}
	lines = append(lines, next)
	rb := gateLook(s.Rollback)
	roll := "[::b]rollback[::-] " + p.tag(rb.Color, "[::b]"+rb.Badge()+"[::-]")
	if note := s.RollbackNote(); note != "" {
		roll += " " + tview.Escape(note)
	}
	lines = append(lines, roll)
	where := "[::b]plan[::-] " + tview.Escape(s.Plan)
	if s.At != "" {
		where += "  [::b]at[::-] " + tview.Escape(s.At) + " (a)"
	}
	lines = append(lines, where)
	lines = append(lines, p.tag(colQuiet, tview.Escape(b.strip())))
	b.header.SetText(strings.Join(lines, "\n"))
}

// strip is the header's last line: the time of the check, the root and
// the host facts, as many as fit the header's width, whole.
func (b *board) strip() string {
	s := b.snap
	parts := []string{"checked " + s.CheckedAt.In(b.loc).Format("15:04:05")}
	if s.Root != "" {
		parts = append(parts, "root "+s.Root)
	}
	parts = append(parts, hostParts(s.Host)...)
	room := b.width - b.verdictWidth()
	if b.width == 0 {
		room = 1 << 20
	}
	out := parts[0]
	for _, p := range parts[1:] {
		if uniseg.StringWidth(out+" · "+p) <= room { // whole, or not at all
			out += " · " + p
		}
	}
	return out
}

// verdictWidth is the width of the verdict block.
func (b *board) verdictWidth() int {
	if b.wide {
		return 25
	}
	return 15
}

// renderAction writes the action line under the header: what to do now.
func (b *board) renderAction() {
	s := b.snap
	if s == nil {
		b.actionTV.SetText("")
		return
	}
	lk := gateLook(s.Verdict)
	b.actionTV.SetText(b.pal.tag(lk.Color, "[::b]▸[::-]") + " [::b]" + tview.Escape(s.Action) + "[::-]")
}

// actionHeight is the rows the action line needs at the current width, up
// to three: it carries the fix, at its end.
func (b *board) actionHeight() int {
	if b.snap == nil || b.snap.Action == "" {
		return 0
	}
	return min(3, len(wrap("▸ "+b.snap.Action, max(b.width, 1), "")))
}

// bannerLines are the banner's messages, plain, each with whether it is an
// error: the plan error, the error of the last Options.OnSnapshot call (a
// --record write), then the notes the board keeps on screen.
func (b *board) bannerLines() ([]string, []bool) {
	var out []string
	var bad []bool
	if b.banner != "" {
		out = append(out, "⚠ PLAN ERROR (the last good plan stays on the board; fix the file and save): "+textfmt.OneLine(b.banner))
		bad = append(bad, true)
	}
	if b.hookErr != "" {
		out = append(out, "⚠ "+b.hookErr)
		bad = append(bad, true)
	}
	for _, n := range b.notes {
		out = append(out, n)
		bad = append(bad, false)
	}
	return out, bad
}

// bannerHeight is the rows the banner needs at the current width, up to 3
// a message.
func (b *board) bannerHeight() int {
	w := max(b.width, 1)
	h := 0
	lines, _ := b.bannerLines()
	for _, l := range lines {
		h += min(3, len(wrap(l, w, "")))
	}
	return h
}

func (b *board) renderBanner() {
	lines, bad := b.bannerLines()
	for i, l := range lines {
		if bad[i] {
			lines[i] = b.pal.tag(colNoGo, "[::b]"+tview.Escape(l)+"[::-]")
		} else {
			lines[i] = tview.Escape(l)
		}
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
	b.detail.SetTitle(" " + s.Ref() + " — detail (Tab) ")
	var w strings.Builder
	lk := rowLook(s)
	fmt.Fprintf(&w, "%s  [::b]%s[::-]\n", p.tag(lk.Color, "[::b]"+lk.Badge()+"[::-]"), tview.Escape(s.Ref()+"  "+s.Title))
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
	if so := s.SignedOff; so != nil {
		facts = append(facts, "signed off by "+so.By+" at "+so.At.In(b.loc).Format("15:04")+" (x withdraws)")
	} else if s.Status == model.StepManual && s.CanSignOff() {
		facts = append(facts, "x signs it off when it is done")
	}
	w.WriteString("[::d]" + tview.Escape(strings.Join(facts, " · ")) + "[::-]\n")
	if len(s.Probes) == 0 {
		w.WriteString("no probes: gonogo cannot check this step; do it by hand\n")
	} else {
		b.writeProbes(&w, s.Probes)
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
			for i, l := range wrap(textfmt.OneLine(c), b.detailWidth(), "    ") {
				if i == 0 {
					l = "  $ " + strings.TrimPrefix(l, "    ")
				}
				w.WriteString(tview.Escape(l) + "\n")
			}
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

// writeProbes writes a step's probes: requirements that need attention or
// have not answered first, then pending ones, then done-probes that do not
// hold yet, then the rest, with passing program checks folded
// into one line ("+5 programs installed: git, cp, …") so that a failing
// probe is never pushed out of sight.
func (b *board) writeProbes(w *strings.Builder, ps []model.ProbeView) {
	rank := func(p *model.ProbeView) int {
		req := p.Role != spec.Done
		switch {
		case req && p.NeedsAttention():
			return 0
		case req && p.Status == probes.Pending:
			return 1
		case p.Pending:
			return 2
		case p.NeedsAttention():
			return 3 // what the step has to make
		case p.Trivial():
			return 5
		}
		return 4
	}
	order := make([]int, len(ps))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return rank(&ps[x]) - rank(&ps[y]) })
	var folded []string
	for _, i := range order {
		if ps[i].Trivial() {
			folded = append(folded, ps[i].Program)
			continue
		}
		b.writeProbe(w, &ps[i], "")
	}
	switch len(folded) {
	case 0:
	case 1:
		b.writeProbe(w, &ps[order[len(order)-1]], "")
	default:
		fmt.Fprintf(w, "%s  [::d]+%d programs installed: %s[::-]\n",
			b.pal.tag(toneColor(model.ToneGood), "[::b]"+model.ProbeSymbol(probes.OK)+"[::-]"), len(folded), tview.Escape(strings.Join(folded, ", ")))
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
		return b.width*2/5 - 3
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
	lk := probeLook(pv)
	if pv.Status == probes.Pending {
		lk = look{checking.Sym, "checking", checking.Color}
	}
	role := pv.Role
	if role == "" {
		role = "-"
	}
	badge := lk.Badge()
	if pv.Refreshing {
		badge += " " + refreshMark
	}
	// One line: badge, role and label, then source and duration if they
	// fit; the message below with a hanging indent.
	head := indent + textfmt.Pad(badge, 10) + " " + textfmt.Pad(string(role), 8) + " "
	label := pv.Label()
	extra := string(pv.Source)
	if pv.Status != probes.Pending {
		extra += " " + textfmt.Millis(pv.DurationMS)
	}
	if pv.Severity != "" && pv.Status != probes.Warn {
		extra += " severity " + string(pv.Severity)
	}
	if dw := b.detailWidth(); dw > 0 {
		room := dw - uniseg.StringWidth(head)
		label = cutText(label, max(room, 8))
		if uniseg.StringWidth(label)+2+uniseg.StringWidth(extra) > room {
			extra = ""
		}
	}
	fmt.Fprintf(w, "%s%s %s%s", indent, b.pal.tag(lk.Color, "[::b]"+tview.Escape(textfmt.Pad(badge, 10))+"[::-]"),
		tview.Escape(textfmt.Pad(string(role), 8)+" "), tview.Escape(label))
	if extra != "" {
		w.WriteString("  [::d]" + tview.Escape(extra) + "[::-]")
	}
	w.WriteString("\n")
	if msg := pv.Why(); msg != "" {
		for _, l := range wrap(textfmt.OneLine(msg), b.detailWidth(), indent+"         ") {
			w.WriteString(tview.Escape(l) + "\n")
		}
	}
	for i := range pv.Children {
		b.writeProbe(w, &pv.Children[i], indent+"  ")
	}
}

// whyLines is the number of entries of the why pane: the verdict's
// reasons, the pending requirements, the plan's findings and warnings.
func (b *board) whyLines() int {
	s := b.snap
	if s == nil {
		return 0
	}
	return len(s.Blockers) + len(s.Pending) + len(s.Findings) + len(s.Warnings)
}

// renderWhy writes the why pane: each reason the verdict is not GO with
// its fix, what is pending, then the findings and warnings about the plan.
// Unfocused at a small size each entry is one line cut with "…", so that
// three reasons fit; focused (Tab) it wraps and scrolls.
func (b *board) renderWhy() {
	p := b.pal
	s := b.snap
	if s == nil {
		b.why.SetText("")
		b.whyDone = whyKey{}
		return
	}
	var title []string
	if len(s.Blockers) > 0 {
		title = append(title, fmt.Sprintf("Why not GO (%d)", len(s.Blockers)))
	}
	if len(s.Pending) > 0 {
		title = append(title, fmt.Sprintf("pending (%d)", len(s.Pending)))
	}
	if len(s.Findings)+len(s.Warnings) > 0 {
		title = append(title, "findings")
	}
	b.why.SetTitle(" " + strings.Join(title, " · ") + " (Tab) ")
	oneLine := b.whyCut()
	width := b.whyWidth()
	key := whyKey{blockers: s.Blockers, pending: s.Pending, findings: s.Findings, warnings: s.Warnings,
		oneLine: oneLine, width: width, color: b.pal.color}
	if b.whyDone.same(&key) {
		return
	}
	b.whyDone = key
	entry := func(mark, text string) string {
		if mw := tview.TaggedStringWidth(mark); oneLine && width > mw+4 {
			return mark + tview.Escape(cutText(text, width-mw))
		}
		return mark + tview.Escape(text)
	}
	var lines []string
	for _, r := range s.Blockers {
		lk := gateLook(r.Gate)
		text := r.Text
		if r.Fix != "" {
			text += " — fix: " + r.Fix
		}
		lines = append(lines, entry(p.tag(lk.Color, "[::b]"+lk.Sym+"[::-]")+" ", textfmt.OneLine(text)))
	}
	for _, pd := range s.Pending {
		text := "step " + pd.Step + " needs " + pd.What + ": step " + pd.MadeBy + " makes it"
		if pd.Line > 0 {
			text += fmt.Sprintf(" (line %d: %s)", pd.Line, pd.Command)
		}
		lines = append(lines, entry(p.tag(toneColor(model.TonePending), "[::b]"+model.PendingSymbol+"[::-]")+" ", textfmt.OneLine(text)))
	}
	for _, f := range s.Findings {
		c := colUnknown
		if f.Severity == "error" {
			c = colNoGo
		}
		text := "step " + f.Step
		if f.Step == "" {
			text = "plan" // a rollback section gonogo could not read as steps
		}
		if f.Line > 0 {
			text += fmt.Sprintf(" (line %d)", f.Line)
		}
		text += ": " + textfmt.OneLine(f.Message)
		if f.Hint != "" {
			text += " — fix: " + textfmt.OneLine(f.Hint)
		}
		lines = append(lines, entry(p.tag(c, "[::b]finding "+tview.Escape(string(f.Severity))+"[::-]")+" ", text))
	}
	for _, w := range s.Warnings {
		lines = append(lines, entry(p.tag(colUnknown, "[::b]![::-]")+" ", textfmt.OneLine(w)))
	}
	b.why.SetWrap(!oneLine)
	if text := strings.Join(lines, "\n"); text != b.why.GetText(false) {
		b.why.SetText(text)
	}
}

// whyKey is what the why pane's text is made of. A check whose answers
// did not change hands the board a snapshot that shares these slices with
// the last one (model's reuse), and the pane — thousands of entries on a
// large plan, each measured and cut to the width — is then not built
// again: on an idle board that was a third of the work of a tick.
type whyKey struct {
	blockers []model.Blocker
	pending  []model.Pending
	findings []model.Finding
	warnings []string
	oneLine  bool
	width    int
	color    bool
}

// same reports whether k holds the very slices of o (the same arrays, not
// equal contents: comparing contents would cost what building costs) and
// the same layout.
func (k *whyKey) same(o *whyKey) bool {
	return sameArray(k.blockers, o.blockers) && sameArray(k.pending, o.pending) &&
		sameArray(k.findings, o.findings) && sameArray(k.warnings, o.warnings) &&
		k.oneLine == o.oneLine && k.width == o.width && k.color == o.color
}

// sameArray reports whether a and b are the same elements of one array;
// two empty slices are the same.
func sameArray[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// whyCut is true when the why pane shows one line per entry: unfocused on
// a short screen, where wrapped entries would push reasons out of sight.
func (b *board) whyCut() bool {
	return b.focus != paneWhy && !b.tall
}

// whyWidth is the why pane's inner width.
func (b *board) whyWidth() int {
	if b.wide {
		return b.width*3/5 - 2
	}
	return b.width - 2
}

// cutText shortens s to n cells, ending in "…" when cut.
func cutText(s string, n int) string {
	if uniseg.StringWidth(s) <= n {
		return s
	}
	var out strings.Builder
	w := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		if w+g.Width() > n-1 {
			break
		}
		out.WriteString(g.Str())
		w += g.Width()
	}
	return out.String() + "…"
}

// findingLine is one finding: severity, step and line, message, hint.
func (b *board) findingLine(f model.Finding) string {
	c := colUnknown
	if f.Severity == "error" {
		c = colNoGo
	}
	loc := "step " + f.Step
	if f.Step == "" {
		loc = "plan"
	}
	if f.Line > 0 {
		loc += fmt.Sprintf(" (line %d)", f.Line)
	}
	line := b.pal.tag(c, "[::b]finding "+tview.Escape(string(f.Severity))+"[::-]") + " " + tview.Escape(loc+": "+textfmt.OneLine(f.Message))
	if f.Hint != "" {
		line += " — fix: " + tview.Escape(textfmt.OneLine(f.Hint))
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

// renderFooter has nothing to prepare: the status bar draws itself from
// the board's state (it shows a countdown).
func (b *board) renderFooter() {}

// renderBorders marks the focused pane's border.
func (b *board) renderBorders() {
	for _, w := range []struct {
		box     *tview.Box
		focused bool
	}{{b.list.Box, b.focus == paneList}, {b.detail.Box, b.focus == paneDetail}, {b.why.Box, b.focus == paneWhy}} {
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
	ww := uniseg.StringWidth(word)
	putText(screen, x+max(0, (w-1-ww)/2), y+min(h-1, 1+(h-2)/2), w-1, word, st)
}
