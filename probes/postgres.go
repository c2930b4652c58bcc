package probes

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() { register(spec.KindPostgres, checkPostgres) }

// closeGrace bounds the polite goodbye to the server after a check.
const closeGrace = time.Second

// checkPostgres answers a postgres probe over one short session that can
// only read: default_transaction_read_only is on, statement_timeout is the
// probe's timeout, and the session says it is gonogo (application_name),
// so a DBA who sees it in pg_stat_activity knows what it is. What the DSN
// leaves out (host, user, password) comes from the PG* variables,
// ~/.pgpass and service files, as libpq reads them (pgconn.ParseConfig).
//
// A server that answers "no" is Fail; one that cannot answer — down
// (except for ready, where down is the answer), starting up, refusing the
// login, out of time — is Error: could not tell.
func checkPostgres(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.PostgresParams) (Status, string) {
	cfg, err := pgconn.ParseConfig(p.DSN)
	if err != nil {
		// pgconn masks the password in what it quotes of the DSN; the
		// runner redacts the message again.
		return Error, "cannot read the DSN: " + unwrapParse(err)
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["default_transaction_read_only"] = "on"
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(sp.EffectiveTimeout().Milliseconds(), 10)
	cfg.RuntimeParams["application_name"] = "gonogo"
	where := pgWhere(cfg)

	conn, err := pgconn.ConnectConfig(ctx, cfg)
	if err != nil {
		return pgConnectFailed(ctx, p, where, err)
	}
	defer func() {
		cctx, cancel := context.WithTimeout(context.Background(), closeGrace)
		defer cancel()
		conn.Close(cctx)
	}()

	switch p.Check {
	case spec.PostgresExtension:
		return pgExtension(ctx, conn, p, cfg.Database)
	case spec.PostgresTable:
		return pgTable(ctx, conn, p, cfg.Database)
	case spec.PostgresIndex:
		return pgIndex(ctx, conn, p, cfg.Database)
	case spec.PostgresQuery:
		return pgQuery(ctx, conn, sp, p, cfg.Database)
	}
	version := conn.ParameterStatus("server_version")
	if !p.Ready {
		return Fail, fmt.Sprintf("%s accepts connections (PostgreSQL %s), expected it down: stop the server first", where, version)
	}
	return OK, fmt.Sprintf("%s accepts connections (PostgreSQL %s)", where, version)
}

// pgWhere names the server and database of a config: "127.0.0.1:5432/app",
// "/var/run/postgresql/app". Never the user's password.
func pgWhere(cfg *pgconn.Config) string {
	host := cfg.Host
	if !strings.HasPrefix(host, "/") {
		host += ":" + strconv.Itoa(int(cfg.Port))
	}
	return host + "/" + cfg.Database
}

// unwrapParse is pgconn's parse error without the DSN it quotes.
func unwrapParse(err error) string {
	var pe *pgconn.ParseConfigError
	if errors.As(err, &pe) && pe.Unwrap() != nil {
		return pe.Unwrap().Error()
	}
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return err.Error()
}

// SQLSTATE codes the probe tells apart.
const (
	pgInvalidPassword      = "28P01"
	pgInvalidAuthorization = "28000" // no pg_hba.conf entry, role cannot log in
	pgNoSuchDatabase       = "3D000"
	pgCannotConnectNow     = "57P03" // starting up, shutting down, in recovery
	pgTooManyConnections   = "53300"
	pgReadOnly             = "25006"
	pgUndefinedTable       = "42P01"
	pgUndefinedColumn      = "42703"
	pgUndefinedFunction    = "42883"
	pgUndefinedSchema      = "3F000"
	pgQueryCanceled        = "57014" // statement_timeout
)

// pgConnectFailed turns a failed connection into an answer. For ready, a
// server that is not there is the answer (Fail, or OK under ready: false);
// for every other check it means the probe could not tell.
func pgConnectFailed(ctx context.Context, p *spec.PostgresParams, where string, err error) (Status, string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgInvalidPassword, pgInvalidAuthorization:
			if p.Check == spec.PostgresReady && !p.Ready {
				return Fail, fmt.Sprintf("%s answers (it refused the login: %s), expected it down", where, pe.Message)
			}
			return Error, fmt.Sprintf("%s refused the login: %s: check the user and password (the DSN, PGPASSWORD or ~/.pgpass) and pg_hba.conf", where, pe.Message)
		case pgNoSuchDatabase:
			if p.Check == spec.PostgresReady && !p.Ready {
				return OK, fmt.Sprintf("%s: %s, so nothing accepts connections to it", where, pe.Message)
			}
			return Fail, fmt.Sprintf("%s: %s", where, pe.Message)
		case pgCannotConnectNow:
			return Error, fmt.Sprintf("%s cannot take connections yet (%s): could not tell, check again in a moment", where, pe.Message)
		case pgTooManyConnections:
			return Error, fmt.Sprintf("%s: %s: could not tell", where, pe.Message)
		}
		return Error, fmt.Sprintf("%s: %s (SQLSTATE %s)", where, pe.Message, pe.Code)
	}
	if ctx.Err() != nil {
		return Error, fmt.Sprintf("%s did not answer in time: %v", where, ctx.Err())
	}
	down := errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOENT)
	if down && p.Check == spec.PostgresReady {
		if !p.Ready {
			return OK, fmt.Sprintf("%s refuses connections, as required", where)
		}
		return Fail, fmt.Sprintf("%s refuses connections: is PostgreSQL running and listening there?", where)
	}
	if down {
		return Error, fmt.Sprintf("%s refuses connections (is PostgreSQL running?): could not tell", where)
	}
	return Error, fmt.Sprintf("cannot connect to %s: %s", where, pgCause(err))
}

