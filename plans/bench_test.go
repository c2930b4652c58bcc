package plans

import (
	"bytes"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/examples"
)

// BenchmarkParseExample parses the example migration plan (about 350 lines,
// 25 steps, 40 probes): the cost of every reload of a watched plan.
func BenchmarkParseExample(b *testing.B) {
	b.SetBytes(int64(len(examples.MigrationPlan)))
	for b.Loop() {
		if _, err := Parse("plan.md", examples.MigrationPlan, testRoot, LoadOptions{Env: testEnv}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseLarge parses the example repeated 40 times (about 14,000
// lines, with repeated IDs): a long runbook.
func BenchmarkParseLarge(b *testing.B) {
	src := bytes.Repeat(append(append([]byte(nil), examples.MigrationPlan...), '\n'), 40)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("plan.md", src, testRoot, LoadOptions{Env: testEnv}); err != nil {
			b.Fatal(err)
		}
	}
}
