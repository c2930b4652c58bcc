package plans

import (
	"fmt"
	"strings"
	"testing"
)

// The forms issue 10 asks the reader to understand, one small plan each
// (fence, from lead_test.go, keeps the sources readable).

// stepsOf is "key:title" for each step, with markers: (rb) rollback,
// [n] the number of scripts, ^parent for a sub-step.
func stepsOf(p *Plan) string {
	var parts []string
	for _, s := range p.Steps {
		x := s.Key + ":" + s.Title
		if s.Rollback {
			x += "(rb)"
		}
		if n := len(s.Scripts); n > 0 {
			x += fmt.Sprintf("[%d]", n)
		}
		if s.Parent != "" {
			x += "^" + s.Parent
		}
		parts = append(parts, x)
	}
	return strings.Join(parts, " | ")
}

func TestStepsWithoutNumbers(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"headings that own a block",
			"# Move\n\n## Stop the service\n\n" + fence + "bash\nsystemctl stop app\n" + fence + "\n\n## Copy the data\n\n" + fence + "bash\nrsync -a /srv/a/ /srv/b/\n" + fence + "\n",
			"stop-the-service:Stop the service[1] | copy-the-data:Copy the data[1]"},
		{"a heading that names an action, with prose only, is a manual step",
			"# Move\n\n## Check the hosts before the window\n\nLook at the inventory.\n\n## Background\n\nWe run two hosts.\n",
			"check-the-hosts-before-the-window:Check the hosts before the window"},
		{"headings that only group other steps are phases",
			"# P\n\n## Preparation\n\n### Install the driver\n\n" + fence + "bash\npip install 'psycopg[binary]'\n" + fence + "\n",
			"install-the-driver:Install the driver[1]"},
		{"bullets with inline commands, and an instruction among them",
			"## Upgrade\n\n* Check the release notes first.\n* Stop it. Command: `sudo systemctl stop gitea`\n* Gitea is statically linked.\n",
			"check-the-release-notes-first:Check the release notes first. | stop-it-command-sudo-systemctl-stop-gitea:Stop it. Command: sudo systemctl stop gitea[1]"},
		{"plain bullets without commands are description",
			"## Prerequisites\n\n- Enough disk\n- `sudo` on the host\n\n## Procedure\n\n1. Go\n",
			"1:Go"},
		{"task items get their title's slug",
			"## Checklist\n\n- [ ] Freeze deploys\n- [x] Page the DBA: `psql -h db -c 'select 1'`\n",
			"freeze-deploys:Freeze deploys | page-the-dba-psql-h-db-c-select-1:Page the DBA: psql -h db -c 'select 1'[1]"},
		{"a section whose heading names no action: its first instruction is the step",
			"# Releasing\n\n## Pre-release\n\nOpen a pull request named `Release vX.Y.Z` that:\n\n- bumps the version\n\nWait for review.\n\n## Release\n\n1. Tag it: `git tag v1.0.0`\n",
			"open-a-pull-request-named-release-vx-y-z-that:Open a pull request named Release vX.Y.Z that | 1:Tag it: git tag v1.0.0[1]"},
		{"bold lines on their own are headings",
			"# Vacuum\n\n**Check the bloat first**\n\n" + fence + "bash\npsql -c 'select 1'\n" + fence + "\n\n**Pause posting**\n\nSwitch read-only mode on.\n",
			"check-the-bloat-first:Check the bloat first[1] | pause-posting:Pause posting"},
		{"wiki headings pasted into Markdown",
			"# Reimage\n\n== Procedure ==\n\n* Depool it: `ssh mw1 sudo depool`\n\n== Rollback ==\n\n* Keep it depooled: `ssh mw1 sudo depool`\n",
			"depool-it-ssh-mw1-sudo-depool:Depool it: ssh mw1 sudo depool[1] | keep-it-depooled-ssh-mw1-sudo-depool:Keep it depooled: ssh mw1 sudo depool(rb)[1]"},
		{"sections of description are skipped, commands and all",
			"# P\n\n## Stop it\n\n" + fence + "bash\nsystemctl stop a\n" + fence + "\n\n## Troubleshooting\n\n" + fence + "bash\njournalctl -u a\n" + fence + "\n\n## Best practices\n\n1. Keep backups\n\n## ✅ Next steps\n\n- [ ] Add a dashboard\n",
			"stop-it:Stop it[1]"},
		{"numbered overview and prerequisites sections are no steps",
			"# G\n\n## 1. Overview\n\nText.\n\n## 2. Prerequisites\n\n- Docker\n\n## 3. Deploy\n\n" + fence + "bash\ndocker compose up -d\n" + fence + "\n\n## 13. Best Practices\n\n1. Deploy early\n",
			"3:Deploy[1]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stepsOf(mustParse(t, tt.src)); got != tt.want {
				t.Errorf("steps:\n got  %s\n want %s", got, tt.want)
			}
		})
	}
}

