package probes

import (
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// pgSpec is a postgres probe of dsn with params p (DSN filled in).
func pgSpec(dsn string, p spec.PostgresParams) *spec.Probe {
	p.DSN = dsn
	if p.Check == "" {
		p.Check, p.Ready = spec.PostgresReady, true
	}
	return &spec.Probe{Role: spec.Requires, Kind: spec.KindPostgres, Target: dsn, Params: &p}
}

func expect(t *testing.T, s string) *spec.Expect {
	t.Helper()
	e, err := spec.ParseExpect(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// pgFixture is a fresh database with what every attribute of the probe
// looks at: a trusted contrib extension (pg_trgm: Debian's postgresql
// package ships no pgvector), a table of five rows, a valid index, and the
// invalid index a failed CREATE INDEX CONCURRENTLY leaves behind.
func pgFixture(t *testing.T) *url.URL {
	t.Helper()
	u := gonogotest.PostgresDB(t,
		"CREATE EXTENSION pg_trgm",
		"CREATE SCHEMA app",
		"CREATE TABLE app.items (id int PRIMARY KEY, body text); INSERT INTO app.items SELECT g, 'item ' || g FROM generate_series(1, 5) g",
		"CREATE TABLE dups (v int); INSERT INTO dups VALUES (1), (1)",
		"CREATE INDEX items_body ON app.items (body)",
	)
	// A unique index over duplicates fails, built concurrently it stays
	// behind, invalid: what a failed HNSW build looks like.
	if err := gonogotest.PostgresTry(u.String(), "CREATE UNIQUE INDEX CONCURRENTLY dups_v ON dups (v)"); err == nil {
		t.Fatal("fixture: the unique index over duplicates was built")
	}
	return u
}

func TestPostgresAttributes(t *testing.T) {
	u := pgFixture(t)
	dsn := u.String()
	tests := []struct {
		name string
		p    spec.PostgresParams
		want Status
		msg  string
	}{
		{"ready", spec.PostgresParams{}, OK, "accepts connections (PostgreSQL "},
		{"ready false while up", spec.PostgresParams{Check: spec.PostgresReady}, Fail, "expected it down"},
		{"extension created", spec.PostgresParams{Check: spec.PostgresExtension, Extension: "pg_trgm"}, OK, "is created in database " + strings.TrimPrefix(u.Path, "/")},
		{"extension min_version met", spec.PostgresParams{Check: spec.PostgresExtension, Extension: "pg_trgm", MinVersion: "1.0"}, OK, "extension pg_trgm 1."},
		{"extension min_version not met", spec.PostgresParams{Check: spec.PostgresExtension, Extension: "pg_trgm", MinVersion: "99.1"}, Fail, "expected 99.1 or newer"},
		{"extension available, not created", spec.PostgresParams{Check: spec.PostgresExtension, Extension: "hstore"}, Fail, "but not created in database"},
		{"extension available", spec.PostgresParams{Check: spec.PostgresExtension, Extension: "hstore", Available: true}, OK, "available on the server"},
		{"extension missing", spec.PostgresParams{Check: spec.PostgresExtension, Extension: "vector_of_nothing"}, Fail, "is not available on the server"},
		{"table exists", spec.PostgresParams{Check: spec.PostgresTable, Table: "app.items"}, OK, "table app.items exists"},
		{"table min_rows met", spec.PostgresParams{Check: spec.PostgresTable, Table: "app.items", MinRows: 5}, OK, "has at least 5 rows"},
		{"table min_rows not met", spec.PostgresParams{Check: spec.PostgresTable, Table: "app.items", MinRows: 6}, Fail, "has 5 rows, expected at least 6"},
		{"table missing", spec.PostgresParams{Check: spec.PostgresTable, Table: "reddit_posts"}, Fail, "table reddit_posts does not exist"},
		{"table is an index", spec.PostgresParams{Check: spec.PostgresTable, Table: "app.items_body"}, Fail, "not a table"},
		{"index valid", spec.PostgresParams{Check: spec.PostgresIndex, Index: "app.items_body"}, OK, "index app.items_body on items is valid"},
		{"index invalid", spec.PostgresParams{Check: spec.PostgresIndex, Index: "dups_v"}, Fail, "exists but is not valid"},
		{"index missing", spec.PostgresParams{Check: spec.PostgresIndex, Index: "reddit_posts_embedding_hnsw"}, Fail, "does not exist"},
		{"query true by default", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT count(*) > 0 FROM app.items"}, OK, `returned "t"`},
		{"query false by default", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT count(*) > 5 FROM app.items"}, Fail, `returned "f", expected true`},
		{"query >=", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT count(*) FROM app.items", Expect: expect(t, ">= 5")}, OK, `returned "5" (>= 5)`},
		{"query == fails", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT count(*) FROM app.items", Expect: expect(t, "== 0")}, Fail, `returned "5", expected == 0`},
		{"query regex", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT body FROM app.items WHERE id = 3", Expect: expect(t, "^item [0-9]$")}, OK, `"item 3"`},
		{"query no row", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT id FROM app.items WHERE id > 100", Expect: expect(t, "> 0")}, Fail, "returned no row"},
		{"query NULL", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT NULL::int", Expect: expect(t, "== 0")}, Fail, "returned NULL"},
		{"query of a missing table", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT count(*) FROM reddit_posts", Expect: expect(t, ">= 1")}, Fail, `relation "reddit_posts" does not exist`},
		{"query syntax error", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELEC 1"}, Error, "syntax error"},
		// The session is what the README promises.
		{"session read-only", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SHOW default_transaction_read_only", Expect: expect(t, "== on")}, OK, `"on"`},
		{"session statement_timeout", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SHOW statement_timeout", Expect: expect(t, "== 5s")}, OK, `"5s"`},
		{"session application_name", spec.PostgresParams{Check: spec.PostgresQuery, Query: "SHOW application_name", Expect: expect(t, "== gonogo")}, OK, `"gonogo"`},
		{"database missing", spec.PostgresParams{Check: spec.PostgresTable, Table: "x"}, Fail, `database "gonogo_no_such_db" does not exist`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := dsn
			if tt.name == "database missing" {
				v := *u
				v.Path = "/gonogo_no_such_db"
				d = v.String()
			}
			wantStatus(t, runSpec(t, pgSpec(d, tt.p)), tt.want, tt.msg)
		})
	}
}

// TestPostgresReadOnly: statements that would write are refused by the
// session, and the data is untouched.
func TestPostgresReadOnly(t *testing.T) {
	u := pgFixture(t)
	for _, sql := range []string{
		"DELETE FROM app.items",
		"UPDATE app.items SET body = 'x'",
		"CREATE TABLE app.evil (id int)",
		"SELECT 1; DELETE FROM app.items",
		"SET default_transaction_read_only = off",
	} {
		t.Run(sql, func(t *testing.T) {
			res := runSpec(t, pgSpec(u.String(), spec.PostgresParams{Check: spec.PostgresQuery, Query: sql, Expect: expect(t, ".*")}))
			if res.Status == OK {
				t.Errorf("%s: ok (%s), want it refused", sql, res.Message)
			}
		})
	}
	res := runSpec(t, pgSpec(u.String(), spec.PostgresParams{Check: spec.PostgresQuery, Query: "DELETE FROM app.items"}))
	wantStatus(t, res, Error, "read-only transaction")
	wantStatus(t, runSpec(t, pgSpec(u.String(), spec.PostgresParams{Check: spec.PostgresTable, Table: "app.items", MinRows: 5})), OK, "at least 5 rows")
	wantStatus(t, runSpec(t, pgSpec(u.String(), spec.PostgresParams{Check: spec.PostgresQuery, Query: "SELECT body FROM app.items WHERE id = 1", Expect: expect(t, "== item 1")})), OK, "")
	wantStatus(t, runSpec(t, pgSpec(u.String(), spec.PostgresParams{Check: spec.PostgresTable, Table: "app.evil"})), Fail, "does not exist")
}

// TestPostgresWrongPassword: a login the server refuses could not tell
// (Error), and the password — right or wrong — is in no message.
func TestPostgresWrongPassword(t *testing.T) {
	u := gonogotest.PostgresURL(t)
	good, _ := u.User.Password()
	bad := *u
	bad.User = url.UserPassword(u.User.Username(), "wrong-Pa55word-xyz")
	for _, p := range []spec.PostgresParams{{}, {Check: spec.PostgresTable, Table: "pg_class"}} {
		sp := pgSpec(bad.String(), p)
		res := runSpec(t, sp)
		wantStatus(t, res, Error, "password authentication failed")
		for _, secret := range []string{"wrong-Pa55word-xyz", good} {
			if strings.Contains(res.Message, secret) {
				t.Errorf("the message shows a password: %s", res.Message)
			}
		}
	}
}

// TestPostgresLibpqSources: what the DSN leaves out comes from PG*
// variables, a password file and a service file, as with psql.
func TestPostgresLibpqSources(t *testing.T) {
	u := gonogotest.PostgresURL(t)
	pass, _ := u.User.Password()
	host, port, _ := net.SplitHostPort(u.Host)
	dir := t.TempDir()
	for _, k := range []string{"PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSERVICE", "PGSERVICEFILE", "PGPASSFILE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	passfile := filepath.Join(dir, "pgpass")
	gonogotest.WriteFile(t, passfile, fmt.Sprintf("%s:%s:*:%s:%s\n", host, port, u.User.Username(), pass))
	if err := os.Chmod(passfile, 0o600); err != nil {
		t.Fatal(err)
	}
	service := gonogotest.WriteFile(t, filepath.Join(dir, "pg_service.conf"), fmt.Sprintf("[migration]\nhost=%s\nport=%s\nuser=%s\ndbname=postgres\n", host, port, u.User.Username()))

	t.Run("PG variables", func(t *testing.T) {
		t.Setenv("PGHOST", host)
		t.Setenv("PGPORT", port)
		t.Setenv("PGUSER", u.User.Username())
		t.Setenv("PGPASSWORD", pass)
		t.Setenv("PGDATABASE", "postgres")
		wantStatus(t, runSpec(t, pgSpec("", spec.PostgresParams{})), OK, host+":"+port+"/postgres accepts connections")
	})
	t.Run("password file", func(t *testing.T) {
		t.Setenv("PGPASSFILE", passfile)
		wantStatus(t, runSpec(t, pgSpec(fmt.Sprintf("postgres://%s@%s/postgres", u.User.Username(), u.Host), spec.PostgresParams{})), OK, "accepts connections")
	})
	t.Run("service file", func(t *testing.T) {
		t.Setenv("PGPASSFILE", passfile)
		t.Setenv("PGSERVICEFILE", service)
		wantStatus(t, runSpec(t, pgSpec("service=migration", spec.PostgresParams{})), OK, "accepts connections")
	})
}

// TestPostgresDown: a port nobody listens on. ready says no (Fail, or OK
// under ready: false); every other check could not tell.
func TestPostgresDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dsn := "postgres://gonogo:secret-Pw@" + addr + "/app?sslmode=disable"
	wantStatus(t, runSpec(t, pgSpec(dsn, spec.PostgresParams{})), Fail, addr+"/app refuses connections")
	wantStatus(t, runSpec(t, pgSpec(dsn, spec.PostgresParams{Check: spec.PostgresReady, Ready: false})), OK, "as required")
	wantStatus(t, runSpec(t, pgSpec(dsn, spec.PostgresParams{Check: spec.PostgresExtension, Extension: "vector"})), Error, "could not tell")
}

// TestPostgresStartingUp: a server that answers "the database system is
// starting up" (SQLSTATE 57P03) could not tell, even for ready. The server
// is a loopback listener speaking the protocol's first message.
func TestPostgresStartingUp(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				be := pgproto3.NewBackend(c, c)
				for {
					msg, err := be.ReceiveStartupMessage()
					if err != nil {
						return
					}
					if _, ok := msg.(*pgproto3.SSLRequest); ok {
						c.Write([]byte("N"))
						continue
					}
					be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: "57P03", Message: "the database system is starting up"})
					be.Flush()
					return
				}
			}()
		}
	}()
	dsn := "postgres://gonogo@" + ln.Addr().String() + "/app"
	wantStatus(t, runSpec(t, pgSpec(dsn, spec.PostgresParams{})), Error, "the database system is starting up")
	wantStatus(t, runSpec(t, pgSpec(dsn, spec.PostgresParams{Check: spec.PostgresIndex, Index: "x"})), Error, "check again in a moment")
}

func TestCompareVersions(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want int
	}{
		{"0.5", "0.5", 0}, {"0.5.1", "0.5", 1}, {"0.10", "0.9", 1}, {"1.6", "1.6.0", 0},
		{"0.4.4", "0.5", -1}, {"1.0-beta", "1.0", 0}, {"2", "10", -1},
	} {
		if got := compareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
