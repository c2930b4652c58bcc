package infer

import (
	"path/filepath"
	"sort"
	"strings"
)

// The findings pass asks, for every need of every step, which command
// before that step last touched the thing it needs. Scanning every earlier
// event per need is quadratic in the plan's size (a 10,000-step plan has
// tens of thousands of needs and events); the index answers each question
// from the few events about the same key, path or folder.

// evLoc is an event with where it sits: step index and position in the
// step's events, which order events as the plan runs them.
type evLoc struct {
	ev   *event
	j, k int
}

// evIndex holds every event of the plan by what it is about.
type evIndex struct {
	byKey  map[string]*evList // ev.key
	byPath map[string]*evList // ev.path, exactly
	under  map[string]*evList // every folder above ev.path
	// byBase and byStem find what the plan makes with a name like a
	// missing file's, for hints: the base name, and each prefix of it cut
	// before ".", "_", "-" or "~".
	byBase map[string][]evLoc
	byStem map[string][]evLoc
	byLen  map[int][]evLoc // by the length of the base name
	all    []evLoc
	// backupsOf holds the destinations of the copies made from a source.
	backupsOf map[string]map[string]bool
	// lastChange is, per path, the last step outside the rollback phases
	// that overwrites or removes it.
	lastChange map[string]int
}

// evList holds the events about one thing, those of steps outside the
// rollback phases apart from those of rollback steps, each in plan order.
// A step outside the rollback phases looks only at the first, up to
// itself; a rollback step at all of the first and at the second up to
// itself. Kept together, a step would walk past every event it may not
// see (per-step rollbacks sit between the steps) on each question.
type evList struct {
	proc, rb []evLoc
}

// add appends l to the list of the map's entry k.
func addEv(m map[string]*evList, k string, l evLoc, rollback bool) {
	el := m[k]
	if el == nil {
		el = &evList{}
		m[k] = el
	}
	if rollback {
		el.rb = append(el.rb, l)
	} else {
		el.proc = append(el.proc, l)
	}
}

func (a *Analysis) index() *evIndex {
	if a.idx != nil {
		return a.idx
	}
	x := &evIndex{byKey: map[string]*evList{}, byPath: map[string]*evList{}, under: map[string]*evList{},
		byBase: map[string][]evLoc{}, byStem: map[string][]evLoc{}, byLen: map[int][]evLoc{}, backupsOf: map[string]map[string]bool{}, lastChange: map[string]int{}}
	n := 0
	for _, st := range a.steps {
		n += len(st.events)
	}
	x.all = make([]evLoc, 0, n)
	for j, st := range a.steps {
		rb := st.step.Rollback
		for k, ev := range st.events {
			l := evLoc{ev, j, k}
			x.all = append(x.all, l)
			addEv(x.byKey, ev.key, l, rb)
			if ev.path == "" {
				continue
			}
			addEv(x.byPath, ev.path, l, rb)
			for d := filepath.Dir(ev.path); d != "/" && d != "." && d != ev.path; d = filepath.Dir(d) {
				addEv(x.under, d, l, rb)
			}
			base := filepath.Base(ev.path)
			x.byBase[base] = append(x.byBase[base], l)
			x.byLen[len(base)] = append(x.byLen[len(base)], l)
			for i := 1; i < len(base); i++ {
				if strings.IndexByte("._-~", base[i]) >= 0 {
					x.byStem[base[:i]] = append(x.byStem[base[:i]], l)
				}
			}
			if !rb && (ev.kind == evOverwrite || ev.kind == evDestroy) {
				x.lastChange[ev.path] = j
			}
		}
		for _, b := range st.backups {
			if x.backupsOf[b.src] == nil {
				x.backupsOf[b.src] = map[string]bool{}
			}
			x.backupsOf[b.src][b.dst] = true
		}
	}
	a.idx = x
	return x
}

// finder picks from the events about one thing the last one a question
// may see that satisfies ok.
type finder func(el *evList, ok func(*event) bool) (evLoc, bool)

