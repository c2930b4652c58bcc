package infer

import (
	"fmt"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// systemctl start|stop|restart U… needs unit U and leaves it running or
// stopped.
func (w *walker) systemctl(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "tpHMnosP", long: []string{"type", "property", "host", "machine", "lines", "output", "signal", "state", "kill-whom", "root", "job-mode"}})
	if p.has("user", "H", "host", "M", "machine", "global") || len(p.pos) < 2 {
		return nil // another manager or another host
	}
	verb := p.pos[0].s
	active, ok := map[string]bool{
		"start": true, "restart": true, "reload": true, "try-restart": true,
		"reload-or-restart": true, "try-reload-or-restart": true, "stop": false,
	}[verb]
	if !ok {
		switch {
		case verb == "enable" && p.has("now"):
			active, ok = true, true
		case verb == "disable" && p.has("now"):
			active, ok = false, true
		}
	}
	if !ok {
		return nil
	}
	return w.units(c, "systemctl "+verb, p.pos[1:], active)
}

// service U start|stop|restart.
func (w *walker) service(c cmdCtx) *frag {
	if len(c.args) < 2 {
		return nil
	}
	verb := c.args[1].s
	active, ok := map[string]bool{"start": true, "restart": true, "reload": true, "stop": false}[verb]
	if !ok {
		return nil
	}
	return w.units(c, "service "+verb, c.args[:1], active)
}

func (w *walker) units(c cmdCtx, how string, units []value, active bool) *frag {
	f := &frag{}
	for _, u := range units {
		if !w.usable(u, c.line, c.text) {
			continue
		}
		if strings.ContainsAny(u.s, "*?[") {
			// systemctl matches a quoted pattern ('app-*.service') against
			// the units it has loaded: which ones is only known then.
			w.st.note(fmt.Sprintf("line %d: %s names units by the pattern %s; gonogo does not check patterns", c.line, how, u.s))
			continue
		}
		if err := spec.CheckUnitName(u.s); err != nil {
			// "-Hhost" would reach systemctl as an option (ssh to host).
			w.st.note(fmt.Sprintf("line %d: %s: %v; nothing inferred from it", c.line, how, err))
			continue
		}
		ps, dup := w.leaf(&spec.Probe{
			Role: spec.Requires, Kind: spec.KindSystemd, Target: u.s, Name: "unit " + u.s + " exists, for " + how,
			Params: &spec.SystemdParams{Unit: u.s, Active: true, ExistsOnly: true},
		}, c.line, c.text)
		f.add(one(ps, dup))
		name := u.s + " is running after " + how
		if !active {
			name = u.s + " is stopped after " + how
		}
		// A unit systemd does not know was not stopped by this step: the
		// done-probe of a stop must not hold before the step has run.
		done, dup := w.leaf(&spec.Probe{
			Role: spec.Done, Kind: spec.KindSystemd, Target: u.s, Name: name,
			Params: &spec.SystemdParams{Unit: u.s, Active: active, MustExist: true},
		}, c.line, c.text)
		if dup {
			// "stop …; start …": the step leaves the unit as the last
			// command does.
			done.Name, done.Line, done.Why = name, c.line, c.text
			done.Params = &spec.SystemdParams{Unit: u.s, Active: active, MustExist: true}
		}
		f.add(oneDone(done, dup))
	}
	return f
}

// pgDumpOpts are pg_dump's options that take an argument.
var pgDumpOpts = optSpec{short: "fFjZEnNtTdhpUS", long: []string{
	"file", "format", "jobs", "compress", "encoding", "schema", "exclude-schema", "table",
	"exclude-table", "dbname", "host", "port", "username", "superuser", "role", "section",
	"lock-wait-timeout", "exclude-table-data", "extra-float-digits", "rows-per-insert", "filter",
}}

// pg_dump … -f F makes F, a backup of the database (or of its -t tables).
func (w *walker) pgDump(c cmdCtx) *frag {
	p := parseOpts(c.args, pgDumpOpts)
	var srcs []string
	for _, o := range p.opts {
		if (o.name == "t" || o.name == "table") && o.hasArg && o.arg.literal() {
			srcs = append(srcs, "table:"+sqlName(o.arg.s))
		}
	}
	if len(srcs) == 0 {
		if db := dbName(p); db != "" {
			srcs = append(srcs, "db:"+db)
		}
	}
	file, ok := p.arg("f", "file")
	if !ok || file.s == "-" {
		for _, s := range srcs {
			w.backup(s, "", c.prog, c.line, c.text)
		}
		return nil
	}
	abs := ""
	if w.usable(file, c.line, c.text) {
		abs = w.resolve(file)
	}
	for _, s := range srcs {
		w.backup(s, abs, c.prog, c.line, c.text)
	}
	if abs == "" {
		return nil
	}
	if fm, ok := p.arg("F", "format"); ok && (fm.s == "d" || fm.s == "directory") {
		file = derive(file, strings.TrimSuffix(file.s, "/")+"/")
	}
	return w.doneFile(file, "dump written by "+c.prog, c.line, c.text)
}

