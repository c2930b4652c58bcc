package plans

import (
	"strings"
	"sync"

	"mvdan.cc/sh/v3/syntax"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// shellLangs are the info strings of fences whose text is shell to run.
// Console-style languages carry prompts and program output.
var shellLangs = map[string]bool{
	"sh": true, "bash": true, "shell": true, "zsh": true, "ksh": true, "fish": true,
	"console": true, "shell-session": true, "shellsession": true, "sh-session": true,
	"bash-session": true, "terminal": true, "term": true, "session": true, "shell-script": true,
}

// isConsoleLang reports the info strings of terminal sessions: prompts,
// then commands, with program output in between.
func isConsoleLang(lang string) bool {
	switch lang {
	case "console", "shell-session", "shellsession", "sh-session", "bash-session", "terminal", "term", "session":
		return true
	}
	return false
}

// fenceLang is the lower-cased language of a fence's info string: the
// first word, with Pandoc/MyST decorations ({bash}, .bash) removed.
func fenceLang(info string) string {
	f := strings.Fields(info)
	if len(f) == 0 {
		return ""
	}
	l := strings.ToLower(f[0])
	l = strings.Trim(l, "{}")
	l = strings.TrimPrefix(l, ".")
	if i := strings.IndexAny(l, ",{"); i >= 0 {
		l = l[:i]
	}
	return l
}

// srcLine is one line of a code block with its line number in the plan.
type srcLine struct {
	text string
	line int
	// prompt is the user@host of the prompt the line was typed at
	// ("ledgerly@app-1", "root@5c1f0e2b9a7d"), "" for a bare "$ " or none.
	prompt string
	// cont: the line continues the one above (after a backslash).
	cont bool
}

// userHost is the user@host of a prompt; either may be a placeholder
// ("root@<CONTAINER_ID>").
const userHost = `(?:[\w.-]|<[\w. -]+>)+@(?:[\w.-]|<[\w. -]+>)+`

// promptRE matches a shell prompt at the start of a line: "$ ",
// "user@host:~/app$ ", "(venv) $ ". rootPromptRE is the "# " root prompt,
// which only console blocks use (elsewhere "#" starts a comment).
var (
	promptRE     = lazyre.New(`^\s*(?:\([\w.-]+\)\s*)?(?:(` + userHost + `)(?::[^\s$#]*)?\s*)?\$(?:\s|$)`)
	rootPromptRE = lazyre.New(`^\s*(?:(` + userHost + `)(?::[^\s$#]*)?\s*)?#\s`)
	// sqlPromptRE is a database prompt ("billing=#", "shop=>", "mysql>",
	// "sqlite>"): what follows it is SQL typed into the client, not shell.
	sqlPromptRE = lazyre.New(`^\s*(?:[\w.-]+(?:=|-|\()[#>]|[\w.-]+\)[#>]|mysql>|mariadb>|MariaDB \[[^\]]*\]>|sqlite>|redis[\w.:-]*>|postgres[=-]#)\s`)
)

// hostRootPrompt reports a root prompt that names its machine
// ("root@forum-new:~# "), which cannot be a comment.
func hostRootPrompt(t string) bool {
	m := rootPromptRE.FindStringSubmatch(t)
	return m != nil && m[1] != ""
}

// hasHostRootPrompt reports whether any line carries such a prompt.
func hasHostRootPrompt(lines []srcLine) bool {
	for _, l := range lines {
		if hostRootPrompt(l.text) {
			return true
		}
	}
	return false
}

// hasPrompt reports whether any line starts with a "$ " or "# " prompt.
func hasPrompt(lines []srcLine) bool {
	for _, l := range lines {
		if promptRE.MatchString(l.text) || rootPromptRE.MatchString(l.text) {
			return true
		}
	}
	return false
}

// shellText turns a code block's lines into the shell lines a person runs:
// prompts stripped and program output dropped. console says the block is a
// console session (lines without a prompt are output, "# " is a root
// prompt). Any block with "$ " prompts is read the same way, except that
// "#" lines stay as comments. ID comments ("# 8a. Backup") are kept as they
// are, for splitting.
func shellText(lines []srcLine, console bool) []srcLine {
	prompted := console
	for _, l := range lines {
		if promptRE.MatchString(l.text) {
			prompted = true
			break
		}
	}
	if !prompted {
		var out []srcLine
		cont := false
		for _, l := range lines {
			if !cont && sqlPromptRE.MatchString(l.text) {
				continue // typed into a database client
			}
			l.cont = cont
			cont = strings.HasSuffix(strings.TrimRight(l.text, " \t"), `\`)
			out = append(out, l)
		}
		return out
	}
	var out []srcLine
	cont := false
	prompt := ""
	for _, l := range lines {
		t := l.text
		isCont := cont
		switch {
		case cont:
		case isIDComment(t):
		case sqlPromptRE.MatchString(t):
			continue // SQL typed at a database prompt
		case promptRE.MatchString(t):
			prompt = samePrompt(prompt, promptRE.FindStringSubmatch(t)[1], out)
			t = promptRE.ReplaceAllString(t, "")
		case console && rootPromptRE.MatchString(t):
			prompt = samePrompt(prompt, rootPromptRE.FindStringSubmatch(t)[1], out)
			t = rootPromptRE.ReplaceAllString(t, "")
		case !console && strings.HasPrefix(strings.TrimSpace(t), "#"):
		default:
			continue // program output
		}
		cont = strings.HasSuffix(strings.TrimRight(t, " \t"), `\`)
		out = append(out, srcLine{text: t, line: l.line, prompt: prompt, cont: isCont})
	}
	return out
}

// PromptLine reports whether a line of a terminal session was typed at a
// prompt — "$ ", "user@host:~$ ", "root@host:/# " — and returns the
// command after it. Inference uses it to read the lines above a script in
// the same block as the reader did.
func PromptLine(line string) (string, bool) {
	if m := promptRE.FindString(line); m != "" {
		return line[len(m):], true
	}
	if hostRootPrompt(line) {
		return line[len(rootPromptRE.FindString(line)):], true
	}
	return "", false
}

// samePrompt is the user@host a prompt stands for: its own, or — for a
// bare "$ " or "# " after a prompt that named its machine — that machine
// still, unless the line before left it (exit, logout).
func samePrompt(last, named string, before []srcLine) string {
	if named != "" || last == "" || len(before) == 0 {
		return named
	}
	switch strings.TrimSpace(before[len(before)-1].text) {
	case "exit", "logout", "exit 0":
		return ""
	}
	return last
}

// idCommentRE matches a shell comment that opens a step: "# 8a. Backup …",
// "## Step 3: Stop", "#4) Restart".
var idCommentRE = lazyre.New(`^\s*#+\s*(.*)$`)

// idComment reads the step ID and title off a comment line.
func idComment(line string) (id, title string, ok bool) {
	t := strings.TrimSpace(line)
	if strings.HasPrefix(t, "#!") {
		return "", "", false
	}
	m := idCommentRE.FindStringSubmatch(t)
	if m == nil {
		return "", "", false
	}
	return splitID(m[1], false)
}

func isIDComment(line string) bool {
	_, _, ok := idComment(line)
	return ok
}

// logicalCommands turns shell lines into commands for display, one per
// top-level statement as the shell parser (mvdan.cc/sh) reads them: lines
// ending in a backslash are joined, blank lines and comments are dropped,
// the bodies of here-documents are left out (the command that opens one is
// kept), and a compound statement (if, for, a function) is printed on one
// line. Text the parser cannot read (a placeholder such as <commit-hash>,
// a fragment) falls back to one command per line.
func logicalCommands(lines []srcLine) []Command {
	if out, ok := plainCommands(lines); ok {
		return out
	}
	return parsedCommands(lines)
}

// parsedCommands is logicalCommands by the shell parser.
func parsedCommands(lines []srcLine) []Command {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(l.text)
	}
	src := b.String()
	f, err := parseBash(src)
	if err != nil {
		return lineCommands(lines)
	}
	var out []Command
	for _, st := range f.Stmts {
		line := int(st.Pos().Line())
		if line < 1 || line > len(lines) {
			continue
		}
		start, end := int(st.Pos().Offset()), int(st.End().Offset())
		if hd := firstHeredoc(st); hd > 0 {
			// The command that opens a here-document, without its body.
			if nl := strings.IndexByte(src[hd:], '\n'); nl >= 0 && hd+nl < end {
				end = hd + nl
			}
		} else if rest, _, _ := strings.Cut(src[end:], "\n"); strings.HasPrefix(strings.TrimSpace(rest), "#") {
			// A comment on the statement's last line belongs to it.
			end += len(rest)
		}
		text := continuation.ReplaceAllString(src[start:end], " ")
		if strings.Contains(text, "\n") {
			var one strings.Builder
			if syntax.NewPrinter(syntax.SingleLine(true)).Print(&one, st) == nil && !strings.Contains(one.String(), "\n") {
				text = one.String()
			}
		}
		if text = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(text), ";")); text != "" {
			out = append(out, Command{Text: text, Line: lines[line-1].line})
		}
	}
	return out
}

// plainCommands is logicalCommands without the shell parser for the
// common block whose every line is plainly one simple command, a comment
// or blank ("cp app.py backups/", "git add x && git commit -m \"step 2\"",
// "echo done > out/marker"): there every statement is its line, trimmed.
// ok is false when a line could be anything else — a character that
// quotes, continues, groups, substitutes or separates (\ $ ` ; ( ) { } [
// ] < ! # and a lone &), an operator at either end, an unclosed quote, a
// reserved word, redirection or assignment where a command starts — and
// the parser decides. The parser allocates some 3 KiB per parse; a plan
// of 10,000 steps spent a fifth of its reading time here. The property
// test TestPlainCommandsAgreeWithParser holds this to the parser's split.
func plainCommands(lines []srcLine) ([]Command, bool) {
	n := 0
	for _, l := range lines {
		t := shellTrim(l.text)
		if t == "" || t[0] == '#' {
			continue
		}
		if !plainLine(t) {
			return nil, false
		}
		n++
	}
	if n == 0 {
		return nil, true // as the parser: no statements, no slice
	}
	out := make([]Command, 0, n)
	for _, l := range lines {
		if t := shellTrim(l.text); t != "" && t[0] != '#' {
			out = append(out, Command{Text: t, Line: l.line})
		}
	}
	return out, true
}

// shellTrim trims the blanks the shell separates words with (space and
// tab) — not every Unicode space: to the shell a form feed or a no-break
// space before a # is a word, not the start of a comment.
func shellTrim(s string) string { return strings.Trim(s, " \t") }

// plainWordByte reports whether c stands for itself in an unquoted shell
// word (letters, digits and - _ . / = , : @ % + ^ ~ * ?).
func plainWordByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-_./=,:@%+^~*?", c) >= 0
}

// plainLine reports whether t, a trimmed line, is one simple command or a
// pipeline or &&/|| list of them, with only words, plain quotes and > or
// >> redirections (see plainCommands).
func plainLine(t string) bool {
	segStart := true // the next word starts a command
	segWords := 0
	for i := 0; i < len(t); {
		c := t[i]
		switch {
		case c == ' ' || c == '\t':
			i++
			continue
		case c == '|' || c == '&':
			if c == '&' && (i+1 >= len(t) || t[i+1] != '&') {
				return false // a background job: two statements on a line
			}
			if segWords == 0 {
				return false
			}
			if i+1 < len(t) && t[i+1] == c {
				i++
			}
			i++
			segStart, segWords = true, 0
			continue
		case c == '>':
			if segStart {
				return false
			}
			i++
			if i < len(t) && t[i] == '>' {
				i++
			}
			for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
				i++
			}
			if i >= len(t) || !(plainWordByte(t[i]) || t[i] == '\'' || t[i] == '"') {
				return false
			}
			continue
		}
		// A word: plain bytes and closed quotes, up to a blank or an
		// operator; a digit run just before > is the redirection's fd.
		start := i
		for i < len(t) {
			c := t[i]
			switch {
			case plainWordByte(c):
				i++
				continue
			case c == '\'':
				j := strings.IndexByte(t[i+1:], '\'')
				if j < 0 || !plainQuoted(t[i+1:i+1+j], false) {
					return false
				}
				i += j + 2
				continue
			case c == '"':
				j := strings.IndexByte(t[i+1:], '"')
				if j < 0 || !plainQuoted(t[i+1:i+1+j], true) {
					return false
				}
				i += j + 2
				continue
			case c == ' ' || c == '\t' || c == '|' || c == '&' || c == '>':
			default:
				return false
			}
			break
		}
		w := t[start:i]
		if segStart {
			if strings.IndexByte(w, '=') >= 0 || shellReserved[w] || (i < len(t) && t[i] == '>') {
				return false
			}
			segStart = false
		}
		segWords++
	}
	return segWords > 0
}

