// Package probes answers, for one probe spec, "does this hold right now?",
// quickly and without side effects. It is plan-agnostic: it takes the typed
// specs of package plans and returns results in the same order.
package probes

import (
	"time"

	"github.com/gonogo-dev/gonogo/plans"
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
	Spec   *plans.ProbeSpec
	Status Status
	// Message is one line a person can act on, with secrets redacted:
	// "config_chromadb.py is untracked: commit it or back it up".
	Message  string
	Duration time.Duration
	// Children are the results of an any/all combinator's probes.
	Children []Result
}
