package plans_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/gonogo-dev/gonogo/plans"
)

// The corpus under testdata/corpus is the yardstick for gonogo's plan
// reader: runbooks in the shapes people write (un-numbered headings,
// bullets with inline commands, Task N.M, rollback sections without
// numbers, inline per-step rollbacks, …), each with a hand-written
// NAME.steps saying which steps an operator sees in it. The expected
// steps say what a person reads, never what the parser does today, so the
// scores below measure the reader against the document. The format and
// matching rules are in testdata/corpus/README.md.
const (
	corpusDir = "testdata/corpus"

	// Thresholds the reader must reach over the whole corpus (issue 10).
	corpusMinRecall         = 0.95
	corpusMinPrecision      = 0.90
	corpusMinRollbackRecall = 1.00

	// corpusMinPlans keeps the corpus from shrinking unnoticed.
	corpusMinPlans = 40

	// corpusReportEnv names a file to write the report to (the baseline in
	// testdata/corpus/BASELINE.txt was made this way); the test never
	// compares against it.
	corpusReportEnv = "GONOGO_CORPUS_REPORT"

	// titlePrefixMin is how long the shorter of two titles must be for a
	// prefix to count as a match: "Stop the service" matches "Stop the
	// service and its timer", "Stop" matches nothing.
	titlePrefixMin = 12
)

// expStep is one line of a NAME.steps file.
type expStep struct {
	Line     int    // line in the .steps file
	ID       string // as the document writes it, "" for "-"
	Rollback bool
	Cmds     bool
	Title    string
}

// foundStep is what the reader made of a step, reduced to what is scored.
type foundStep struct {
	ID, Key, Title string
	Line           int
	Rollback       bool
	Scripts        int
}

var expIDRE = regexp.MustCompile(`^[^\s|]+$`)

// readExpected parses a .steps file: "ID | flags | title" lines, "#"
// comments and blank lines ignored. Flags are rollback, cmds, manual;
// exactly one of cmds and manual.
func readExpected(name string, data string) ([]expStep, error) {
	var out []expStep
	var errs []string
	sc := bufio.NewScanner(strings.NewReader(data))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		parts := strings.SplitN(line, "|", 3)
		if len(parts) != 3 {
			errs = append(errs, fmt.Sprintf("%s:%d: want \"ID | flags | title\", got %q", name, n, line))
			continue
		}
		e := expStep{Line: n, ID: strings.TrimSpace(parts[0]), Title: strings.TrimSpace(parts[2])}
		if !expIDRE.MatchString(e.ID) {
			errs = append(errs, fmt.Sprintf("%s:%d: ID %q: want one word, or - for a step without a written ID", name, n, e.ID))
			continue
		}
		if e.ID == "-" {
			e.ID = ""
		}
		if e.Title == "" {
			errs = append(errs, fmt.Sprintf("%s:%d: empty title", name, n))
			continue
		}
		manual := false
		for _, f := range strings.Fields(parts[1]) {
			switch f {
			case "rollback":
				e.Rollback = true
			case "cmds":
				e.Cmds = true
			case "manual":
				manual = true
			default:
				errs = append(errs, fmt.Sprintf("%s:%d: unknown flag %q (want rollback, cmds, manual)", name, n, f))
			}
		}
		if e.Cmds == manual {
			errs = append(errs, fmt.Sprintf("%s:%d: flags %q: want exactly one of cmds and manual", name, n, strings.TrimSpace(parts[1])))
			continue
		}
		out = append(out, e)
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(errs, "\n"))
	}
	return out, nil
}

// leadingIDRE is an ID at the start of a title ("8a.", "Step 3.2 —",
// "Task 1.1:", "Phase 2, step 4:", "R1.", "RB-2:"), stripped before titles
// are compared so that "8a. Backup" and "Backup" are the same title.
var leadingIDRE = regexp.MustCompile(`^(?:(?:step|task|phase)\s+)?(?:[a-z]{1,3}-?)?[0-9]+(?:\.[0-9]+)*[a-z]?(?:\s*,\s*step\s+[0-9]+[a-z]?)?(?:\s*[.:)]|\s+[-–—])?\s+`)

