package plans

import (
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// versionRE is an extension version as min_version takes it: numbers
// with dots ("0.5", "1.6.2").
var versionRE = lazyre.New(`^[0-9]+(\.[0-9]+)*$`)

// loneVarRE is a target that is one variable: $DATABASE_URL, ${PGURL}.
var loneVarRE = lazyre.New(`^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$`)

// envOr is env, or os.Getenv when nil (as ExpandEnv reads it).
func envOr(env func(string) string) func(string) string {
	if env == nil {
		return os.Getenv
	}
	return env
}

// postgresChecks are the attributes that say what a postgres probe checks;
// a probe names at most one (none: ready).
var postgresChecks = []string{spec.PostgresReady, spec.PostgresExtension, spec.PostgresTable, spec.PostgresIndex, spec.PostgresQuery}

// postgresArgs are the attributes that qualify one check, and the check.
var postgresArgs = map[string]string{
	"min_version": spec.PostgresExtension,
	"available":   spec.PostgresExtension,
	"min_rows":    spec.PostgresTable,
	"expect":      spec.PostgresQuery,
	"capture":     spec.PostgresQuery,
}

func init() {
	registerKind(spec.KindPostgres, kindDef{
		attrs: []string{"ready", "extension", "min_version", "available", "table", "min_rows", "index", "query", "expect", "capture"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			// The DSN is expanded for the connection, but Target keeps the
			// text as written: $DATABASE_URL must not put a password in
			// the output.
			// A lone variable that is not set means libpq's defaults (the
			// PG* variables, a service file), as an empty conninfo does.
			dsn := strings.TrimSpace(ExpandEnv(pn.target, d.env))
			if m := loneVarRE.FindStringSubmatch(pn.target); m != nil && envOr(d.env)(m[1]) == "" {
				dsn = ""
			} else if !strings.Contains(pn.target, "$") {
				if msg := checkDSN(dsn); msg != "" {
					d.errorf(pn.targetNode, "postgres", "%s", msg)
					return nil
				}
			}
			p := &spec.PostgresParams{DSN: dsn, Check: spec.PostgresReady, Ready: true}
			var checks []string
			for _, k := range pn.keys {
				if contains(postgresChecks, k) {
					checks = append(checks, k)
				}
			}
			if len(checks) > 1 {
				d.errorf(pn.attr(checks[1]), checks[1], "a postgres probe checks one thing, this one has %s: split it into one probe each", strings.Join(checks, " and "))
				return nil
			}
			if len(checks) == 1 {
				p.Check = checks[0]
			}
			for _, k := range pn.keys {
				if want, ok := postgresArgs[k]; ok && want != p.Check {
					d.errorf(pn.attr(k), k, "goes with %s: (this probe checks %s)", want, p.Check)
				}
			}
			switch p.Check {
			case spec.PostgresReady:
				if n := pn.attr("ready"); n != nil {
					p.Ready, _ = d.boolean(n, "ready")
				}
			case spec.PostgresExtension:
				p.Extension, _ = d.text(pn.attr("extension"), "extension", "an extension name like vector")
				if n := pn.attr("min_version"); n != nil {
					if v, ok := d.text(n, "min_version", "a version like 0.5"); ok {
						if !versionRE.MatchString(v) {
							d.errorf(n, "min_version", "expected a version like 0.5 or 1.6.2, got %q", v)
						}
						p.MinVersion = v
					}
				}
				if n := pn.attr("available"); n != nil {
					p.Available, _ = d.boolean(n, "available")
				}
			case spec.PostgresTable:
				p.Table, _ = d.text(pn.attr("table"), "table", "a table name like reddit_posts")
				if n := pn.attr("min_rows"); n != nil {
					if v, ok := d.integer(n, "min_rows"); ok {
						if v < 0 {
							d.errorf(n, "min_rows", "expected a number of rows of 0 or more, got %d", v)
						}
						p.MinRows = int64(v)
					}
				}
			case spec.PostgresIndex:
				p.Index, _ = d.text(pn.attr("index"), "index", "an index name")
			case spec.PostgresQuery:
				p.Query, _ = d.text(pn.attr("query"), "query", "one SQL statement that returns one value")
				p.Query = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(p.Query), ";"))
				p.Expect = d.expect(pn)
				d.capture(pn)
			}
			return p
		},
	})
}

// checkDSN says what is wrong with a connection string, "" when it reads
// as one: a postgres:// URL or libpq's key=value words. The message never
// quotes the string, which may hold a password.
func checkDSN(dsn string) string {
	const want = "expected a DSN like postgres://user@127.0.0.1:5432/db or \"host=127.0.0.1 dbname=db\", or $DATABASE_URL"
	if dsn == "" {
		return want + ", got an empty value"
	}
	if i := strings.Index(dsn, "://"); i >= 0 {
		u, err := url.Parse(dsn)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return want + ": this URL does not start with postgres:// or postgresql://, or does not parse"
		}
		return ""
	}
	for i, w := range strings.Fields(dsn) {
		if !strings.Contains(w, "=") {
			return fmt.Sprintf("%s: word %d is not key=value", want, i+1)
		}
	}
	return ""
}
