package dashboard

import (
	"strings"

	"github.com/gdamore/tcell/v2"
)

// search is the state of the find prompt: the selection when / was
// pressed (Esc goes back to it), and the last query, for n and N.
type search struct {
	from  string // step key selected when the prompt opened
	query string
}

// findLabel is the prompt's label while the text matches (or is empty).
const findLabel = "find (ID or words; Enter keeps, Esc goes back): "

// startFind opens the prompt: key /.
func (b *board) startFind() {
	b.finding = true
	b.search.from = b.selKey
	b.find.SetLabel(findLabel)
	b.find.SetText("")
	b.render()
	b.focusCurrent()
}

// findChanged follows every keystroke in the prompt: the selection jumps
// to the first step, from the one selected when / was pressed, whose ID
// is the text, else begins with it, else whose title holds it.
func (b *board) findChanged(text string) {
	q := strings.TrimSpace(text)
	if !b.finding || q == "" {
		return
	}
	from := b.rowOf(b.search.from)
	if i := b.match(q, from, 1, true); i >= 0 {
		b.selectRow(i)
		b.find.SetLabel(findLabel)
	} else {
		b.find.SetLabel(b.noMatch(q) + " — find: ")
	}
	b.render()
}

// findDone closes the prompt: Enter keeps the selection and the query (n
// and N go on from there), Esc goes back to where the search started.
func (b *board) findDone(key tcell.Key) {
	q := strings.TrimSpace(b.find.GetText())
	b.finding = false
	defer func() { b.render(); b.focusCurrent() }()
	if key != tcell.KeyEnter || q == "" {
		if i := b.rowOf(b.search.from); i >= 0 {
			b.selectRow(i)
		}
		b.note = ""
		return
	}
	b.search.query = q
	if b.match(q, b.rowOf(b.search.from), 1, true) < 0 {
		b.note = b.noMatch(q)
	}
}

// findNext is n (dir 1) and N (dir -1): the next or previous step after
// the selection that matches the last query, wrapping around.
func (b *board) findNext(dir int) {
	q := b.search.query
	if q == "" {
		b.setNote("nothing to find yet: / starts a search")
		return
	}
	i := b.matchAny(q, b.list.sel, dir)
	if i < 0 {
		b.setNote(b.noMatch(q))
		return
	}
	b.selectRow(i)
	b.render()
}

// noMatch says that nothing matches q, and why the filter may hide it.
func (b *board) noMatch(q string) string {
	what := "no step matches \"" + q + "\""
	if b.problemsOnly {
		what += " among problem steps (p shows all)"
	}
	return what
}

// rowOf is the list row of the step with key, -1 if none.
func (b *board) rowOf(key string) int {
	for i, r := range b.list.rows {
		if r.Step != nil && r.Step.Ref() == key {
			return i
		}
	}
	return -1
}

// selectRow selects list row i and follows it in the detail pane.
func (b *board) selectRow(i int) {
	b.list.sel = i
	b.selKey = b.list.rows[i].Step.Ref()
	b.detail.ScrollToBeginning()
}

// matchAny is the next row after from, in direction dir and wrapping,
// whose step matches q in any way: n and N walk through all matches in
// plan order.
func (b *board) matchAny(q string, from, dir int) int {
	n := len(b.list.rows)
	lq := strings.ToLower(q)
	for k := 1; k <= n; k++ {
		i := ((from+dir*k)%n + n) % n
		s := b.list.rows[i].Step
		if s != nil && (strings.HasPrefix(strings.ToLower(s.ID), lq) || strings.HasPrefix(strings.ToLower(s.Ref()), lq) ||
			strings.Contains(strings.ToLower(s.Title), lq)) {
			return i
		}
	}
	return -1
}

// match finds the row of a step matching q, walking from row from in
// direction dir and wrapping; with here the row from itself comes first.
// The best kind of match wins: the ID or key itself, then an ID that
// begins with q, then a title that contains it (any case).
func (b *board) match(q string, from, dir int, here bool) int {
	rows := b.list.rows
	n := len(rows)
	if n == 0 {
		return -1
	}
	lq := strings.ToLower(q)
	kinds := []func(id, key, title string) bool{
		func(id, key, _ string) bool { return id == q || key == q },
		func(id, key, _ string) bool {
			return strings.HasPrefix(strings.ToLower(id), lq) || strings.HasPrefix(strings.ToLower(key), lq)
		},
		func(_, _, title string) bool { return strings.Contains(strings.ToLower(title), lq) },
	}
	if from < 0 {
		from, here = 0, true
	}
	start := 1
	if here {
		start = 0
	}
	for _, kind := range kinds {
		for k := start; k <= n; k++ {
			i := ((from+dir*k)%n + n) % n
			if s := rows[i].Step; s != nil && kind(s.ID, s.Ref(), s.Title) {
				return i
			}
		}
	}
	return -1
}