// normTitle folds a title for comparison: lower case, no Markdown
// emphasis or code marks, no symbols (emoji, ✅), spaces collapsed, a
// leading ID and trailing ":" or "." removed.
func normTitle(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == '*' || r == '`':
			continue
		case unicode.IsSymbol(r) || r == '\ufe0f':
			b.WriteRune(' ')
		case unicode.IsSpace(r):
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	t := strings.Join(strings.Fields(b.String()), " ")
	t = leadingIDRE.ReplaceAllString(t+" ", "")
	t = strings.TrimSpace(t)
	for t != "" && strings.ContainsRune(":.", rune(t[len(t)-1])) {
		t = strings.TrimSpace(t[:len(t)-1])
	}
	return t
}

// titlesMatch: equal after normTitle, or one a prefix of the other and
// the shorter at least titlePrefixMin characters long.
func titlesMatch(a, b string) bool {
	a, b = normTitle(a), normTitle(b)
	if a == "" || b == "" {
		return false
	}
	if a == b {
		return true
	}
	if len([]rune(a)) > len([]rune(b)) {
		a, b = b, a
	}
	return len([]rune(a)) >= titlePrefixMin && strings.HasPrefix(b, a)
}

// stepMatches: a line with a written ID matches a step whose ID or Key
// equals it, or whose Key ends in "/" + it (a phase-qualified "rollback/1"
// for "1", "deploy/10.1/1" for "10.1/1"); a line without one matches by
// title.
func stepMatches(e expStep, f foundStep) bool {
	if e.ID == "" {
		return titlesMatch(e.Title, f.Title)
	}
	id := strings.ToLower(e.ID)
	return strings.ToLower(f.ID) == id || strings.ToLower(f.Key) == id ||
		strings.HasSuffix(strings.ToLower(f.Key), "/"+id)
}

// matchSteps pairs found steps with expected lines, each at most once and
// in document order on both sides, maximising the number of pairs (then
// the pairs that agree on the rollback flag). It returns, for each found
// step, the index of its expected line or -1.
func matchSteps(exp []expStep, found []foundStep) []int {
	m, n := len(found), len(exp)
	// best[i][j]: the best score pairing found[i:] with exp[j:]. A pair
	// is worth 3, plus 1 when it agrees on rollback, so more pairs always
	// win over better-agreeing ones.
	best := make([][]int, m+1)
	for i := range best {
		best[i] = make([]int, n+1)
	}
	pair := func(i, j int) int {
		if !stepMatches(exp[j], found[i]) {
			return -1
		}
		v := 3
		if exp[j].Rollback == found[i].Rollback {
			v++
		}
		return v
	}
	for i := m - 1; i >= 0; i-- {
		for j := n - 1; j >= 0; j-- {
			v := max(best[i+1][j], best[i][j+1])
			if p := pair(i, j); p > 0 {
				v = max(v, p+best[i+1][j+1])
			}
			best[i][j] = v
		}
	}
	out := make([]int, m)
	for i := range out {
		out[i] = -1
	}
	for i, j := 0, 0; i < m && j < n; {
		if p := pair(i, j); p > 0 && best[i][j] == p+best[i+1][j+1] {
			out[i] = j
			i, j = i+1, j+1
		} else if best[i][j] == best[i+1][j] {
			i++
		} else {
			j++
		}
	}
	return out
}

// planScore is the outcome for one plan.
type planScore struct {
	Name                  string
	Err                   error
	Expected, Found       int
	Matched               int // expected lines found
	RollbackExp, Rollback int // expected rollback lines; of them found and marked Rollback
	CmdsChecked, CmdsDiff int // matched pairs; of them where cmds and Scripts disagree
	RollbackWrong         int // found steps marked Rollback matched to a non-rollback line
	Details               []string
}

