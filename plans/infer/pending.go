package infer

import (
	"path/filepath"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// Maker is the step of the plan that makes what a requirement needs: the
// dump a rollback restores, the commit a `git checkout HEAD -- F` reads.
// A requirement that fails now but has a maker the operator has not
// reached yet is pending, not broken (README, "Pending").
type Maker struct {
	// Step is the maker's step key.
	Step string
	// Line and Command are the plan line and text of the command that
	// makes the thing.
	Line    int
	Command string
	// What is the thing made, as a person reads it: a path relative to
	// the root ("backup/chroma_db.tar.gz"), or "the commit of
	// config_chromadb.py".
	What string
	// Rollback is true when the maker is itself a rollback step (a
	// rollback step that dumps the failed state for a later one).
	Rollback bool
	// Commit is true when what is made is a commit of a path, not a file.
	Commit bool
}

// MadeBy says which step makes what requirement probe sp needs, from the
// same index of events the findings pass asks: the last event before sp's
// step (for a rollback step: of any step outside the rollback phases and of
// earlier rollback steps) about the thing, if it makes it; nothing if it
// removes it, or no step touches it. It knows the requirements inference
// attached (also those inside any/all) and explicit or sidecar requirements
// on a path: file and backup probes that want the path to exist, and git
// probes that want it committed or tracked in HEAD. A revision other than
// HEAD is never made by a later commit.
//
// Like Findings, it builds the event index on first use: calls must not
// overlap with each other or with Findings.
func (a *Analysis) MadeBy(sp *spec.Probe) (Maker, bool) {
	if a == nil || sp == nil || sp.Role == spec.Done {
		return Maker{}, false
	}
	i := a.stepOf(sp)
	if i < 0 {
		return Maker{}, false
	}
	return a.madeBy(i, sp)
}

// Makers is MadeBy for every requirement of the plan at once (also inside
// any/all), by probe: what the model asks on each evaluation, in one walk
// over the steps rather than one search per probe. Once the inferred
// probes are applied it is worked out once and the same map is returned
// to every caller, who must not change it.
func (a *Analysis) Makers() map[*spec.Probe]Maker {
	if a == nil {
		return map[*spec.Probe]Maker{}
	}
	if a.memo == nil { // not made by Analyze
		return a.makers()
	}
	a.memo.mu.Lock()
	defer a.memo.mu.Unlock()
	if a.memo.makers != nil {
		return a.memo.makers
	}
	out := a.makers()
	if a.applied {
		a.memo.makers = out
	}
	return out
}

// makers is Makers worked out.
func (a *Analysis) makers() map[*spec.Probe]Maker {
	out := map[*spec.Probe]Maker{}
	var walk func(i int, ps []*spec.Probe)
	walk = func(i int, ps []*spec.Probe) {
		for _, sp := range ps {
			if sp == nil || sp.Role == spec.Done {
				continue
			}
			if m, ok := a.madeBy(i, sp); ok {
				out[sp] = m
			}
			walk(i, sp.Children)
		}
	}
	for i, st := range a.steps {
		walk(i, st.step.Probes)
		walk(i, st.all())
	}
	return out
}

// madeBy is MadeBy for a probe of step i.
func (a *Analysis) madeBy(i int, sp *spec.Probe) (Maker, bool) {
	key, path, dir, ok := a.needKey(i, sp)
	if !ok {
		return Maker{}, false
	}
	last, ok := a.lastMatch(i, key, path, dir)
	if !ok || last.ev.kind == evDestroy {
		return Maker{}, false
	}
	what := a.showKey(key)
	if path == "" { // a path in git
		what = "the commit of " + what
	}
	st := a.steps[last.j].step
	return Maker{
		Step:     st.Key,
		Line:     last.ev.line,
		Command:  last.ev.cmd,
		What:     what,
		Rollback: st.Rollback,
		Commit:   path == "",
	}, true
}

// stepOf is the index of the step that carries sp (or an any/all holding
// it), -1 if none does.
func (a *Analysis) stepOf(sp *spec.Probe) int {
	for i, st := range a.steps {
		if holds(st.step.Probes, sp) || holds(st.all(), sp) {
			return i
		}
	}
	return -1
}

func holds(ps []*spec.Probe, sp *spec.Probe) bool {
	for _, p := range ps {
		if p == sp || (p != nil && holds(p.Children, sp)) {
			return true
		}
	}
	return false
}

// needKey is the fact key a requirement is about, with the path for
// folder matching ("" for a path in git) and whether a folder is needed.
func (a *Analysis) needKey(i int, sp *spec.Probe) (key, path string, dir, ok bool) {
	if n := a.steps[i].needOf(sp); n != nil {
		if n.kind == needGit {
			if n.rev != "" && n.rev != "HEAD" {
				return "", "", false, false
			}
			return n.key, "", false, true
		}
		return n.key, n.path, n.kind == needDir, true
	}
	switch p := sp.Params.(type) {
	case *spec.FileParams:
		if !p.Exists || p.Path == "" {
			return "", "", false, false
		}
		c := filepath.Clean(p.Path)
		return c, c, p.Dir, true
	case *spec.BackupParams:
		if p.Path == "" {
			return "", "", false, false
		}
		c := filepath.Clean(p.Path)
		return c, c, false, true
	case *spec.GitParams:
		if p.Path == "" || (p.Rev != "" && p.Rev != "HEAD") || (p.State != "" && p.State != spec.GitCommitted && p.State != spec.GitTracked) {
			return "", "", false, false
		}
		return "git:" + filepath.Clean(p.Path), "", false, true
	}
	return "", "", false, false
}
