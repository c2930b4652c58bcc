package infer

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// BenchmarkScaled times the plan reader, inference and the findings pass on
// the harness's generated plans (gonogotest.ScaledPlan) of 100, 1,000 and
// 10,000 steps, the work `gonogo --once --no-exec` and `lint` do before and
// after the probes run. ns/step should stay flat as the plan grows (issue
// 14: linear in plan size).
func BenchmarkScaled(b *testing.B) {
	root := b.TempDir()
	for _, n := range []int{100, 1000, 10000} {
		src := []byte(gonogotest.ScaledPlan(n))
		path := filepath.Join(root, fmt.Sprintf("plan-%d.md", n))
		parse := func(b *testing.B) *plans.Plan {
			p, err := plans.Parse(path, src, root, plans.LoadOptions{Env: noEnv})
			if err != nil {
				b.Fatal(err)
			}
			return p
		}
		perStep := func(b *testing.B) {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/step")
		}
		b.Run(fmt.Sprintf("parse/%d", n), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			for b.Loop() {
				parse(b)
			}
			perStep(b)
		})
		b.Run(fmt.Sprintf("analyze/%d", n), func(b *testing.B) {
			p := parse(b)
			b.ReportAllocs()
			for b.Loop() {
				Analyze(p, Options{Env: noEnv})
			}
			perStep(b)
		})
		b.Run(fmt.Sprintf("findings/%d", n), func(b *testing.B) {
			a := Analyze(parse(b), Options{Env: noEnv})
			// The rollback steps' needs fail: the findings pass then looks
			// for a maker of each, the expensive case.
			fails := func(*spec.Probe) bool { return true }
			b.ReportAllocs()
			for b.Loop() {
				a.findings(fails) // the pass itself, as --once and lint run it
			}
			perStep(b)
		})
		b.Run(fmt.Sprintf("findings-kept/%d", n), func(b *testing.B) {
			a := Analyze(parse(b), Options{Env: noEnv})
			fails := func(*spec.Probe) bool { return true }
			a.Findings(fails)
			b.ReportAllocs()
			for b.Loop() {
				a.Findings(fails) // the same answers again: a board tick
			}
			perStep(b)
		})
	}
}

// noEnv is an empty environment: benchmarks do not depend on the
// machine's $HOME or $PATH beyond program lookups.
func noEnv(string) string { return "" }
