package plans

import (
	"path/filepath"
	"strings"

	"github.com/yuin/goldmark/ast"
	"mvdan.cc/sh/v3/syntax"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// piece is a run of a paragraph's inline content: text, or a code span.
type piece struct {
	text string
	span *ast.CodeSpan
	line int
}

// pieces flattens a paragraph's inline content: emphasis and links become
// their text (a code span in a link names a page, not a command), raw HTML
// is dropped, code spans stay code spans.
func (p *mdParser) pieces(n ast.Node) []piece {
	var out []piece
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.CodeSpan:
				code, line := p.codeSpan(c)
				out = append(out, piece{text: code, span: c, line: line})
			case *ast.Link, *ast.Image:
				out = append(out, piece{text: inlineText(c, p.src, false)})
			case *ast.Text:
				t := string(c.Segment.Value(p.src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					t += " "
				}
				out = append(out, piece{text: t})
			case *ast.String:
				out = append(out, piece{text: string(c.Value)})
			case *ast.RawHTML:
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return out
}

// rollbackLabelRE is the label that opens a per-step rollback in prose:
// "**Rollback**:", "Rollback:", "To roll back:", "To undo this," at the
// start of the text or of a sentence (a bare word needs its colon:
// "Revert, if needed, …" is no label).
var rollbackLabelRE = lazyre.New(`(?i)(?:^|[.;!?)]\s+)(?:(?:to roll ?back|to undo(?: this| it)?|to revert(?: this| it)?|to back out)\s*[:,]|(?:roll ?back|rollback|undo|revert|back ?out)(?: of this step)?\s*:)\s*`)

// prose reads a paragraph inside the current step that is not its title:
// its text becomes the lead of a block right below it, and a code span in
// it that reads as a command ("If you made a backup before starting: `cp
// /backup/config_chromadb.py .`") becomes a Script of Lang "inline". A
// rollback label in it ("**Rollback**: `git revert HEAD`", "To roll back:
// …") gives what follows to a per-step rollback. With commands false (a
// top-level paragraph after a list step's list, which may be the next
// phase's intro as much as the item's continuation) only the lead is kept.
// A command no step owns is reported.
func (p *mdParser) prose(n ast.Node, commands bool) {
	p.lead = ""
	ps := p.pieces(n)
	var full strings.Builder
	for _, x := range ps {
		full.WriteString(x.text)
	}
	text := full.String()
	line := p.nodeLine(n)
	if p.cur != nil && commands && isAltTitle(text) && p.mode != modeDocument {
		// "Option B: from the tarball" — the scripts that follow are
		// another way of doing the step, until the next way or heading.
		if p.alt == "" {
			p.altSet = line
		}
		p.alt, p.altLevel = firstSentence(text), 0
	}
	if p.cur == nil || !commands || p.skipping {
		if !p.skipping && !p.inNoteRegion(line) {
			for i, x := range ps {
				if x.span != nil && p.spanCommand(x.span, x.text, cueBefore(ps, i)) {
					p.unowned(x.line, "inline command `"+clip(x.text, 60)+"`")
					if p.inRollback() && p.cur == nil {
						p.gap(x.line, x.line, "an inline command outside any step")
					}
					break
				}
			}
		}
		p.lead = strings.TrimSpace(text)
		return
	}
	// Where a rollback label starts and ends, if the paragraph has one.
	labelStart, labelEnd := -1, -1
	if p.form != formSub && p.mode != modeDocument {
		if loc := rollbackLabelRE.FindStringIndex(text); loc != nil {
			labelStart, labelEnd = loc[0], loc[1]
		}
	}
	owner := p.cur
	var sub *Step
	nothing := false
	if labelEnd >= 0 {
		after := text[labelEnd:]
		if nothingToUndoRE.MatchString(after) {
			nothing = true
		} else {
			title := firstSentence(after)
			if title == "" {
				title = "Roll back"
			}
			hasAfter := false
			off := 0
			for i, x := range ps {
				if x.span != nil && off >= labelEnd && p.spanCommand(x.span, x.text, cueBefore(ps, i)) {
					hasAfter = true
				}
				off += len(x.text)
			}
			sub = p.startSub(capitalize(title), line, &subState{paraOnly: !hasAfter})
			p.cur = owner // commands before the label are the step's own
		}
	}
	var before strings.Builder // text since the last command span
	off := 0
	for i, x := range ps {
		start := off
		off += len(x.text)
		if x.span == nil {
			before.WriteString(x.text)
			continue
		}
		if labelStart >= 0 && start >= labelStart {
			if nothing {
				break
			}
			if sub != nil && p.cur != sub {
				p.cur = sub
				before.Reset()
			}
		}
		if !p.spanCommand(x.span, x.text, cueBefore(ps, i)) {
			before.WriteString(x.text)
			continue
		}
		lead := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(before.String()), ",;.)"))
		p.addScript(Script{Lang: "inline", Text: x.text, Line: x.line, Lead: lead})
		p.cur.Commands = append(p.cur.Commands, Command{Text: x.text, Line: x.line})
		if s := SessionOpener(strings.Fields(x.text)); s != "" {
			p.session = s
		}
		before.Reset()
	}
	if sub != nil {
		p.cur = sub
		if !p.sub.paraOnly {
			p.endSub()
		}
	}
	p.lead = strings.TrimSpace(text)
	if sub != nil {
		p.lead = ""
	}
}

