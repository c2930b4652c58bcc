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
	byKey  map[string][]evLoc // ev.key
	byPath map[string][]evLoc // ev.path, exactly
	under  map[string][]evLoc // every folder above ev.path
	// byBase and byStem find what the plan makes with a name like a
	// missing file's, for hints: the base name, and each prefix of it cut
	// before ".", "_", "-" or "~".
	byBase map[string][]evLoc
	byStem map[string][]evLoc
	byLen  map[int][]evLoc // by the length of the base name
	all    []evLoc
	// backupsOf lists the destinations of the copies made from a source.
	backupsOf map[string][]string
	// lastChange is, per path, the last step outside the rollback phases
	// that overwrites or removes it.
	lastChange map[string]int
}

func (a *Analysis) index() *evIndex {
	if a.idx != nil {
		return a.idx
	}
	x := &evIndex{byKey: map[string][]evLoc{}, byPath: map[string][]evLoc{}, under: map[string][]evLoc{},
		byBase: map[string][]evLoc{}, byStem: map[string][]evLoc{}, byLen: map[int][]evLoc{}, backupsOf: map[string][]string{}, lastChange: map[string]int{}}
	for j, st := range a.steps {
		for k, ev := range st.events {
			l := evLoc{ev, j, k}
			x.all = append(x.all, l)
			x.byKey[ev.key] = append(x.byKey[ev.key], l)
			if ev.path == "" {
				continue
			}
			x.byPath[ev.path] = append(x.byPath[ev.path], l)
			for d := filepath.Dir(ev.path); d != "/" && d != "." && d != ev.path; d = filepath.Dir(d) {
				x.under[d] = append(x.under[d], l)
			}
			base := filepath.Base(ev.path)
			x.byBase[base] = append(x.byBase[base], l)
			x.byLen[len(base)] = append(x.byLen[len(base)], l)
			for i := 1; i < len(base); i++ {
				if strings.IndexByte("._-~", base[i]) >= 0 {
					x.byStem[base[:i]] = append(x.byStem[base[:i]], l)
				}
			}
			if !st.step.Rollback && (ev.kind == evOverwrite || ev.kind == evDestroy) {
				x.lastChange[ev.path] = j
			}
		}
		for _, b := range st.backups {
			x.backupsOf[b.src] = append(x.backupsOf[b.src], b.dst)
		}
	}
	a.idx = x
	return x
}

// allowedBefore reports whether step j's events happen before step i runs
// (see before): for a step outside the rollback phases, earlier steps
// outside them; for a rollback step, earlier steps and every step outside
// the rollback phases.
func (a *Analysis) allowedBefore(i, j int) bool {
	if j == i {
		return false
	}
	if a.steps[i].step.Rollback {
		return !(j > i && a.steps[j].step.Rollback)
	}
	return j < i && !a.steps[j].step.Rollback
}

// lastBefore is the last event of list (in plan order) that happens before
// step i and satisfies ok, and whether there is one.
func (a *Analysis) lastBefore(list []evLoc, i int, ok func(*event) bool) (evLoc, bool) {
	end := len(list)
	if !a.steps[i].step.Rollback {
		// Only earlier steps count: skip the later ones at once.
		end = sort.Search(len(list), func(x int) bool { return list[x].j >= i })
	}
	for x := end - 1; x >= 0; x-- {
		l := list[x]
		if a.allowedBefore(i, l.j) && ok(l.ev) {
			return l, true
		}
	}
	return evLoc{}, false
}

// later reports whether l comes after m in plan order.
func (l evLoc) later(m evLoc) bool { return l.j > m.j || l.j == m.j && l.k > m.k }

// lastMatch is the last event before step i about the thing key/path
// names (see matches), from the index.
func (a *Analysis) lastMatch(i int, key, path string, dirNeed bool) (evLoc, bool) {
	x := a.index()
	best, found := evLoc{}, false
	take := func(l evLoc, ok bool) {
		if ok && (!found || l.later(best)) {
			best, found = l, true
		}
	}
	take(a.lastBefore(x.byKey[key], i, func(*event) bool { return true }))
	if path != "" {
		for d := filepath.Dir(path); d != "/" && d != "." && d != path; d = filepath.Dir(d) {
			take(a.lastBefore(x.byPath[d], i, func(ev *event) bool {
				return ev.kind != evOverwrite && !(ev.empty && ev.kind == evProduce)
			}))
		}
		if dirNeed {
			take(a.lastBefore(x.under[path], i, func(ev *event) bool { return ev.kind != evDestroy }))
		}
	}
	return best, found
}

// lastDestroyOf is the last event before step i that is about key, or
// removes a folder holding it: what a backup of key finds.
func (a *Analysis) lastDestroyOf(i int, key string) (evLoc, bool) {
	x := a.index()
	best, found := a.lastBefore(x.byKey[key], i, func(*event) bool { return true })
	if strings.HasPrefix(key, "/") {
		for d := filepath.Dir(key); d != "/" && d != "." && d != key; d = filepath.Dir(d) {
			if l, ok := a.lastBefore(x.byPath[d], i, func(ev *event) bool { return ev.kind == evDestroy }); ok && (!found || l.later(best)) {
				best, found = l, true
			}
		}
	}
	return best, found
}
