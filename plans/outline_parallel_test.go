package plans

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// TestHeadingTextsParallelSameOutline: reading the headings' texts on two
// goroutines gives the plan reading them on one gives, on every corpus
// plan, all of them in one document and a generated plan of 2,000 steps.
// Run with -race it also checks the two halves share nothing.
func TestHeadingTextsParallelSameOutline(t *testing.T) {
	files, err := filepath.Glob("testdata/corpus/*.md")
	if err != nil || len(files) < 10 {
		t.Fatalf("corpus: %v, %d files", err, len(files))
	}
	docs := map[string][]byte{"scaled-2000.md": []byte(gonogotest.ScaledPlan(2000))}
	var all strings.Builder
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(f)] = src
		all.Write(src)
		all.WriteString("\n\n")
	}
	docs["whole-corpus.md"] = []byte(all.String())
	parse := func(name string, src []byte, threshold int) *Plan {
		old := parallelHeadings
		parallelHeadings = threshold
		defer func() { parallelHeadings = old }()
		p, err := Parse(name, src, testRoot, LoadOptions{Env: testEnv})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return p
	}
	for name, src := range docs {
		one, two := parse(name, src, 1<<30), parse(name, src, 1)
		if len(one.Steps) == 0 {
			t.Errorf("%s: no steps: the comparison is empty", name)
		}
		if !reflect.DeepEqual(one, two) {
			t.Errorf("%s: the plan read with two goroutines differs from the plan read with one", name)
		}
	}
}
