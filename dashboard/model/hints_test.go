package model

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/probes"
)

// scanHint is stepHint as the plain scan over every finding it indexes:
// errors before warnings, a finding on one of the probe's lines first, and
// for the first blocker only then any finding of the step.
func scanHint(key string, lines map[int]bool, first bool, findings []Finding) string {
	for _, sameLine := range []bool{true, false} {
		if !sameLine && !first {
			break
		}
		for _, sev := range []infer.Severity{infer.SevError, infer.SevWarning} {
			for _, f := range findings {
				if f.Step == key && f.Severity == sev && f.Hint != "" && (!sameLine || lines[f.Line]) {
					return f.Hint
				}
			}
		}
	}
	return ""
}

// TestStepHintAsScan checks the indexed hints against the scan on random
// findings: steps, severities, lines and empty hints drawn from small sets
// so that every precedence rule decides somewhere.
func TestStepHintAsScan(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 14))
	sevs := []infer.Severity{infer.SevError, infer.SevWarning}
	decided := 0
	for round := range 300 {
		var fs []Finding
		for i := range r.IntN(12) {
			hint := ""
			if r.IntN(4) > 0 {
				hint = fmt.Sprintf("hint %d", i)
			}
			fs = append(fs, Finding{Step: fmt.Sprint(r.IntN(3)), Severity: sevs[r.IntN(2)], Line: r.IntN(5), Hint: hint})
		}
		h := newFindingHints(fs)
		key := fmt.Sprint(r.IntN(3))
		pv := &ProbeView{Line: r.IntN(5), Children: []ProbeView{{Line: r.IntN(5)}, {Line: r.IntN(5)}}}
		lines := map[int]bool{}
		for _, l := range []int{pv.Line, pv.Children[0].Line, pv.Children[1].Line} {
			if l > 0 {
				lines[l] = true
			}
		}
		for _, first := range []bool{true, false} {
			got, want := h.stepHint(key, pv, first), scanHint(key, lines, first, fs)
			if got != want {
				t.Fatalf("round %d, step %s, first %v: index gives %q, scan %q (findings %+v)", round, key, first, got, want, fs)
			}
			if want != "" {
				decided++
			}
		}
	}
	if decided < 100 {
		t.Errorf("only %d of the cases found a hint: the random findings no longer exercise the rules", decided)
	}
}

// blockerBytes is the size of the reasons and blockers Evaluate gives for
// one rollback step with n failing requirements, titled by a command of n
// operands (a step made of one long inline command), each with a finding.
func blockerBytes(n int) (int, int) {
	var ps []pr
	for range n {
		ps = append(ps, req(probes.Fail))
	}
	p, rs := build(st{"1", "Rollback", ps})
	p.Steps[0].Title = "Run `cp " + strings.Repeat("src/file.txt ", n) + "/tmp/dst/` now"
	var fs []Finding
	for i := range n {
		fs = append(fs, Finding{Severity: infer.SevError, Step: "1", Line: 100 + i, Message: "needs it", Hint: "make it"})
	}
	snap := Evaluate(p, rs, fs, EvalOptions{})
	size := 0
	for _, b := range snap.Blockers {
		size += len(b.Text) + len(b.Fix)
	}
	for _, r := range snap.Reasons {
		size += len(r)
	}
	return size, len(snap.Blockers)
}

// TestBlockersStayLinear: each blocker quotes its step's title, so a step
// titled by a 1 MB inline command with as many failing requirements as
// operands made Evaluate quadratic (issue 13); the title is clipped where
// it is quoted, and each blocker's hint is looked up, not searched for.
func TestBlockersStayLinear(t *testing.T) {
	s1, n1 := blockerBytes(1000)
	s2, n2 := blockerBytes(2000)
	if n1 != 1000 || n2 != 2000 {
		t.Fatalf("want a blocker per failing requirement, got %d and %d", n1, n2)
	}
	if s2 > 5*s1/2 {
		t.Errorf("doubling the step took its blockers from %d to %d bytes: not linear", s1, s2)
	}
}
