package main

import (
	"encoding/json"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/probes"
)

// pgDSN is the DSN of the real PostgreSQL that .ci/run starts, with a
// password. Outside CI the test skips when none is given; in CI a missing
// server is a failure, not a skip.
func pgDSN(t *testing.T) *url.URL { return gonogotest.PostgresURL(t) }

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

// TestPostgresKind drives the native postgres probe through the binary
// against a fresh database: every check GO, then a wrong password is
// UNKNOWN (exit 3) with the password in no output format.
func TestPostgresKind(t *testing.T) {
	u := gonogotest.PostgresDB(t,
		"CREATE EXTENSION pg_trgm",
		"CREATE TABLE reddit_posts (id int, body text); INSERT INTO reddit_posts SELECT g, 'post' FROM generate_series(1, 1200) g",
		"CREATE INDEX reddit_posts_body ON reddit_posts (body)")
	pass, _ := u.User.Password()
	bad := *u
	bad.User = url.UserPassword(u.User.Username(), "wrong-Pa55word")
	dir := t.TempDir()
	block := func(dsn string) string {
		return "```gonogo\nrequires:\n" +
			"  - postgres: " + dsn + "\n" +
			"  - postgres: " + dsn + "\n    extension: pg_trgm\n    min_version: '1.0'\n" +
			"  - postgres: " + dsn + "\n    table: reddit_posts\n    min_rows: 1000\n" +
			"  - postgres: " + dsn + "\n    index: reddit_posts_body\n" +
			"  - postgres: " + dsn + "\n    query: SELECT count(*) FROM reddit_posts\n    expect: '>= 1000'\n```\n"
	}
	gonogotest.WriteFile(t, filepath.Join(dir, "plan.md"), "# Load\n\n## Steps\n\n### 11. Load the embeddings\n\n"+block("$DATABASE_URL")+"\n### 12. Build the index\n\n"+block(bad.String()))

	env := []string{"DATABASE_URL=" + u.String()}
	r := gonogo(t, dir, env, "--once", "--format", "json", "--step", "11", "plan.md")
	var s model.Snapshot
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil || r.code != exitGo {
		t.Fatalf("step 11: exit %d, %v\n%s%s", r.code, err, r.stdout, r.stderr)
	}
	for _, p := range step(t, &s, "11").Probes {
		if p.Status != probes.OK || p.Target != "$DATABASE_URL" {
			t.Errorf("step 11 probe %s: %s (%s)", p.Label(), p.Status, p.Message)
		}
	}
	r = gonogo(t, dir, env, "--once", "--step", "12", "plan.md")
	if r.code != exitUnknown || !strings.Contains(r.stdout, "password authentication failed") {
		t.Errorf("step 12 with a wrong password: exit %d, want 3 (UNKNOWN) saying why\n%s", r.code, r.stdout)
	}
	outputs := []string{r.stdout, r.stderr}
	for _, format := range []string{"text", "json", "markdown", "junit", "github", "prometheus"} {
		o := gonogo(t, dir, env, "--once", "--format", format, "plan.md")
		outputs = append(outputs, o.stdout, o.stderr)
	}
	for _, format := range []string{"text", "json", "junit", "github"} {
		o := gonogo(t, dir, env, "lint", "--format", format, "plan.md")
		outputs = append(outputs, o.stdout, o.stderr)
	}
	for i, out := range outputs {
		for _, secret := range []string{pass, "wrong-Pa55word"} {
			if strings.Contains(out, secret) {
				t.Errorf("output %d shows the password %q:\n%s", i, secret, out)
			}
		}
	}
}
