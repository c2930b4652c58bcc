package main

import (
	"testing"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// TestPatternsCompile: every package-level pattern linked into gonogo
// compiles. They are compiled on first use (plans/lazyre), so without
// this a typo would first show as a panic in the run that needs it.
func TestPatternsCompile(t *testing.T) {
	for pat, err := range lazyre.CompileAll() {
		t.Errorf("pattern %q: %v", pat, err)
	}
	if made, _ := lazyre.Count(); made < 50 {
		t.Errorf("only %d lazy patterns are linked: the test holds nothing", made)
	}
}