// addScript gives a script to the current step, with the alternative and
// session the step is in.
func (p *mdParser) addScript(sc Script) {
	if p.alt != "" {
		sc.Alt, sc.AltSet = p.alt, p.altSet
	}
	if sc.Session == "" && p.session != "" {
		sc.Session = p.session
	}
	p.cur.Scripts = append(p.cur.Scripts, sc)
}

// cueBefore reports whether the text right before piece i introduces a
// command: it ends with a colon ("Bump the version: `hatch version
// 2.4.0`") or a word such as run, with or command ("test with `sudo nginx
// -t`").
func cueBefore(ps []piece, i int) bool {
	t := ""
	for j := i - 1; j >= 0 && len(t) < 40; j-- {
		if ps[j].span != nil {
			break
		}
		t = ps[j].text + t
	}
	t = strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t), "*_"))
	return strings.HasSuffix(t, ":") || cueWordRE.MatchString(t)
}

var cueWordRE = lazyre.New(`(?i)\b(?:run|runs|running|execute|type|enter|command)$`)

// codeSpan is a code span's text and line.
func (p *mdParser) codeSpan(c *ast.CodeSpan) (string, int) {
	var b strings.Builder
	line := 0
	for t := c.FirstChild(); t != nil; t = t.NextSibling() {
		switch tx := t.(type) {
		case *ast.Text:
			if line == 0 {
				line = p.lineOf(tx.Segment.Start)
			}
			b.Write(tx.Segment.Value(p.src))
			if tx.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(tx.Value)
		}
	}
	return strings.ReplaceAll(strings.TrimSpace(b.String()), `\|`, "|"), line
}

// spanCommand is inlineCommand for a code span, cached per span (the
// outline asks first, the walk again).
func (p *mdParser) spanCommand(c *ast.CodeSpan, text string, cued bool) bool {
	if v, ok := p.spans[c]; ok {
		return v
	}
	v := inlineCommand(text, cued)
	p.spans[c] = v
	return v
}

// hasInlineCommand reports whether a paragraph carries an inline command.
func (p *mdParser) hasInlineCommand(n ast.Node) bool {
	ps := p.pieces(n)
	for i, x := range ps {
		if x.span != nil && p.spanCommand(x.span, x.text, cueBefore(ps, i)) {
			return true
		}
	}
	return false
}

// inlinePrograms are programs that are commands in backticks whatever
// precedes them, besides the ones an untagged block is recognised by
// (knownCommands).
var inlinePrograms = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`php composer rake rails bundle pgbackrest vault consul nomad airflow hatch
	twine flit tox nox gh glab mc amtool socat systemd-analyze timedatectl hostnamectl useradd usermod
	iptables nft ufw firewall-cmd sysctl modprobe lsblk blkid growpart resize2fs xfs_growfs lvextend
	zfs zpool rclone restic borg s3cmd gsutil doctl flyctl heroku pulumi packer vagrant etcdctl
	kustomize kubeadm crictl nerdctl buildah skopeo valkey-cli mysqladmin mariadb mariadb-dump mongodump
	mongorestore logrotate apache2ctl haproxy caddy pm2 dpkg rpm flatpak pipx conda dotnet rustup deno
	bun django-admin uwsgi pg_upgrade pg_upgradecluster pg_lsclusters pg_dropcluster pg_createcluster
	vacuumdb reindexdb mysqlcheck xtrabackup ansible-vault ansible-galaxy puppet chef-client knife
	host wget nc telnet traceroute mtr tcpdump strace iostat vmstat dmesg uname chattr update-grub
	grub-reboot grubby reboot shutdown 7z zstd xz pv sftp exportfs kinit openssl sops keytool
	update-ca-certificates update-alternatives cat less grep sed awk mkdir rm cp mv ls tail head
	kubectl helm docker podman git systemctl service journalctl psql pg_dump pg_restore curl ssh scp
	rsync tar gzip unzip make npm npx yarn pnpm pip pip3 python python3 go cargo alembic flask
	celery redis-cli mysql mysqldump sqlite3 certbot nginx apt apt-get yum dnf apk brew snap crontab
	dig nslookup ping ss netstat lsof chmod chown ln touch truncate find df du free kill pkill
	createdb dropdb createuser pg_ctl pg_ctlcluster pg_basebackup pg_isready ansible ansible-playbook
	terraform aws gcloud az supervisorctl tee install su sudo env export source echo printf wc sort
	sha256sum md5sum stat test sleep date openssl gpg jq yq mount umount ollama`) {
		inlinePrograms[w] = true
	}
}

