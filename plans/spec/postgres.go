package spec

import (
	"fmt"
	"go/ast"
	"regexp"
	"strconv"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// What a postgres probe checks: exactly one of these (README, "Probe
// blocks": the postgres kind).
const (
	PostgresReady     = "ready"     // the server accepts connections to the database
	PostgresExtension = "extension" // an extension is created (or available) at a version
	PostgresTable     = "table"     // a table exists, with at least MinRows rows
	PostgresIndex     = "index"     // an index exists and is valid
	PostgresQuery     = "query"     // a query's one value meets Expect
)

// PostgresParams: postgres: DSN. The session is read-only and bounded by
// the probe's timeout; what the DSN leaves out comes from the PG*
// variables, ~/.pgpass and service files, as with libpq.
type PostgresParams struct {
	// DSN after $VAR expansion: a postgres:// URL or key=value words; ""
	// means libpq's defaults (PGHOST, PGDATABASE, … or a service file).
	// It may hold a password: never show it (the probe's Target is the
	// text as written, and redaction hides user:password@).
	DSN string
	// Check is one of the Postgres* checks; the other fields are its
	// arguments.
	Check string
	// Ready is what the ready check wants: accepting connections (true,
	// the default) or not (false, e.g. while the old cluster must be down).
	Ready bool
	// Extension is the extension's name; MinVersion ("0.5") bounds its
	// version from below. Available asks only that the server has it
	// installed, so that CREATE EXTENSION would work; otherwise it must be
	// created in the database.
	Extension  string
	MinVersion string
	Available  bool
	// Table is a table (or view) name, schema-qualified or found on the
	// search path; MinRows > 0 also wants that many rows.
	Table   string
	MinRows int64
	// Index is an index name, schema-qualified or on the search path.
	Index string
	// Query is one SQL statement returning one value; Expect tests it (nil:
	// the value must be true).
	Query  string
	Expect *Expect
}

func (*PostgresParams) Kind() Kind { return KindPostgres }

// Key names what the probe checks, by database and check: "credit_advisor
// extension vector". Two probes with one key check the same thing, even
// through different DSNs (an inferred `user=postgres dbname=app` and an
// explicit postgres://advisor@…/app), so the one an author wrote covers
// the one inference reads off a command.
func (p *PostgresParams) Key() string {
	k := p.Database() + " " + p.Check
	switch p.Check {
	case PostgresExtension:
		return k + " " + p.Extension
	case PostgresTable:
		return k + " " + p.Table
	case PostgresIndex:
		return k + " " + p.Index
	case PostgresQuery:
		return k + " " + p.Query
	}
	return k
}

// Database is the database the DSN names, "" when it leaves it to libpq's
// defaults.
func (p *PostgresParams) Database() string {
	if i := strings.Index(p.DSN, "://"); i >= 0 {
		rest := p.DSN[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			db, _, _ := strings.Cut(rest[j+1:], "?")
			return db
		}
		return ""
	}
	for _, w := range strings.Fields(p.DSN) {
		if v, ok := strings.CutPrefix(w, "dbname="); ok {
			return strings.Trim(v, "'")
		}
	}
	return ""
}

// Expect is what one value must be: a comparison ("== 0", ">= 1000",
// "!= f") or, for anything that does not start with an operator, a
// regular expression the value must match.
type Expect struct {
	// Op is ==, !=, >=, <=, > or <; "" for a regular expression.
	Op string
	// Operand is the right-hand side as written (trimmed).
	Operand string
	// Regex is set when Op is "".
	Regex *regexp.Regexp
	// Captures are the names of the captured values the operand reads
	// ("== captures.rows"), in order of first mention; nil for a plain
	// comparison or a regular expression. Such an expect is tested by
	// MatchCaptures, not Match.
	Captures []string
	operand  ast.Expr // the parsed operand, when Captures is set
}

var expectRE = lazyre.New(`^\s*(==|!=|>=|<=|>|<)\s*(.*?)\s*$`)

// ParseExpect reads an expect attribute. A comparison needs an operand;
// an ordering (<, >, <=, >=) needs a number, unless the operand reads
// captured values ("== captures.rows", ">= captures.rows * 0.99"): that
// one is parsed here (see compileCaptures), so bad syntax
// is a load error. Whether each name is captured by some probe is the
// plan reader's check.
func ParseExpect(s string) (*Expect, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("expected a comparison like \">= 1000\" or \"== 0\", or a regular expression, got an empty value")
	}
	if m := expectRE.FindStringSubmatch(s); m != nil {
		e := &Expect{Op: m[1], Operand: m[2]}
		if e.Operand == "" {
			return nil, fmt.Errorf("%q compares with nothing: write a value after %s, like \"%s 0\"", s, e.Op, e.Op)
		}
		if captureMentionRE.MatchString(e.Operand) {
			if err := e.compileCaptures(s); err != nil {
				return nil, err
			}
			return e, nil
		}
		if e.Op != "==" && e.Op != "!=" {
			if _, err := strconv.ParseFloat(e.Operand, 64); err != nil {
				return nil, fmt.Errorf("%q: %s compares numbers, and %q is not one", s, e.Op, e.Operand)
			}
		}
		return e, nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil, fmt.Errorf("%q is neither a comparison (==, !=, >=, <=, >, < and a value) nor a regular expression: %v", s, err)
	}
	return &Expect{Regex: re}, nil
}

// String is the expectation as a person reads it: ">= 1000", "matches ^t$".
func (e *Expect) String() string {
	if e.Op == "" {
		return "matches " + e.Regex.String()
	}
	return e.Op + " " + e.Operand
}

// Match tests a value. Numbers compare as numbers, t/f and true/false as
// booleans, anything else as text for == and !=. An ordering of a value
// that is not a number does not hold. An expect that reads captures does
// not hold here: MatchCaptures tests it.
func (e *Expect) Match(v string) bool {
	if len(e.Captures) > 0 {
		return false
	}
	if e.Op == "" {
		return e.Regex.MatchString(v)
	}
	if a, err := strconv.ParseFloat(v, 64); err == nil {
		if b, err := strconv.ParseFloat(e.Operand, 64); err == nil {
			switch e.Op {
			case "==":
				return a == b
			case "!=":
				return a != b
			case ">=":
				return a >= b
			case "<=":
				return a <= b
			case ">":
				return a > b
			case "<":
				return a < b
			}
		}
	}
	eq := v == e.Operand
	if a, ok := boolValue(v); ok {
		if b, ok := boolValue(e.Operand); ok {
			eq = a == b
		}
	}
	switch e.Op {
	case "==":
		return eq
	case "!=":
		return !eq
	}
	return false
}

// boolValue reads PostgreSQL's text form of a boolean (t, f) and the
// words an author writes (true, false).
func boolValue(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "t", "true":
		return true, true
	case "f", "false":
		return false, true
	}
	return false, false
}