// Un-numbered steps are known by the slug of their title: an edit
// elsewhere in the file does not change it, a repeated title gets -2, and
// a long title is cut between words.
func TestSlugIDsAreStable(t *testing.T) {
	block := func(c string) string { return fence + "bash\n" + c + "\n" + fence + "\n\n" }
	a := "# P\n\n## Stop the service\n\n" + block("systemctl stop a") + "## Stop the service\n\n" + block("systemctl stop b") +
		"## Pre-flight checklist for the primary database cluster in eu-west\n\n" + block("pg_isready")
	b := "# P\n\nIntro added later.\n\n## Announce the window\n\nPost in #ops.\n\n" + a[len("# P\n\n"):]
	pa, pb := mustParse(t, a), mustParse(t, b)
	keys := func(p *Plan) []string {
		var k []string
		for _, s := range p.Steps {
			if s.Generated {
				k = append(k, s.Key)
			}
		}
		return k
	}
	want := "stop-the-service stop-the-service-2 pre-flight-checklist-for-the-primary-database"
	if got := strings.Join(keys(pa), " "); got != want {
		t.Errorf("keys %q, want %q", got, want)
	}
	if got := strings.Join(keys(pb)[1:], " "); got != want {
		t.Errorf("after an edit elsewhere: keys %q, want %q", got, want)
	}
	for _, s := range pa.Steps {
		if len(s.Key) > 48 {
			t.Errorf("key %q longer than 48 bytes", s.Key)
		}
	}
}

func TestIDForms(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"R1 and RB-2 paragraphs", "## Rollback\n\n**R1.** Drain the host: `ssh lb-1 sudo drain web-3`\n\n**RB-2:** Restore the dump.\n",
			"R1:Drain the host: ssh lb-1 sudo drain web-3(rb)[1] | RB-2:Restore the dump.(rb)"},
		{"Task N.M headings under phases", "## Phase 1: Preparation\n\n### Task 1.1: Create the schema\n\n### Task 1.2: Load it\n",
			"1.1:Create the schema | 1.2:Load it"},
		{"Step N.M — headings under Step N groups", "## Step 3 — Switch\n\n### Step 3.2 — Swap the alias\n\nDo it.\n",
			"3.2:Swap the alias"},
		{"bold dotted IDs under a numbered group", "## 1. Prepare\n\n**1.6**: Render the values\n\n**1.7**: Tell the team\n",
			"1.6:Render the values | 1.7:Tell the team"},
		{"Phase N, step M", "## Phase 2\n\n**Phase 2, step 4:** Switch the DSN\n\n#### Phase 2, step 5: Check it\n",
			"2.4:Switch the DSN | 2.5:Check it"},
		{"emoji in front of the ID", "## 🛠️ Steps\n\n### 🔍 Step 1: Pre-flight checks\n\n### Step R1: Restore\n",
			"1:Pre-flight checks | R1:Restore"},
		{"letter IDs need a separator", "## Steps\n\n1. Go\n\nQ3 review is next week.\n", "1:Go"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stepsOf(mustParse(t, tt.src)); got != tt.want {
				t.Errorf("steps:\n got  %s\n want %s", got, tt.want)
			}
		})
	}
}

