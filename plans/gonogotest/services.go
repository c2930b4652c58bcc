package gonogotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// InCI reports whether the tests run under CI (.ci/run sets CI=true; CI=1
// works too). There a service a test needs and cannot find is a failure,
// not a skip: a green run must mean the test ran.
func InCI() bool {
	v := os.Getenv("CI")
	return v == "true" || v == "1"
}

// Need skips the test with why — or, in CI, fails it.
func Need(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatal("CI is set, so this test must run: " + why)
	}
	t.Skip(why)
}

// PostgresURL is the DSN of the real PostgreSQL that .ci/run starts
// (GONOGO_TEST_PG), with a password so that tests can check it is never
// printed. Without it the test skips (fails in CI).
func PostgresURL(t testing.TB) *url.URL {
	t.Helper()
	dsn := os.Getenv("GONOGO_TEST_PG")
	if dsn == "" {
		Need(t, "set GONOGO_TEST_PG=postgres://user:password@127.0.0.1:5432/postgres (bash .ci/run starts a server and sets it) to test against a real PostgreSQL")
	}
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		t.Fatalf("GONOGO_TEST_PG must be a postgres:// URL with a user and password: %v", err)
	}
	if _, ok := u.User.Password(); !ok {
		t.Fatal("GONOGO_TEST_PG needs a password, so the tests can check it is never printed")
	}
	return u
}

// PostgresDB makes a fresh database on the GONOGO_TEST_PG server (its role
// needs CREATEDB, as .ci/run grants), runs setup in it, and drops it when
// the test ends. It returns the database's DSN, password included.
func PostgresDB(t testing.TB, setup ...string) *url.URL {
	t.Helper()
	admin := PostgresURL(t)
	b := make([]byte, 4)
	rand.Read(b)
	name := "gonogo_test_" + hex.EncodeToString(b)
	PostgresExec(t, admin.String(), "CREATE DATABASE "+name)
	t.Cleanup(func() {
		PostgresExec(t, admin.String(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	})
	u := *admin
	u.Path = "/" + name
	for _, sql := range setup {
		PostgresExec(t, u.String(), sql)
	}
	return &u
}

// PostgresExec runs SQL (several statements may be given in one string)
// as the test's own fixture-building session; the test fails if it errors.
func PostgresExec(t testing.TB, dsn, sql string) {
	t.Helper()
	if err := PostgresTry(dsn, sql); err != nil {
		t.Fatalf("PostgreSQL: %s: %v", strings.SplitN(sql, "\n", 2)[0], err)
	}
}

// PostgresTry runs SQL and returns its error, for fixtures that are meant
// to fail (a CREATE UNIQUE INDEX CONCURRENTLY over duplicates leaves an
// invalid index behind).
func PostgresTry(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgconn.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql).ReadAll()
	return err
}

// Prometheus returns the paths of the prometheus and promtool binaries
// (GONOGO_TEST_PROMETHEUS names the first, else $PATH is searched); the
// test skips without them (fails in CI, where .ci/run installs Debian's
// prometheus package).
func Prometheus(t testing.TB) (prometheus, promtool string) {
	t.Helper()
	prometheus = os.Getenv("GONOGO_TEST_PROMETHEUS")
	if prometheus == "" {
		prometheus, _ = exec.LookPath("prometheus")
	}
	promtool, _ = exec.LookPath("promtool")
	if prometheus == "" || promtool == "" {
		Need(t, "prometheus and promtool are not installed (apt-get install prometheus; bash .ci/run does)")
	}
	return prometheus, promtool
}
