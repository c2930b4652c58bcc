package plans

import (
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// probePlan wraps a probe block body in a plan whose fence is on line 3,
// so YAML line N is plan line 3+N.
func probePlan(body string) string {
	return "### 1. Step\n\n```gonogo\n" + body + "\n```\n"
}

func TestProbeKinds(t *testing.T) {
	rel := func(s string) string {
		if strings.HasPrefix(s, testRoot) {
			return "<root>" + strings.TrimPrefix(s, testRoot)
		}
		return s
	}
	tests := []struct {
		name, yaml string
		want       string // role kind "target" params
	}{
		{"git default state", "requires:\n  - git: config_chromadb.py",
			`requires git "config_chromadb.py" path=<root>/config_chromadb.py state=committed`},
		{"git state and repo", "requires:\n  - git: .\n    state: clean\n    repo: services/api",
			`requires git "." path=<root> state=clean repo=<root>/services/api`},
		{"git home", "requires:\n  - git: ~/app/x.py\n    state: untracked",
			`requires git "/home/op/app/x.py" path=/home/op/app/x.py state=untracked`},
		{"file defaults", "done:\n  - file: logs/out.txt",
			`done file "logs/out.txt" path=<root>/logs/out.txt exists=true`},
		{"file all attrs", "done:\n  - file: $BACKUP_DIR/db.dump\n    exists: true\n    min_size: 1.5G\n    max_age: 4h\n    contains: '^PGDMP'\n    mode: \"0640\"",
			`done file "/var/backups/app/db.dump" path=/var/backups/app/db.dump exists=true min_size=1610612736 max_age=4h0m0s contains=(?m)^PGDMP mode=0640`},
		{"file absent, unset var kept", "done:\n  - file: $NOPE/lock\n    exists: false",
			`done file "$NOPE/lock" path=<root>/$NOPE/lock exists=false`},
		{"file mode as yaml int", "done:\n  - file: a\n    mode: 0600",
			`done file "a" path=<root>/a exists=true mode=0600`},
		{"backup", "done:\n  - backup: /tmp/config_chromadb.py.bak\n    of: config_chromadb.py\n    max_age: 4h\n    min_size: 10B",
			`done backup "/tmp/config_chromadb.py.bak" path=/tmp/config_chromadb.py.bak of=<root>/config_chromadb.py min_size=10 max_age=4h0m0s`},
		{"backup sha256", "done:\n  - backup: b.tar\n    sha256: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
			`done backup "b.tar" path=<root>/b.tar sha256=e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855`},
		{"host cpu", "requires:\n  - host: cpu\n    model: Xeon\n    min_cores: 8\n    max_percent: 90%\n    severity: warn",
			`requires host "cpu" target=cpu model=Xeon min_cores=8 max_percent=90`},
		{"host memory", "requires:\n  - host: memory\n    min_available: 512MiB",
			`requires host "memory" target=memory min_available=536870912`},
		{"host disk default path", "requires:\n  - host: disk\n    min_free: 10GB\n    max_used_percent: 85",
			`requires host "disk" target=disk path=<root> min_free=10000000000 max_used_percent=85`},
		{"host disk path", "requires:\n  - host: DISK\n    path: /var/lib/postgresql",
			`requires host "disk" target=disk path=/var/lib/postgresql`},
		{"host load", "requires:\n  - host: load\n    max: 2.5",
			`requires host "load" target=load max=2.5`},
		{"host swap", "requires:\n  - host: swap\n    max_percent: 20",
			`requires host "swap" target=swap max_percent=20`},
		{"process defaults", "requires:\n  - process: 'ingest_reddit\\.py'",
			`requires process "ingest_reddit\.py" pattern=ingest_reddit\.py running=true min_count=1`},
		{"process not running", "done:\n  - process: celery\n    running: false",
			`done process "celery" pattern=celery running=false min_count=0`},
		{"process count", "done:\n  - process: gunicorn\n    min_count: 4",
			`done process "gunicorn" pattern=gunicorn running=true min_count=4`},
		{"systemd default", "done:\n  - systemd: reddit-advisor.service",
			`done systemd "reddit-advisor.service" unit=reddit-advisor.service active=true`},
		{"systemd inactive", "done:\n  - systemd: nginx\n    active: no",
			`done systemd "nginx" unit=nginx active=false`},
		{"port", "requires:\n  - port: 127.0.0.1:5432",
			`requires port "127.0.0.1:5432" address=127.0.0.1:5432 open=true`},
		{"port closed ipv6", "done:\n  - port: '[::1]:8000'\n    open: false",
			`done port "[::1]:8000" address=[::1]:8000 open=false`},
		{"http defaults", "done:\n  - http: http://127.0.0.1:8000/health",
			`done http "http://127.0.0.1:8000/health" url=http://127.0.0.1:8000/health status=2xx`},
		{"http attrs", "done:\n  - http: https://localhost/ready\n    status: 204\n    body: ok\n    insecure: true\n    headers:\n      Host: api.example.com",
			`done http "https://localhost/ready" url=https://localhost/ready status=204 body=(?m)ok insecure=true header.Host=api.example.com`},
		{"command defaults", "requires:\n  - command: pg_isready -h 127.0.0.1",
			`requires command "pg_isready -h 127.0.0.1" command=pg_isready -h 127.0.0.1 exit=0 dir=<root>`},
		{"command attrs, vars left to the shell", "requires:\n  - command: test -n \"$PGHOST\"\n    exit: 1\n    stdout: '^$'",
			`requires command "test -n \"$PGHOST\"" command=test -n "$PGHOST" exit=1 stdout=(?m)^$ dir=<root>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, probePlan(tt.yaml))
			pr := p.Steps[0].Probes
			if len(pr) != 1 {
				t.Fatalf("want 1 probe, got %d", len(pr))
			}
			got := string(pr[0].Role) + " " + string(pr[0].Kind) + " " + quoteGo(pr[0].Target) + " " + dumpParams(pr[0].Params, rel)
			if got != tt.want {
				t.Errorf("probe:\n got  %s\n want %s", got, tt.want)
			}
			if pr[0].Source != spec.Explicit || pr[0].File != "plan.md" || pr[0].Line != 5 {
				t.Errorf("source %s, file %s, line %d; want explicit, plan.md, 5", pr[0].Source, pr[0].File, pr[0].Line)
			}
			if pr[0].Params.Kind() != pr[0].Kind {
				t.Errorf("Params.Kind() = %s for kind %s", pr[0].Params.Kind(), pr[0].Kind)
			}
		})
	}
}

func quoteGo(s string) string { return "\"" + strings.ReplaceAll(s, "\"", "\\\"") + "\"" }

func TestProbeCommonAndCombinators(t *testing.T) {
	p := mustParse(t, probePlan(`requires:
  - git: a.py
    name: a.py is in git
    severity: warn
    timeout: 2s
  - any:
      - backup: /tmp/a.bak
        of: a.py
      - all:
          - git: a.py
          - file: a.py
    name: a.py can be restored
    timeout: 10s
done:
  - port: 127.0.0.1:5432
infer: false
interval: 30s`))
	s := p.Steps[0]
	if !s.NoInfer || s.Interval != 30*time.Second {
		t.Errorf("NoInfer %v, Interval %v", s.NoInfer, s.Interval)
	}
	if len(s.Probes) != 3 {
		t.Fatalf("want 3 probes, got %d", len(s.Probes))
	}
	g := s.Probes[0]
	if g.Name != "a.py is in git" || g.Severity != spec.Warn || g.Timeout != 2*time.Second || g.Line != 5 || g.Label() != "a.py is in git" {
		t.Errorf("common attributes: %+v", g)
	}
	a := s.Probes[1]
	if a.Kind != spec.KindAny || a.Params != nil || len(a.Children) != 2 || a.Name != "a.py can be restored" || a.Timeout != 10*time.Second || a.Line != 9 {
		t.Fatalf("any: %+v", a)
	}
	if c := a.Children[0]; c.Kind != spec.KindBackup || c.Role != spec.Requires || c.Source != spec.Explicit || c.Line != 10 {
		t.Errorf("any child: %+v", c)
	}
	all := a.Children[1]
	if all.Kind != spec.KindAll || len(all.Children) != 2 || all.Line != 12 || all.Children[1].Kind != spec.KindFile || all.Children[1].Line != 14 {
		t.Errorf("nested all: %+v", all)
	}
	if d := s.Probes[2]; d.Role != spec.Done || d.Kind != spec.KindPort || d.Line != 18 {
		t.Errorf("done probe: %+v", d)
	}
	if s.Probes[0].EffectiveTimeout() != 2*time.Second || s.Probes[2].EffectiveTimeout() != spec.DefaultTimeout {
		t.Errorf("EffectiveTimeout")
	}
}

func TestProbeBlocksAppendAndSingleMap(t *testing.T) {
	src := "### 1. Step\n\n```gonogo\nrequires:\n  git: a\n```\n\ntext\n\n```gonogo\ndone:\n  - file: b\ninfer: true\n```\n"
	p := mustParse(t, src)
	pr := p.Steps[0].Probes
	if len(pr) != 2 || pr[0].Kind != spec.KindGit || pr[0].Line != 5 || pr[1].Kind != spec.KindFile || pr[1].Line != 12 || p.Steps[0].NoInfer {
		t.Errorf("two blocks in one step should both count: %+v %+v", pr, p.Steps[0])
	}
}

func TestProbeInListItemAndQuote(t *testing.T) {
	src := "## S\n\n1. Start\n   ```gonogo\n   done:\n     - systemd: app\n   ```\n2. Check\n\n   > ```gonogo\n   > requires:\n   >   - port: 127.0.0.1:80\n   > ```\n"
	p := mustParse(t, src)
	if len(p.Steps) != 2 || len(p.Steps[0].Probes) != 1 || p.Steps[0].Probes[0].Line != 6 ||
		len(p.Steps[1].Probes) != 1 || p.Steps[1].Probes[0].Line != 12 {
		t.Errorf("probe blocks in list items and quotes: %s", dumpPlan(p))
	}
}

func TestProbeErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string // "line:substring"; plan line = 3 + YAML line
	}{
		{"unknown kind suggests", "requires:\n  - gti: a.py",
			[]string{`5:gti: unknown probe kind: expected one of backup, command, file, git, host, http, port, postgres, process, systemd, any, all`, `5:(did you mean "git"?)`}},
		{"unknown kind lists kinds", "requires:\n  - database: main",
			[]string{"5:database: unknown probe kind: expected one of backup, command, file, git, host, http, port, postgres, process, systemd, any, all"}},
		{"no kind at all", "requires:\n  - name: just a name",
			[]string{"5:probe: probe has no kind"}},
		{"two kinds", "requires:\n  - git: a\n    file: a",
			[]string{"6:file: a probe has exactly one kind, this one has git and file"}},
		{"unknown attribute", "requires:\n  - git: config_chromadb.py\n    stat: committed",
			[]string{`6:stat: unknown attribute "stat" for git: expected repo, state, name, severity, timeout (did you mean "state"?)`}},
		{"unknown git state", "requires:\n  - git: a\n    state: commited",
			[]string{`6:state: unknown git state "commited": expected tracked, committed, untracked, ignored, staged, modified, clean (did you mean "committed"?)`}},
		{"timeout without unit", "requires:\n  - git: a\n    timeout: 5",
			[]string{`6:timeout: expected a duration with a unit, like 5s or 4h, got "5" without a unit`}},
		{"bad timeout", "requires:\n  - git: a\n    timeout: soon",
			[]string{`6:timeout: expected a duration with a unit, like 5s`}},
		{"negative timeout", "requires:\n  - git: a\n    timeout: -1s",
			[]string{`6:timeout: expected a positive duration`}},
		{"min_free lots", "requires:\n  - host: disk\n    min_free: lots",
			[]string{`6:min_free: expected a size like 10GB or 512MiB, got "lots"`}},
		{"min_size list", "requires:\n  - file: a\n    min_size: [1]",
			[]string{`6:min_size: expected a size like 10GB or 512MiB, got a list`}},
		{"attribute for another host target", "requires:\n  - host: cpu\n    min_free: 1GB",
			[]string{"6:min_free: does not apply to host cpu: host cpu takes model, min_cores, max_percent"}},
		{"unknown host target", "requires:\n  - host: gpu",
			[]string{`5:host: unknown host target "gpu": expected cpu, memory, disk, load, swap (did you mean "cpu"?)`}},
		{"bad regex located", "requires:\n  - file: a\n    contains: '(unclosed'",
			[]string{"6:contains: expected a regular expression (Go RE2 syntax): missing closing )"}},
		{"bad cpu model regex", "requires:\n  - host: cpu\n    model: 'Xeon('",
			[]string{"6:model: expected a regular expression"}},
		{"bad process regex", "requires:\n  - process: '*python'",
			[]string{"5:process: expected a process name or command-line regular expression"}},
		{"bad percent", "requires:\n  - host: disk\n    max_used_percent: 120",
			[]string{"6:max_used_percent: expected a percentage from 0 to 100"}},
		{"bad bool", "done:\n  - systemd: a\n    active: maybe",
			[]string{`6:active: expected true or false, got "maybe"`}},
		{"systemd option as unit", "requires:\n  - systemd: -Huser@host",
			[]string{`5:systemd: "-Huser@host" is not a systemd unit name gonogo will check: it starts with "-", so systemctl would read it as an option`}},
		{"systemd unit with a space", "requires:\n  - systemd: 'app --host=x'",
			[]string{`5:systemd: "app --host=x" is not a systemd unit name: ' ' is not allowed`}},
		{"bad int", "done:\n  - process: a\n    min_count: many",
			[]string{`6:min_count: expected a whole number, got "many"`}},
		{"bad port", "requires:\n  - port: 5432",
			[]string{`5:port: expected host:port like 127.0.0.1:5432, got "5432"`}},
		{"bad url", "requires:\n  - http: localhost:8000/health",
			[]string{"5:http: expected a URL like http://127.0.0.1:8080/health"}},
		{"bad status", "requires:\n  - http: http://a/\n    status: ok",
			[]string{`6:status: expected a status like 200, 204 or 2xx, got "ok"`}},
		{"bad sha", "done:\n  - backup: a\n    sha256: abc",
			[]string{"6:sha256: expected 64 hex digits"}},
		{"bad mode", "done:\n  - file: a\n    mode: rw-r--r--",
			[]string{"6:mode: expected an octal permission mode like 0600"}},
		{"bad exit", "done:\n  - command: 'true'\n    exit: 300",
			[]string{"6:exit: expected an exit code from 0 to 255"}},
		{"empty target", "requires:\n  - git:",
			[]string{"5:git: expected a target for git, got nothing"}},
		{"target is a list", "requires:\n  - file: [a, b]",
			[]string{"5:file: expected a target for file, got a list"}},
		{"severity", "requires:\n  - git: a\n    severity: high",
			[]string{`6:severity: expected warn (a failure only warns) or block (the default), got "high"`}},
		{"duplicate attribute", "requires:\n  - git: a\n    state: tracked\n    state: committed",
			[]string{"7:state: is given twice in one probe"}},
		{"probe not a map", "requires:\n  - git a.py",
			[]string{`5:requires: expected a probe map like "- git: config.py", got "git a.py"`}},
		{"requires not a list", "requires: git",
			[]string{`4:requires: expected a list of probes like "- git: config.py", got "git"`}},
		{"any not a list", "requires:\n  - any: git",
			[]string{`5:any: expected a non-empty list of probes, got "git"`}},
		{"any with attribute", "requires:\n  - any:\n      - git: a\n    state: committed",
			[]string{`7:state: unknown attribute "state" for any`}},
		{"child errors located", "requires:\n  - all:\n      - git: a\n      - fil: b",
			[]string{"7:fil: unknown probe kind"}},
		{"unknown block key", "require:\n  - git: a",
			[]string{`4:require: unknown key in gonogo block: expected requires, done, infer, interval (did you mean "requires"?)`}},
		{"block not a map", "- git: a",
			[]string{"4:gonogo block: expected a map with requires: and/or done: lists of probes, got a list"}},
		{"empty block", "",
			[]string{"3:gonogo block: is empty: expected requires: and/or done: lists"}},
		{"interval without unit", "interval: 30\nrequires:\n  - git: a",
			[]string{"4:interval: expected a duration with a unit"}},
		{"infer not bool", "infer: never\nrequires:\n  - git: a",
			[]string{`4:infer: expected true or false, got "never"`}},
		// The YAML parser locates this at the list it could not finish.
		{"yaml syntax", "requires:\n  - git: a\n   state: [",
			[]string{"4:gonogo block: is not valid YAML"}},
		{"two documents", "requires:\n  - git: a\n---\ndone:\n  - git: b",
			[]string{"6:gonogo block: holds a second YAML document"}},
		{"tabs", "requires:\n\t- git: a",
			[]string{"5:gonogo block: is not valid YAML"}},
		{"several errors in one block", "requires:\n  - git: a\n    stat: x\n  - host: disk\n    min_free: lots\n  - gti: b",
			[]string{`6:unknown attribute "stat"`, "8:min_free: expected a size", "9:gti: unknown probe kind"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseString(t, probePlan(tt.yaml))
			if len(tt.want) == 2 && tt.name == "unknown kind suggests" {
				// one error, two facts about it
				assertDiags(t, err, "plan.md", tt.want[:1])
				assertDiags(t, err, "plan.md", tt.want[1:])
				return
			}
			assertDiags(t, err, "plan.md", tt.want)
		})
	}
}

func TestHTTPTargetKeepsVariablesOutOfOutput(t *testing.T) {
	env := func(k string) string {
		if k == "TOKEN" {
			return "s3cret"
		}
		return ""
	}
	p, err := Parse("plan.md", []byte(probePlan("done:\n  - http: http://127.0.0.1:8000/health?token=$TOKEN")), testRoot, LoadOptions{Env: env})
	if err != nil {
		t.Fatal(err)
	}
	pr := p.Steps[0].Probes[0]
	if strings.Contains(pr.Target, "s3cret") || !strings.Contains(pr.Params.(*spec.HTTPParams).URL, "token=s3cret") {
		t.Errorf("target %q must not hold the secret; URL %q must", pr.Target, pr.Params.(*spec.HTTPParams).URL)
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"10GB", 10e9, true}, {"512MiB", 512 << 20, true}, {"1.5G", 3 << 29, true}, {"4096", 4096, true},
		{"100B", 100, true}, {"2 kb", 2000, true}, {"1TiB", 1 << 40, true}, {"3k", 3072, true},
		{"lots", 0, false}, {"", 0, false}, {"GB", 0, false}, {"1.2.3GB", 0, false}, {"-1GB", 0, false},
		{"10 parsecs", 0, false}, {"99999999999TB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestKindRegistry(t *testing.T) {
	want := "backup command file git host http port postgres process systemd any all"
	if got := strings.Join(KindNames(), " "); got != want {
		t.Errorf("KindNames = %s, want %s", got, want)
	}
	if got := strings.Join(KindAttributes(spec.KindGit), ","); got != "repo,state" {
		t.Errorf("KindAttributes(git) = %s", got)
	}
	if KindAttributes("nope") != nil {
		t.Error("unknown kind should have no attributes")
	}
}