// before is the finder of the events that happen before step i runs (see
// before): for a step outside the rollback phases, those of earlier steps
// outside them; for a rollback step, those of every step outside them and
// of earlier rollback steps. Each list is searched, not walked, to where
// the step may look.
func (a *Analysis) beforeStep(i int) finder {
	return func(el *evList, ok func(*event) bool) (evLoc, bool) {
		if el == nil {
			return evLoc{}, false
		}
		upTo := func(list []evLoc) []evLoc {
			return list[:sort.Search(len(list), func(x int) bool { return list[x].j >= i })]
		}
		if !a.steps[i].step.Rollback {
			return lastOK(upTo(el.proc), ok)
		}
		p, pok := lastOK(el.proc, ok)
		r, rok := lastOK(upTo(el.rb), ok)
		if !pok || rok && r.later(p) {
			return r, rok
		}
		return p, pok
	}
}

// inStep is the finder of the events of step i itself that come before
// its fact numbered seq (a need, a backup): the step's events are one run
// of each list, in the order of their seq.
func (a *Analysis) inStep(i, seq int) finder {
	return func(el *evList, ok func(*event) bool) (evLoc, bool) {
		if el == nil {
			return evLoc{}, false
		}
		list := el.proc
		if a.steps[i].step.Rollback {
			list = el.rb
		}
		lo := sort.Search(len(list), func(x int) bool { return list[x].j >= i })
		run := list[lo:]
		hi := sort.Search(len(run), func(x int) bool { return run[x].j > i || run[x].ev.seq >= seq })
		return lastOK(run[:hi], ok)
	}
}

// lastOK is the last event of list that satisfies ok.
func lastOK(list []evLoc, ok func(*event) bool) (evLoc, bool) {
	for x := len(list) - 1; x >= 0; x-- {
		if ok(list[x].ev) {
			return list[x], true
		}
	}
	return evLoc{}, false
}

func anyEvent(*event) bool { return true }

// later reports whether l comes after m in plan order.
func (l evLoc) later(m evLoc) bool { return l.j > m.j || l.j == m.j && l.k > m.k }

// lastMatch is the last event before step i about the thing key/path
// names (see matches), from the index.
func (a *Analysis) lastMatch(i int, key, path string, dirNeed bool) (evLoc, bool) {
	return a.match(a.beforeStep(i), key, path, dirNeed)
}

// match is the last event find sees about the thing key/path names: the
// same key, a folder above path copied or removed whole, or — for a folder
// need — something made inside it (see matches).
func (a *Analysis) match(find finder, key, path string, dirNeed bool) (evLoc, bool) {
	x := a.index()
	best, found := evLoc{}, false
	take := func(l evLoc, ok bool) {
		if ok && (!found || l.later(best)) {
			best, found = l, true
		}
	}
	take(find(x.byKey[key], anyEvent))
	if path != "" {
		for d := filepath.Dir(path); d != "/" && d != "." && d != path; d = filepath.Dir(d) {
			take(find(x.byPath[d], func(ev *event) bool {
				return ev.kind != evOverwrite && !(ev.empty && ev.kind == evProduce)
			}))
		}
		if dirNeed {
			take(find(x.under[path], func(ev *event) bool { return ev.kind != evDestroy }))
		}
	}
	return best, found
}

// lastDestroyOf is the last event before step i that is about key, or
// removes a folder holding it: what a backup of key finds.
func (a *Analysis) lastDestroyOf(i int, key string) (evLoc, bool) {
	return a.destroyOf(a.beforeStep(i), key)
}

// destroyOf is the last event find sees that is about key or removes a
// folder holding it.
func (a *Analysis) destroyOf(find finder, key string) (evLoc, bool) {
	x := a.index()
	best, found := find(x.byKey[key], anyEvent)
	if strings.HasPrefix(key, "/") {
		for d := filepath.Dir(key); d != "/" && d != "." && d != key; d = filepath.Dir(d) {
			if l, ok := find(x.byPath[d], func(ev *event) bool { return ev.kind == evDestroy }); ok && (!found || l.later(best)) {
				best, found = l, true
			}
		}
	}
	return best, found
}
