package model

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"

	"github.com/gonogo-dev/gonogo/probes"
)

// BenchmarkEvaluate times the pure evaluation of a 50-step plan with five
// probes a step: what the board pays on every partial snapshot.
func BenchmarkEvaluate(b *testing.B) {
	var steps []st
	for i := range 50 {
		phase := "Procedure"
		if i >= 45 {
			phase = "Rollback"
		}
		steps = append(steps, st{fmt.Sprint(i + 1), phase, []pr{req(probes.OK), req(probes.Warn), req(probes.Fail), done(probes.OK), done(probes.Fail)}})
	}
	p, rs := build(steps...)
	b.ResetTimer()
	for b.Loop() {
		Evaluate(p, rs, nil, EvalOptions{CheckedAt: time.Now()})
	}
}

// BenchmarkCheck times Session.Check on a 50-step plan of git, file and
// host probes in a real repository: forced (every probe runs) and due
// (nothing is due: the board's steady state between intervals).
func BenchmarkCheck(b *testing.B) {
	var plan strings.Builder
	plan.WriteString("# P\n\n## Procedure\n\n")
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&plan, "### %d. Step\n\n```gonogo\nrequires:\n  - git: README.md\n    state: committed\n  - file: README.md\n  - host: memory\n    min_available: 1MB\n```\n\n", i)
	}
	dir := gitRepo(b, map[string]string{"README.md": "x\n", "plan.md": plan.String()}, nil)
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoInfer: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.Run("force", func(b *testing.B) {
		for b.Loop() {
			sess.Check(ctx, CheckOptions{Force: true})
		}
	})
	b.Run("nothing-due", func(b *testing.B) {
		for b.Loop() {
			sess.Check(ctx, CheckOptions{DefaultInterval: time.Hour})
		}
	})
}

// BenchmarkBoardTick times what the live board does each interval on the
// harness's 1,000-step plan (gonogotest.ScaledPlan) under --no-exec:
// every probe due, partial snapshots only once the check is 400 ms old
// (as the board asks), and the final one — which, the answers being the
// same as the last check's, reuses the last evaluation (reuse.go), as an
// idle board's ticks do. Issue 14 wants the idle board at most 0.5 % of a
// core at a 5 s interval, 25 ms of CPU per tick.
func BenchmarkBoardTick(b *testing.B) {
	dir := gitRepo(b, map[string]string{"app.py": "print('app')\n", "plan.md": gonogotest.ScaledPlan(1000)},
		map[string]string{"config_chromadb.py": "HOST = 1\n"})
	sess, err := NewSession(Options{Plan: filepath.Join(dir, "plan.md"), NoExec: true})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	o := CheckOptions{DefaultInterval: time.Nanosecond, PartialAfter: 400 * time.Millisecond, OnPartial: func(*Snapshot) {}}
	sess.Check(ctx, o)
	b.ReportAllocs()
	for b.Loop() {
		sess.Check(ctx, o)
	}
}
