package plans

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func TestPostgresKind(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string // target, then the params
	}{
		{"ready by default", "requires:\n  - postgres: postgres://advisor@127.0.0.1:5432/credit_advisor",
			`"postgres://advisor@127.0.0.1:5432/credit_advisor" dsn=postgres://advisor@127.0.0.1:5432/credit_advisor check=ready ready=true`},
		{"ready false, keyword DSN", "done:\n  - postgres: host=/var/run/postgresql dbname=old\n    ready: false",
			`"host=/var/run/postgresql dbname=old" dsn=host=/var/run/postgresql dbname=old check=ready ready=false`},
		{"extension", "requires:\n  - postgres: $DATABASE_URL\n    extension: vector\n    min_version: \"0.5\"",
			`"$DATABASE_URL" dsn=postgres://advisor:pw@db/app check=extension extension=vector min_version=0.5`},
		{"extension available", "requires:\n  - postgres: $DATABASE_URL\n    extension: vector\n    available: true",
			`"$DATABASE_URL" dsn=postgres://advisor:pw@db/app check=extension extension=vector available=true`},
		{"unset variable: libpq defaults", "requires:\n  - postgres: $NOPE\n    table: reddit_posts\n    min_rows: 1000",
			`"$NOPE" dsn= check=table table=reddit_posts min_rows=1000`},
		{"index", "done:\n  - postgres: postgresql:///credit_advisor\n    index: reddit_posts_embedding_hnsw",
			`"postgresql:///credit_advisor" dsn=postgresql:///credit_advisor check=index index=reddit_posts_embedding_hnsw`},
		{"query with expect", "done:\n  - postgres: service=migration\n    query: SELECT count(*) FROM reddit_posts;\n    expect: '>= 1000'",
			`"service=migration" dsn=service=migration check=query query=SELECT count(*) FROM reddit_posts expect=>= 1000`},
		{"query regex", "done:\n  - postgres: service=migration\n    query: SELECT version()\n    expect: 'PostgreSQL 1[5-9]'",
			`"service=migration" dsn=service=migration check=query query=SELECT version() expect=matches PostgreSQL 1[5-9]`},
	}
	env := func(k string) string {
		if k == "DATABASE_URL" {
			return "postgres://advisor:pw@db/app"
		}
		return ""
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Parse("plan.md", []byte(probePlan(tt.yaml)), testRoot, LoadOptions{Env: env})
			if err != nil {
				t.Fatal(err)
			}
			pr := p.Steps[0].Probes[0]
			if got := fmt.Sprintf("%q %s", pr.Target, dumpPostgres(pr.Params.(*spec.PostgresParams))); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func dumpPostgres(p *spec.PostgresParams) string {
	s := fmt.Sprintf("dsn=%s check=%s", p.DSN, p.Check)
	switch p.Check {
	case spec.PostgresReady:
		s += fmt.Sprintf(" ready=%v", p.Ready)
	case spec.PostgresExtension:
		s += " extension=" + p.Extension
		if p.MinVersion != "" {
			s += " min_version=" + p.MinVersion
		}
		if p.Available {
			s += " available=true"
		}
	case spec.PostgresTable:
		s += fmt.Sprintf(" table=%s min_rows=%d", p.Table, p.MinRows)
	case spec.PostgresIndex:
		s += " index=" + p.Index
	case spec.PostgresQuery:
		s += " query=" + p.Query
		if p.Expect != nil {
			s += " expect=" + p.Expect.String()
		}
	}
	return s
}

func TestPostgresKindErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"two checks", "requires:\n  - postgres: postgres://db/app\n    table: a\n    index: b",
			[]string{"7:index: a postgres probe checks one thing, this one has table and index"}},
		{"argument of another check", "requires:\n  - postgres: postgres://db/app\n    table: a\n    min_version: '1'",
			[]string{"7:min_version: goes with extension: (this probe checks table)"}},
		{"not a DSN", "requires:\n  - postgres: advisor@db",
			[]string{"5:postgres: expected a DSN like postgres://user@127.0.0.1:5432/db"}},
		{"another scheme", "requires:\n  - postgres: mysql://u:secret@db/app",
			[]string{"5:postgres: expected a DSN like postgres://user@127.0.0.1:5432/db"}},
		{"bad version", "requires:\n  - postgres: postgres://db/app\n    extension: vector\n    min_version: latest",
			[]string{`7:min_version: expected a version like 0.5 or 1.6.2, got "latest"`}},
		{"ordering of text", "requires:\n  - postgres: postgres://db/app\n    query: SELECT 1\n    expect: '>= many'",
			[]string{`7:expect: ">= many": >= compares numbers, and "many" is not one`}},
		{"comparison without value", "requires:\n  - postgres: postgres://db/app\n    query: SELECT 1\n    expect: '=='",
			[]string{`7:expect: "==" compares with nothing`}},
		{"negative rows", "requires:\n  - postgres: postgres://db/app\n    table: t\n    min_rows: -1",
			[]string{"7:min_rows: expected a number of rows of 0 or more"}},
		{"unknown attribute", "requires:\n  - postgres: postgres://db/app\n    extention: vector",
			[]string{`6:extention: unknown attribute "extention" for postgres`, `(did you mean "extension"?)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseString(t, probePlan(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) && !strings.Contains(err.Error(), strings.SplitN(w, ":", 2)[1]) {
					t.Errorf("error %q does not say %q", err, w)
				}
				if line, _, ok := strings.Cut(w, ":"); ok && !strings.HasPrefix(line, "(") && !strings.Contains(err.Error(), "plan.md:"+line+":") {
					t.Errorf("error %q is not on line %s", err, line)
				}
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error quotes the DSN's password: %v", err)
			}
		})
	}
}

func TestParseExpect(t *testing.T) {
	tests := []struct {
		expect, value string
		want          bool
	}{
		{">= 1000", "1000", true}, {">= 1000", "999", false}, {"> 0", "0.5", true},
		{"== 0", "0", true}, {"== 0", "0.0", true}, {"!= 0", "3", true},
		{"< 10", "abc", false}, {"== t", "t", true}, {"== true", "t", true}, {"== false", "t", false},
		{"!= f", "t", true}, {"== gonogo", "gonogo", true}, {"== 5s", "5s", true},
		{"^t$", "t", true}, {"^t$", "f", false}, {"vector", "pgvector 0.7", true},
	}
	for _, tt := range tests {
		e, err := spec.ParseExpect(tt.expect)
		if err != nil {
			t.Fatalf("%q: %v", tt.expect, err)
		}
		if got := e.Match(tt.value); got != tt.want {
			t.Errorf("%q.Match(%q) = %v, want %v", tt.expect, tt.value, got, tt.want)
		}
	}
	for _, bad := range []string{"", "  ", ">=", "< x", "(unclosed"} {
		if _, err := spec.ParseExpect(bad); err == nil {
			t.Errorf("ParseExpect(%q) accepted it", bad)
		}
	}
}
