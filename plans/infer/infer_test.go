package infer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// testEnv is the environment the inference tests expand $VAR and ~ with.
func testEnv(k string) string {
	return map[string]string{
		"HOME":       "/home/op",
		"BACKUP_DIR": "/srv/backups",
		"PATH":       os.Getenv("PATH"),
	}[k]
}

// fixtureRoot is a plan root with a real file and folders in it, so
// inference's file-or-folder choice sees real things.
func fixtureRoot(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for _, d := range []string{"app", "logs"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "config_chromadb.py"), []byte("CHROMA = True\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return root
}

// analyzeOne reads one script as the only step of a plan.
func analyzeOne(root, text string, rollback bool) (*Analysis, *plans.Step) {
	st := &plans.Step{ID: "1", Key: "1", Rollback: rollback, Line: 9,
		Scripts: []plans.Script{{Lang: "bash", Text: text, Line: 10}}}
	p := &plans.Plan{File: "plan.md", Root: root, Steps: []*plans.Step{st}}
	return Analyze(p, Options{Env: testEnv}), st
}

func TestInferCommands(t *testing.T) {
	root := fixtureRoot(t)
	cases := []struct {
		name     string
		in       string
		rollback bool
		// want lists every inferred probe but the program checks (see
		// dumpProbe); programs lists those, when the case is about them.
		want     []string
		programs []string
		notes    []string // substrings, one note each
	}{
		{name: "seed backup to /tmp", in: "cp config_chromadb.py /tmp/config_chromadb.py.bak",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"done backup /tmp/config_chromadb.py.bak path=/tmp/config_chromadb.py.bak of=config_chromadb.py",
			}},
		{name: "seed rollback: either will do", in: "git checkout HEAD -- config_chromadb.py || cp /backup/config_chromadb.py .", rollback: true,
			want: []string{
				"requires any(requires git config_chromadb.py path=config_chromadb.py state=tracked rev=HEAD | requires file /backup/config_chromadb.py path=/backup/config_chromadb.py)",
			},
			programs: []string{"program git", "program cp"}},
		{name: "seed git add then commit", in: "git add config_chromadb.py\ngit commit -m \"chore: track config_chromadb.py for rollback safety\"",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"done git config_chromadb.py path=config_chromadb.py state=committed",
			}},
		{name: "git add without commit records nothing done", in: "git add config_chromadb.py",
			want: []string{"requires file config_chromadb.py path=config_chromadb.py"}},
		{name: "git add -A commits nothing in particular", in: "git add -A && git commit -m wip"},
		{name: "seed tee -a needs the folder", in: `echo "Backup location: /tmp/config_chromadb.py.bak" | tee -a logs/pre_migration_baseline.txt`,
			want: []string{"requires file logs path=logs dir"}},
		{name: "sudo cp -p then restart", in: "sudo cp -p /etc/app/app.conf /etc/app/app.conf.bak && sudo systemctl restart app",
			want: []string{
				"requires file /etc/app/app.conf path=/etc/app/app.conf",
				"requires systemd app exists",
				"done backup /etc/app/app.conf.bak path=/etc/app/app.conf.bak of=/etc/app/app.conf",
				"done systemd app active",
			},
			programs: []string{"program sudo (warn)", "program cp (warn)", "program systemctl (warn)"}},
		{name: "brace rename to .old", in: "mv config.py{,.old}",
			want: []string{
				"requires file config.py path=config.py",
				"done backup config.py.old path=config.py.old",
			}},
		{name: "brace copy to .bak", in: "cp -a config_chromadb.py{,.bak}",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"done backup config_chromadb.py.bak path=config_chromadb.py.bak of=config_chromadb.py",
			}},
		{name: "placeholder commit hash", in: "git checkout <commit-hash> -- config.py",
			notes: []string{`line 10: "git checkout <commit-hash> -- config.py" holds a placeholder (<commit-hash>)`}},
		{name: "placeholder version", in: "cp dist/app-vx.x.x.tar.gz /opt/app/",
			notes: []string{"holds a placeholder (vx.x.x)"}},
		{name: "placeholder YOUR_", in: "cp config.py /backup/YOUR_HOST/config.py",
			want:  []string{"requires file config.py path=config.py"},
			notes: []string{"holds a placeholder (YOUR_HOST)"}},
		{name: "placeholder ellipsis", in: "cp ~/notes.txt …",
			want:  []string{"requires file /home/op/notes.txt path=/home/op/notes.txt"},
			notes: []string{"holds a placeholder (…)"}},
		{name: "placeholder three dots", in: "pg_restore -d app ...",
			notes: []string{"holds a placeholder (...)"}},
		{name: "placeholder unset variable", in: "cp $UNSET_DIR/x .",
			notes: []string{"holds a placeholder ($UNSET_DIR (not set))"}},
		{name: "placeholder path/to", in: "cp config.py /path/to/backup/",
			want:  []string{"requires file config.py path=config.py"},
			notes: []string{"holds a placeholder (path/to/)"}},
		{name: "dots inside a commit message are not a placeholder", in: `git commit -m "wip..."`},
		{name: "variable from the environment", in: `cp "$BACKUP_DIR/db.dump" /tmp/ && pg_restore -d app /tmp/db.dump`,
			want: []string{"requires file /srv/backups/db.dump path=/srv/backups/db.dump", "requires postgres dbname=app"}},
		{name: "variable assigned in the script", in: "BACKUP=/srv/bk\ncp config.py \"$BACKUP/config.py.bak\"",
			want: []string{
				"requires file config.py path=config.py",
				"done backup /srv/bk/config.py.bak path=/srv/bk/config.py.bak of=config.py",
			}},
		{name: "export then use", in: "export DEST=/srv/bk && cp config.py $DEST/config.py.bak",
			want: []string{
				"requires file config.py path=config.py",
				"done backup /srv/bk/config.py.bak path=/srv/bk/config.py.bak of=config.py",
			}},
		{name: "read sets a variable only a run knows", in: "read -r -p 'Commit: ' HASH\ngit checkout \"$HASH\" -- config.py"},
		{name: "$PWD is where the script is", in: "cd app && cp \"$PWD/settings.py\" /tmp/settings.py.bak",
			want: []string{
				"requires file app path=app dir",
				"requires file app/settings.py path=app/settings.py",
				"done backup /tmp/settings.py.bak path=/tmp/settings.py.bak of=app/settings.py",
			}},
		{name: "stderr log is not what the step makes", in: "pg_dump app > /tmp/app.sql 2> /tmp/pg_dump.err",
			want: []string{"requires postgres dbname=app", "done file /tmp/app.sql path=/tmp/app.sql"}},
		{name: "unquoted variable with spaces splits", in: "FILES='a.txt b.txt'\ncp $FILES /srv/\ncp \"$FILES\" /srv/x.bak",
			want: []string{
				"requires file a.txt b.txt path=a.txt b.txt",
				"done backup /srv/x.bak path=/srv/x.bak of=a.txt b.txt",
			}},
		{name: "default value expansion", in: `cp config.py "${DEST:-/srv/bk}/config.py.bak"`,
			want: []string{
				"requires file config.py path=config.py",
				"done backup /srv/bk/config.py.bak path=/srv/bk/config.py.bak of=config.py",
			}},
		{name: "cd sets the base", in: "cd app && cp settings.py settings.py.orig",
			want: []string{
				"requires file app path=app dir",
				"requires file app/settings.py path=app/settings.py",
				"done backup app/settings.py.orig path=app/settings.py.orig of=app/settings.py",
			}},
		{name: "cd in a subshell does not leak", in: "(cd app && ls)\ncp config_chromadb.py config_chromadb.py.bak",
			want: []string{
				"requires file app path=app dir",
				"requires file config_chromadb.py path=config_chromadb.py",
				"done backup config_chromadb.py.bak path=config_chromadb.py.bak of=config_chromadb.py",
			}},
		{name: "cd to an unknown place stops relative paths", in: "cd \"$(mktemp -d)\"\ncp a.txt /srv/a.txt"},
		{name: "pg_dump -f with $(date) yields no file probe", in: `pg_dump -Fc -d app -f "$BACKUP_DIR/app-$(date +%F).dump"`,
			want: []string{"requires postgres dbname=app"}},
		{name: "pg_dump to stdout redirect", in: "pg_dump app > /tmp/app.sql",
			want: []string{"requires postgres dbname=app", "done file /tmp/app.sql path=/tmp/app.sql"}},
		{name: "pg_dump -f with a secret in env", in: "env PGPASSWORD=secret pg_dump -h db -U app app -f /tmp/app.sql",
			want: []string{"requires postgres host=db user=app dbname=app", "done file /tmp/app.sql path=/tmp/app.sql"}},
		{name: "pg_restore in rollback", in: "pg_restore -d app /backup/app.dump", rollback: true,
			want:     []string{"requires file /backup/app.dump path=/backup/app.dump", "requires postgres dbname=app"},
			programs: []string{"program pg_restore"}},
		{name: "psql -f", in: "psql -U postgres -f migrations/001.sql app",
			want: []string{"requires file migrations/001.sql path=migrations/001.sql"}},
		{name: "psql -c DROP yields no probe", in: `sudo -u postgres psql -c "DROP TABLE embeddings" app`},
		{name: "psql heredoc yields no probe", in: "psql app <<'SQL'\nDROP TABLE IF EXISTS embeddings;\nSQL"},
		{name: "input redirection", in: "psql app < /backup/schema.sql",
			want: []string{"requires file /backup/schema.sql path=/backup/schema.sql"}},
		{name: "append redirection needs the folder", in: "echo done >> /var/log/nonexistent-dir/app.log",
			want: []string{"requires file /var/log/nonexistent-dir path=/var/log/nonexistent-dir dir"}},
		{name: "redirect to /dev/null yields nothing", in: "systemctl is-active app > /dev/null 2>&1"},
		{name: "heredoc into a file", in: "cat <<EOF > /etc/app.env\nX=1\nEOF",
			want: []string{"done file /etc/app.env path=/etc/app.env"}},
		{name: "tar extract", in: "tar -xzf /backup/chroma.tar.gz -C /var/lib/chroma",
			want: []string{
				"requires file /var/lib/chroma path=/var/lib/chroma dir",
				"requires file /backup/chroma.tar.gz path=/backup/chroma.tar.gz",
			}},
		{name: "tar old-style extract", in: "tar xzf /backup/chroma.tar.gz",
			want: []string{"requires file /backup/chroma.tar.gz path=/backup/chroma.tar.gz"}},
		{name: "tar create", in: "tar -czf /backup/app.tgz app",
			want: []string{
				"requires file app path=app dir",
				"done file /backup/app.tgz path=/backup/app.tgz",
			}},
		{name: "rsync trailing slash", in: "rsync -a /var/lib/chroma/ /backup/chroma/",
			want: []string{
				"requires file /var/lib/chroma path=/var/lib/chroma dir",
				"done file /backup/chroma path=/backup/chroma dir",
			}},
		{name: "rsync to a remote host: the local source must exist, the remote side is not a path here",
			in:   "rsync -avz /var/lib/chroma/ backup@nas:/volume1/chroma/",
			want: []string{"requires file /var/lib/chroma path=/var/lib/chroma dir"}},
		{name: "rsync from a remote host: nothing local is needed",
			in: "rsync -avP root@old:/var/backups/*.tar.gz /var/restore/"},
		{name: "install", in: "install -m 644 app.conf /etc/app/app.conf",
			want: []string{"requires file app.conf path=app.conf"}},
		{name: "systemctl stop under time and sudo", in: "time sudo systemctl stop rag-pipeline.service",
			want: []string{
				"requires systemd rag-pipeline.service exists",
				"done systemd rag-pipeline.service inactive",
			}},
		{name: "stop then start leaves the unit running", in: "systemctl stop app; cp -a /var/backups/app/. /srv/app/ && systemctl start app", rollback: true,
			want: []string{
				"requires systemd app exists",
				"requires file /var/backups/app path=/var/backups/app",
				"done systemd app active",
			}},
		{name: "systemctl --user is another manager", in: "systemctl --user restart app"},
		{name: "service start", in: "sudo service postgresql start",
			want: []string{"requires systemd postgresql exists", "done systemd postgresql active"}},
		// A unit name that systemctl would read as an option never
		// becomes a probe: "-Hhost" would make systemctl ssh to host.
		{name: "systemctl -- -Hhost makes no probe", in: "systemctl restart -- -Huser@evil.example",
			notes: []string{`systemctl restart: "-Huser@evil.example" is not a systemd unit name gonogo will check`}},
		{name: "service -Hhost makes no probe", in: "service -Hhost restart",
			notes: []string{`service restart: "-Hhost" is not a systemd unit name gonogo will check`}},
		{name: "systemctl with a unit name systemd refuses", in: "systemctl start 'app;reboot'",
			notes: []string{`"app;reboot" is not a systemd unit name`}},
		{name: "the root mount is a unit", in: "systemctl restart -- -.mount",
			want: []string{"requires systemd -.mount exists", "done systemd -.mount active"}},
		{name: "git checkout of a branch checks nothing", in: "git checkout main"},
		{name: "git checkout REV -- files", in: "git checkout v1.4.0 -- src/ config.py",
			want: []string{
				"requires git src/ path=src state=tracked rev=v1.4.0",
				"requires git config.py path=config.py state=tracked rev=v1.4.0",
			}},
		{name: "git restore --source", in: "git restore --source=HEAD~1 app/settings.py",
			want: []string{"requires git app/settings.py path=app/settings.py state=tracked rev=HEAD~1"}},
		{name: "git -C dir restore -s", in: "git -C app restore -s main settings.py",
			want: []string{"requires git app/settings.py path=app/settings.py state=tracked rev=main"}},
		{name: "git show REV:F", in: "git show v1.2.3:config.py > config.py",
			want: []string{
				"requires git config.py path=config.py state=tracked rev=v1.2.3",
				"done file config.py path=config.py",
			}},
		{name: "pipeline reads nothing", in: "ls -la /backup/ | grep config"},
		{name: "console prompt", in: "$ cp config_chromadb.py /tmp/x.bak",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"done backup /tmp/x.bak path=/tmp/x.bak of=config_chromadb.py",
			}},
		{name: "line continuation", in: "cp config.py \\\n   /tmp/config.py.bak",
			want: []string{
				"requires file config.py path=config.py",
				"done backup /tmp/config.py.bak path=/tmp/config.py.bak of=config.py",
			}},
		{name: "|| exit keeps the requirement blocking", in: "cp config.py config.py.bak || exit 1",
			want: []string{
				"requires file config.py path=config.py",
				"done backup config.py.bak path=config.py.bak of=config.py",
			}},
		{name: "|| true makes it a warning", in: "cp config.py config.py.bak || true",
			want: []string{
				"requires file config.py path=config.py (warn)",
				"done backup config.py.bak path=config.py.bak of=config.py",
			}},
		{name: "guarded copy only warns", in: "[ -f config.py.bak ] || cp config.py config.py.bak",
			want: []string{
				"requires file config.py path=config.py (warn)",
				"done backup config.py.bak path=config.py.bak of=config.py",
			}},
		{name: "if body only warns", in: "if [ -f /backup/x ]; then cp /backup/x .; fi",
			want: []string{"requires file /backup/x path=/backup/x (warn)"}},
		{name: "loop variable yields nothing", in: "for f in a b; do cp $f /backup/; done"},
		{name: "glob yields nothing", in: "cp *.py /backup/"},
		{name: "huge brace range yields nothing", in: "cp a{1..99999999} /backup/"},
		{name: "brace list of sources", in: "cp -t /backup/ config_chromadb.py{,.orig}",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"requires file config_chromadb.py.orig path=config_chromadb.py.orig",
				"done backup /backup/config_chromadb.py path=/backup/config_chromadb.py of=config_chromadb.py",
			}},
		{name: "command substitution yields nothing", in: "cp $(ls -t /backup/*.dump | head -1) /tmp/restore.dump"},
		{name: "sh -c string is read", in: `sudo -u postgres bash -c "pg_dump -Fc app -f /var/backups/app.dump"`,
			want: []string{"done file /var/backups/app.dump path=/var/backups/app.dump"}},
		{name: "docker exec is remote but the redirect is local", in: "docker exec db pg_dump app > /tmp/app.sql",
			want:  []string{"done file /tmp/app.sql path=/tmp/app.sql"},
			notes: []string{"line 10: `docker exec db pg_dump app > /tmp/app.sql` runs in the container db; gonogo does not check what it does there"}},
		{name: "scp up and down", in: "scp build/app.tgz deploy@web1:/opt/app/ && scp web1:/etc/app.conf /srv/bk/app.conf.bak",
			want: []string{"requires file build/app.tgz path=build/app.tgz"}},
		{name: "curl -o and wget -O", in: "curl -fsSL -o /tmp/release.tgz https://example.com/r.tgz && wget -q -O /tmp/sums.txt https://example.com/sums",
			want: []string{"done file /tmp/release.tgz path=/tmp/release.tgz", "done file /tmp/sums.txt path=/tmp/sums.txt"}},
		{name: "curl to stdout", in: "curl -fsS http://127.0.0.1:8000/health"},
		{name: "ssh is remote", in: "ssh prod 'cp /etc/app.conf /etc/app.conf.bak'",
			notes: []string{"runs on prod; gonogo does not check what it does there"}},
		{name: "an ssh session: the lines up to exit run there",
			in:    "ssh db-1\ncp /etc/app.conf /etc/app.conf.bak\nexit\ncp app.conf /tmp/app.conf.bak",
			want:  []string{"requires file app.conf path=app.conf", "done backup /tmp/app.conf.bak path=/tmp/app.conf.bak of=app.conf"},
			notes: []string{"line 10: after `ssh db-1` the commands run on db-1, until exit; gonogo does not check them from this host"}},
		{name: "su - postgres, then docker exec -it, nested: exit closes one at a time",
			in:    "su - postgres\ndocker exec -it db bash\ncp /a /b.bak\nexit\ncp /c /d.bak\nexit\ncp app.conf /tmp/app.conf.bak",
			want:  []string{"requires file app.conf path=app.conf", "done backup /tmp/app.conf.bak path=/tmp/app.conf.bak of=app.conf"},
			notes: []string{"line 10: after `su - postgres` the commands run as postgres"}},
		{name: "an interactive psql: what follows is SQL",
			in:    "sudo -u postgres psql -d app\n\\q\ncp app.conf /tmp/app.conf.bak",
			want:  []string{"requires file app.conf path=app.conf", "done backup /tmp/app.conf.bak path=/tmp/app.conf.bak of=app.conf"},
			notes: []string{"the commands run at the psql prompt"}},
		{name: "psql -c and a piped ssh are no sessions",
			in: "psql -d app -c 'select 1'\necho hi | ssh db-1\ncp app.conf /tmp/app.conf.bak",
			want: []string{"requires postgres dbname=app",
				"requires file app.conf path=app.conf", "done backup /tmp/app.conf.bak path=/tmp/app.conf.bak of=app.conf"},
			notes: []string{"line 11: `ssh db-1` runs on db-1"}},
		{name: "made earlier in the step is not required", in: "mkdir -p /srv/bk && cp config.py /srv/bk/config.py && cp /srv/bk/config.py /tmp/",
			want: []string{"requires file config.py path=config.py"}},
		{name: "a file the step removes again is not done", in: "pg_dump -f /tmp/x.sql app && psql -f /tmp/x.sql other && rm -f /tmp/x.sql",
			want: []string{"requires postgres dbname=app"}},
		{name: "made, removed, made again", in: "cp config_chromadb.py /tmp/c.bak; rm /tmp/c.bak; cp config_chromadb.py /tmp/c.bak",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"done backup /tmp/c.bak path=/tmp/c.bak of=config_chromadb.py",
			}},
		{name: "cp -r of a folder to a backup", in: "cp -r app app.bak",
			want: []string{"requires file app path=app dir", "done file app.bak path=app.bak dir"}},
		{name: "sed -i needs the file", in: "sed -i 's/chroma/pgvector/' config_chromadb.py",
			want: []string{"requires file config_chromadb.py path=config_chromadb.py"}},
		{name: "windows path", in: `copy C:\backup\x . ; cp C:\backup\config.py .`,
			notes: []string{`C:\backup\config.py is a Windows path`}},
		{name: "quoted windows path", in: `cp "C:\backup\x" .`,
			notes: []string{`"C:\backup\x" is a Windows path`}},
		{name: "quotes and spaces", in: `cp 'my file.txt' "my file.txt.bak"`,
			want: []string{
				"requires file my file.txt path=my file.txt",
				"done backup my file.txt.bak path=my file.txt.bak of=my file.txt",
			}},
		{name: "cp into an existing folder", in: "cp config_chromadb.py app",
			want: []string{"requires file config_chromadb.py path=config_chromadb.py"}},
		{name: "source a file", in: ". ./env.sh && source /etc/profile.d/app.sh",
			want: []string{
				"requires file ./env.sh path=env.sh",
				"requires file /etc/profile.d/app.sh path=/etc/profile.d/app.sh",
			}},
		{name: "program by path in rollback", in: "./scripts/rollback.sh --to v1", rollback: true,
			programs: []string{"program ./scripts/rollback.sh"}},
		{name: "builtins and functions are not programs", in: "f() { echo hi; }\nf\nexport X=1\necho $X", rollback: true,
			programs: []string{}},
		{name: "not a shell script", in: "if then fi (((", notes: []string{"line 10: could not read shell"}},
		{name: "unclosed quote", in: "cp 'config.py /tmp/x", notes: []string{"line 10: could not read shell"}},
		{name: "prose line in a block is skipped, the rest is read",
			in: "cp config_chromadb.py /tmp/a.bak\nthen don't forget the logs\ncp config_chromadb.py /tmp/b.bak",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"done backup /tmp/a.bak path=/tmp/a.bak of=config_chromadb.py",
				"done backup /tmp/b.bak path=/tmp/b.bak of=config_chromadb.py",
			},
			notes: []string{"line 11: could not read shell: `then` can only be used in an `if`; that line is skipped"}},
		{name: "an apostrophe that never closes costs only its line",
			in: "cp config_chromadb.py /tmp/a.bak\necho it's done\ncp config_chromadb.py /tmp/b.bak",
			want: []string{
				"requires file config_chromadb.py path=config_chromadb.py",
				"done backup /tmp/a.bak path=/tmp/a.bak of=config_chromadb.py",
				"done backup /tmp/b.bak path=/tmp/b.bak of=config_chromadb.py",
			},
			notes: []string{"line 11: could not read shell: "}},
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, st := analyzeOne(root, c.in, c.rollback)
			var got, progs []string
			for _, ps := range a.Probes() {
				line := dumpProbe(a, ps, root)
				if strings.HasPrefix(line, "program ") {
					progs = append(progs, line)
					continue
				}
				got = append(got, line)
				checkInferred(t, ps)
			}
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("%s\ngot:\n  %s\nwant:\n  %s", c.in, strings.Join(got, "\n  "), strings.Join(c.want, "\n  "))
			}
			if c.programs != nil && strings.Join(progs, "\n") != strings.Join(c.programs, "\n") {
				t.Errorf("%s\nprograms got %q, want %q", c.in, progs, c.programs)
			}
			notes := a.StepNotes(st.Key)
			if len(notes) != len(c.notes) {
				t.Errorf("%s\nnotes got %q, want %d like %q", c.in, notes, len(c.notes), c.notes)
			}
			for i := range min(len(notes), len(c.notes)) {
				if !strings.Contains(notes[i], c.notes[i]) {
					t.Errorf("note %d = %q, want it to contain %q", i, notes[i], c.notes[i])
				}
			}
		})
	}
}

// checkInferred asserts what every inferred probe carries.
func checkInferred(t *testing.T, ps *spec.Probe) {
	t.Helper()
	if ps.Source != spec.Inferred || ps.File != "plan.md" || ps.Line < 10 || ps.Why == "" || ps.Name == "" {
		t.Errorf("probe %s: source %q file %q line %d why %q name %q", ps.Label(), ps.Source, ps.File, ps.Line, ps.Why, ps.Name)
	}
	if strings.Contains(ps.Why, "secret") {
		t.Errorf("probe %s: Why shows a secret: %q", ps.Label(), ps.Why)
	}
	for _, c := range ps.Children {
		checkInferred(t, c)
	}
}
