package plans

import (
	"fmt"
	"sort"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// checkCaptures checks the capture: names and the captures.NAME an
// expect reads, across all of a plan's top-level probes (the plan's own
// and its sidecar's together: either may read what the other captures):
//
//   - a name is captured by one probe only;
//   - a name read is captured by some probe (else a did-you-mean);
//   - a capture is taken by a top-level probe, not inside any:/all:,
//     whose answer is the group's;
//   - a probe that reads captures takes none itself: a check round runs
//     the probes that capture, then those that read, and no third round.
func checkCaptures(all []*spec.Probe) ErrorList {
	var errs ErrorList
	at := func(sp *spec.Probe, line int, field, format string, args ...any) {
		if line == 0 {
			line = sp.Line
		}
		errs = append(errs, &Diag{File: sp.File, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	by := map[string]*spec.Probe{}
	for _, sp := range all {
		if sp.Capture == "" {
			continue
		}
		if first, dup := by[sp.Capture]; dup {
			at(sp, sp.CaptureLine, "capture", "%s is captured already, by the probe at %s:%d: give each capture its own name",
				sp.Capture, first.File, first.CaptureLine)
			continue
		}
		by[sp.Capture] = sp
		if len(sp.Reads()) > 0 {
			at(sp, sp.CaptureLine, "capture", "this probe reads captures in its expect, so it cannot also capture %s: a check takes the captures first, then the probes that read them; capture the value with a probe that reads none", sp.Capture)
		}
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	sort.Strings(names)
	var walk func(sp *spec.Probe, top bool)
	walk = func(sp *spec.Probe, top bool) {
		if !top && sp.Capture != "" {
			at(sp, sp.CaptureLine, "capture", "is not taken inside an any: or all: group: move the probe that captures %s out of the group, to the step's requires: or done: list",
				sp.Capture)
		}
		if e := sp.Expect(); e != nil {
			for _, n := range e.Captures {
				if _, ok := by[n]; ok {
					continue
				}
				if len(names) == 0 {
					at(sp, sp.ReadsLine, "expect", "reads captures.%s, but no probe of the plan captures a value: add capture: %s to the probe that counts it", n, n)
					continue
				}
				at(sp, sp.ReadsLine, "expect", "reads captures.%s, but no probe of the plan captures %s: %s",
					n, n, expectList(n, names))
			}
		}
		for _, c := range sp.Children {
			walk(c, false)
		}
	}
	for _, sp := range all {
		walk(sp, true)
	}
	// By file (the plan's, then the sidecar's), then line.
	rank := map[string]int{}
	for _, sp := range all {
		if _, ok := rank[sp.File]; !ok {
			rank[sp.File] = len(rank)
		}
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if a, b := rank[errs[i].File], rank[errs[j].File]; a != b {
			return a < b
		}
		return errs[i].Line < errs[j].Line
	})
	return errs
}

// planProbes lists the top-level probes of every step of p.
func planProbes(p *Plan) []*spec.Probe {
	var out []*spec.Probe
	for _, st := range p.Steps {
		out = append(out, st.Probes...)
	}
	return out
}
