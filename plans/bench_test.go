package plans

import (
	"bytes"
	"fmt"
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
	// A plan captures a name once: each copy captures its own.
	var src []byte
	for i := range 40 {
		copy := bytes.ReplaceAll(examples.MigrationPlan, []byte("chroma_rows"), fmt.Appendf(nil, "chroma_rows_%d", i))
		src = append(append(src, copy...), '\n')
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("plan.md", src, testRoot, LoadOptions{Env: testEnv}); err != nil {
			b.Fatal(err)
		}
	}
}
