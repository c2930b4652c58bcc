package spec

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// captureMentionRE finds an operand that reads a captured value: such an
// expect is compiled as an expression; every other one keeps the plain
// comparison of Match. "capture.rows" (a typo) is taken too, so that the
// error names the mistake instead of the value being compared with that
// text.
var captureMentionRE = lazyre.New(`\bcaptures?\s*[.\[]`)

// An operand that reads captures is an arithmetic expression in Go's own
// syntax, read by the standard library's go/parser (already linked for
// the shell parser's needs): numbers, captures.NAME (or captures["NAME"]),
// + - * / %, unary minus and parentheses. expr-lang/expr was tried first,
// as issue 12 suggests; it made the binary 4.3 MB (28 %) larger and every
// run 2.6 MiB bigger in memory — its reflection keeps every exported
// method of the program linked — for arithmetic on a few numbers.

// compileCaptures parses the operand of an expect that reads captures and
// lists the names it reads; src is the expect as written, for errors.
func (e *Expect) compileCaptures(src string) error {
	x, err := parser.ParseExpr(e.Operand)
	if err != nil {
		return fmt.Errorf("%q does not read as a comparison with captured values (like \"== captures.rows\" or \">= captures.rows * 0.99\"): %s", src, parseError(err))
	}
	var names []string
	if err := checkOperand(x, &names); err != nil {
		return fmt.Errorf("%q does not read as a comparison with captured values (like \"== captures.rows\" or \">= captures.rows * 0.99\"): %v", src, err)
	}
	e.Captures, e.operand = names, x
	return nil
}

// parseError is go/parser's message without its position: the column is
// of the operand, not of the line the author wrote.
func parseError(err error) string {
	var list interface{ Unwrap() []error }
	if errors.As(err, &list) {
		if errs := list.Unwrap(); len(errs) > 0 {
			err = errs[0]
		}
	}
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 && strings.Count(s[:i], ":") == 1 {
		s = s[i+2:] // "1:16: expected operand" → "expected operand"
	}
	return s
}

// checkOperand holds an operand to what it may be, adding the capture
// names it reads to names.
func checkOperand(x ast.Expr, names *[]string) error {
	switch x := x.(type) {
	case *ast.BasicLit:
		if x.Kind != token.INT && x.Kind != token.FLOAT {
			return fmt.Errorf("%s is not a number: an operand is numbers, captures.NAME, + - * / %% and parentheses", x.Value)
		}
		if _, err := strconv.ParseFloat(strings.ReplaceAll(x.Value, "_", ""), 64); err != nil {
			return fmt.Errorf("%s is not a number this can compute with", x.Value)
		}
		return nil
	case *ast.ParenExpr:
		return checkOperand(x.X, names)
	case *ast.UnaryExpr:
		if x.Op != token.SUB && x.Op != token.ADD {
			return fmt.Errorf("%s is not an operation on numbers: use + - * / %%", x.Op)
		}
		return checkOperand(x.X, names)
	case *ast.BinaryExpr:
		switch x.Op {
		case token.ADD, token.SUB, token.MUL, token.QUO, token.REM:
		case token.EQL, token.NEQ, token.LSS, token.LEQ, token.GTR, token.GEQ:
			return fmt.Errorf("a second comparison (%s) in the operand: an expect is one comparison, its operator first", x.Op)
		default:
			return fmt.Errorf("%s is not an operation on numbers: use + - * / %%", x.Op)
		}
		if err := checkOperand(x.X, names); err != nil {
			return err
		}
		return checkOperand(x.Y, names)
	case *ast.SelectorExpr, *ast.IndexExpr:
		name, err := captureName(x)
		if err != nil {
			return err
		}
		if !slices.Contains(*names, name) {
			*names = append(*names, name)
		}
		return nil
	case *ast.Ident:
		if x.Name == "captures" {
			return errors.New("reads captures other than as captures.NAME: write each captured value as captures.NAME")
		}
		return fmt.Errorf("unknown name %s: write a captured value as captures.NAME", x.Name)
	}
	return errors.New("an operand is numbers, captures.NAME, + - * / % and parentheses")
}

