// Package probes answers, for one probe spec, "does this hold right now?",
// quickly and without side effects. It is plan-agnostic: it takes the typed
// specs of package plans and returns results in the same order.
package probes

import (
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// Status of one probe result.
type Status string

const (
	OK    Status = "ok"    // holds
	Fail  Status = "fail"  // does not hold
	Warn  Status = "warn"  // does not hold, and the probe has severity warn
	Error Status = "error" // could not tell: timeout, permission, tool missing
	Skip  Status = "skip"  // not run (command probes under --no-exec)
	// Pending is a view state, never returned by a checker: the probe has
	// not answered yet in a check that is still running.
	Pending Status = "checking"
)

// Result is the answer to one probe spec. A probe always yields exactly one
// Result, even when it times out or panics.
type Result struct {
	Spec   *spec.Probe
	Status Status
	// Message is one line a person can act on, with secrets redacted:
	// "config_chromadb.py is untracked: commit it or back it up".
	Message  string
	Duration time.Duration
	// Children are the results of an any/all combinator's probes.
	Children []Result
	// Captured is, for a probe with a capture: that holds, the value it
	// took as read ("1000"), redacted like the message; "" otherwise.
	Captured string
}

// Failing reports, for any probe in rs or inside one of their any/all
// groups, whether it answered that it does not hold (fail or warn). A probe
// not in rs, or that held, could not tell or did not run, is not failing.
// The plan analysis (plans/infer) asks this of its needs; it takes the
// function rather than the results so that it never imports this package.
func Failing(rs []Result) func(*spec.Probe) bool {
	failed := map[*spec.Probe]bool{}
	var walk func([]Result)
	walk = func(rs []Result) {
		for _, r := range rs {
			if r.Spec != nil && (r.Status == Fail || r.Status == Warn) {
				failed[r.Spec] = true
			}
			walk(r.Children)
		}
	}
	walk(rs)
	return func(sp *spec.Probe) bool { return failed[sp] }
}
