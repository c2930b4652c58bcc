package plans_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/infer"
)

// BenchmarkCorpus reads every runbook of the corpus as gonogo does on
// each load of a plan: parse, then infer probes and run the data-flow
// pass (without running the probes). One sub-benchmark per plan, so ns/op
// and allocs/op are per plan; parse-ns/op and infer-ns/op split the time
// between the two:
//
//	go test -run '^$' -bench Corpus -benchmem ./plans/...
func BenchmarkCorpus(b *testing.B) {
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.md"))
	if err != nil {
		b.Fatal(err)
	}
	env := func(k string) string {
		if k == "HOME" {
			return "/home/op"
		}
		return ""
	}
	root := b.TempDir()
	for _, f := range files {
		if filepath.Base(f) == "README.md" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(strings.TrimSuffix(filepath.Base(f), ".md"), func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			var parse, inf time.Duration
			n := 0
			for b.Loop() {
				t0 := time.Now()
				p, err := plans.Parse(f, src, root, plans.LoadOptions{Env: env})
				if err != nil {
					b.Fatal(err)
				}
				t1 := time.Now()
				a := infer.Analyze(p, infer.Options{Env: env})
				a.Findings(nil)
				parse += t1.Sub(t0)
				inf += time.Since(t1)
				n++
			}
			b.ReportMetric(float64(parse.Nanoseconds())/float64(n), "parse-ns/op")
			b.ReportMetric(float64(inf.Nanoseconds())/float64(n), "infer-ns/op")
		})
	}
}
