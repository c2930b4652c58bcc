package main

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/probes"
)

// pgDSN is the DSN of the real PostgreSQL that .ci/run starts, with a
// password. Outside CI the test skips when none is given; in CI a missing
// server is a failure, not a skip.
func pgDSN(t *testing.T) *url.URL {
	t.Helper()
	dsn := os.Getenv("GONOGO_TEST_PG")
	if dsn == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("GONOGO_TEST_PG is not set: .ci/run must start PostgreSQL for this test")
		}
		t.Skip("set GONOGO_TEST_PG=postgres://user:password@127.0.0.1:5432/db (bash .ci/run does) to test against a real PostgreSQL")
	}
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		t.Fatalf("GONOGO_TEST_PG must be a postgres:// URL with a password: %v", err)
	}
	if _, ok := u.User.Password(); !ok {
		t.Fatal("GONOGO_TEST_PG needs a password, so the test can check it is never printed")
	}
	return u
}

// TestPostgresProbes points the probes an operator writes for the database
// being migrated at a real PostgreSQL: the port, the server process, a
// query through psql and pg_isready. A step whose DSN has a wrong password
// must be NO-GO, and no password may appear in any output format.
func TestPostgresProbes(t *testing.T) {
	u := pgDSN(t)
	pass, _ := u.User.Password()
	bad := *u
	bad.User = url.UserPassword(u.User.Username(), "wrong-Pa55word")
	dir := t.TempDir()
	plan := "# Database checks\n\n## Pre-deploy checklist\n\n" +
		"### 3. PostgreSQL is up and accepting connections\n\n```gonogo\nrequires:\n" +
		"  - port: " + u.Host + "\n" +
		"  - process: postgres\n" +
		"  - command: pg_isready -d '" + u.String() + "'\n" +
		"  - command: psql '" + u.String() + "' -tAc 'select 41 + 1'\n" +
		"    stdout: '^42$'\n" +
		"```\n\n" +
		"### 4. The migration role can log in\n\n```gonogo\nrequires:\n" +
		"  - command: psql '" + bad.String() + "' -tAc 'select 1'\n" +
		"    name: advisor role logs in\n" +
		"```\n"
	gonogotest.WriteFile(t, filepath.Join(dir, "plan.md"), plan)

	s, r := snapshot(t, dir, "plan.md")
	if r.code != 0 || s.NextStep != "3" {
		t.Errorf("exit %d, next step %q: want 0 and step 3 (the next step is GO; step 4 comes later)\nstderr: %s", r.code, s.NextStep, r.stderr)
	}
	if r4 := gonogo(t, dir, nil, "--once", "--step", "4", "plan.md"); r4.code != 1 {
		t.Errorf("--step 4: exit %d, want 1 (NO-GO)\n%s%s", r4.code, r4.stdout, r4.stderr)
	}
	s3 := step(t, s, "3")
	if s3.Status != "GO" {
		t.Errorf("step 3 is %s, want GO against a running PostgreSQL: %+v", s3.Status, s3.Probes)
	}
	for _, p := range s3.Probes {
		if p.Status != probes.OK {
			t.Errorf("step 3 probe %s %s: %s (%s), want ok", p.Kind, p.Target, p.Status, p.Message)
		}
	}
	s4 := step(t, s, "4")
	if s4.Status != "NO-GO" || len(s4.Probes) != 1 || s4.Probes[0].Status != probes.Fail {
		t.Fatalf("step 4 = %s %+v, want NO-GO with a failed login", s4.Status, s4.Probes)
	}
	if !strings.Contains(s4.Probes[0].Message, "password authentication failed") {
		t.Errorf("step 4 message should carry psql's reason: %q", s4.Probes[0].Message)
	}

	outputs := []string{r.stdout, r.stderr}
	for _, format := range []string{"text", "markdown"} {
		o := gonogo(t, dir, nil, "--once", "--format", format, "plan.md")
		outputs = append(outputs, o.stdout, o.stderr)
	}
	lint := gonogo(t, dir, nil, "lint", "plan.md")
	outputs = append(outputs, lint.stdout, lint.stderr)
	for i, out := range outputs {
		for _, secret := range []string{pass, "wrong-Pa55word"} {
			if strings.Contains(out, secret) {
				t.Errorf("output %d shows the password %q:\n%s", i, secret, out)
			}
		}
	}
	if !strings.Contains(r.stdout, u.User.Username()+":***@") {
		t.Errorf("the DSN should still be readable with its password masked:\n%s", r.stdout)
	}
}