// Every form of a per-step rollback becomes the sub-step ID/rollback of
// its step, owns the rollback's commands (never the step itself) and is a
// rollback step, so the rollback gate checks it.
func TestPerStepRollbackForms(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"**Rollback**: line after a heading step",
			"## Deploy\n\n### Task 1.2: Add the dependencies\n\n" + fence + "bash\ngit commit -am deps\n" + fence + "\n\n**Rollback**: `git revert --no-edit HEAD`\n\n### Task 1.3: Next\n",
			"1.2:Add the dependencies[1] | 1.2/rollback:Git revert --no-edit HEAD(rb)[1]^1.2 | 1.3:Next"},
		{"nothing to undo is no step",
			"## Deploy\n\n1. Copy it aside:\n   " + fence + "sh\n   cp -p a a.bak\n   " + fence + "\n   **Rollback:** nothing to undo.\n2. Test: `nginx -t`\n\n   **Rollback:** not needed; `nginx -t` changes nothing.\n",
			"1:Copy it aside:[1] | 2:Test: nginx -t[1]"},
		{"To roll back: in the middle of an item",
			"## Renew\n\n1. Drain it: `sudo lbctl drain edge-1`. To roll back: `sudo lbctl undrain edge-1`.\n2. Renew.\n",
			"1:Drain it: sudo lbctl drain edge-1. To roll back: sudo lbctl undrain edge-1.[1] | 1/rollback:Sudo lbctl undrain edge-1(rb)[1]^1 | 2:Renew."},
		{"#### Rollback under a heading step; the next step is no rollback",
			"## Upgrade\n\n### Task 2.3: Copy the data\n\n" + fence + "bash\n./copy.sh\n" + fence + "\n\n#### Rollback\n\nEmpty the tables:\n\n" + fence + "bash\npsql -c 'TRUNCATE t'\n" + fence + "\n\n### Task 2.4: Point the app\n",
			"2.3:Copy the data[1] | 2.3/rollback:Rollback(rb)[1]^2.3 | 2.4:Point the app"},
		{"#### Rollback after a bold step in a numbered group; the steps after it are no rollback",
			"## 1. Prepare\n\n**1.4**: Scale the worker to zero:\n\n" + fence + "bash\nkubectl scale deploy/w --replicas=0\n" + fence + "\n\n#### Rollback\n\n" + fence + "bash\nkubectl scale deploy/w --replicas=4\n" + fence + "\n\n**1.5**: Tell the on-call.\n",
			"1.4:Scale the worker to zero:[1] | 1.4/rollback:Rollback(rb)[1]^1.4 | 1.5:Tell the on-call."},
		{"a Rolling back admonition in a step",
			"## 3. Check\n\n" + fence + "bash\ncurl -fsS localhost/alive\n" + fence + "\n\n!!! danger \"Rolling back\"\n    Restore the archive:\n\n    " + fence + "bash\n    tar -xzf /srv/b.tgz -C /srv\n    " + fence + "\n",
			"3:Check[1] | 3/rollback:Rolling back(rb)[1]^3"},
		{"a Docusaurus :::danger Roll back",
			"## Point it at Redis\n\n" + fence + "bash\nsudo systemctl restart relay\n" + fence + "\n\n:::danger Roll back\n\n" + fence + "bash\nsudo systemctl restart relay-old\n" + fence + "\n\n:::\n",
			"point-it-at-redis:Point it at Redis[1] | point-it-at-redis/rollback:Roll back(rb)[1]^point-it-at-redis"},
		{"a <details> with a rollback summary",
			"## Drain the queue\n\n" + fence + "bash\nrelayctl pause\n" + fence + "\n\n<details>\n<summary>Roll back this step</summary>\n\n" + fence + "bash\nrelayctl resume\n" + fence + "\n\n</details>\n",
			"drain-the-queue:Drain the queue[1] | drain-the-queue/rollback:Roll back this step(rb)[1]^drain-the-queue"},
		{"a paragraph after a list that says how to undo one of its steps",
			"# Upgrade\n\n1. Back up: `pg_dump -Fc app -f /b/app.dump`\n2. Migrate: `rails db:migrate`\n\nIf the migration fails in step 2, restore the dump from step 1 with `pg_restore --clean /b/app.dump`.\n",
			"1:Back up: pg_dump -Fc app -f /b/app.dump[1] | 2:Migrate: rails db:migrate[1] | 2/rollback:If the migration fails in step 2, restore the dump from step 1 with pg_restore --clean /b/app.dump(rb)[1]^2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := stepsOf(mustParse(t, tt.src)); got != tt.want {
				t.Errorf("steps:\n got  %s\n want %s", got, tt.want)
			}
		})
	}
}