// shellWords are words an untagged block is recognised by that, in
// backticks in prose, are usually just words.
var shellWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields("if for while until case then else elif fi do done esac function [ [[ time exit trap alias set read eval exec command test") {
		shellWords[w] = true
	}
}

// isInlineProgram: a program whose command line in backticks is a command
// whatever precedes it — inlinePrograms, and every program an untagged
// block is recognised by (knownCommands) but the shell's own words.
func isInlineProgram(w string) bool {
	return inlinePrograms[w] || knownCommands[w] && !shellWords[w]
}

// placeholderRE are blanks in a command ("<sha>", "…") that the shell
// parser would misread; they are replaced before parsing.
var placeholderRE = lazyre.New(`<[A-Za-z][^<>\n]{0,40}>|…|\.\.\.`)

// plausibleProgRE is a word that can name a program.
var plausibleProgRE = lazyre.New(`^[a-z][a-z0-9._+-]*$`)

// inlineCommand reports whether a code span's text reads as a shell
// command line: it parses as shell, and every command in it runs a program
// gonogo knows (git, cp, systemctl, psql, …, directly or under sudo), a
// path to one (./deploy.sh, .venv/bin/python, bin/rails), or — when the
// text before the span introduces a command (cued: "Command: `…`", "run
// `…`", "the version: `…`") — any program name, with at least one
// argument. "config.py", "VECTOR_STORE=chroma", a bare "git" and "listen
// 443 ssl;" are not commands.
func inlineCommand(s string, cued bool) bool {
	if s == "" || strings.ContainsAny(s, "\n`") || strings.HasPrefix(s, "#") {
		return false
	}
	s = placeholderRE.ReplaceAllString(s, "PLACEHOLDER")
	f, err := parseBash(s)
	if err != nil || len(f.Stmts) == 0 {
		return false
	}
	for _, st := range f.Stmts {
		if !inlineStmt(st, cued, false) {
			return false
		}
	}
	return true
}

// inlineStmt checks one statement; bare allows a known program without
// arguments, as one part of a pipeline or list ("echo | openssl …").
func inlineStmt(st *syntax.Stmt, cued, bare bool) bool {
	if st == nil || st.Negated || st.Background {
		return false
	}
	switch c := st.Cmd.(type) {
	case *syntax.BinaryCmd:
		x, y := inlineStmt(c.X, cued, true), inlineStmt(c.Y, cued, true)
		return x && y && (inlineStmt(c.X, cued, false) || inlineStmt(c.Y, cued, false))
	case *syntax.Subshell:
		for _, s := range c.Stmts {
			if !inlineStmt(s, cued, bare) {
				return false
			}
		}
		return len(c.Stmts) > 0
	case *syntax.CallExpr:
		args := c.Args
		if len(args) == 0 {
			return false
		}
		prog := args[0].Lit()
		if prog == "sudo" || prog == "doas" {
			rest := args[1:]
			for len(rest) > 0 && strings.HasPrefix(rest[0].Lit(), "-") {
				if sudoValueFlags[rest[0].Lit()] && len(rest) > 1 {
					rest = rest[1:]
				}
				rest = rest[1:]
			}
			if len(rest) == 0 {
				// "sudo -iu postgres" opens a shell; "sudo -u x" alone is a fragment.
				words := make([]string, len(args))
				for i, a := range args {
					words[i] = a.Lit()
				}
				return SessionOpener(words) != ""
			}
			return rest[0].Lit() != ""
		}
		if prog == "" {
			return false
		}
		base := filepath.Base(prog)
		n := len(args) - 1
		switch {
		case strings.HasPrefix(prog, "./") || strings.HasPrefix(prog, "../"):
			return true
		case strings.Contains(prog, "/") && (strings.Contains(prog, "/bin/") || strings.HasPrefix(prog, "bin/") || strings.HasPrefix(prog, "/usr/") ||
			strings.HasSuffix(prog, ".sh") || strings.HasSuffix(prog, ".py")) && n >= 1:
			return true
		case isInlineProgram(base) && prog == base && (n >= 1 || bare):
			return true
		case cued && n >= 1 && plausibleProgRE.MatchString(prog) && !strings.Contains(prog, ".") || cued && n >= 1 && strings.HasSuffix(prog, ".sh"):
			return true
		}
	}
	return false
}

// sudoValueFlags are sudo's options that take a value ("-u postgres").
var sudoValueFlags = map[string]bool{"-u": true, "-g": true, "-C": true, "-D": true, "-h": true, "-p": true, "-r": true, "-t": true, "-U": true, "-T": true}

// capitalize upper-cases the first letter of a title taken from mid-sentence.
func capitalize(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}

// clip shortens s to at most n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
