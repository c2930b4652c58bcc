package plans

import (
	"errors"
	"strings"
	"testing"
)

// parseString parses a plan given as text, rooted at testRoot.
func parseString(t *testing.T, src string) (*Plan, error) {
	t.Helper()
	return Parse("plan.md", []byte(src), testRoot, LoadOptions{Env: testEnv})
}

// mustParse parses a plan that must have no errors.
func mustParse(t *testing.T, src string) *Plan {
	t.Helper()
	p, err := parseString(t, src)
	if err != nil {
		t.Fatalf("parse: %v\n--- plan:\n%s", err, src)
	}
	return p
}

// stepSummary is "key:title" for each step, plus markers, for compact
// table assertions.
func stepSummary(p *Plan) string {
	var parts []string
	for _, s := range p.Steps {
		x := s.Key + ":" + s.Title
		if s.Checked {
			x += "[x]"
		}
		if s.Generated {
			x += "(gen)"
		}
		if s.Rollback {
			x += "(rb)"
		}
		parts = append(parts, x)
	}
	return strings.Join(parts, " | ")
}

func TestSplitID(t *testing.T) {
	tests := []struct {
		text      string
		loose     bool
		id, title string
		ok        bool
	}{
		{"8. Stop the pipeline", false, "8", "Stop the pipeline", true},
		{"8a. Backup config", false, "8a", "Backup config", true},
		{"3.2. Install", false, "3.2", "Install", true},
		{"3.2b) Verify", false, "3.2b", "Verify", true},
		{"4) Stop the pipeline", false, "4", "Stop the pipeline", true},
		{"23: Roll back", false, "23", "Roll back", true},
		{"Step 23: Roll back", false, "23", "Roll back", true},
		{"step 7 - Restart", false, "7", "Restart", true},
		{"Step 7", false, "7", "", true},
		{"8a - Backup", false, "8a", "Backup", true},
		{"3.2 Install packages", true, "3.2", "Install packages", true},
		{"3.2 Install packages", false, "", "", false},
		{"2024 review", true, "", "", false},
		{"3.5 GB of data", false, "", "", false},
		{"1.5GB free", true, "", "", false},
		{"10:30 start", false, "", "", false},
		{"8.", false, "8", "", true},
		{"Backup config", true, "", "", false},
		{"", true, "", "", false},
		{"v2. Deploy", false, "", "", false},
		// Step numbers of any length: a generated plan of 10,000 steps
		// (issue 14: its last thousand were read as sections once).
		{"10000. Restore step 1000", false, "10000", "Restore step 1000", true},
		{"123456. Last", false, "123456", "Last", true},
		{"Step 10000: Roll back", false, "10000", "Roll back", true},
		{"10000a) Then", false, "10000a", "Then", true},
		{"10000.2 Sub", true, "10000.2", "Sub", true},
		{"10000 rows", false, "", "", false},
		{"20240101 review", true, "", "", false},
	}
	for _, tt := range tests {
		id, title, ok := splitID(tt.text, tt.loose)
		if id != tt.id || title != tt.title || ok != tt.ok {
			t.Errorf("splitID(%q, %v) = %q, %q, %v; want %q, %q, %v", tt.text, tt.loose, id, title, ok, tt.id, tt.title, tt.ok)
		}
	}
}

