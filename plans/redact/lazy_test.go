package redact

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// eagerRules are the rules' patterns compiled up front, as the package
// did before its patterns were compiled on first use.
func eagerRules(t *testing.T) []*regexp.Regexp {
	t.Helper()
	res := make([]*regexp.Regexp, len(rules))
	for i, r := range rules {
		if r.re != nil {
			res[i] = regexp.MustCompile(r.re.String())
		}
	}
	return res
}

// applyEager is apply with eagerly compiled patterns. With prefilter
// false every rule runs over every string whatever its keywords: the
// keywords are then shown to be a pure shortcut, never a rule's only
// chance to miss a secret.
func applyEager(res []*regexp.Regexp, s string, prefilter bool) string {
	return applyWith(s, !prefilter, func(i int, s string) [][]int {
		return res[i].FindAllStringSubmatchIndex(s, -1)
	})
}

// redactionTexts are the texts the lazy rules are held to: every shipped
// corpus plan whole, by paragraph and by line, the fuzz seeds, and the
// secrets of this package's tests alone and in context.
func redactionTexts(t *testing.T) []string {
	t.Helper()
	var texts []string
	for _, tt := range stringCases {
		texts = append(texts, tt.in, tt.want)
	}
	for _, p := range planted {
		for _, ctx := range []string{"%s", "step 3: %s (then restart)", "line 12: `%s`", "a\n%s\nb"} {
			texts = append(texts, fmt.Sprintf(ctx, fmt.Sprintf(p.text, p.value)))
		}
	}
	var files []string
	for _, glob := range []string{"../testdata/corpus/*", "../examples/*", "../testdata/plans/*", "testdata/fuzz/*/*"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 50 {
		t.Fatalf("found %d corpus files: the test would hold nothing", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue // a folder
		}
		s := string(b)
		texts = append(texts, s)
		texts = append(texts, strings.Split(s, "\n\n")...)
		texts = append(texts, strings.Split(s, "\n")...)
	}
	return texts
}

// TestLazyRulesRedactAsEager: the rules compiled on first use, each run
// only on a string holding one of its keywords, redact every corpus and
// test text exactly as the same rules compiled up front did — and as all
// the rules run over every string without the keyword shortcut.
func TestLazyRulesRedactAsEager(t *testing.T) {
	res := eagerRules(t)
	texts := redactionTexts(t)
	changed := 0
	for _, s := range texts {
		got := apply(s)
		if want := applyEager(res, s, true); got != want {
			t.Errorf("lazy and eager rules differ on %q:\n lazy  %q\n eager %q", s, got, want)
		}
		if want := applyEager(res, s, false); got != want {
			t.Errorf("the keywords skip a rule that redacts %q:\n with    %q\n without %q", s, got, want)
		}
		if got != s {
			changed++
		}
	}
	// The texts must hold secrets for the comparison to mean anything.
	if changed < len(planted) {
		t.Errorf("only %d of %d texts were redacted", changed, len(texts))
	}
	t.Logf("%d texts, %d redacted", len(texts), changed)
}

// TestRulePatternsCompile: every pattern of this package (and of the
// packages it links) compiles; lazily compiled, a typo would otherwise
// first show in the run that needs the rule.
func TestRulePatternsCompile(t *testing.T) {
	for pat, err := range lazyre.CompileAll() {
		t.Errorf("pattern %q: %v", pat, err)
	}
}

// TestRulesHaveSecretGroup: every pattern rule has the second group
// applyOnce masks (a pattern with one group would panic there).
func TestRulesHaveSecretGroup(t *testing.T) {
	for _, r := range rules {
		if r.re != nil && regexp.MustCompile(r.re.String()).NumSubexp() < 2 {
			t.Errorf("rule %s: pattern %q has no second group, the secret", r.name, r.re.String())
		}
	}
}

// TestRulesCompiledOnDemand: a string without any rule's keyword
// compiles no rule, and one with a keyword compiles that rule's pattern.
// Run in a child process, which has compiled nothing yet.
func TestRulesCompiledOnDemand(t *testing.T) {
	if os.Getenv("GONOGO_REDACT_CHILD") == "1" {
		apply("config_chromadb.py is untracked: commit it or back it up")
		for _, r := range rules {
			if r.re != nil && r.re.Compiled() {
				fmt.Printf("compiled %s\n", r.name)
			}
		}
		apply("connect postgres://app:pw@db/rag")
		for _, r := range rules {
			if r.re != nil && r.re.Compiled() {
				fmt.Printf("then %s\n", r.name)
			}
		}
		os.Exit(0)
	}
	out := gonogoChild(t, "TestRulesCompiledOnDemand")
	want := "then URL password\nthen URL token\n"
	if out != want {
		t.Errorf("compiled rules:\n%s\nwant:\n%s", out, want)
	}
}

// gonogoChild runs this test binary again with only the test name, in
// child mode, and returns what it printed.
func gonogoChild(t *testing.T, name string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^"+name+"$")
	cmd.Env = append(os.Environ(), "GONOGO_REDACT_CHILD=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child %s: %v\n%s", name, err, out)
	}
	return string(out)
}
