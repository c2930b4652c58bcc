package infer

import (
	"regexp"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// Postgres probes read off psql, createdb, pg_dump and pg_restore command
// lines, where the database they act on is named. Done-probes say what a
// step makes (a database, an extension, a table, an index); they can only
// keep a step from DONE, never block one. Requirements (the database
// answers, the extension is installed) are added only when the command
// runs as the operator: under sudo -u (or inside bash -c, which sudo or su
// usually runs) it logs in as someone gonogo cannot be, and a probe that
// cannot log in would only make the step UNKNOWN.

// pgConnOpts are the options of the PostgreSQL client programs that take
// an argument.
var pgConnOpts = optSpec{short: "cdfhpUvoLFRPTOEDlSjnNtLx", long: []string{
	"command", "dbname", "file", "host", "port", "username", "variable", "set", "output",
	"log-file", "field-separator", "record-separator", "pset", "table-attr", "owner",
	"template", "encoding", "tablespace", "locale", "lc-collate", "lc-ctype", "maintenance-db",
	"format", "jobs", "schema", "exclude-schema", "table", "exclude-table", "compress",
	"superuser", "role", "section", "use-list", "index", "function", "trigger",
}}

var (
	sqlExtensionRE = lazyre.New(`(?i)\bCREATE\s+EXTENSION\s+(?:IF\s+NOT\s+EXISTS\s+)?("?[A-Za-z0-9_-]+"?)`)
	sqlIndexRE     = lazyre.New(`(?i)\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z0-9_."]+)\s+ON\b`)
	sqlTableRE     = lazyre.New(`(?i)\bCREATE\s+(?:UNLOGGED\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z0-9_."]+)`)
	sqlDatabaseRE  = lazyre.New(`(?i)\bCREATE\s+DATABASE\s+("?[A-Za-z0-9_-]+"?)`)
	sudoUserRE     = lazyre.New(`\b(?:sudo|doas)\b(?:\s+-[^\s-u]*)*\s+(?:-[A-Za-z]*u\s*|--user[= ])([A-Za-z0-9_.-]+)`)
)

// pgTarget is where a command connects: libpq's key=value words for the
// probe's DSN, and the database's name for messages.
type pgTarget struct {
	dsn, db string
	// asOther is set when the command runs as another user (sudo -u).
	asOther bool
}

// postgres adds the probes of one PostgreSQL client command; nil for any
// other program.
func (w *walker) postgres(c cmdCtx) *frag {
	switch c.prog {
	case "psql", "createdb", "pg_dump", "pg_restore":
	default:
		return nil
	}
	for _, a := range c.args {
		if a.placeholder != "" {
			return nil // a command still to be filled in
		}
	}
	p := parseOpts(c.args, pgConnOpts)
	var db, user *value
	if v, ok := p.arg("d", "dbname"); ok {
		db = &v
	}
	switch c.prog {
	case "psql":
		if db == nil && len(p.pos) > 0 {
			db = &p.pos[0]
		}
		if len(p.pos) > 1 {
			user = &p.pos[1]
		}
	case "createdb":
		db = nil
		if len(p.pos) > 0 {
			db = &p.pos[0] // the database it makes
		}
	case "pg_dump":
		if db == nil && len(p.pos) > 0 {
			db = &p.pos[0]
		}
	case "pg_restore":
		if p.has("C", "create") {
			return nil // -d names the database to connect to, not the one restored
		}
	}
	if v, ok := p.arg("U", "username"); ok {
		user = &v
	}
	t, ok := w.pgTarget(c, p, db, user)
	if !ok {
		return nil
	}
	f := &frag{}
	switch c.prog {
	case "createdb":
		w.st.made["db:"+sqlName(t.db)] = true
		f.add(w.pgDone(c, t, &spec.PostgresParams{Check: spec.PostgresReady, Ready: true}, "database "+t.db+" exists after createdb"))
	case "pg_dump", "pg_restore":
		f.add(w.pgRequire(c, t, &spec.PostgresParams{Check: spec.PostgresReady, Ready: true}, "database "+t.db+" answers, for "+c.prog))
	case "psql":
		for _, o := range p.opts {
			if (o.name == "c" || o.name == "command") && o.hasArg && o.arg.literal() {
				f.add(w.pgSQL(c, t, o.arg.s))
			}
		}
	}
	return f
}

// pgTarget builds the DSN of a command from -h, -p, -U and the database
// (a name, a postgres:// URI or key=value words); ok is false when the
// database is not named or a value is only known when the command runs.
func (w *walker) pgTarget(c cmdCtx, p parsed, db, user *value) (pgTarget, bool) {
	if db == nil || !w.usable(*db, c.line, c.text) {
		return pgTarget{}, false
	}
	// A command inside "bash -c" is most often run by sudo or su as
	// someone else: the outer command line is out of sight here.
	t := pgTarget{db: db.s, asOther: w.depth > 0}
	if m := sudoUserRE.FindStringSubmatch(c.text); m != nil && m[1] != "root" {
		t.asOther = true
		if user == nil {
			user = &value{s: m[1], raw: m[1]}
		}
	}
	if strings.Contains(db.s, "://") || strings.Contains(db.s, "=") {
		t.dsn, t.db = db.s, dbName(parsed{pos: []value{*db}})
		return t, t.db != ""
	}
	var words []string
	for _, kv := range []struct {
		key  string
		opts []string
		v    *value
	}{{"host", []string{"h", "host"}, nil}, {"port", []string{"p", "port"}, nil}, {"user", nil, user}, {"dbname", nil, db}} {
		v := kv.v
		if v == nil && kv.opts != nil {
			if a, ok := p.arg(kv.opts...); ok {
				v = &a
			}
		}
		if v == nil {
			continue
		}
		if !w.usable(*v, c.line, c.text) {
			return pgTarget{}, false
		}
		words = append(words, kv.key+"="+libpqQuote(v.s))
	}
	t.dsn = strings.Join(words, " ")
	return t, true
}

// libpqQuote quotes a value of a key=value connection string when it
// needs it.
func libpqQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " '\\") {
		return s
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// pgSQL reads the SQL of psql -c: what it creates is done once the step
// has run; an extension must be installed on the server before.
func (w *walker) pgSQL(c cmdCtx, t pgTarget, sql string) *frag {
	f := &frag{}
	if !w.st.made["db:"+sqlName(t.db)] {
		f.add(w.pgRequire(c, t, &spec.PostgresParams{Check: spec.PostgresReady, Ready: true}, "database "+t.db+" answers, for psql"))
	}
	for _, m := range sqlExtensionRE.FindAllStringSubmatch(sql, -1) {
		ext := strings.Trim(m[1], `"`)
		f.add(w.pgRequire(c, t, &spec.PostgresParams{Check: spec.PostgresExtension, Extension: ext, Available: true}, "extension "+ext+" is installed on the server, for CREATE EXTENSION"))
		f.add(w.pgDone(c, t, &spec.PostgresParams{Check: spec.PostgresExtension, Extension: ext}, "extension "+ext+" is created in "+t.db))
	}
	for _, m := range sqlTableRE.FindAllStringSubmatch(sql, -1) {
		f.add(w.pgDone(c, t, &spec.PostgresParams{Check: spec.PostgresTable, Table: m[1]}, "table "+m[1]+" exists in "+t.db))
	}
	for _, m := range sqlIndexRE.FindAllStringSubmatch(sql, -1) {
		f.add(w.pgDone(c, t, &spec.PostgresParams{Check: spec.PostgresIndex, Index: m[1]}, "index "+m[1]+" is valid in "+t.db))
	}
	for _, m := range sqlDatabaseRE.FindAllStringSubmatch(sql, -1) {
		name := strings.Trim(m[1], `"`)
		made := t
		made.db = name
		if strings.Contains(t.dsn, "dbname=") && !strings.Contains(t.dsn, "://") {
			made.dsn = regexp.MustCompile(`dbname=\S+`).ReplaceAllString(t.dsn, "dbname="+libpqQuote(name))
			w.st.made["db:"+sqlName(name)] = true
			f.add(w.pgDone(c, made, &spec.PostgresParams{Check: spec.PostgresReady, Ready: true}, "database "+name+" exists after CREATE DATABASE"))
		}
	}
	return f
}

// pgDone is a done-probe of the command's database.
func (w *walker) pgDone(c cmdCtx, t pgTarget, p *spec.PostgresParams, name string) *frag {
	p.DSN = t.dsn
	return oneDone(w.leaf(&spec.Probe{Role: spec.Done, Kind: spec.KindPostgres, Target: t.dsn, Name: name, Params: p}, c.line, c.text))
}

// pgRequire is a requirement of the command's database, when gonogo can
// log in as the command does.
func (w *walker) pgRequire(c cmdCtx, t pgTarget, p *spec.PostgresParams, name string) *frag {
	if t.asOther {
		return nil
	}
	p.DSN = t.dsn
	return one(w.leaf(&spec.Probe{Role: spec.Requires, Kind: spec.KindPostgres, Target: t.dsn, Name: name, Params: p}, c.line, c.text))
}
