package infer

import (
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// pgLine is a postgres probe as "role dsn | check", for compact tables.
func pgLine(ps *spec.Probe) string {
	p := ps.Params.(*spec.PostgresParams)
	s := string(ps.Role) + " " + p.DSN + " | " + strings.TrimPrefix(p.Key(), p.Database()+" ")
	if p.Available {
		s += " available"
	}
	if ps.Severity == spec.Warn {
		s += " (warn)"
	}
	return s
}

func TestInferPostgres(t *testing.T) {
	root := fixtureRoot(t)
	cases := []struct {
		name, in string
		want     []string
	}{
		{"createdb makes a database", "createdb -h 127.0.0.1 -p 5433 -U admin -O advisor credit_advisor",
			[]string{"done host=127.0.0.1 port=5433 user=admin dbname=credit_advisor | ready"}},
		{"CREATE EXTENSION needs it installed and creates it",
			`psql -h db -U advisor -d credit_advisor -c "CREATE EXTENSION IF NOT EXISTS vector"`,
			[]string{
				"requires host=db user=advisor dbname=credit_advisor | ready",
				"requires host=db user=advisor dbname=credit_advisor | extension vector available",
				"done host=db user=advisor dbname=credit_advisor | extension vector",
			}},
		{"a database made earlier in the step is not required",
			"createdb app\npsql -d app -c 'CREATE EXTENSION pg_trgm'",
			[]string{
				"requires dbname=app | extension pg_trgm available",
				"done dbname=app | ready",
				"done dbname=app | extension pg_trgm",
			}},
		{"CREATE TABLE, INDEX and DATABASE in psql -c",
			`psql postgres://advisor@db/app -c "CREATE TABLE IF NOT EXISTS reddit_posts (id int); CREATE INDEX CONCURRENTLY posts_hnsw ON reddit_posts USING hnsw (e)"`,
			[]string{
				"requires postgres://advisor@db/app | ready",
				"done postgres://advisor@db/app | table reddit_posts",
				"done postgres://advisor@db/app | index posts_hnsw",
			}},
		{"CREATE DATABASE names the new database", `psql -d postgres -c "CREATE DATABASE analytics"`,
			[]string{"requires dbname=postgres | ready", "done dbname=analytics | ready"}},
		{"pg_dump DB needs the database", "pg_dump -U app -Fc app -f /tmp/app.dump",
			[]string{"requires user=app dbname=app | ready"}},
		{"pg_restore -d needs the database", "pg_restore -d app /srv/backups/app.dump",
			[]string{"requires dbname=app | ready"}},
		{"pg_restore -C connects elsewhere", "pg_restore -C -d postgres /srv/backups/app.dump", nil},
		{"under sudo -u only what is made", `sudo -u postgres psql -d credit_advisor -c "CREATE EXTENSION vector"`,
			[]string{"done user=postgres dbname=credit_advisor | extension vector"}},
		{"sudo -iu too", "sudo -iu postgres pg_dump app > /tmp/app.sql", nil},
		{"inside bash -c only what is made", `bash -c "createdb app && pg_dump app > /tmp/a.sql"`,
			[]string{"done dbname=app | ready"}},
		{"no database named", `psql -c "CREATE EXTENSION vector"`, nil},
		{"a database only a run knows", `psql -d "$(cat db.txt)" -c "SELECT 1"`, nil},
		{"a placeholder", "pg_dump <database> > /tmp/x.sql", nil},
		{"psql -f is not read for SQL", "psql -d app -f /srv/backups/schema.sql", nil},
		{"under an if, a requirement only warns", `if psql -d app -c "SELECT 1"; then echo ok; fi`,
			[]string{"requires dbname=app | ready (warn)"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, _ := analyzeOne(root, c.in, false)
			var got []string
			for _, ps := range a.Probes() {
				if ps.Kind == spec.KindPostgres {
					got = append(got, pgLine(ps))
					checkInferred(t, ps)
				}
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("%s\ngot:\n  %s\nwant:\n  %s", c.in, strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
		})
	}
}

// TestInferPostgresKeys: probes of one database are told apart by what they
// check, so one never stands in for another (dedup, explicit over inferred).
func TestInferPostgresKeys(t *testing.T) {
	a := &spec.PostgresParams{DSN: "dbname=app", Check: spec.PostgresExtension, Extension: "vector"}
	b := &spec.PostgresParams{DSN: "dbname=app", Check: spec.PostgresReady, Ready: true}
	ka := specKey(&spec.Probe{Kind: spec.KindPostgres, Params: a})
	kb := specKey(&spec.Probe{Kind: spec.KindPostgres, Params: b})
	if ka == kb {
		t.Errorf("an extension check and a ready check of one database share the key %q", ka)
	}
	written := &spec.PostgresParams{DSN: "postgres://advisor@127.0.0.1:5432/app?sslmode=disable", Check: spec.PostgresExtension, Extension: "vector"}
	if kw := specKey(&spec.Probe{Kind: spec.KindPostgres, Params: written}); kw != ka {
		t.Errorf("the same check of database app through another DSN: key %q, want %q", kw, ka)
	}
}