// pgCause is the innermost useful part of a connection error, without
// pgconn's "failed to connect to `user=… database=…`:" prefix.
func pgCause(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "`: "); i >= 0 && strings.HasPrefix(msg, "failed to connect to") {
		msg = msg[i+3:]
	}
	return msg
}

// pgValue runs one statement with the extended protocol (one statement
// only: no "; DELETE …" riding along) and returns the first value of its
// first row: ok false when it returned no row, null true for NULL.
func pgValue(ctx context.Context, conn *pgconn.PgConn, sql string, args ...string) (val string, ok, null bool, err error) {
	params := make([][]byte, len(args))
	for i, a := range args {
		params[i] = []byte(a)
	}
	rr := conn.ExecParams(ctx, sql, params, nil, nil, nil)
	if rr.NextRow() {
		if vs := rr.Values(); len(vs) > 0 {
			ok, null, val = true, vs[0] == nil, string(vs[0])
		}
	}
	_, err = rr.Close()
	return val, ok, null, err
}

// pgQueryFailed turns an error of a statement into an answer: an object
// that does not exist is Fail (not there yet), anything else Error.
func pgQueryFailed(db string, err error) (Status, string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case pgUndefinedTable, pgUndefinedColumn, pgUndefinedFunction, pgUndefinedSchema:
			return Fail, fmt.Sprintf("in database %s: %s", db, pe.Message)
		case pgReadOnly:
			return Error, fmt.Sprintf("refused: %s — gonogo's session is read-only; a probe may only read", pe.Message)
		case pgQueryCanceled:
			return Error, fmt.Sprintf("%s: the query ran past the probe's timeout (raise timeout: on the probe if this is expected)", pe.Message)
		}
		return Error, fmt.Sprintf("%s (SQLSTATE %s)", pe.Message, pe.Code)
	}
	return Error, pgCause(err)
}

func pgExtension(ctx context.Context, conn *pgconn.PgConn, p *spec.PostgresParams, db string) (Status, string) {
	rr := conn.ExecParams(ctx, "SELECT default_version, installed_version FROM pg_available_extensions WHERE name = $1", [][]byte{[]byte(p.Extension)}, nil, nil, nil)
	var def, inst string
	found, created := false, false
	if rr.NextRow() {
		vs := rr.Values()
		found, def = true, string(vs[0])
		created, inst = vs[1] != nil, string(vs[1])
	}
	if _, err := rr.Close(); err != nil {
		return pgQueryFailed(db, err)
	}
	if !found {
		return Fail, fmt.Sprintf("extension %s is not available on the server: install its package on the database host (for pgvector on Debian: postgresql-NN-pgvector)", p.Extension)
	}
	version, where := inst, "created in database "+db
	if p.Available {
		version, where = def, "available on the server"
	} else if !created {
		return Fail, fmt.Sprintf("extension %s is available (version %s) but not created in database %s: CREATE EXTENSION %s", p.Extension, def, db, p.Extension)
	}
	if p.MinVersion != "" && compareVersions(version, p.MinVersion) < 0 {
		hint := "ALTER EXTENSION " + p.Extension + " UPDATE"
		if p.Available {
			hint = "install a newer package of it"
		}
		return Fail, fmt.Sprintf("extension %s %s is %s, expected %s or newer: %s", p.Extension, version, where, p.MinVersion, hint)
	}
	return OK, fmt.Sprintf("extension %s %s is %s", p.Extension, version, where)
}

// compareVersions orders extension versions by their numbers: 0.10 is
// after 0.9, 1.6 equals 1.6.0. Text after the numbers (1.0-beta) is
// ignored.
func compareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func versionParts(v string) []int {
	var out []int
	for _, f := range strings.Split(v, ".") {
		end := 0
		for end < len(f) && f[end] >= '0' && f[end] <= '9' {
			end++
		}
		if end == 0 {
			break
		}
		n, _ := strconv.Atoi(f[:end])
		out = append(out, n)
		if end < len(f) {
			break
		}
	}
	return out
}

