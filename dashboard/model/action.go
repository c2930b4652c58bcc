package model

import (
	"slices"
	"strconv"
	"strings"
)

// action is the one line that says what to do now, decided here for every
// view: the board's line under the verdict, the first and last line of
// --once, the JSON's "action". It names the step and, when something is in
// the way, the first reason with its fix; the other reasons follow in
// Reasons.
func action(s *Snapshot) string {
	if len(s.Steps) == 0 && s.NextStep == "" && len(s.Blockers) == 0 {
		return "Nothing to check: the plan has no steps."
	}
	if s.Verdict == "" {
		return "Wait: the first check is still running."
	}
	next := s.Step(s.NextStep)
	if s.Verdict == GateGo {
		switch {
		case s.NextStep == "" && s.Rollback == GateNone:
			return "Every step is done."
		case s.NextStep == "":
			return "Every step is done, and rollback can still run."
		case next == nil:
			return "Run step " + s.NextStep + " next."
		case next.Status == StepManual:
			return "Do step " + next.Ref() + " by hand next: " + sentence(next.Title) + " Sign it off when it is done (x on the board)."
		}
		line := "Run step " + next.Ref() + " next"
		if next.Title != "" {
			line += ": " + sentence(next.Title)
		} else {
			line += "."
		}
		var waiting []string
		for _, p := range s.Pending {
			if p.MadeBy == next.Ref() && !slices.Contains(waiting, p.Step) {
				waiting = append(waiting, p.Step)
			}
		}
		if len(waiting) > 0 {
			line += " It makes what step " + strings.Join(waiting, ", ") + " needs."
		}
		return line
	}

	b := s.Blockers[0]
	lead := "Don't start step " + s.NextStep
	if s.NextStep == "" {
		lead = "Every step is done, but"
	} else if b.Gate == GateUnknown {
		lead += " yet"
	}
	who := "step " + b.Step
	switch {
	case b.Rollback && b.Step == "":
		who = "the rollback"
	case b.Rollback:
		who = "rollback step " + b.Step
	}
	var line string
	switch {
	case b.Gate == GateUnknown && s.NextStep == "":
		line = lead + " " + who + " could not be checked"
	case b.Gate == GateUnknown:
		line = lead + ": " + who + " could not be checked"
	case b.Step == s.NextStep && !b.Rollback:
		line = lead + ": it needs " + b.Probe
		if b.Probe == "" {
			line = lead + ": it cannot run"
		}
	case s.NextStep == "":
		line = lead + " " + who + " cannot run"
	default:
		line = lead + ": " + who + " cannot run"
	}
	switch {
	case b.Fix != "":
		line += ". Fix: " + b.Fix
	case b.Message != "":
		line += ": " + b.Message
	}
	if n := len(s.Blockers) - 1; n > 0 {
		line += " (+" + strconv.Itoa(n) + " more)"
	}
	return line
}

// sentence ends a title with a full stop unless it has one.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") {
		return s
	}
	return s + "."
}