// Rollback sections: everything actionable under them is a rollback step,
// whatever the heading calls the way back.
func TestRollbackSections(t *testing.T) {
	block := func(c string) string { return fence + "bash\n" + c + "\n" + fence + "\n\n" }
	fwd := "# P\n\n## Upgrade\n\n1. Stop: `systemctl stop app`\n\n"
	tests := []struct{ name, src, want string }{
		{"sub-headings without numbers",
			fwd + "## Rollback Plan\n\nUse this if it fails.\n\n### Immediate Rollback\n\n" + block("systemctl start app") + "### Data Recovery\n\n" + block("cp -r /backup/data /srv/data") + "### Tell support\n\nPost in #support.\n",
			"1:Stop: systemctl stop app[1] | immediate-rollback:Immediate Rollback(rb)[1] | data-recovery:Data Recovery(rb)[1] | tell-support:Tell support(rb)"},
		{"a bare block under the heading: the heading is the step",
			fwd + "## Rollback\n\nBoot the old kernel:\n\n" + block("grub-reboot 1 && reboot"),
			"1:Stop: systemctl stop app[1] | rollback:Rollback(rb)[1]"},
		{"If it goes wrong",
			fwd + "## If it goes wrong\n\n" + block("cp /srv/a.old /srv/a"),
			"1:Stop: systemctl stop app[1] | if-it-goes-wrong:If it goes wrong(rb)[1]"},
		{"Failing back",
			fwd + "## Failing back\n\n### Rebuild the old primary\n\n" + block("pg_basebackup -D /pg") + "### Switch over\n\nLater.\n",
			"1:Stop: systemctl stop app[1] | rebuild-the-old-primary:Rebuild the old primary(rb)[1] | switch-over:Switch over(rb)"},
		{"a section that says it goes back in its first paragraph",
			fwd + "## Database\n\nIf the database has to go back too, restore the dump:\n\n" + block("pg_restore -d app /b/app.dump"),
			"1:Stop: systemctl stop app[1] | database:Database(rb)[1]"},
		{"a rollback heading words it as a purpose: no rollback",
			"## Pre-deploy\n\n### 8a. Backup untracked files required for rollback\n\n" + block("cp c.py /tmp/c.py.bak"),
			"8a:Backup untracked files required for rollback[1]"},
		{"a revert task list",
			fwd + "## Reverting a bad release\n\n- [ ] Retract it in go.mod\n- [ ] Release a patch\n",
			"1:Stop: systemctl stop app[1] | retract-it-in-go-mod:Retract it in go.mod(rb) | release-a-patch:Release a patch(rb)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.src)
			if got := stepsOf(p); got != tt.want {
				t.Errorf("steps:\n got  %s\n want %s", got, tt.want)
			}
			if len(p.RollbackGaps) != 0 {
				t.Errorf("no gaps expected: %v", p.RollbackGaps)
			}
		})
	}
}

