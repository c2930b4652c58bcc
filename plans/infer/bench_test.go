package infer

import (
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// BenchmarkAnalyze reads the shipped example migration plan's commands.
func BenchmarkAnalyze(b *testing.B) {
	p, err := plans.Load("../examples/migrate-chromadb-to-pgvector.md", plans.LoadOptions{})
	if err != nil {
		b.Skip(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		Analyze(p, Options{})
	}
}

// BenchmarkFindings is the data-flow pass the live board runs on every
// refresh.
func BenchmarkFindings(b *testing.B) {
	p, err := plans.Load("../examples/migrate-chromadb-to-pgvector.md", plans.LoadOptions{})
	if err != nil {
		b.Skip(err)
	}
	a := Analyze(p, Options{})
	fails := func(*spec.Probe) bool { return true }
	b.ReportAllocs()
	for b.Loop() {
		a.Findings(fails)
	}
}