func TestStepForms(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{"heading with dot", "## Steps\n\n### 8a. Backup config\n", "8a:Backup config"},
		{"heading with a long number", "## Steps\n\n### 9999. Before\n\n### 10000. Restore\n\n### 123456. Last\n", "9999:Before | 10000:Restore | 123456:Last"},
		{"heading Step N:", "## Steps\n\n## Step 23: Roll back\n", "23:Roll back"},
		{"heading N)", "## Steps\n\n#### 4) Stop the pipeline\n", "4:Stop the pipeline"},
		{"heading bold id", "## Steps\n\n### **8a.** Backup\n", "8a:Backup"},
		{"setext heading", "Steps\n=====\n\n3.2 Install\n-----------\n", "3.2:Install"},
		{"ordered list dot", "## Steps\n\n1. Stop\n2. Start\n", "1:Stop | 2:Start"},
		{"ordered list paren", "## Steps\n\n1) Stop\n2) Start\n", "1:Stop | 2:Start"},
		{"ordered list start", "## Steps\n\n7. Stop\n8. Start\n", "7:Stop | 8:Start"},
		{"written numbers kept", "## Steps\n\n1. a\n2. b\n4. d\n", "1:a | 2:b | 4:d"},
		{"lazy numbering renders", "## Steps\n\n1. a\n1. b\n1. c\n", "1:a | 2:b | 3:c"},
		{"paragraph id", "## Steps\n\n8a. Backup the config\nwith cp\n\n8b. Stop\n", "8a:Backup the config | 8b:Stop"},
		{"paragraph bold id", "## Steps\n\n**8a.** Backup\n\n**8b**. Stop\n\n__9.__ Start\n", "8a:Backup | 8b:Stop | 9:Start"},
		{"paragraph Step", "## Steps\n\n**Step 4:** Start\n", "4:Start"},
		{"plain paragraph is no step", "## Steps\n\nThis needs 3.5 GB.\n\n1. Go\n", "1:Go"},
		{"task list unnumbered", "## Checklist\n\n- [ ] Page DBA\n- [x] Freeze deploys\n",
			"page-dba:Page DBA(gen) | freeze-deploys:Freeze deploys[x](gen)"},
		{"task list numbered", "## Checklist\n\n- [x] 3. Page DBA\n- [ ] 3a. Freeze\n", "3:Page DBA[x] | 3a:Freeze"},
		{"ordered task list", "## Checklist\n\n1. [x] Page DBA\n2. [ ] Freeze\n", "1:Page DBA[x] | 2:Freeze"},
		{"plain bullets are no steps", "## Notes\n\n- one\n- two\n\n## Steps\n\n1. Go\n", "1:Go"},
		{"nested lists belong to parent", "## Steps\n\n1. Stop\n   1. first this\n   2. then that\n   - [ ] tick\n2. Start\n", "1:Stop | 2:Start"},
		{"numbered actions under a heading step are its sub-steps", "## Steps\n\n### 5. Deploy\n\n1. pull\n2. restart\n\n### 6. Verify\n", "5:Deploy | 5/1:pull | 5/2:restart | 6:Verify"},
		{"numbered conditions and bullets under a heading step are its items", "## Steps\n\n### 5. Deploy\n\n1. the disk is mounted\n2. the lag is low\n\n- pull\n- restart\n\n### 6. Verify\n", "5:Deploy | 6:Verify"},
		{"ordered list inside plain bullet", "## Steps\n\n- Database\n  1. stop\n  2. migrate\n", "1:stop | 2:migrate"},
		{"comment-numbered shell block", "## Procedure\n\n```bash\ncd /srv\n# 1. Stop\nsystemctl stop a\n# 2) Start\nsystemctl start a\n```\n", "1:Stop | 2:Start"},
		{"comment with Step word", "## Procedure\n\n```sh\n## Step 3: Reload\nsystemctl reload a\n```\n", "3:Reload"},
		{"shebang and plain comments are no steps", "## Procedure\n\n1. Run\n   ```bash\n   #!/bin/bash\n   # make sure 2 nodes are up\n   ls\n   ```\n", "1:Run"},
		{"first H1 with id is a step", "# 1. Prepare\n\n# 2. Go\n", "1:Prepare | 2:Go"},
		{"step in blockquote is no step", "## Steps\n\n> 1. quoted\n> 2. list\n\n3. real\n", "3:real"},
		{"empty title", "## Steps\n\n### 8.\n", "8:Step 8"},
		{"html comment hides steps", "## Steps\n\n<!--\n1. hidden\n\n2. hidden\n-->\n\n1. shown\n", "1:shown"},
		{"table cells are no steps", "## Steps\n\n| 1. a | 2. b |\n|---|---|\n| 3. c | 4. d |\n\n1. shown\n", "1:shown"},
		{"8a folded into item 8", "## C\n\n7. Check X\n8. Announce\n8a. Backup untracked\n9. Stop pipeline\n",
			"7:Check X | 8:Announce | 8a:Backup untracked | 9:Stop pipeline"},
		{"list folded into 8a paragraph", "## C\n\n8. Announce\n\n8a. Backup untracked\n9. Stop pipeline\n10. Start\n",
			"8:Announce | 8a:Backup untracked | 9:Stop pipeline | 10:Start"},
		{"bold ids on consecutive lines", "## C\n\n**8a.** Backup `config.py`\n**8b.** Stop\n", "8a:Backup config.py | 8b:Stop"},
		{"prose lines are never split", "## C\n\nWe move about\n3.2. million rows.\n\n1. Go\n", "1:Go"},
		{"numbered sections hold numbered steps", "# Plan\n\n## 1. Preparation\n\n### 1.1 Check disk\n\n### 1.2 Backup\n\n## 2. Rollback\n\n### 2.1 Restore\n\n## 3. Verify\n",
			"1.1:Check disk | 1.2:Backup | 2.1:Restore(rb) | 3:Verify"},
		{"table of contents is no list of steps", "# Runbook\n\n## Contents\n1. [Rollout](#rollout)\n2. [Rollback](#rollback)\n   - [Database](#database)\n\n## Rollout\n\n1. Deploy\n", "1:Deploy"},
		{"a list of links elsewhere is still steps", "## Steps\n\n1. [Download the release](https://example.com/r.tgz)\n2. Install it\n", "1:Download the release | 2:Install it"},
		{"rollback steps", "## Deploy\n\n1. Go\n\n## Roll back\n\n5. Undo\n", "1:Go | 5:Undo(rb)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.src)
			if got := stepSummary(p); got != tt.want {
				t.Errorf("steps:\n got  %s\n want %s", got, tt.want)
			}
		})
	}
}