// pgRelation finds a table or index by name as PostgreSQL would (schema
// qualified or on the search path): its schema, name and kind, found
// false when there is none.
func pgRelation(ctx context.Context, conn *pgconn.PgConn, name string) (schema, rel, kind string, found bool, err error) {
	rr := conn.ExecParams(ctx, "SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)", [][]byte{[]byte(name)}, nil, nil, nil)
	if rr.NextRow() {
		vs := rr.Values()
		schema, rel, kind, found = string(vs[0]), string(vs[1]), string(vs[2]), true
	}
	_, err = rr.Close()
	return schema, rel, kind, found, err
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func pgTable(ctx context.Context, conn *pgconn.PgConn, p *spec.PostgresParams, db string) (Status, string) {
	schema, rel, kind, found, err := pgRelation(ctx, conn, p.Table)
	if err != nil {
		return pgQueryFailed(db, err)
	}
	if !found {
		return Fail, fmt.Sprintf("table %s does not exist in database %s", p.Table, db)
	}
	if kind == "i" || kind == "I" || kind == "S" {
		return Fail, fmt.Sprintf("%s in database %s is an index or sequence, not a table", p.Table, db)
	}
	if p.MinRows <= 0 {
		return OK, fmt.Sprintf("table %s.%s exists in database %s", schema, rel, db)
	}
	// Counting stops at MinRows: the cost is bounded by what is asked,
	// not by the size of the table.
	limit := strconv.FormatInt(p.MinRows, 10)
	val, _, _, err := pgValue(ctx, conn, "SELECT count(*) FROM (SELECT 1 FROM "+quoteIdent(schema)+"."+quoteIdent(rel)+" LIMIT "+limit+") AS probe")
	if err != nil {
		return pgQueryFailed(db, err)
	}
	n, _ := strconv.ParseInt(val, 10, 64)
	if n < p.MinRows {
		return Fail, fmt.Sprintf("table %s.%s has %d rows, expected at least %d", schema, rel, n, p.MinRows)
	}
	return OK, fmt.Sprintf("table %s.%s has at least %d rows", schema, rel, p.MinRows)
}

func pgIndex(ctx context.Context, conn *pgconn.PgConn, p *spec.PostgresParams, db string) (Status, string) {
	rr := conn.ExecParams(ctx, "SELECT i.indisvalid, t.relname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid WHERE i.indexrelid = to_regclass($1)", [][]byte{[]byte(p.Index)}, nil, nil, nil)
	var valid, table string
	found := false
	if rr.NextRow() {
		vs := rr.Values()
		found, valid, table = true, string(vs[0]), string(vs[1])
	}
	if _, err := rr.Close(); err != nil {
		return pgQueryFailed(db, err)
	}
	if !found {
		return Fail, fmt.Sprintf("index %s does not exist in database %s", p.Index, db)
	}
	if valid != "t" {
		return Fail, fmt.Sprintf("index %s on %s exists but is not valid (a CREATE INDEX CONCURRENTLY that failed or is still running): drop it and build it again", p.Index, table)
	}
	return OK, fmt.Sprintf("index %s on %s is valid", p.Index, table)
}

func pgQuery(ctx context.Context, conn *pgconn.PgConn, sp *spec.Probe, p *spec.PostgresParams, db string) (Status, string) {
	val, ok, null, err := pgValue(ctx, conn, p.Query)
	if err != nil {
		return pgQueryFailed(db, err)
	}
	// Without expect the value must be true, unless the probe only
	// captures it: then it must be a number.
	want := "true"
	switch {
	case p.Expect != nil:
		want = p.Expect.String()
	case sp.Capture != "":
		want = "a number to capture as " + sp.Capture
	}
	switch {
	case !ok:
		return Fail, fmt.Sprintf("the query returned no row, expected a value %s", want)
	case null:
		return Fail, fmt.Sprintf("the query returned NULL, expected a value %s", want)
	}
	shown := clipValue(val)
	msg := fmt.Sprintf("the query returned %s", shown)
	if p.Expect != nil {
		holds, explained, err := expectHolds(ctx, p.Expect, val)
		if errors.Is(err, spec.ErrNotComputable) {
			return Error, fmt.Sprintf("could not tell: the query returned %s, but %v", shown, err)
		}
		if err != nil {
			return Fail, fmt.Sprintf("the query returned %s, but %v", shown, err)
		}
		if !holds {
			return Fail, fmt.Sprintf("the query returned %s, expected %s", shown, explained)
		}
		msg = fmt.Sprintf("the query returned %s (%s)", shown, explained)
		if len(p.Expect.Captures) > 0 {
			msg = fmt.Sprintf("the query returned %s %s", shown, explained)
		}
	} else if sp.Capture == "" {
		if val != "t" && val != "true" {
			return Fail, fmt.Sprintf("the query returned %s, expected %s", shown, want)
		}
		msg = fmt.Sprintf("the query returned %s (%s)", shown, want)
	}
	if sp.Capture != "" {
		if bad := takeNumber(ctx, sp, "the value", val); bad != "" {
			return Fail, fmt.Sprintf("the query returned %s, but %s", shown, bad)
		}
		msg += ", captured as " + sp.Capture
	}
	return OK, msg
}

// clipValue keeps a returned value to one short quoted line.
func clipValue(v string) string {
	return strconv.Quote(textfmt.Clip(textfmt.OneLine(v), 80))
}