// dbName is the database a pg_dump/psql line names: -d, else the first
// operand; the name part of a postgres:// URI.
func dbName(p parsed) string {
	v, ok := p.arg("d", "dbname")
	if !ok {
		if len(p.pos) == 0 {
			return ""
		}
		v = p.pos[0]
	}
	if !v.literal() {
		return ""
	}
	s := v.s
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
		if j := strings.IndexByte(s, '/'); j >= 0 {
			s = s[j+1:]
		} else {
			return ""
		}
		s, _, _ = strings.Cut(s, "?")
	}
	if strings.Contains(s, "=") { // "dbname=app host=…"
		for _, kv := range strings.Fields(s) {
			if k, val, _ := strings.Cut(kv, "="); k == "dbname" {
				return sqlName(val)
			}
		}
		return ""
	}
	return sqlName(s)
}

// sqlName normalises an SQL identifier: quotes off, lower case, public.
// schema dropped.
func sqlName(s string) string {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), `"'`))
	s = strings.ReplaceAll(s, `"`, "")
	return strings.TrimPrefix(s, "public.")
}

// pg_restore F needs F.
func (w *walker) pgRestore(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "dfFIjLnNPStTUhp", long: []string{
		"dbname", "file", "format", "index", "jobs", "use-list", "schema", "exclude-schema",
		"function", "superuser", "table", "trigger", "username", "host", "port", "role", "section",
	}})
	f := &frag{}
	if l, ok := p.arg("L", "use-list"); ok {
		f.add(w.requireFile(l, false, "list file of pg_restore exists", "pg_restore", c.line, c.text, ""))
	}
	for _, v := range p.pos {
		f.add(w.requireFile(v, false, "input of pg_restore exists", "pg_restore", c.line, c.text, ""))
	}
	return f
}

// psql -f F needs F; SQL given with -c or a heredoc is read for DROP and
// TRUNCATE, which destroy what a later backup would copy.
func (w *walker) psql(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "cdfhpUvoLFRPT", long: []string{
		"command", "dbname", "file", "host", "port", "username", "variable", "set", "output",
		"log-file", "field-separator", "record-separator", "pset", "table-attr",
	}})
	f := &frag{}
	for _, o := range p.opts {
		switch {
		case (o.name == "f" || o.name == "file") && o.hasArg && o.arg.s != "-":
			f.add(w.requireFile(o.arg, false, "SQL file for psql exists", "psql", c.line, c.text, ""))
		case (o.name == "c" || o.name == "command") && o.hasArg && !o.arg.dynamic:
			w.sql(o.arg.s, c)
		}
	}
	return f
}

// dropdb DB destroys the database.
func (w *walker) dropdb(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "hpU", long: []string{"host", "port", "username", "maintenance-db"}})
	if len(p.pos) > 0 && p.pos[len(p.pos)-1].literal() {
		w.fact("db:"+sqlName(p.pos[len(p.pos)-1].s), evDestroy, c.line, c.text, "dropdb")
	}
	return nil
}

var dropRe = lazyre.New(`(?i)\b(DROP\s+(?:TABLE|DATABASE|SCHEMA)|TRUNCATE(?:\s+TABLE)?)\s+(?:IF\s+EXISTS\s+)?([A-Za-z0-9_."]+(?:\s*,\s*[A-Za-z0-9_."]+)*)`)

// sql records the destructions an SQL text performs.
func (w *walker) sql(text string, c cmdCtx) {
	for _, m := range dropRe.FindAllStringSubmatch(text, -1) {
		what := strings.ToUpper(strings.Join(strings.Fields(m[1]), " "))
		for _, name := range strings.Split(m[2], ",") {
			n := sqlName(name)
			switch {
			case strings.HasSuffix(what, "DATABASE"):
				w.fact("db:"+n, evDestroy, c.line, c.text, what)
			case strings.HasSuffix(what, "SCHEMA"):
				w.fact("schema:"+n, evDestroy, c.line, c.text, what)
			default:
				w.fact("table:"+n, evDestroy, c.line, c.text, what)
			}
		}
	}
}