func TestStepLinesAndOwnership(t *testing.T) {
	src := `# Plan

## Pre-deploy

1. Stop the worker
   ` + "```bash" + `
   systemctl stop worker
   ` + "```" + `
2. Backup

` + "```bash" + `
cp a /tmp/a.bak
` + "```" + `

Some prose that still belongs to step 2.

` + "```sh" + `
sha256sum /tmp/a.bak
` + "```" + `
`
	p := mustParse(t, src)
	if len(p.Steps) != 2 {
		t.Fatalf("want 2 steps, got %s", stepSummary(p))
	}
	s1, s2 := p.Steps[0], p.Steps[1]
	if s1.Line != 5 || s2.Line != 9 {
		t.Errorf("lines: got %d, %d; want 5, 9", s1.Line, s2.Line)
	}
	if len(s1.Commands) != 1 || s1.Commands[0].Text != "systemctl stop worker" || s1.Commands[0].Line != 7 {
		t.Errorf("step 1 commands: %+v", s1.Commands)
	}
	if len(s2.Scripts) != 2 || s2.Scripts[0].Text != "cp a /tmp/a.bak" || s2.Scripts[0].Line != 12 ||
		s2.Scripts[1].Text != "sha256sum /tmp/a.bak" || s2.Scripts[1].Lang != "sh" {
		t.Errorf("step 2 scripts (a column-0 fence after the item belongs to it): %+v", s2.Scripts)
	}
}

func TestCommentSplitKeepsPreamble(t *testing.T) {
	src := "## Procedure\n\n### 4. Rotate\n\n```bash\nset -e\ncd /etc/haproxy\n\n# 4a. Backup\ncp site.pem /root/\n# 4b. Install\ninstall -m 0600 new.pem site.pem\n```\n\nRun the reload by hand.\n"
	p := mustParse(t, src)
	if got := stepSummary(p); got != "4:Rotate | 4a:Backup | 4b:Install" {
		t.Fatalf("steps: %s", got)
	}
	want := [][]string{{"set -e", "cd /etc/haproxy"}, {"cp site.pem /root/"}, {"install -m 0600 new.pem site.pem"}}
	for i, s := range p.Steps {
		var got []string
		for _, c := range s.Commands {
			got = append(got, c.Text)
		}
		if strings.Join(got, ";") != strings.Join(want[i], ";") {
			t.Errorf("step %s commands = %q, want %q", s.ID, got, want[i])
		}
	}
	if p.Steps[1].Scripts[0].Line != 10 || p.Steps[2].Line != 11 {
		t.Errorf("lines: script of 4a at %d (want 10), step 4b at %d (want 11)", p.Steps[1].Scripts[0].Line, p.Steps[2].Line)
	}
}