// plainQuoted reports whether s, the inside of a quoted string, is
// printable ASCII with nothing the shell expands there: in double quotes
// no $, ` or \, and ! (history) in neither.
func plainQuoted(s string, double bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '!' || c == '\\' || (double && (c == '$' || c == '`')) {
			return false
		}
	}
	return true
}

// shellReserved are the words that, where a command starts, open or
// close a compound command or change how the rest is read, and the
// declaration builtins the parser reads apart from plain commands.
var shellReserved = map[string]bool{
	"if": true, "then": true, "elif": true, "else": true, "fi": true, "for": true, "in": true,
	"while": true, "until": true, "do": true, "done": true, "case": true, "esac": true,
	"select": true, "function": true, "time": true, "coproc": true, "let": true,
	"declare": true, "local": true, "export": true, "readonly": true, "typeset": true, "nameref": true,
}

// continuation is a backslash-newline and the blanks around it.
var continuation = lazyre.New(`[ \t]*\\\n[ \t]*`)

// firstHeredoc is the offset of the first here-document operator in st,
// 0 when there is none.
func firstHeredoc(st *syntax.Stmt) int {
	var at int
	syntax.Walk(st, func(n syntax.Node) bool {
		if r, ok := n.(*syntax.Redirect); ok && r.Hdoc != nil && (at == 0 || int(r.Pos().Offset()) < at) {
			at = int(r.Pos().Offset())
		}
		return true
	})
	return at
}