// captureName is NAME of captures.NAME or captures["NAME"].
func captureName(x ast.Expr) (string, error) {
	switch x := x.(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok {
			if id.Name != "captures" {
				return "", fmt.Errorf("unknown name %s: write a captured value as captures.NAME", id.Name)
			}
			return x.Sel.Name, nil
		}
	case *ast.IndexExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "captures" {
			if lit, ok := x.Index.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if name, err := strconv.Unquote(lit.Value); err == nil {
					return name, nil
				}
			}
		}
	}
	return "", errors.New("reads captures other than as captures.NAME: write each captured value as captures.NAME")
}

// ErrNotComputable is a comparison whose operand cannot be computed from
// the captured values (a division by zero): the probe could not tell, it
// did not fail.
var ErrNotComputable = errors.New("cannot be computed")

// eval computes a checked operand with the captured values.
func eval(x ast.Expr, captures map[string]float64) (float64, error) {
	switch x := x.(type) {
	case *ast.BasicLit:
		return strconv.ParseFloat(strings.ReplaceAll(x.Value, "_", ""), 64)
	case *ast.ParenExpr:
		return eval(x.X, captures)
	case *ast.UnaryExpr:
		v, err := eval(x.X, captures)
		if x.Op == token.SUB {
			v = -v
		}
		return v, err
	case *ast.BinaryExpr:
		a, err := eval(x.X, captures)
		if err != nil {
			return 0, err
		}
		b, err := eval(x.Y, captures)
		if err != nil {
			return 0, err
		}
		switch x.Op {
		case token.ADD:
			return a + b, nil
		case token.SUB:
			return a - b, nil
		case token.MUL:
			return a * b, nil
		case token.QUO:
			if b == 0 {
				return 0, fmt.Errorf("%w: division by zero", ErrNotComputable)
			}
			return a / b, nil
		case token.REM:
			if b == 0 {
				return 0, fmt.Errorf("%w: division by zero", ErrNotComputable)
			}
			return math.Mod(a, b), nil
		}
	case *ast.SelectorExpr, *ast.IndexExpr:
		name, err := captureName(x)
		if err != nil {
			return 0, err
		}
		v, ok := captures[name]
		if !ok {
			return 0, fmt.Errorf("%w: capture %s was not taken", ErrNotComputable, name)
		}
		return v, nil
	}
	return 0, errors.New("an operand that was not checked") // compileCaptures refuses it first
}

// CheckCaptureName says what is wrong with NAME as a capture: attribute,
// "" when captures.NAME reads it.
func CheckCaptureName(name string) string {
	if !captureNameRE.MatchString(name) {
		return fmt.Sprintf("expected a name of letters, digits and _ that does not start with a digit (it is read as captures.NAME), got %q", name)
	}
	x, err := parser.ParseExpr("captures." + name)
	if err != nil {
		return fmt.Sprintf("%q cannot be read as captures.%s (it is a word of the expression language): choose another name", name, name)
	}
	if got, err := captureName(x); err != nil || got != name {
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
		return false, fmt.Errorf("%s is not a number, and %s compares numbers", strconv.Quote(textfmt.Clip(strings.TrimSpace(v), 41)), e.String())
	}
	for _, n := range e.Captures {
		if _, ok := captures[n]; !ok {
			return false, fmt.Errorf("%w: capture %s was not taken", ErrNotComputable, n)
		}
	}
	b, err := eval(e.operand, captures)
	if err != nil {
		return false, fmt.Errorf("%s: %w", e.Explain(captures), err)
	}
	switch e.Op {
	case "==":
		return a == b, nil
	case "!=":
		return a != b, nil
	case ">=":
		return a >= b, nil
	case "<=":
		return a <= b, nil
	case ">":
		return a > b, nil
	case "<":
		return a < b, nil
	}
	return false, fmt.Errorf("%s is not a comparison", e.Op)
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