func TestSameIDCommentDoesNotSplit(t *testing.T) {
	src := "## Pre-deploy\n\n### 8a. Backup untracked files\n\n```bash\n# 8a. Backup untracked files required for rollback\ncp config_chromadb.py /tmp/config_chromadb.py.bak\n```\n"
	p := mustParse(t, src)
	if len(p.Steps) != 1 || len(p.Steps[0].Commands) != 1 || len(p.Warnings) != 0 {
		t.Fatalf("want one step 8a with one command and no warning, got %s, %+v, %v", stepSummary(p), p.Steps[0].Commands, p.Warnings)
	}
}

func TestPhases(t *testing.T) {
	tests := []struct {
		heading  string
		rollback bool
	}{
		{"Rollback", true},
		{"Roll back", true},
		{"ROLLBACK PROCEDURE", true},
		{"Roll-back plan", true},
		{"Backout plan", true},
		{"Back out", true},
		{"Revert", true},
		{"If it fails: reverting the change", true},
		{"Deployment steps", false},
		{"Feedback", false},
		{"Pre-deploy checklist", false},
		{"Backups", false},
	}
	for _, tt := range tests {
		p := mustParse(t, "# Title\n\n## "+tt.heading+"\n\n1. Do it\n")
		if len(p.Phases) != 1 || p.Phases[0].Rollback != tt.rollback || p.Steps[0].Rollback != tt.rollback {
			t.Errorf("heading %q: phases %+v, step rollback %v; want rollback %v", tt.heading, p.Phases, p.Steps[0].Rollback, tt.rollback)
		}
		if p.Phases[0].Name != tt.heading || p.Steps[0].Phase != tt.heading {
			t.Errorf("heading %q: phase name %q, step phase %q", tt.heading, p.Phases[0].Name, p.Steps[0].Phase)
		}
	}
}

func TestPhaseStructure(t *testing.T) {
	src := "# Migrate the store\n\n1. Before any phase\n\n## Rollback\n\n### Database\n\n1. Restore dump\n\n## Verify\n\n1. Check\n\n### 5. Heading step\n\n#### Notes\n\n```bash\nls\n```\n"
	p := mustParse(t, src)
	if p.Title != "Migrate the store" {
		t.Errorf("title = %q", p.Title)
	}
	var names []string
	for _, ph := range p.Phases {
		names = append(names, ph.Name+"="+map[bool]string{true: "rb", false: "fwd"}[ph.Rollback])
	}
	// "Database" sits under "Rollback" and is a rollback phase too;
	// "#### Notes" is a sub-heading of step 5, not a phase.
	if got := strings.Join(names, ","); got != "Rollback=rb,Database=rb,Verify=fwd" {
		t.Errorf("phases = %s", got)
	}
	if got := stepSummary(p); got != "top/1:Before any phase | database/1:Restore dump(rb) | verify/1:Check | 5:Heading step" {
		t.Errorf("steps = %s", got)
	}
	if p.Steps[0].Phase != "" {
		t.Errorf("step before any phase has phase %q", p.Steps[0].Phase)
	}
	if len(p.Steps[3].Commands) != 1 {
		t.Errorf("step 5 should own the block under its #### sub-heading: %+v", p.Steps[3].Commands)
	}
}

func TestGeneratedIDsStableAndUnique(t *testing.T) {
	src := "## Checklist\n\n- [ ] Page DBA\n- [ ] Restart it\n\n## Other\n\n- [ ] Page DBA\n\n## Checklist\n\n- [ ] Check\n"
	p1, p2 := mustParse(t, src), mustParse(t, src)
	if stepSummary(p1) != stepSummary(p2) {
		t.Fatalf("generated IDs differ between reads:\n%s\n%s", stepSummary(p1), stepSummary(p2))
	}
	want := "page-dba:Page DBA(gen) | restart-it:Restart it(gen) | page-dba-2:Page DBA(gen) | check:Check(gen)"
	if got := stepSummary(p1); got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if len(p1.Warnings) != 0 {
		t.Errorf("generated IDs must not collide: %v", p1.Warnings)
	}
}