// lineCommands is logicalCommands for text the shell parser cannot read:
// one command per line, continuations joined, comments and blanks dropped.
func lineCommands(lines []srcLine) []Command {
	var out []Command
	var cur strings.Builder
	curLine := 0
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if cur.Len() == 0 {
			if t == "" || strings.HasPrefix(t, "#") {
				continue
			}
			curLine = l.line
		}
		if strings.HasSuffix(t, `\`) && !strings.HasSuffix(t, `\\`) {
			cur.WriteString(strings.TrimRight(strings.TrimSuffix(t, `\`), " \t") + " ")
			continue
		}
		cur.WriteString(t)
		if text := strings.TrimSpace(cur.String()); text != "" {
			out = append(out, Command{Text: text, Line: curLine})
		}
		cur.Reset()
	}
	if text := strings.TrimSpace(cur.String()); text != "" {
		out = append(out, Command{Text: text, Line: curLine})
	}
	return out
}

// knownCommands are programs and shell words whose presence at the start
// of a line makes an untagged block read as shell.
var knownCommands = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`ls cd cp mv rm mkdir rmdir touch cat echo printf tee grep egrep
	sed awk find xargs sort uniq head tail wc diff cmp chmod chown chgrp ln tar gzip gunzip zip unzip
	curl wget ssh scp rsync sudo su env export source unset set alias git docker docker-compose
	podman kubectl helm systemctl service journalctl psql pg_dump pg_restore pg_dumpall pg_isready
	pg_ctl pg_ctlcluster pg_basebackup createdb dropdb createuser mysql mysqldump redis-cli mongo
	mongosh python python3 pip pip3 uv poetry pipenv node npm npx yarn pnpm go make cargo java mvn
	gradle ruby bundle gem apt apt-get yum dnf apk brew snap kill pkill killall pgrep ps top htop df
	du free uptime nproc lscpu sha256sum sha1sum md5sum stat test sleep crontab nohup screen tmux
	watch date whoami hostname ip ss netstat nc lsof ping dig nslookup openssl gpg base64 jq yq
	sqlite3 terraform ansible ansible-playbook vault aws gcloud az supervisorctl nginx apachectl
	certbot mount umount readlink realpath which command exit trap bash sh zsh alembic flask
	gunicorn uvicorn celery ollama cron install truncate dd mktemp sync pushd popd read eval exec
	if for while until case then else elif fi do done esac function [ [[ time timeout`) {
		knownCommands[w] = true
	}
}

var (
	assignRE    = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*=`)
	configKeyRE = lazyre.New(`^[\w.-]+:(\s|$)|^[\w."-]+\s*=\s|^\[[^\]]*\]$|^[{}\[<]|^---$|^"[\w.-]+"\s*:`)
)

// looksLikeShell is the heuristic for fences without a language: it reads
// the block as shell when
//   - some line carries a "$ " prompt, or
//   - it does not open like configuration (YAML "key: value", INI
//     "key = value" or "[section]", JSON/XML, "---") and at least half of
//     its command lines (continuations, blanks and comments aside) start
//     with a known program or shell keyword (git, cp, systemctl, psql,
//     if, …), a variable assignment (FOO=bar), or a path to a program
//     (./run.sh, venv/bin/python).
//
// Program output, prose and configuration fail the test, so a step's
// commands are never made of them.
func looksLikeShell(lines []srcLine) bool {
	total, shellish := 0, 0
	cont := false
	first := true
	for _, l := range lines {
		t := strings.TrimSpace(l.text)
		if cont {
			cont = strings.HasSuffix(t, `\`)
			continue
		}
		if t == "" || strings.HasPrefix(t, "#") || sqlPromptRE.MatchString(l.text) {
			continue
		}
		if promptRE.MatchString(l.text) || hostRootPrompt(l.text) {
			return true
		}
		if first && configKeyRE.MatchString(t) {
			return false
		}
		first = false
		cont = strings.HasSuffix(t, `\`)
		total++
		if commandLike(t) {
			shellish++
		}
	}
	return total > 0 && shellish*2 >= total
}

// commandLike reports whether a line starts like a shell command.
func commandLike(t string) bool {
	w := strings.Fields(t)
	for len(w) > 0 && assignRE.MatchString(w[0]) {
		w = w[1:]
		if len(w) == 0 {
			return true // FOO=bar alone
		}
	}
	if len(w) == 0 {
		return false
	}
	cmd := strings.TrimRight(w[0], ";")
	if knownCommands[cmd] {
		return true
	}
	return strings.HasPrefix(cmd, "./") || strings.HasPrefix(cmd, "~/") ||
		strings.Contains(cmd, "/bin/") || strings.HasPrefix(cmd, "bin/")
}

// bashParsers keeps shell parsers for reuse (a parser may parse again once
// it is done, not concurrently): each holds 2 KiB of buffers, and a plan of
// 10,000 shell blocks allocated a new one for every block and command.
var bashParsers = sync.Pool{New: func() any { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }}

// parseBash parses src as bash with a pooled parser.
func parseBash(src string) (*syntax.File, error) {
	p := bashParsers.Get().(*syntax.Parser)
	defer bashParsers.Put(p)
	return p.Parse(strings.NewReader(src), "")
}
