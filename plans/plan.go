// Package plans reads deployment plans — ordinary Markdown runbooks — into
// phases, steps, shell commands and typed probe specs. It only reads: nothing
// here touches the system the plan describes.
//
// Data flows one way: a plan file → plans (this package) → probes (results)
// → dashboard/model (statuses, verdict) → views.
package plans

import (
	"strconv"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// Plan is a parsed runbook.
type Plan struct {
	// File is the plan's path as the user gave it.
	File string
	// Root is the absolute folder that relative probe paths resolve against:
	// --root, else the top of the git work tree holding the plan, else the
	// plan's folder.
	Root string
	// Title is the first heading of the document, if any.
	Title string
	// Phases in document order. A phase is a heading that is not a step.
	Phases []*Phase
	// Steps in document order.
	Steps []*Step
	// Warnings are problems that do not stop the plan from being used
	// (a repeated step ID, a shell block no step owns, a fence left open).
	// Errors are returned, not stored.
	Warnings []*Diag
	// RollbackGaps are parts of rollback sections that the reader could
	// not take as steps: a table, a block outside any step, a rollback
	// section with no step at all. While any is left, the rollback gate
	// cannot be GO (see dashboard/model): gonogo does not say a way back
	// works when it could not read it.
	RollbackGaps []*Diag
}

// Phase is a heading that groups steps ("Pre-deploy checklist", "Rollback").
type Phase struct {
	Name string
	// Slug is the lower-case, dash-separated form used to qualify repeated
	// step IDs ("procedure/1").
	Slug string
	// Rollback is true when the heading says rollback / roll back / backout /
	// back out / revert, in any case.
	Rollback bool
	Line     int
}

// Step is one thing the operator does.
type Step struct {
	// ID as written ("8a", "3.2b", "R1"), the slug of the title for a step
	// written without one ("stop-the-service", see StepSlug), or, for a
	// sub-step, its parent's ID and its own ("10.3/1", "3.2/rollback").
	// A slug depends only on the title and the same titles before it, so
	// it survives edits elsewhere in the file.
	ID string
	// Key is unique within the plan: ID, or "phase-slug/ID" when the ID is
	// repeated. --at, --step and sidecar keys match Key or, when unambiguous, ID.
	Key string
	// Generated is true when ID was made up for a step written without
	// one: the slug of its title ("stop-the-service").
	Generated bool
	// Parent is the Key of the step this one is part of: a per-step
	// rollback ("3.2/rollback"), a numbered comment in the step's block
	// ("10.3/1") or a numbered item nested in it ("4/1"). "" for a step
	// of the plan itself. A sub-step's ID and Key begin with its parent's.
	Parent string
	Title  string
	// Phase is the name of the phase the step sits in ("" before any phase).
	Phase    string
	Rollback bool
	// Line is the 1-based source line of the step's start.
	Line int
	// Checked is true when the document ticks the step (- [x]).
	Checked bool
	// Scripts are the step's shell blocks (or the part of a block that a
	// comment-numbered step owns), with "$ " prompts stripped and console
	// output removed. Text is otherwise verbatim, for inference.
	Scripts []Script
	// Commands are the logical command lines of Scripts (continuations
	// joined, comments and blank lines dropped), for display.
	Commands []Command
	// Probes in the order they were declared: explicit, then sidecar, then
	// inferred.
	Probes []*spec.Probe
	// Notes are remarks for the operator that are not probes, e.g. an
	// inference skipped because a command holds a placeholder.
	Notes []string
	// NoInfer is set by "infer: false" in the step's probe block.
	NoInfer bool
	// Interval is the step's own refresh interval from its probe block
	// ("interval: 30s"); 0 means the board's default.
	Interval time.Duration

	// parent, form and phase are what the reader knows while it reads.
	parent *Step
	form   stepForm
	phase  *Phase
}

// Script is a shell block, or the slice of one that a step owns.
type Script struct {
	Lang string // info string as written: sh, bash, console, "" ...; "inline" for a code span in prose
	Text string // shell text, prompts stripped, verbatim otherwise
	Line int    // source line of the first line of Text
	// Lead is the prose right before the script inside its step: the text
	// of the paragraph just above a block ("If you made a backup before
	// starting:"), or the paragraph text before an inline command. It is
	// empty when the script follows another block or the step's title
	// directly. Inference reads it to tell a fallback from a next step.
	Lead string
	// Alt names the way of doing the step this script belongs to when the
	// document offers several ("Option A: Docker Compose", a content tab
	// "Binary"); scripts with the same AltSet (the line of the first way)
	// and different Alt are ways of which one will do.
	Alt    string
	AltSet int
	// Prompt is the user@host of the prompt the lines were typed at
	// ("ledgerly@app-1", "root@5c1f0e2b9a7d"); "" for a bare "$ " or none.
	Prompt string
	// Session is where an earlier command of the step left the shell, when
	// it opened an interactive session ("as mastodon (su - mastodon)"):
	// the script runs there, not in the operator's shell.
	Session string
}

// Command is one logical shell command line.
type Command struct {
	Text string
	Line int
}

// Diag is a problem found in a plan or sidecar file, located precisely
// enough to fix: file, line, the field or text at fault, and what was
// expected.
type Diag struct {
	File  string
	Line  int
	Field string // the attribute, key or text at fault; may be empty
	Msg   string // what is wrong and what was expected
	// Step is the Key of the step the problem sits in, when it sits in one
	// (a table inside a rollback step); set for rollback gaps.
	Step string
	step *Step
}

func (d *Diag) Error() string {
	s := d.File
	if d.Line > 0 {
		s += ":" + strconv.Itoa(d.Line)
	}
	if d.Field != "" {
		s += ": " + d.Field
	}
	return s + ": " + d.Msg
}

// ErrorList is every error found in one file, reported together.
type ErrorList []*Diag

func (l ErrorList) Error() string {
	s := ""
	for i, d := range l {
		if i > 0 {
			s += "\n"
		}
		s += d.Error()
	}
	return s
}

// StepByRef finds a step by Key or, when unambiguous, by ID. It returns an
// error saying which keys an ambiguous ID could mean, or which IDs exist.
func (p *Plan) StepByRef(ref string) (*Step, error) {
	var byID []*Step
	for _, s := range p.Steps {
		if s.Key == ref {
			return s, nil
		}
		if s.ID == ref {
			byID = append(byID, s)
		}
	}
	switch len(byID) {
	case 1:
		return byID[0], nil
	case 0:
		return nil, &RefError{Ref: ref, Plan: p}
	default:
		return nil, &RefError{Ref: ref, Plan: p, Ambiguous: byID}
	}
}

// RefError is a step reference that matches no step or several.
type RefError struct {
	Ref       string
	Plan      *Plan
	Ambiguous []*Step
}

func (e *RefError) Error() string {
	if len(e.Ambiguous) > 0 {
		s := "step \"" + e.Ref + "\" is ambiguous: use one of"
		for _, st := range e.Ambiguous {
			s += " \"" + st.Key + "\" (line " + strconv.Itoa(st.Line) + ")"
		}
		return s
	}
	s := "no step \"" + e.Ref + "\" in " + e.Plan.File
	if n := len(e.Plan.Steps); n > 0 {
		s += " (steps: "
		for i, st := range e.Plan.Steps {
			if i == 12 {
				s += ", …"
				break
			}
			if i > 0 {
				s += ", "
			}
			s += st.Key
		}
		s += ")"
	}
	return s
}
