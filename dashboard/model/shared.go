package model

import (
	"context"
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
	params  any    // the kind's parameters, by value
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
	k := checkKey{kind: sp.Kind, role: sp.Role, sev: sp.Severity, timeout: sp.Timeout, target: sp.Target}
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

// runShared runs due like run, but asks each question once: probes with
// one sharedKey are checked by the first of them, and every one of them
// gets that answer under its own Spec, in its own place of the result
// and through onResult.
func (s *Session) runShared(ctx context.Context, due []*spec.Probe, onResult func(int, probes.Result)) []probes.Result {
	uniq := make([]*spec.Probe, 0, len(due))
	of := make([]int, len(due)) // due[i] is answered by uniq[of[i]]
	seen := make(map[checkKey]int, len(due))
	for i, sp := range due {
		if k, ok := sharedKey(sp); ok {
			if j, ok := seen[k]; ok {
				of[i] = j
				continue
			}
			seen[k] = len(uniq)
		}
		of[i] = len(uniq)
		uniq = append(uniq, sp)
	}
	if len(uniq) == len(due) {
		return s.run(ctx, due, onResult)
	}
	// members[j] are the places in due that uniq[j] answers, in order.
	start := make([]int, len(uniq)+1)
	for _, j := range of {
		start[j+1]++
	}
	for j := range uniq {
		start[j+1] += start[j]
	}
	members := make([]int, len(due))
	fill := append([]int(nil), start[:len(uniq)]...)
	for i, j := range of {
		members[fill[j]] = i
		fill[j]++
	}
	var fan func(int, probes.Result)
	if onResult != nil {
		fan = func(j int, res probes.Result) {
			if j < 0 || j >= len(uniq) {
				return
			}
			for _, i := range members[start[j]:start[j+1]] {
				res.Spec = due[i]
				onResult(i, res)
			}
		}
	}
	rs := s.run(ctx, uniq, fan)
	out := make([]probes.Result, len(due))
	for i, j := range of {
		out[i] = rs[j]
		out[i].Spec = due[i]
	}
	return out
}