func scorePlan(name string, exp []expStep, found []foundStep) planScore {
	s := planScore{Name: name, Expected: len(exp), Found: len(found)}
	pairs := matchSteps(exp, found)
	hit := make([]int, len(exp))
	for j := range hit {
		hit[j] = -1
	}
	for i, j := range pairs {
		if j >= 0 {
			hit[j] = i
		}
	}
	for _, e := range exp {
		if e.Rollback {
			s.RollbackExp++
		}
	}
	for j, e := range exp {
		i := hit[j]
		if i < 0 {
			s.Details = append(s.Details, fmt.Sprintf("miss   %s.steps:%d  %s  %s%s", name, e.Line, idOrDash(e.ID), e.Title, flagNote(e)))
			continue
		}
		f := found[i]
		s.Matched++
		if e.Rollback && f.Rollback {
			s.Rollback++
		}
		if e.Rollback && !f.Rollback {
			s.Details = append(s.Details, fmt.Sprintf("unrb   %s.md:%d  %s  %s  (a rollback step, not marked Rollback)", name, f.Line, keyOf(f), f.Title))
		}
		if !e.Rollback && f.Rollback {
			s.RollbackWrong++
			s.Details = append(s.Details, fmt.Sprintf("rb     %s.md:%d  %s  %s  (marked Rollback, but not a rollback step)", name, f.Line, keyOf(f), f.Title))
		}
		s.CmdsChecked++
		if e.Cmds != (f.Scripts > 0) {
			s.CmdsDiff++
			want := "commands"
			if !e.Cmds {
				want = "no commands"
			}
			s.Details = append(s.Details, fmt.Sprintf("cmds   %s.md:%d  %s  %s  (want %s, found %d scripts)", name, f.Line, keyOf(f), f.Title, want, f.Scripts))
		}
	}
	for i, j := range pairs {
		if j < 0 {
			f := found[i]
			s.Details = append(s.Details, fmt.Sprintf("extra  %s.md:%d  %s  %s", name, f.Line, keyOf(f), f.Title))
		}
	}
	return s
}

func idOrDash(id string) string {
	if id == "" {
		return "-"
	}
	return id
}

func flagNote(e expStep) string {
	var fl []string
	if e.Rollback {
		fl = append(fl, "rollback")
	}
	if e.Cmds {
		fl = append(fl, "cmds")
	}
	if len(fl) == 0 {
		return ""
	}
	return "  [" + strings.Join(fl, " ") + "]"
}

