package spec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// captureMentionRE finds an operand that reads a captured value: such an
// expect is compiled with expr; every other one keeps the plain
// comparison of Match, which costs no expression machinery.
// "capture.rows" (a typo) is taken too, so that expr names the mistake
// instead of the value being compared with that text.
var captureMentionRE = lazyre.New(`\bcaptures?\s*[.\[]`)

// captureEnv is the shape of the environment a capture expression is
// compiled against: the probe's own value and the plan's captured values,
// all numbers. A name missing from the map is not an expr error; the plan
// reader checks the names against the plan's capture: attributes instead,
// which lets it say which probe is missing and suggest a near name.
var captureEnv = map[string]any{"value": float64(0), "captures": map[string]float64{}}

// compileCaptures compiles "value OP (operand)" for an operand that reads
// captures, and lists the names it reads.
func (e *Expect) compileCaptures(src string) error {
	prog, err := expr.Compile("value "+e.Op+" ("+e.Operand+")", expr.Env(captureEnv), expr.AsBool(), expr.DisableAllBuiltins())
	if err != nil {
		return fmt.Errorf("%q does not read as a comparison with captured values (like \"== captures.rows\" or \">= captures.rows * 0.99\"): %s", src, exprError(err))
	}
	names, bad := captureNames(prog.Node())
	if bad {
		return fmt.Errorf("%q reads captures other than as captures.NAME: write each captured value as captures.NAME", src)
	}
	e.Captures, e.program = names, prog
	return nil
}

// exprError keeps the first line of an expr error: the rest is a drawing
// of the source with a caret under the fault, which does not fit a
// one-line message (and quotes "value OP (…)", not what the author wrote).
func exprError(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return exprPosRE.Get().ReplaceAllString(s, "")
}

// exprPosRE is the " (1:20)" an expr error ends with: a column of the
// wrapped source, not of what the author wrote.
var exprPosRE = lazyre.New(`\s*\(\d+:\d+\)$`)

// captureNames lists, in order of first mention, the NAMEs of the
// captures.NAME (or captures["NAME"]) in a compiled expression; bad is
// true when captures is used any other way (captures[x], captures alone).
func captureNames(root ast.Node) (names []string, bad bool) {
	v := &nameVisitor{}
	ast.Walk(&root, v)
	return v.names, v.idents != v.members
}

type nameVisitor struct {
	names           []string
	idents, members int
}

func (v *nameVisitor) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IdentifierNode:
		if x.Value == "captures" {
			v.idents++
		}
	case *ast.MemberNode:
		id, ok := x.Node.(*ast.IdentifierNode)
		if !ok || id.Value != "captures" {
			return
		}
		if s, ok := x.Property.(*ast.StringNode); ok {
			v.members++
			if !slices.Contains(v.names, s.Value) {
				v.names = append(v.names, s.Value)
			}
		}
	}
}

// CheckCaptureName says what is wrong with NAME as a capture: attribute,
// "" when captures.NAME reads it.
func CheckCaptureName(name string) string {
	if !captureNameRE.MatchString(name) {
		return fmt.Sprintf("expected a name of letters, digits and _ that does not start with a digit (it is read as captures.NAME), got %q", name)
	}
	prog, err := expr.Compile("captures."+name, expr.Env(captureEnv), expr.DisableAllBuiltins())
	if err != nil {
		return fmt.Sprintf("%q cannot be read as captures.%s (it is a word of the expression language): choose another name", name, name)
	}
	if names, bad := captureNames(prog.Node()); bad || len(names) != 1 || names[0] != name {
		return fmt.Sprintf("%q cannot be read as captures.%s: choose another name", name, name)
	}
	return ""
}

var captureNameRE = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Number reads a value as a captured number: trimmed, a decimal integer
// or float. ok is false for anything else (text, empty, NaN, ±Inf).
func Number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v != v || v > 1.7e308 || v < -1.7e308 {
		return 0, false
	}
	return v, true
}

// MatchCaptures tests a value against an expect that reads captures
// (len(e.Captures) > 0), with the captured values by name. The value must
// be a number; every name in e.Captures must be in captures (the runner
// answers "could not tell" before it gets here when one was not taken).
func (e *Expect) MatchCaptures(v string, captures map[string]float64) (bool, error) {
	a, ok := Number(v)
	if !ok {
		return false, fmt.Errorf("%s is not a number, and %s compares numbers", strconv.Quote(clip(v)), e.String())
	}
	for _, n := range e.Captures {
		if _, ok := captures[n]; !ok {
			return false, fmt.Errorf("capture %s was not taken", n)
		}
	}
	out, err := expr.Run(e.program, map[string]any{"value": a, "captures": captures})
	if err != nil {
		return false, fmt.Errorf("%s could not be computed: %s", e.String(), exprError(err))
	}
	b, _ := out.(bool)
	return b, nil
}

// Explain is the comparison with the captured values it read, for a
// probe's message: "== captures.rows (1000)", or with the names when the
// operand is more than one capture: ">= captures.rows * 0.99 (rows = 1000)".
func (e *Expect) Explain(captures map[string]float64) string {
	if len(e.Captures) == 0 {
		return e.String()
	}
	if len(e.Captures) == 1 && e.Operand == "captures."+e.Captures[0] {
		return e.String() + " (" + FormatNumber(captures[e.Captures[0]]) + ")"
	}
	parts := make([]string, len(e.Captures))
	for i, n := range e.Captures {
		parts[i] = n + " = " + FormatNumber(captures[n])
	}
	return e.String() + " (" + strings.Join(parts, ", ") + ")"
}

// FormatNumber writes a captured number the shortest way: 1000, 0.5.
func FormatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func clip(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return string(r)
}

// Reads lists the capture names a probe's expect reads, with those of
// its any/all children; nil when it reads none. The runner asks it of
// every probe of every check, so a probe that reads nothing costs no
// allocation.
func (s *Probe) Reads() []string { return s.appendReads(nil) }

func (s *Probe) appendReads(out []string) []string {
	if s == nil {
		return out
	}
	if e := s.Expect(); e != nil {
		for _, n := range e.Captures {
			if !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	for _, c := range s.Children {
		out = c.appendReads(out)
	}
	return out
}

// Expect is the probe's own expect attribute (command, postgres query),
// nil when it has none.
func (s *Probe) Expect() *Expect {
	switch p := s.Params.(type) {
	case *CommandParams:
		return p.Expect
	case *PostgresParams:
		return p.Expect
	}
	return nil
}