// A rollback section that holds content the reader cannot take as steps
// is a gap naming its lines: the model makes the rollback gate UNKNOWN.
func TestRollbackGaps(t *testing.T) {
	fwd := "# P\n\n## Upgrade\n\n1. Stop: `systemctl stop app`\n\n"
	tests := []struct {
		name, src string
		want      []string // "line field"
	}{
		{"a table", fwd + "## Rollback\n\n| host | what |\n|---|---|\n| app-1 | start |\n| app-2 | start |\n",
			[]string{"9 lines 9–12"}},
		{"an empty section", fwd + "## Rollback\n\n## Notes\n\nNone.\n",
			[]string{`7 rollback section "Rollback"`}},
		{"a block before the first rollback step", fwd + "## Rollback\n\n" + fence + "bash\nsystemctl start app\n" + fence + "\n\n1. Tell the team\n",
			[]string{"9 lines 9–11"}},
		{"a rollback swallowed by a fence left open", fwd + "## Verify\n\n" + fence + "bash\ncurl localhost\n\n## Rollback\n\n1. Start it\n",
			[]string{"12 lines 12–14"}},
		{"readable sections have none", fwd + "## Rollback\n\n1. Start: `systemctl start app`\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.src)
			var got []string
			for _, g := range p.RollbackGaps {
				got = append(got, fmt.Sprintf("%d %s", g.Line, g.Field))
				if !strings.Contains(g.Msg, "cannot be GO") {
					t.Errorf("gap message should say the gate cannot be GO: %v", g)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("gaps %q, want %q (%v)", got, tt.want, p.RollbackGaps)
			}
		})
	}
}

// Fail closed: a shell block or inline command no step owns is a warning
// naming its line, and so is a fence left open. Sections of description
// raise none.
func TestUnownedCommandsWarn(t *testing.T) {
	src := "# P\n\nRun from the toolbox:\n\n" + fence + "bash\nkubectl config use-context prod\n" + fence + "\n\nTools: `ssh kw-01` works.\n\n" +
		"## Steps\n\n1. Go: `kubectl get pods`\n\n## FAQ\n\n" + fence + "bash\nkubectl logs x\n" + fence + "\n\n## Verify\n\n" + fence + "\ncurl localhost\n"
	p := mustParse(t, src)
	var got []string
	for _, w := range p.Warnings {
		got = append(got, fmt.Sprintf("%d %s", w.Line, w.Field))
	}
	want := []string{"5 shell block", "9 inline command `ssh kw-01`", "23 ``` fence"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("warnings %q, want %q\n%v", got, want, p.Warnings)
	}
}

// A file where no form finds a step is read as prose, then as one step;
// only a file with nothing to do is an error, saying what it holds.
func TestFallbacks(t *testing.T) {
	prose := "# Notes\n\nWe keep sessions here; losing them logs people out.\n\nStart by pointing the new instance at the old one:\n\n" +
		fence + "sh\nredis-cli -h new REPLICAOF old 6379\n" + fence + "\n\nGive it a minute and check `redis-cli -h new INFO replication`.\n\n" +
		"During the switch a few users log in again.\n\nIf something goes wrong, point the app back at the old one.\n"
	if got, want := stepsOf(mustParse(t, prose)), "start-by-pointing-the-new-instance-at-the-old:Start by pointing the new instance at the old one[1] | "+
		"give-it-a-minute-and-check-redis-cli-h-new-info:Give it a minute and check redis-cli -h new INFO replication[1] | "+
		"if-something-goes-wrong-point-the-app-back-at:If something goes wrong, point the app back at the old one(rb)"; got != want {
		t.Errorf("prose:\n got  %s\n want %s", got, want)
	}
	whole := "# Rotate the keys\n\n" + fence + "bash\n./rotate.sh --all\n" + fence + "\n\nThat is all.\n"
	if got, want := stepsOf(mustParse(t, whole)), "rotate-the-keys:Rotate the keys[1]"; got != want {
		t.Errorf("whole document:\n got  %s\n want %s", got, want)
	}
	_, err := parseString(t, "# Ideas\n\nSome thoughts.\n\n"+fence+"yaml\na: 1\n"+fence+"\n")
	assertDiags(t, err, "plan.md", []string{"1:no steps found: the file has 1 heading, 1 paragraph, 1 code block that is not shell and no shell commands or instructions"})
}