func TestRepeatedIDs(t *testing.T) {
	src := "## Procedure\n\n1. Pause\n2. Restart\n\n## Rollback\n\n1. Resume\n\n## Rollback\n\n1. Again\n"
	p := mustParse(t, src)
	if got := stepSummary(p); got != "procedure/1:Pause | 2:Restart | rollback/1:Resume(rb) | rollback/1#2:Again(rb)" {
		t.Fatalf("keys: %s", got)
	}
	if len(p.Warnings) != 2 {
		t.Fatalf("want 2 warnings, got %v", p.Warnings)
	}
	w := p.Warnings[0]
	if w.Line != 8 || !strings.Contains(w.Msg, "line 3") || !strings.Contains(w.Msg, `"procedure/1"`) || !strings.Contains(w.Msg, `"rollback/1"`) {
		t.Errorf("warning should name both lines and keys: %v", w)
	}
	s, err := p.StepByRef("2")
	if err != nil || s.Title != "Restart" {
		t.Errorf("StepByRef(2) = %v, %v", s, err)
	}
	if s, err := p.StepByRef("rollback/1"); err != nil || s.Title != "Resume" {
		t.Errorf("StepByRef(rollback/1) = %v, %v", s, err)
	}
	_, err = p.StepByRef("1")
	var re *RefError
	if !errors.As(err, &re) || len(re.Ambiguous) != 3 || !strings.Contains(err.Error(), `"procedure/1" (line 3)`) {
		t.Errorf("StepByRef(1) should be ambiguous naming the keys: %v", err)
	}
}

func TestFrontMatter(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"yaml", "---\ntitle: x\nsteps:\n  1. not a step\n---\n# T\n\n1. real\n", "1:real"},
		{"yaml closed by dots", "---\ntitle: x\n...\n# T\n\n1. real\n", "1:real"},
		{"toml", "+++\ntitle = \"x\"\nlist = \"1. no\"\n+++\n# T\n\n1. real\n", "1:real"},
		{"thematic breaks are no front matter", "---\n# T\n\n1. real\n\n---\n\n2. also\n", "1:real | 2:also"},
		{"crlf", "---\r\ntitle: x\r\n---\r\n# T\r\n\r\n1. real\r\n", "1:real"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustParse(t, tt.src)
			if got := stepSummary(p); got != tt.want {
				t.Errorf("steps %s, want %s", got, tt.want)
			}
			if p.Title != "T" {
				t.Errorf("title %q", p.Title)
			}
			if p.Steps[0].Line != strings.Count(tt.src[:strings.Index(tt.src, "1. real")], "\n")+1 {
				t.Errorf("line numbers must count the front matter: step at %d", p.Steps[0].Line)
			}
		})
	}
}

