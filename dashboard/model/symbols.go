package model

import "github.com/gonogo-dev/gonogo/probes"

// The symbols printed beside every status word, shared by all views (the
// text, Markdown and board renderings), so the board and `--once` never
// disagree and a status still reads without colour or to a colour-blind
// person.

// StepSymbol is the symbol of a step status.
func StepSymbol(s StepStatus) string {
	switch s {
	case StepDone:
		return "✓"
	case StepGo:
		return "●"
	case StepNoGo:
		return "✗"
	case StepUnknown:
		return "?"
	case StepManual:
		return "·"
	}
	return "?"
}

// GateSymbol is the symbol of a verdict or rollback gate ("" is a gate not
// decided yet, while the first check runs).
func GateSymbol(g string) string {
	switch g {
	case GateGo:
		return "✓"
	case GateNoGo:
		return "✗"
	case GateNone:
		return "–"
	case "":
		return "◌"
	}
	return "?"
}

// ProbeSymbol is the symbol of a probe status.
func ProbeSymbol(s probes.Status) string {
	switch s {
	case probes.OK:
		return "✓"
	case probes.Fail:
		return "✗"
	case probes.Warn:
		return "!"
	case probes.Error:
		return "?"
	case probes.Skip:
		return "-"
	case probes.Pending:
		return "◌"
	}
	return "…"
}
