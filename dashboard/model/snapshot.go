// Package model turns a plan and its probe results into the answer an
// operator needs — step statuses, the next step, the rollback gate and the
// verdict — as a Snapshot. Both `gonogo --once` and the live board use it,
// so the two can never disagree.
package model

import (
	"time"

	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// StepStatus of one step (README, "The JSON snapshot").
type StepStatus string

const (
	StepDone    StepStatus = "DONE"    // has done-probes, all ok
	StepGo      StepStatus = "GO"      // not done, requires all ok or warn
	StepNoGo    StepStatus = "NO-GO"   // a requires probe failed
	StepUnknown StepStatus = "UNKNOWN" // a requires probe errored, none failed
	StepManual  StepStatus = "MANUAL"  // nothing to probe
	// StepPending: a requirement fails now, but an earlier step the
	// operator has not reached yet makes it (README, "Pending").
	StepPending StepStatus = "PENDING"
)

// Gate is the answer of the verdict ("may I run the next step?") and of
// the rollback gate ("can I still roll back?").
type Gate string

// Gate values. "" is a gate not decided yet, while the first check runs.
const (
	GateGo      Gate = "GO"
	GateNoGo    Gate = "NO-GO"
	GateUnknown Gate = "UNKNOWN"
	GateNone    Gate = "NONE" // rollback gate of a plan without a rollback phase
	// GatePending is a rollback gate held back only by requirements that
	// an earlier step, not yet reached, makes: it does not block the
	// verdict (README, "Pending").
	GatePending Gate = "PENDING"
)

// Snapshot is one evaluation of a plan. Its JSON form is the README's
// contract: field names and meanings never change; fields may be added.
type Snapshot struct {
	Version    int       `json:"version"`
	Plan       string    `json:"plan"`
	Root       string    `json:"root"`
	CheckedAt  time.Time `json:"checked_at"`
	DurationMS float64   `json:"duration_ms"`
	Verdict    Gate      `json:"verdict"`
	NextStep   string    `json:"next_step"` // step key, "" when none
	Rollback   Gate      `json:"rollback"`
	// At is the step the operator said they are at (--at), "" if not given.
	At       string     `json:"at,omitempty"`
	Steps    []StepView `json:"steps"`
	Findings []Finding  `json:"findings"`
	Warnings []string   `json:"warnings,omitempty"`
	Reasons  []string   `json:"reasons,omitempty"` // why the verdict is not GO, one line each
	// Action is what to do now, in one line with the command when there
	// is one: "Run step 8a next: …" or "Don't start step 9: rollback step
	// 23 cannot run. Fix: …". Every view prints this one.
	Action string `json:"action"`
	// Blockers are Reasons with their parts: which step, how it blocks,
	// and the fix.
	Blockers []Blocker `json:"blockers,omitempty"`
	// Pending lists the requirements that fail now but that an earlier
	// step not yet reached makes: they do not block (README, "Pending").
	Pending []Pending `json:"pending,omitempty"`
	// SignOffs are the operator's sign-offs of steps gonogo cannot see done
	// (the board's x, kept in the --record file), in plan order.
	SignOffs []SignOff  `json:"signoffs,omitempty"`
	Host     *HostFacts `json:"host,omitempty"`
}

// Blocker is one thing standing between the operator and GO: a step whose
// requirement does not hold (NO-GO) or could not be checked (UNKNOWN).
type Blocker struct {
	Gate     Gate   `json:"gate"` // NO-GO or UNKNOWN
	Step     string `json:"step"` // the step's reference
	Rollback bool   `json:"rollback,omitempty"`
	// Probe is the label of the requirement at fault, "" when none is
	// known (a step narrowed to by --step with nothing failing).
	Probe   string `json:"probe,omitempty"`
	Message string `json:"message,omitempty"`
	// Fix is what to do about it when the plan says more than the probe's
	// message (which carries its own fix): the hint of a finding about the
	// step, or "carry out step N again" for a requirement that step N was
	// to make.
	Fix string `json:"fix,omitempty"`
	// Text is the reason as one line, the same as in Reasons.
	Text string `json:"text"`
}

// Pending is a requirement that an earlier step makes: it fails now
// because the operator has not carried that step out yet.
type Pending struct {
	Step  string `json:"step"`  // the step that needs it
	Probe string `json:"probe"` // the requirement's label
	What  string `json:"what"`  // the thing made ("backup/db.dump", "the commit of config.py")
	// MadeBy is the step that makes it; Line and Command the command
	// there that does.
	MadeBy  string `json:"made_by"`
	Line    int    `json:"line,omitempty"`
	Command string `json:"command,omitempty"`
}

// SignOff is an operator saying "done" for a step gonogo cannot see done
// (a MANUAL step, or one without done-probes).
type SignOff struct {
	Step string    `json:"step"` // the step's key
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// StepView is one step's evaluated state.
type StepView struct {
	ID        string     `json:"id"`
	Key       string     `json:"key,omitempty"` // set when it differs from id
	Title     string     `json:"title"`
	Phase     string     `json:"phase"`
	Rollback  bool       `json:"rollback"`
	Line      int        `json:"line"`
	Status    StepStatus `json:"status"`
	Next      bool       `json:"next,omitempty"`      // this is the next step
	Regressed bool       `json:"regressed,omitempty"` // done-probes no longer hold, before the next step
	Checked   bool       `json:"checked,omitempty"`   // the document ticks it
	// Gate is the step's own answer as the verdict counts it when the
	// step is gated alone (--step, serve's /healthz?step=): NO-GO if a
	// requirement failed, UNKNOWN if one could not answer, GO otherwise
	// (pending requirements do not block; a DONE step is gated by its
	// requirements too), "" while they have not answered yet. Not part of
	// the JSON contract.
	Gate Gate `json:"-"`
	// Generated is true when the plan gave the step no ID and gonogo made
	// one up from its section ("pre-deploy-checklist-3").
	Generated bool `json:"generated,omitempty"`
	// SignedOff is the operator's sign-off, when the step counts as DONE
	// because of it.
	SignedOff *SignOff    `json:"signed_off,omitempty"`
	Probes    []ProbeView `json:"probes"`
	Notes     []string    `json:"notes,omitempty"`
	Commands  []string    `json:"commands,omitempty"`
}

// ProbeView is one probe's result as views show it.
type ProbeView struct {
	Role       spec.Role     `json:"role"`
	Kind       spec.Kind     `json:"kind"`
	Target     string        `json:"target"`
	Name       string        `json:"name,omitempty"`
	Source     spec.Source   `json:"source"`
	Status     probes.Status `json:"status"`
	Message    string        `json:"message"`
	DurationMS float64       `json:"duration_ms"`
	Severity   spec.Severity `json:"severity,omitempty"`
	Line       int           `json:"line,omitempty"`
	// From is, for an inferred probe, the command it was read from.
	From string `json:"from,omitempty"`
	// MadeBy is, for a requirement that fails, the earlier step that makes
	// what it needs; Pending is true while the operator has not reached
	// that step, and the failure then does not block.
	MadeBy  string `json:"made_by,omitempty"`
	Pending bool   `json:"pending,omitempty"`
	// Program is, for an inferred "is installed" check, the program.
	Program string `json:"program,omitempty"`
	// Refreshing is true while a check re-runs the probe: Status and
	// Message are its last answer until the new one arrives.
	Refreshing bool `json:"refreshing,omitempty"`
	// Capture is the name the probe captures its value as (capture:);
	// Captured is the value it took, as read ("1000"), redacted like the
	// message, and empty when the probe did not hold.
	Capture  string      `json:"capture,omitempty"`
	Captured string      `json:"captured,omitempty"`
	Children []ProbeView `json:"children,omitempty"`
}

// Finding is a problem with the plan itself, found by reading it (a
// rollback step whose requirement nothing produces, say).
type Finding struct {
	Severity infer.Severity `json:"severity"` // "error" or "warning"
	Step     string         `json:"step"`
	Line     int            `json:"line,omitempty"`
	Message  string         `json:"message"`
	Hint     string         `json:"hint,omitempty"`
}

// HostFacts is the strip of host facts the board shows.
type HostFacts struct {
	CPUModel     string  `json:"cpu_model,omitempty"`
	Cores        int     `json:"cores,omitempty"`
	CPUPercent   float64 `json:"cpu_percent"`
	Load1        float64 `json:"load1"`
	MemAvailable uint64  `json:"mem_available"`
	Disks        []Disk  `json:"disks,omitempty"`
}

// Disk is the free space of one path a plan's probes name.
type Disk struct {
	Path string `json:"path"`
	Free uint64 `json:"free"`
}

// Label is what a person reads for a probe: its name, else kind and
// target ("git config_chromadb.py"), else the kind alone (an unnamed
// any/all). Every view prints this one.
func (p *ProbeView) Label() string {
	if p.Name != "" {
		return p.Name
	}
	if p.Target == "" {
		return string(p.Kind)
	}
	return string(p.Kind) + " " + p.Target
}