func TestShellBlocks(t *testing.T) {
	tests := []struct {
		name  string
		fence string // info string
		body  string
		cmds  []string // "line:text"
	}{
		{"bash", "bash", "cp a b\nmv c d", []string{"6:cp a b", "7:mv c d"}},
		{"continuation joined", "sh", "python run.py \\\n  --in x \\\n  --out y\nls", []string{"6:python run.py --in x --out y", "9:ls"}},
		{"comments and blanks dropped", "bash", "# stop first\n\nsystemctl stop a  # inline stays\n", []string{"8:systemctl stop a  # inline stays"}},
		{"dollar prompts stripped, output dropped", "bash", "$ git status --short\n?? config.py\n$ ls", []string{"6:git status --short", "8:ls"}},
		{"console root prompt", "console", "# systemctl restart a\n$ systemctl is-active a\nactive", []string{"6:systemctl restart a", "7:systemctl is-active a"}},
		{"console user@host prompt", "console", "op@db-01:~/app$ make migrate\nmigrated 3 tables", []string{"6:make migrate"}},
		{"heredoc body skipped", "bash", "psql <<'SQL'\nSELECT 1;\nDROP TABLE x;\nSQL\necho done", []string{"6:psql <<'SQL'", "10:echo done"}},
		{"heredoc dash", "bash", "cat <<-EOF > f\n\tline\n\tEOF\nls", []string{"6:cat <<-EOF > f", "9:ls"}},
		{"zsh", "zsh", "ls", []string{"6:ls"}},
		{"compound statement on one line", "bash", "for f in *.bak; do\n  ls -l \"$f\"\ndone\nif true; then echo y; fi", []string{`6:for f in *.bak; do ls -l "$f"; done`, "9:if true; then echo y; fi"}},
		{"two commands on a line", "bash", "cd /srv && git pull; make", []string{"6:cd /srv && git pull", "6:make"}},
		{"unparsable falls back to lines", "bash", "git checkout <commit-hash>\nls", []string{"6:git checkout <commit-hash>", "7:ls"}},
		{"console without prompts", "console", "systemctl restart a\ngit pull", []string{"6:systemctl restart a", "7:git pull"}},
		{"console output only", "console", "active (running)\nsince Tue", nil},
		{"shell-session", "shell-session", "$ ls\nfile", []string{"6:ls"}},
		{"pandoc braces", "{.bash}", "ls", []string{"6:ls"}},
		{"untagged shell", "", "sudo systemctl stop a\ngit add x\n./deploy.sh", []string{"6:sudo systemctl stop a", "7:git add x", "8:./deploy.sh"}},
		{"untagged assignment", "", "export PGHOST=db\nFOO=1 ./run", []string{"6:export PGHOST=db", "7:FOO=1 ./run"}},
		{"untagged with prompt", "", "$ ls -l\ntotal 0", []string{"6:ls -l"}},
		{"untagged yaml", "", "listen: :9100\ncollectors:\n  - cpu", nil},
		{"untagged json", "", "{\"a\": 1}", nil},
		{"untagged ini", "", "[server]\nport = 80", nil},
		{"untagged output", "", "node_exporter, version 1.8.2\n  build date: 2024", nil},
		{"untagged prose", "", "Wait until the dashboard is green.\nThen call the owner.", nil},
		{"text lang is heuristic too", "text", "git pull", []string{"6:git pull"}},
		{"yaml", "yaml", "cp: a", nil},
		{"python", "python", "import os", nil},
		{"mermaid", "mermaid", "flowchart TD\n  A[1. cp] --> B", nil},
		{"sql", "sql", "DROP TABLE x;", nil},
		{"diff", "diff", "- a\n+ b", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "## Steps\n\n### 1. Do\n\n```" + tt.fence + "\n" + tt.body + "\n```\n"
			p := mustParse(t, src)
			var got []string
			for _, c := range p.Steps[0].Commands {
				got = append(got, itoa(c.Line)+":"+c.Text)
			}
			if strings.Join(got, "\n") != strings.Join(tt.cmds, "\n") {
				t.Errorf("commands:\n got  %q\n want %q", got, tt.cmds)
			}
			if (len(tt.cmds) > 0) != (len(p.Steps[0].Scripts) > 0) {
				t.Errorf("scripts %+v, want some: %v", p.Steps[0].Scripts, len(tt.cmds) > 0)
			}
		})
	}
}

func TestScriptTextVerbatim(t *testing.T) {
	body := "for f in *.py; do\n  cp \"$f\" /tmp/bak/   # keep\ndone\n"
	p := mustParse(t, "### 1. Backup\n\n```bash\n"+body+"```\n")
	sc := p.Steps[0].Scripts
	if len(sc) != 1 || sc[0].Text != strings.TrimSuffix(body, "\n") || sc[0].Line != 4 || sc[0].Lang != "bash" {
		t.Errorf("script should be kept verbatim for inference: %+v", sc)
	}
}

func TestPlanErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // each "line:substring"
	}{
		{"empty plan", "# Just a title\n\nSome prose.\n", []string{"1:no steps found"}},
		{"empty file", "", []string{"1:no steps found"}},
		{"not utf-8", "# T\n\n1. ok\n2. caf\xe9\n", []string{"4:is not UTF-8"}},
		{"block outside step", "# T\n\n```gonogo\nrequires:\n  - git: a\n```\n\n1. step\n", []string{"3:gonogo block: is outside any step"}},
		{"several errors together", "## S\n\n### 1. a\n\n```gonogo\nrequires:\n  - git: a\n    stat: committed\n  - file: b\n    timeout: 5\n```\n",
			[]string{`8:unknown attribute "stat" for git`, "10:timeout: expected a duration with a unit, like 5s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseString(t, tt.src)
			assertDiags(t, err, "plan.md", tt.want)
		})
	}
}