func keyOf(f foundStep) string {
	if f.Key != "" && f.Key != f.ID {
		return f.ID + " (" + f.Key + ")"
	}
	return f.ID
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// corpusFiles lists the corpus plans and checks that every plan has its
// expected-steps file and every expected-steps file its plan.
func corpusFiles(t *testing.T) []string {
	t.Helper()
	mds, err := filepath.Glob(filepath.Join(corpusDir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var plansMD []string
	for _, f := range mds {
		if filepath.Base(f) != "README.md" {
			plansMD = append(plansMD, f)
		}
	}
	sort.Strings(plansMD)
	for _, f := range plansMD {
		if _, err := os.Stat(strings.TrimSuffix(f, ".md") + ".steps"); err != nil {
			t.Errorf("%s has no expected-steps file: %v", f, err)
		}
	}
	steps, _ := filepath.Glob(filepath.Join(corpusDir, "*.steps"))
	for _, f := range steps {
		if _, err := os.Stat(strings.TrimSuffix(f, ".steps") + ".md"); err != nil {
			t.Errorf("%s has no plan: %v", f, err)
		}
	}
	if len(plansMD) < corpusMinPlans {
		t.Fatalf("the corpus has %d plans, want at least %d", len(plansMD), corpusMinPlans)
	}
	return plansMD
}

func loadExpected(t *testing.T, planPath string) []expStep {
	t.Helper()
	path := strings.TrimSuffix(planPath, ".md") + ".steps"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	exp, err := readExpected(filepath.Base(path), string(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(exp) == 0 {
		t.Fatalf("%s lists no steps", path)
	}
	return exp
}

// TestCorpus scores plans.Load on every corpus plan against its expected
// steps: step recall, step precision and rollback recall over the whole
// corpus, whether a step's commands were read (cmds agreement), and every
// miss and extra. Below the thresholds, or with a plan that fails to load
// (gonogo would exit 2), it fails.
func TestCorpus(t *testing.T) {
	files := corpusFiles(t)
	var scores []planScore
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".md")
		exp := loadExpected(t, f)
		var found []foundStep
		p, err := plans.Load(f, plans.LoadOptions{})
		if err == nil {
			for _, st := range p.Steps {
				found = append(found, foundStep{ID: st.ID, Key: st.Key, Title: st.Title, Line: st.Line,
					Rollback: st.Rollback, Scripts: len(st.Scripts)})
			}
		}
		s := scorePlan(name, exp, found)
		s.Err = err
		scores = append(scores, s)
	}

	var tot planScore
	var b strings.Builder
	// rollback: expected rollback steps found and marked Rollback / expected
	// rollback steps; cmds≠: matched steps that disagree on owning commands.
	fmt.Fprintf(&b, "%-34s %5s %5s %7s %9s %8s %7s  %s\n", "plan", "exp", "found", "recall", "precision", "rollback", "cmds≠", "error")
	var errored []string
	for _, s := range scores {
		errText := ""
		if s.Err != nil {
			errText = strings.SplitN(s.Err.Error(), "\n", 2)[0]
			errored = append(errored, s.Name)
		}
		rb := "-"
		if s.RollbackExp > 0 {
			rb = fmt.Sprintf("%d/%d", s.Rollback, s.RollbackExp)
		}
		prec := "-"
		if s.Found > 0 {
			prec = fmt.Sprintf("%.2f", ratio(s.Matched, s.Found))
		}
		fmt.Fprintf(&b, "%-34s %5d %5d %7.2f %9s %8s %7d  %s\n", s.Name, s.Expected, s.Found,
			ratio(s.Matched, s.Expected), prec, rb, s.CmdsDiff, errText)
		tot.Expected += s.Expected
		tot.Found += s.Found
		tot.Matched += s.Matched
		tot.RollbackExp += s.RollbackExp
		tot.Rollback += s.Rollback
		tot.CmdsChecked += s.CmdsChecked
		tot.CmdsDiff += s.CmdsDiff
		tot.RollbackWrong += s.RollbackWrong
	}
	recall := ratio(tot.Matched, tot.Expected)
	precision := ratio(tot.Matched, tot.Found)
	rbRecall := ratio(tot.Rollback, tot.RollbackExp)
	fmt.Fprintf(&b, "\nplans %d, plans that fail to load %d\n", len(scores), len(errored))
	fmt.Fprintf(&b, "step recall      %.3f  (%d of %d expected steps found; want >= %.2f)\n", recall, tot.Matched, tot.Expected, corpusMinRecall)
	fmt.Fprintf(&b, "step precision   %.3f  (%d of %d found steps expected; want >= %.2f)\n", precision, tot.Matched, tot.Found, corpusMinPrecision)
	fmt.Fprintf(&b, "rollback recall  %.3f  (%d of %d rollback steps found and marked Rollback; want >= %.2f)\n", rbRecall, tot.Rollback, tot.RollbackExp, corpusMinRollbackRecall)
	fmt.Fprintf(&b, "cmds agreement   %.3f  (%d of %d matched steps disagree on owning commands)\n", 1-ratio(tot.CmdsDiff, max(tot.CmdsChecked, 1)), tot.CmdsDiff, tot.CmdsChecked)
	fmt.Fprintf(&b, "rollback marked on non-rollback steps: %d\n", tot.RollbackWrong)
	b.WriteString("\nmisses, extras and disagreements (miss: expected, not found; extra: found, not expected;\n" +
		"unrb: a rollback step not marked Rollback; rb: marked Rollback, not a rollback step;\n" +
		"cmds: owning commands or not, against the step's Scripts):\n")
	for _, s := range scores {
		if s.Err != nil {
			fmt.Fprintf(&b, "error  %s.md: %v\n", s.Name, s.Err)
		}
		for _, d := range s.Details {
			b.WriteString(d + "\n")
		}
	}
	report := b.String()
	t.Log("\n" + report)
	if path := os.Getenv(corpusReportEnv); path != "" {
		if err := os.WriteFile(path, []byte(report), 0o644); err != nil {
			t.Errorf("writing the report: %v", err)
		}
	}

	if len(errored) > 0 {
		t.Errorf("%d plans fail to load (gonogo would exit 2): %s", len(errored), strings.Join(errored, ", "))
	}
	if recall < corpusMinRecall {
		t.Errorf("step recall %.3f, want >= %.2f", recall, corpusMinRecall)
	}
	if precision < corpusMinPrecision {
		t.Errorf("step precision %.3f, want >= %.2f", precision, corpusMinPrecision)
	}
	if rbRecall < corpusMinRollbackRecall {
		t.Errorf("rollback recall %.3f, want >= %.2f", rbRecall, corpusMinRollbackRecall)
	}
}

// TestCorpusShapes keeps the corpus as varied as issue 10 asks, counted
// from the expected-steps files: rollback steps without written IDs,
// inline per-step rollbacks, steps without IDs, numbered sub-steps, plans
// with rollback steps at all.
func TestCorpusShapes(t *testing.T) {
	files := corpusFiles(t)
	var noIDRollback, inlineRollback, noIDSteps, subSteps, withRollback int
	subRE := regexp.MustCompile(`/[0-9]+[a-z]?$`)
	for _, f := range files {
		exp := loadExpected(t, f)
		var a, b, c, d, e bool
		for _, s := range exp {
			a = a || (s.ID == "" && s.Rollback)
			b = b || strings.HasSuffix(strings.ToLower(s.ID), "/rollback")
			c = c || (s.ID == "" && !s.Rollback && s.Cmds)
			d = d || subRE.MatchString(s.ID)
			e = e || s.Rollback
		}
		noIDRollback += b2i(a)
		inlineRollback += b2i(b)
		noIDSteps += b2i(c)
		subSteps += b2i(d)
		withRollback += b2i(e)
	}
	for _, c := range []struct {
		what     string
		got, min int
	}{
		{"plans with rollback steps that carry no written ID", noIDRollback, 8},
		{"plans with inline per-step rollbacks (ID/rollback)", inlineRollback, 5},
		{"plans with steps without written IDs that own commands", noIDSteps, 5},
		{"plans with numbered sub-steps (ID/N)", subSteps, 3},
		{"plans with rollback steps", withRollback, 16},
	} {
		if c.got < c.min {
			t.Errorf("%s: %d, want at least %d", c.what, c.got, c.min)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestCorpusMatching checks the scoring itself on small hand-made cases,
// so a figure printed by TestCorpus means what the README says.
func TestCorpusMatching(t *testing.T) {
	exp := func(id, title string, rollback, cmds bool) expStep {
		return expStep{ID: id, Title: title, Rollback: rollback, Cmds: cmds}
	}
	found := func(id, key, title string, rollback bool, scripts int) foundStep {
		if key == "" {
			key = id
		}
		return foundStep{ID: id, Key: key, Title: title, Rollback: rollback, Scripts: scripts}
	}
	cases := []struct {
		name                                string
		exp                                 []expStep
		found                               []foundStep
		matched, rollback, cmdsDiff, extras int
	}{
		{"IDs case-insensitively",
			[]expStep{exp("8a", "Backup", false, true), exp("R1", "Restore", true, true)},
			[]foundStep{found("8A", "", "whatever", false, 1), found("r1", "", "Restore", true, 1)},
			2, 1, 0, 0},
		{"phase-qualified key matches the plain ID",
			[]expStep{exp("1", "Stop", false, true), exp("1", "Start old", true, true)},
			[]foundStep{found("1", "procedure/1", "Stop", false, 1), found("1", "rollback/1", "Start old", true, 1)},
			2, 1, 0, 0},
		{"sub-step by key, not by its last part alone",
			[]expStep{exp("10.1", "Deploy", false, true), exp("10.1/1", "Pull", false, true), exp("3.2/rollback", "Rollback of 3.2", true, true)},
			[]foundStep{found("10.1", "", "Deploy", false, 1), found("1", "10.1/1", "Pull", false, 1), found("rollback", "3.2/rollback", "Rollback", true, 1)},
			3, 1, 0, 0},
		{"a top-level 1 is not the sub-step 10.1/1",
			[]expStep{exp("10.1", "Deploy", false, true), exp("10.1/1", "Pull", false, true)},
			[]foundStep{found("10.1", "", "Deploy", false, 1), found("1", "", "Pull", false, 1)},
			1, 0, 0, 1},
		{"titles: ID, marks, emoji, case and trailing colon folded",
			[]expStep{exp("", "Stop the service", false, true), exp("", "Run the migrations", false, true)},
			[]foundStep{found("stop-the-service", "", "✅ **Stop** the  service:", false, 1), found("x", "", "Step 4: run the `migrations`.", false, 1)},
			2, 0, 0, 0},
		{"title prefix of 12 characters or more",
			[]expStep{exp("", "Pause config management", false, true), exp("", "Stop", false, false)},
			[]foundStep{found("a", "", "Pause config management. Command: sudo agent-disable", false, 1), found("b", "", "Stop the timer", false, 0)},
			1, 0, 0, 1},
		{"order: each found step once, crossing pairs not allowed",
			[]expStep{exp("1", "A", false, true), exp("2", "B", false, true)},
			[]foundStep{found("2", "", "B", false, 1), found("1", "", "A", false, 1)},
			1, 0, 0, 1},
		{"repeated IDs pair in order, preferring agreeing rollback flags",
			[]expStep{exp("1", "Stop", false, true), exp("1", "Restore", true, true)},
			[]foundStep{found("1", "rollback/1", "Restore", true, 1)},
			1, 1, 0, 0},
		{"rollback recall needs the flag; cmds compares with Scripts",
			[]expStep{exp("R1", "Restore", true, true), exp("5", "Announce", false, false)},
			[]foundStep{found("R1", "", "Restore", false, 0), found("5", "", "Announce", false, 2)},
			2, 0, 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := scorePlan("case", c.exp, c.found)
			extras := 0
			for _, d := range s.Details {
				if strings.HasPrefix(d, "extra") {
					extras++
				}
			}
			if s.Matched != c.matched || s.Rollback != c.rollback || s.CmdsDiff != c.cmdsDiff || extras != c.extras {
				t.Errorf("matched %d rollback %d cmds≠ %d extras %d, want %d %d %d %d\n%s",
					s.Matched, s.Rollback, s.CmdsDiff, extras, c.matched, c.rollback, c.cmdsDiff, c.extras, strings.Join(s.Details, "\n"))
			}
		})
	}
}

// TestCorpusExpectedFormat checks that malformed .steps lines are errors
// naming the line, not silently dropped lines that would skew the scores.
func TestCorpusExpectedFormat(t *testing.T) {
	good := "# comment\n\n8a | cmds | Backup untracked files\n- | rollback cmds | Restore the database\n3.2/rollback | rollback manual | Rollback of 3.2\n"
	exp, err := readExpected("x.steps", good)
	if err != nil || len(exp) != 3 || exp[0].ID != "8a" || exp[1].ID != "" || !exp[1].Rollback || exp[2].Cmds || exp[2].Line != 5 {
		t.Fatalf("good file: %v %+v", err, exp)
	}
	for _, bad := range []string{
		"8a | cmds\n",
		"8a | cmds manual | Both\n",
		"8a | rollback | Neither\n",
		"8a | cmd | Typo\n",
		"Task 1.1 | cmds | Two words\n",
		"8a | cmds |   \n",
	} {
		if _, err := readExpected("x.steps", bad); err == nil || !strings.Contains(err.Error(), "x.steps:1") {
			t.Errorf("%q: want an error naming x.steps:1, got %v", bad, err)
		}
	}
}