// Numbered comments inside a step's block and numbered actions nested in
// a step are its sub-steps; a repeated ID warns only where a reference
// would be ambiguous.
func TestSubSteps(t *testing.T) {
	src := "## Deploy\n\n### 10.3 Deploy the application\n\n" + fence + "bash\nssh app-1\n\n# 1. Pull\ndocker compose pull\n\n# 2. Recreate\ndocker compose up -d\n" + fence + "\n\n" +
		"### 11. Quick deploy\n\n" + fence + "bash\n# 1. Build\nmake\n# 2. Push\nmake push\n" + fence + "\n\n" +
		"## Upgrade\n\n4. Upgrade the code (`su - app`):\n   1. Save the patches: `git diff > ~/p.diff`\n   2. Check out the tag: `git checkout v2`\n5. Start it\n"
	p := mustParse(t, src)
	want := "10.3:Deploy the application[1] | 10.3/1:Pull[1]^10.3 | 10.3/2:Recreate[1]^10.3 | 11:Quick deploy | 11/1:Build[1]^11 | 11/2:Push[1]^11 | " +
		"4:Upgrade the code (su - app):[1] | 4/1:Save the patches: git diff > ~/p.diff[1]^4 | 4/2:Check out the tag: git checkout v2[1]^4 | 5:Start it"
	if got := stepsOf(p); got != want {
		t.Errorf("steps:\n got  %s\n want %s", got, want)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("sub-steps are known by their parent: no warnings, got %v", p.Warnings)
	}
	if s, err := p.StepByRef("4/2"); err != nil || s.Scripts[0].Session == "" {
		t.Errorf("4/2 runs in the session step 4 opened: %v %+v", err, s)
	}
}

// Option A / Option B sub-sections, content tabs and "Option B:"
// paragraphs are ways of one step: its scripts carry the way and its set.
func TestAlternatives(t *testing.T) {
	block := func(c string) string { return fence + "bash\n" + c + "\n" + fence + "\n\n" }
	tests := []struct{ name, src, want string }{
		{"Option sub-sections", "## 6. Upgrade\n\n" + block("systemctl stop pg") + "#### Option A: links\n\n" + block("pg_upgrade --link") + "#### Option B: copy\n\n" + block("pg_upgrade --copy"),
			"-|Option A: links@7|Option B: copy@7"},
		{"tabs", "## 1. Back up\n\n=== \"Docker\"\n\n    " + fence + "bash\n    docker exec db backup\n    " + fence + "\n\n=== \"Binary\"\n\n    " + fence + "bash\n    sudo backup\n    " + fence + "\n",
			"Docker@3|Binary@3"},
		{"paragraphs", "## 2. Replace\n\nOption A: with Compose.\n\n" + block("docker compose up -d") + "Option B: by hand.\n\n" + block("docker run -d app"),
			"Option A: with Compose@3|Option B: by hand@3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.src)
			var got []string
			for _, sc := range p.Steps[0].Scripts {
				if sc.Alt == "" {
					got = append(got, "-")
					continue
				}
				got = append(got, fmt.Sprintf("%s@%d", sc.Alt, sc.AltSet))
			}
			if strings.Join(got, "|") != tt.want {
				t.Errorf("ways %q, want %q", strings.Join(got, "|"), tt.want)
			}
		})
	}
}

