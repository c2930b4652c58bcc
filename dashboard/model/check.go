package model

import "time"

// CheckOptions tune one Session.Check.
type CheckOptions struct {
	// Force re-runs every probe; otherwise only the probes that are due.
	Force bool
	// DefaultInterval is how old a probe's answer may grow before the probe
	// is due again, for steps without their own Interval. 0 makes every
	// probe due on every check.
	DefaultInterval time.Duration
	// OnPartial, if set, is called (at most 5 times a second) while a check
	// runs, with a snapshot in which the probes that have not answered yet
	// carry status probes.Pending ("checking"). It runs on the checking
	// goroutine: it should only hand the snapshot on.
	OnPartial func(*Snapshot)
	// PartialAfter holds OnPartial back until the check has run this long:
	// a caller that shows only slow checks' progress (the board, after
	// 400 ms) then pays for no partial snapshot of a quick check — each is
	// a whole evaluation of the plan. 0 sends the first one at once.
	PartialAfter time.Duration
}
