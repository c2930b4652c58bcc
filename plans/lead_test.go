package plans

import (
	"fmt"
	"strings"
	"testing"
)

// scriptsOf is "lang|lead|text" for each script of the step with ref.
func scriptsOf(t *testing.T, p *Plan, ref string) []string {
	t.Helper()
	s, err := p.StepByRef(ref)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sc := range s.Scripts {
		out = append(out, fmt.Sprintf("%s|%s|%s", sc.Lang, sc.Lead, sc.Text))
	}
	return out
}

const fence = "```"

func TestScriptLead(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"prose between two blocks (the example's step 23)",
			"## Rollback\n\n### 23. Restore\n\n" + fence + "bash\ngit checkout HEAD -- c.py\n" + fence + "\n\nIf you made a backup before starting:\n\n" + fence + "bash\ncp /backup/c.py .\n" + fence + "\n",
			[]string{"bash||git checkout HEAD -- c.py", "bash|If you made a backup before starting:|cp /backup/c.py ."}},
		{"block right after another block has no lead",
			"### 1. A\n\nRun:\n\n" + fence + "sh\ncp a b\n" + fence + "\n" + fence + "sh\ncp c d\n" + fence + "\n",
			[]string{"sh|Run:|cp a b", "sh||cp c d"}},
		{"lead is the whole paragraph, emphasis reduced to text",
			"### 1. A\n\nOr, **if the tag is gone**,\nuse `main`:\n\n" + fence + "sh\ngit checkout main\n" + fence + "\n",
			[]string{"sh|Or, if the tag is gone, use main:|git checkout main"}},
		{"a sub-heading cuts the lead",
			"### 1. A\n\nSome prose.\n\n#### Verify\n\n" + fence + "sh\ncp a b\n" + fence + "\n",
			[]string{"sh||cp a b"}},
		{"a table cuts the lead",
			"### 1. A\n\nIf needed:\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n" + fence + "sh\ncp a b\n" + fence + "\n",
			[]string{"sh||cp a b"}},
		{"an HTML comment does not cut the lead",
			"### 1. A\n\nOtherwise:\n\n<!-- keep -->\n\n" + fence + "sh\ncp a b\n" + fence + "\n",
			[]string{"sh|Otherwise:|cp a b"}},
		{"list item title is no lead; prose inside the item is",
			"## Steps\n\n1. Restore the config\n\n   " + fence + "sh\n   git checkout HEAD -- c.py\n   " + fence + "\n\n   Failing that:\n\n   " + fence + "sh\n   cp /b/c.py .\n   " + fence + "\n",
			[]string{"sh||git checkout HEAD -- c.py", "sh|Failing that:|cp /b/c.py ."}},
		{"paragraph step title is no lead",
			"**4.** Restart\n\n" + fence + "sh\nsystemctl restart app\n" + fence + "\n",
			[]string{"sh||systemctl restart app"}},
		{"step opened by an ID comment starts without a lead",
			"### 8. A\n\nFirst:\n\n" + fence + "sh\ncp a b\n# 8a. Back up\ncp c d\n" + fence + "\n",
			nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.src)
			ref := p.Steps[0].Key
			got := scriptsOf(t, p, ref)
			if tc.want == nil { // the ID comment case
				if want := []string{"sh|First:|cp a b"}; strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("step 8 scripts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
				if got := scriptsOf(t, p, "8a"); len(got) != 1 || got[0] != "sh||cp c d" {
					t.Errorf("step 8a scripts: %q", got)
				}
				return
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("scripts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestInlineCommandSpans(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // scripts of the first step
		cmds      int      // len(Step.Commands)
	}{
		{"the seed's fallback in prose",
			"## Rollback\n\n### 23. Restore\n\n" + fence + "bash\ngit checkout HEAD -- c.py\n" + fence + "\n\nIf you made a backup before starting: `cp /backup/c.py .`\n",
			[]string{"bash||git checkout HEAD -- c.py", "inline|If you made a backup before starting:|cp /backup/c.py ."}, 2},
		{"sudo and a known program",
			"### 1. A\n\nThen `sudo -u postgres pg_restore -d app /b/app.dump` restores it.\n",
			[]string{"inline|Then|sudo -u postgres pg_restore -d app /b/app.dump"}, 1},
		{"two spans: the second's lead is the text between them",
			"### 1. A\n\nRun `git checkout HEAD -- c.py`, or if that fails `cp /b/c.py .`\n",
			[]string{"inline|Run|git checkout HEAD -- c.py", "inline|or if that fails|cp /b/c.py ."}, 2},
		{"a || chain in one span",
			"### 1. A\n\nRestore it: `git checkout HEAD -- c.py || cp /b/c.py .`\n",
			[]string{"inline|Restore it:|git checkout HEAD -- c.py || cp /b/c.py ."}, 1},
		{"a file name, a setting, a bare program, an unknown program: prose",
			"### 1. A\n\nEdit `config.py` and set `VECTOR_STORE=chroma`; `git` must be installed; `frobnicate --all` is optional.\n",
			nil, 0},
		{"known programs, and any program after a colon or run",
			"### 1. A\n\nRun `make deploy`, then `rm -rf /tmp/x`. Bump it: `hatch version 2.4.0`\n",
			[]string{"inline|Run|make deploy", "inline|then|rm -rf /tmp/x", "inline|Bump it:|hatch version 2.4.0"}, 3},
		{"shell that does not parse",
			"### 1. A\n\nSee `cp 'a b`.\n",
			nil, 0},
		{"span inside a link",
			"### 1. A\n\nSee [`git checkout HEAD -- c.py`](https://example.invalid/doc).\n",
			nil, 0},
		{"span in a heading",
			"### 1. Restore with `git checkout HEAD -- c.py`\n\nBy hand.\n",
			nil, 0},
		{"span in a table",
			"### 1. A\n\n| how | cmd |\n|---|---|\n| git | `git checkout HEAD -- c.py` |\n",
			nil, 0},
		{"span in a list step's title",
			"## Steps\n\n1. Restore: `git checkout HEAD -- c.py`\n",
			[]string{"inline|Restore:|git checkout HEAD -- c.py"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := mustParse(t, tc.src)
			got := scriptsOf(t, p, p.Steps[0].Key)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("scripts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if n := len(p.Steps[0].Commands); n != tc.cmds {
				t.Errorf("commands: %d %+v, want %d", n, p.Steps[0].Commands, tc.cmds)
			}
			for _, sc := range p.Steps[0].Scripts {
				if sc.Lang != "inline" {
					continue
				}
				want := 0
				for i, l := range strings.Split(tc.src, "\n") {
					if strings.Contains(l, "`"+sc.Text+"`") {
						want = i + 1
					}
				}
				if sc.Line != want {
					t.Errorf("inline script %q at line %d, want %d", sc.Text, sc.Line, want)
				}
			}
		})
	}
}

// Paragraphs outside any step — an intro under the title, a phase's
// preamble — never give scripts, whatever their code spans say: each such
// command is a warning naming its line, and one in a rollback section is a
// rollback gap (the gate cannot be GO over a command no step checks).
func TestInlineSpansOutsideSteps(t *testing.T) {
	src := "# Plan\n\nBefore you start: `git checkout HEAD -- c.py`.\n\n## Rollback\n\nIf in doubt, `cp /b/c.py .`\n\n### 23. Restore\n\nBy hand.\n"
	p := mustParse(t, src)
	if len(p.Steps) != 1 || len(p.Steps[0].Scripts) != 0 || len(p.Steps[0].Commands) != 0 {
		t.Errorf("steps %d, scripts %+v, commands %+v: want one step without scripts", len(p.Steps), p.Steps[0].Scripts, p.Steps[0].Commands)
	}
	var lines []int
	for _, w := range p.Warnings {
		if strings.Contains(w.Field, "inline command") {
			lines = append(lines, w.Line)
		}
	}
	if fmt.Sprint(lines) != "[3 7]" {
		t.Errorf("warnings for unowned inline commands at lines %v, want [3 7]: %v", lines, p.Warnings)
	}
	if len(p.RollbackGaps) != 1 || p.RollbackGaps[0].Line != 7 {
		t.Errorf("rollback gaps %v, want one at line 7", p.RollbackGaps)
	}
}

func TestInlineCommand(t *testing.T) {
	for _, c := range []struct {
		s          string
		cued, want bool
	}{
		{"cp /backup/config_chromadb.py .", false, true},
		{"git checkout HEAD -- config.py", false, true},
		{"/usr/bin/rsync -a a/ b/", false, true},
		{"sudo systemctl restart app", false, true},
		{"PGPASSWORD=x pg_dump -f a.sql app", false, true},
		{"tar -czf a.tgz dir && cp a.tgz /b/", false, true},
		{"df -h /var/lib/postgresql", false, true},
		{"echo | openssl s_client -connect h:443 | openssl x509 -noout", false, true},
		{".venv/bin/python manage.py migrate invoices 0087", false, true},
		{"bin/rails runner 'puts 1'", false, true},
		{"./deploy.sh", false, true},
		{"sudo lbctl drain edge-1", false, true},
		{"sudo -iu postgres", false, true},
		{"git revert <sha>", false, true},
		{"make deploy", false, true},
		{"cp $(ls) b", false, true}, // inference then skips the dynamic word
		{"frobctl version 2.4.0", true, true},
		{"frobctl version 2.4.0", false, false},
		{"listen 443 ssl;", false, false},
		{"config.py", false, false},
		{"config.py", true, false},
		{"VECTOR_STORE=chroma", true, false},
		{"git", false, false},
		{"sudo", false, false},
		{"sudo -u ledgerly", false, false},
		{"cp a b &", false, false},
		{"## 2.4.0 – YYYY-MM-DD", true, false},
		{"--set image.tag", true, false},
		{"max-age=300", true, false},
		{"release/2.4", true, false},
		{"", false, false},
	} {
		if got := inlineCommand(c.s, c.cued); got != c.want {
			t.Errorf("inlineCommand(%q, cued %v) = %v, want %v", c.s, c.cued, got, c.want)
		}
	}
}
