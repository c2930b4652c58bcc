package model

import (
	"context"
	"slices"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// checkKey is what a read-only probe of the file system looks at: two
// probes with one key ask the same question of the same thing, so one
// answer serves both. A plan of 10,000 steps carries 26,750 probes but
// only 7,658 distinct questions ("is /usr/bin/cp there?" for every cp),
// and each probe checked costs a goroutine, a timer and a stat.
type checkKey struct {
	kind    spec.Kind
	role    spec.Role // a file done-probe words its answer differently
	sev     spec.Severity
	timeout time.Duration
	target  string // the messages quote it
	// capture: a probe that captures a value answers with it and its
	// name, so it is not the same question as one that captures none.
	capture string
	params  any // the kind's parameters, by value
}

// sharedKey is sp's checkKey, or false for a probe whose answer is not
// just a look at files: commands (running one twice is not asking twice),
// services, the network, the host, and any/all groups. Parameters compare
// by value; a regular expression or mode in them compares by pointer, so
// two probes that merely look alike are still checked apart.
func sharedKey(sp *spec.Probe) (checkKey, bool) {
	if sp == nil || len(sp.Children) > 0 {
		return checkKey{}, false
	}
	k := checkKey{kind: sp.Kind, role: sp.Role, sev: sp.Severity, timeout: sp.Timeout, target: sp.Target, capture: sp.Capture}
	switch p := sp.Params.(type) {
	case *spec.FileParams:
		k.params = *p
	case *spec.GitParams:
		k.params = *p
	case *spec.BackupParams:
		k.params = *p
	default:
		return checkKey{}, false
	}
	return k, true
}

// sharedGroups is how runShared splits a list of due probes: the probes
// that ask distinct questions, and for each which due probes it answers.
// A board re-checks the same probes tick after tick, so the grouping of
// the last list is kept and used again when the list is the same, rather
// than hashing every probe's key each time.
type sharedGroups struct {
	due  []*spec.Probe // the list grouped, as given
	uniq []*spec.Probe
	of   []int // due[i] is answered by uniq[of[i]]
	// members[start[j]:start[j+1]] are the places in due that uniq[j]
	// answers, in order.
	start, members []int
}

// groupShared groups due (see sharedGroups).
func groupShared(due []*spec.Probe) *sharedGroups {
	g := &sharedGroups{due: slices.Clone(due), uniq: make([]*spec.Probe, 0, len(due)), of: make([]int, len(due))}
	seen := make(map[checkKey]int, len(due))
	for i, sp := range due {
		if k, ok := sharedKey(sp); ok {
			if j, ok := seen[k]; ok {
				g.of[i] = j
				continue
			}
			seen[k] = len(g.uniq)
		}
		g.of[i] = len(g.uniq)
		g.uniq = append(g.uniq, sp)
	}
	if len(g.uniq) == len(due) {
		return g
	}
	g.start = make([]int, len(g.uniq)+1)
	for _, j := range g.of {
		g.start[j+1]++
	}
	for j := range g.uniq {
		g.start[j+1] += g.start[j]
	}
	g.members = make([]int, len(due))
	fill := append([]int(nil), g.start[:len(g.uniq)]...)
	for i, j := range g.of {
		g.members[fill[j]] = i
		fill[j]++
	}
	return g
}

// runShared runs due like run, but asks each question once: probes with
// one sharedKey are checked by the first of them, and every one of them
// gets that answer under its own Spec, in its own place of the result
// and through onResult. Check calls it, under checkMu.
func (s *Session) runShared(ctx context.Context, due []*spec.Probe, onResult func(int, probes.Result)) []probes.Result {
	g := s.groups
	if g == nil || !slices.Equal(g.due, due) {
		g = groupShared(due)
		s.groups = g
	}
	if len(g.uniq) == len(due) {
		return s.run(ctx, due, onResult)
	}
	var fan func(int, probes.Result)
	if onResult != nil {
		fan = func(j int, res probes.Result) {
			if j < 0 || j >= len(g.uniq) {
				return
			}
			for _, i := range g.members[g.start[j]:g.start[j+1]] {
				res.Spec = due[i]
				onResult(i, res)
			}
		}
	}
	rs := s.run(ctx, g.uniq, fan)
	out := make([]probes.Result, len(due))
	for i, j := range g.of {
		out[i] = rs[j]
		out[i].Spec = due[i]
	}
	return out
}