func TestBlocksReadAsShellOrNot(t *testing.T) {
	tests := []struct {
		name, lang, body string
		cmds             int
	}{
		{"no-highlight with commands", "no-highlight", "cd /var/discourse\n./launcher rebuild app", 2},
		{"plaintext with prompts and output", "plaintext", "$ ssh drill-01\n$ docker ps\nCONTAINER ID", 2},
		{"none", "none", "git pull", 1},
		{"text with a root prompt naming its host", "text", "root@forum-new:~# mkdir -p /srv/x", 1},
		{"text with Kibana requests", "text", "PUT products/_settings\n{ \"index\": {} }", 0},
		{"SQL at a psql prompt", "text", "shop=# SELECT 1;\nshop=# \\q", 0},
		{"requirements lines in a bash fence", "bash", "pgvector>=0.3.6\npsycopg[binary,pool]>=3.2", 0},
		{"dotenv lines in a bash fence", "bash", "VECTOR_BACKEND=pgvector\nPGVECTOR_DSN=postgresql://h/db", 0},
		{"properties lines in a bash fence", "bash", "inter.broker.protocol.version=3.6\nlog.message.format.version=3.6", 0},
		{"INI in a bash fence", "bash", "[queue]\nbackend = redis", 0},
		{"an assignment before commands is shell", "bash", "NODE=kw-01\nkubectl cordon \"$NODE\"", 2},
		{"a console session with a psql prompt", "console", "$ docker exec -it db psql\nbilling=# select 1;\n$ docker ps", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, "## Steps\n\n### 1. Do\n\n"+fence+tt.lang+"\n"+tt.body+"\n"+fence+"\n")
			if n := len(p.Steps[0].Commands); n != tt.cmds {
				t.Errorf("commands %d %+v, want %d", n, p.Steps[0].Commands, tt.cmds)
			}
		})
	}
}

// Lines typed at another machine's prompt are a script of their own that
// records the prompt; a bare prompt after one keeps its machine.
func TestPromptsSplitScripts(t *testing.T) {
	src := "## Steps\n\n### 3. Update\n\n" + fence + "shell-session\n$ ssh app-1\nyou@app-1:~$ sudo -iu app\napp@app-1:~$ cd /srv/app\n$ git pull\napp@app-1:~$ exit\nyou@app-1:~$ exit\n$ date\n" + fence + "\n"
	p := mustParse(t, src)
	var got []string
	for _, sc := range p.Steps[0].Scripts {
		got = append(got, sc.Prompt+":"+strings.ReplaceAll(sc.Text, "\n", ";"))
	}
	want := ":ssh app-1|you@app-1:sudo -iu app|app@app-1:cd /srv/app;git pull;exit|you@app-1:exit|:date"
	if strings.Join(got, "|") != want {
		t.Errorf("scripts %q, want %q", strings.Join(got, "|"), want)
	}
}

func TestStepTables(t *testing.T) {
	src := "# CHG-1\n\n| Field | Value |\n|---|---|\n| Risk | low |\n\n## Plan\n\n| Step | Action | Command |\n|---|---|---|\n| 1 | Save it | `sudo crontab -l > /root/c.txt` |\n| 2 | Ask the team | — |\n\n" +
		"## Backout plan\n\n| # | Action | Command |\n|---|---|---|\n| B1 | Put it back | `sudo crontab /root/c.txt` |\n\n## Overview table\n\n| # | What | Who |\n|---|---|---|\n| 1. | Lower TTLs | ops |\n"
	p := mustParse(t, src)
	if got, want := stepsOf(p), "1:Save it[1] | 2:Ask the team | B1:Put it back(rb)[1]"; got != want {
		t.Errorf("steps:\n got  %s\n want %s", got, want)
	}
	if p.Steps[0].Line != 11 || p.Steps[2].Line != 18 {
		t.Errorf("rows at lines %d and %d, want 11 and 18", p.Steps[0].Line, p.Steps[2].Line)
	}
}

// What reads as an instruction, for headings and prose without an ID.
func TestInstructions(t *testing.T) {
	for _, c := range []struct {
		text    string
		heading bool
		want    bool
	}{
		{"Stop the service", true, true},
		{"Clean-up (next week)", true, true},
		{"Check status", true, true},
		{"Test plan", true, false},
		{"Release checklist", true, false},
		{"Background", true, false},
		{"After a week", true, false},
		{"Note: this takes an hour.", false, false},
		{"Before packing anything, look through the CSVs", false, true},
		{"When a customer asks, support opens a ticket", false, false},
		{"Then run the export", false, true},
		{"🚀 Deploy the app", true, true},
	} {
		got := isInstruction(c.text)
		if c.heading {
			got = headingAction(c.text)
		}
		if got != c.want {
			t.Errorf("%q (heading %v): %v, want %v", c.text, c.heading, got, c.want)
		}
	}
}