// assertDiags checks that err is an ErrorList with exactly the wanted
// diagnostics, in order, each in file, at the line, with the substring.
func assertDiags(t *testing.T, err error, file string, want []string) {
	t.Helper()
	var el ErrorList
	if !errors.As(err, &el) {
		t.Fatalf("want an ErrorList, got %T %v", err, err)
	}
	if len(el) != len(want) {
		t.Fatalf("want %d errors, got %d:\n%v", len(want), len(el), err)
	}
	for i, w := range want {
		line, sub, _ := strings.Cut(w, ":")
		d := el[i]
		full := d.Error()
		if d.File != file || itoa(d.Line) != line || !strings.Contains(full, sub) {
			t.Errorf("error %d = %q; want %s:%s: …%s…", i, full, file, line, sub)
		}
	}
}

func TestRollbackSubHeadingInStep(t *testing.T) {
	src := "## Deploy\n\n### 5. Migrate\n\n```bash\n./migrate up\n```\n\n#### Verify\n\n```bash\n./migrate status\n```\n\n#### Rollback for this step\n\n1. Undo\n   ```bash\n   ./migrate down\n   ```\n\n### 6. Restart\n\n## Rollback\n\n## Step 23: Restore\n"
	p := mustParse(t, src)
	if got := stepSummary(p); got != "5:Migrate | 5/rollback:Rollback for this step(rb) | 6:Restart | 23:Restore(rb)" {
		t.Fatalf("steps: %s", got)
	}
	if len(p.Steps[0].Commands) != 2 {
		t.Errorf("step 5 owns its #### Verify block, not its rollback: %+v", p.Steps[0].Commands)
	}
	if rb := p.Steps[1]; len(rb.Commands) != 1 || rb.Commands[0].Text != "./migrate down" || rb.Parent != "5" {
		t.Errorf("5/rollback owns the block of its item and names its parent: %+v, parent %q", rb.Commands, rb.Parent)
	}
	if p.Steps[2].Phase != "Deploy" || p.Steps[3].Phase != "Rollback" {
		t.Errorf("step 6 returns to phase Deploy (got %q); step 23 is in Rollback (got %q)", p.Steps[2].Phase, p.Steps[3].Phase)
	}
}

func TestAdmonitions(t *testing.T) {
	src := "## S\n\n### 1. Drain\n\n!!! warning \"Slow\"\n    Takes five minutes.\n\n    ```bash\n    ./drain --force\n    ```\n\n=== \"Debian\"\n\n    ```bash\n    apt-get install -y foo\n    ```\n\nAfter.\n\n    not a command, just indented prose\n"
	p := mustParse(t, src)
	var got []string
	for _, c := range p.Steps[0].Commands {
		got = append(got, itoa(c.Line)+":"+c.Text)
	}
	if strings.Join(got, ",") != "9:./drain --force,15:apt-get install -y foo" {
		t.Errorf("commands in admonitions and tabs: %q", got)
	}
}

func TestDedentAdmonitions(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"admonition body", "!!! note \"x\"\n    a\n\n    b\nc\n    d\n", "\na\n\nb\nc\n    d\n"},
		{"collapsible and tab", "???+ tip\n\tx\n=== \"Debian\"\n    y\n", "\nx\n\ny\n"},
		{"docusaurus markers and mdx imports", "import Tabs from '@theme/Tabs';\n:::danger Roll back\n\nx\n\n:::\n", "\n\n\nx\n\n\n"},
		{"setext underline is no tab", "Steps\n===\n\n    ls -l\n", "Steps\n===\n\n    ls -l\n"},
		{"inside a fence", "```\n!!! note x\n    a\n```\n", "```\n!!! note x\n    a\n```\n"},
		{"bare bangs", "!!!\n    a\n", "!!!\n    a\n"},
	}
	for _, tt := range tests {
		if got := string(dedentAdmonitions([]byte(tt.in))); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFoldedStepOwnsWhatFollows(t *testing.T) {
	src := "## Checklist\n\n8. Announce\n8a. Backup untracked files\n   ```bash\n   cp config_chromadb.py /tmp/config_chromadb.py.bak\n   ```\n9. Stop\n"
	p := mustParse(t, src)
	s, err := p.StepByRef("8a")
	if err != nil {
		t.Fatal(err)
	}
	if s.Line != 4 || len(s.Commands) != 1 || s.Commands[0].Line != 6 || len(p.Steps[0].Commands) != 0 {
		t.Errorf("8a at line %d with %+v; 8 has %+v", s.Line, s.Commands, p.Steps[0].Commands)
	}
}
