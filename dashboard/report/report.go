// Package report renders a model.Snapshot for people and scripts: a text
// table for a terminal or a log, JSON (SPEC.md's contract) and Markdown for
// a ticket. One file per format; every renderer writes to an io.Writer and
// never looks at the terminal itself — the caller decides on colour.
package report

import (
	"strconv"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/probes"
)

// Formats lists the names Write accepts, for flag help and errors.
var Formats = []string{"text", "json", "markdown"}

// probeCount is "ok/total" over a step's top-level probes; warn counts as
// holding well enough not to block, so it is counted with ok.
func probeCount(v model.StepView) string {
	ok := 0
	for _, p := range v.Probes {
		if p.Status == probes.OK || p.Status == probes.Warn {
			ok++
		}
	}
	return strconv.Itoa(ok) + "/" + strconv.Itoa(len(v.Probes))
}

// attention reports whether a probe's message belongs under its step: it
// did not hold, or could not be told.
func attention(s probes.Status) bool {
	return s == probes.Fail || s == probes.Warn || s == probes.Error
}

// shown reports whether a top-level probe of step v is listed under it.
// Requires-probes that did not hold always are: they are why a step is not
// GO. Done-probes that do not hold yet are the normal state of a step not
// yet carried out, so they are listed only for the next step (what it has
// to make) and for a regressed step (what no longer holds).
func shown(v model.StepView, p model.ProbeView) bool {
	if !attention(p.Status) {
		return false
	}
	return p.Role != "done" || v.Next || v.Regressed
}

// stepRef is the reference a person types for a step: its key.
func stepRef(v model.StepView) string {
	if v.Key != "" {
		return v.Key
	}
	return v.ID
}

// headline is the verdict's one-line meaning.
func headline(s *model.Snapshot) string {
	switch s.Verdict {
	case model.GateGo:
		if s.NextStep == "" {
			return "nothing stands in the way"
		}
		return "you may run step " + s.NextStep
	case model.GateNoGo:
		return "stop: something stands in the way"
	case model.GateUnknown:
		return "cannot tell: some probes could not answer"
	}
	return ""
}
