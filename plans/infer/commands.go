package infer

import (
	"fmt"
	"path/filepath"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// cmdCtx is one simple command being read: its words evaluated, where it
// sits, and its text for Why.
type cmdCtx struct {
	prog string
	args []value
	line int
	text string
}

// handlers read one program's command line. Each returns the probes the
// command implies and records its facts.
var handlers map[string]func(*walker, cmdCtx) *frag

func init() {
	handlers = map[string]func(*walker, cmdCtx) *frag{
		"cp": (*walker).cp, "mv": (*walker).mv, "install": (*walker).install,
		"rsync": (*walker).rsync, "tar": (*walker).tar, "rm": (*walker).rm,
		"mkdir": (*walker).mkdir, "sed": (*walker).sed, "tee": (*walker).tee,
		"cd": (*walker).cd, "pushd": (*walker).cd, "popd": (*walker).popd,
		"git": (*walker).git, "systemctl": (*walker).systemctl, "service": (*walker).service,
		"pg_dump": (*walker).pgDump, "pg_dumpall": (*walker).pgDump,
		"pg_restore": (*walker).pgRestore, "psql": (*walker).psql, "dropdb": (*walker).dropdb,
		"source": (*walker).source, ".": (*walker).source,
		"read": (*walker).readVars, "mapfile": (*walker).readVars, "readarray": (*walker).readVars, "getopts": (*walker).readVars,
		"scp": (*walker).scp, "curl": (*walker).download, "wget": (*walker).download,
		"bash": (*walker).shell, "sh": (*walker).shell, "zsh": (*walker).shell, "dash": (*walker).shell,
	}
}

// wrappers run the rest of their command line as a command of its own.
var wrappers = map[string]optSpec{
	"sudo":    {short: "ugCDhpUrtT", stop: true, long: []string{"user", "group", "close-from", "chdir", "host", "prompt", "role", "type", "other-user", "command-timeout"}},
	"doas":    {short: "uC", stop: true},
	"env":     {short: "uCS", stop: true, long: []string{"unset", "chdir", "split-string"}},
	"nohup":   {stop: true},
	"exec":    {short: "a", stop: true},
	"command": {stop: true},
	"builtin": {stop: true},
	"nice":    {short: "n", stop: true, long: []string{"adjustment"}},
	"ionice":  {short: "cnp", stop: true, long: []string{"class", "classdata", "pid"}},
	"stdbuf":  {short: "ioe", stop: true},
	"time":    {short: "fo", stop: true, long: []string{"format", "output"}},
	"timeout": {short: "sk", stop: true, long: []string{"signal", "kill-after"}},
	"xargs":   {short: "IiLlnPsdEa", stop: true, long: []string{"max-args", "max-procs", "delimiter", "arg-file"}},
	"watch":   {short: "nd", stop: true, long: []string{"interval"}},
}

// remote programs run their command line somewhere else: nothing after
// them is about this host.
var remote = map[string]bool{"ssh": true, "docker": true, "kubectl": true, "podman": true, "ansible": true, "salt": true}

// call reads a simple command.
func (w *walker) call(s *syntax.Stmt, c *syntax.CallExpr) *frag {
	if len(c.Args) == 0 {
		for _, as := range c.Assigns {
			w.assign(as, false)
		}
		return nil
	}
	line, text := w.lineOf(s), w.text(s)
	words := keepEnds(c.Args)
	args := make([]value, 0, len(words)) // one value a word, but for braces
	for _, wd := range words {
		args = w.ev.appendWords(args, wd)
	}
	if n := max(len(c.Args), len(args)); n > maxArgs {
		args = keepEnds(args)
		w.st.note(fmt.Sprintf("line %d: `%s` has %d words: gonogo reads its first %d and its last, and checks nothing about the others",
			line, clipText(text, 80), n, maxArgs-1))
	}
	f := &frag{}
	if where := w.opensSession(s, args); where != "" {
		f.add(w.program(args[0].s, line, text))
		w.sessions = append(w.sessions, where)
		w.st.note(fmt.Sprintf("line %d: after `%s` the commands run %s, until exit; gonogo does not check them from this host", line, text, strings.TrimSuffix(where, " ("+text+")")))
		return f
	}
	partial := false // xargs: the command's operands come from stdin
	for len(args) > 0 {
		if !args[0].literal() {
			return f // a command only a run can name
		}
		name := args[0].s
		prog := filepath.Base(name)
		f.add(w.program(name, line, text))
		if ws, ok := wrappers[prog]; ok {
			p := parseOpts(args[1:], ws)
			if prog == "env" {
				for len(p.pos) > 0 && strings.Contains(p.pos[0].s, "=") && !strings.HasPrefix(p.pos[0].s, "/") {
					p.pos = p.pos[1:]
				}
			}
			if prog == "timeout" && len(p.pos) > 0 {
				p.pos = p.pos[1:] // the duration
			}
			if prog == "sudo" && (p.has("i", "s", "l", "v", "k", "K", "e") && len(p.pos) == 0) {
				return f
			}
			if prog == "xargs" || prog == "watch" {
				partial = true
			}
			args = p.pos
			continue
		}
		if remote[prog] {
			w.noteRemote(prog, args[1:], line, text)
			return f
		}
		if partial {
			return f
		}
		if h, ok := handlers[prog]; ok {
			f.add(h(w, cmdCtx{prog: prog, args: args[1:], line: line, text: text}))
		}
		f.add(w.postgres(cmdCtx{prog: prog, args: args[1:], line: line, text: text}))
		return f
	}
	return f
}

// maxArgs bounds the words of one command that inference reads. A
// command of tens of thousands of operands (a 1 MB inline code span) is no
// runbook's: reading them all costs seconds and gigabytes of findings
// (issue 13), so gonogo reads its first words — the program and its
// options — and its last — cp's and mv's destination — and says so.
const maxArgs = 1000

// keepEnds is list cut to maxArgs: its first maxArgs-1 elements and its
// last.
func keepEnds[T any](list []T) []T {
	if len(list) <= maxArgs {
		return list
	}
	return append(list[:maxArgs-1:maxArgs-1], list[len(list)-1])
}

// copyOpts are cp's and mv's options that take an argument.
var copyOpts = optSpec{short: "St", long: []string{"target-directory", "suffix"}}

// cp SRC… DST: the sources must exist; a backup-like destination holds a
// copy of its source once the step is done.
func (w *walker) cp(c cmdCtx) *frag {
	p := parseOpts(c.args, copyOpts)
	return w.copyLike(c, p, p.has("r", "R", "a", "recursive", "archive"), false)
}

// mv SRC… DST: the sources must exist and are gone afterwards.
func (w *walker) mv(c cmdCtx) *frag {
	p := parseOpts(c.args, copyOpts)
	return w.copyLike(c, p, true, true)
}

// install SRC… DST, or install -d DIR…
func (w *walker) install(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "mogtS", long: []string{"mode", "owner", "group", "target-directory", "suffix"}})
	if p.has("d", "directory") {
		for _, v := range p.pos {
			if ev := w.produce(w.resolve(v), true, evProduce, c.line, c.text, "install -d"); ev != nil {
				ev.empty = true
			}
		}
		return nil
	}
	return w.copyLike(c, p, false, false)
}

// copyLike is cp, mv and install: sources, destination, backups.
func (w *walker) copyLike(c cmdCtx, p parsed, recursive, move bool) *frag {
	f := &frag{}
	srcs, dst := p.pos, value{}
	tdir, hasT := p.arg("t", "target-directory")
	if hasT {
		dst = tdir
	} else {
		if len(srcs) < 2 {
			return nil
		}
		dst, srcs = srcs[len(srcs)-1], srcs[:len(srcs)-1]
	}
	dstAbs := ""
	if w.usable(dst, c.line, c.text) {
		dstAbs = w.resolve(dst)
	}
	intoDir := hasT || len(srcs) > 1 || strings.HasSuffix(dst.s, "/") ||
		(!p.has("T", "no-target-directory") && dstAbs != "" && w.a.isDirNow(dstAbs))
	for _, src := range srcs {
		srcAbs := w.resolve(src)
		to := dstAbs
		if to != "" && intoDir {
			if srcAbs == "" {
				to = ""
			} else {
				to = filepath.Join(dstAbs, filepath.Base(srcAbs))
			}
		}
		srcDir := strings.HasSuffix(src.s, "/") || (srcAbs != "" && w.a.isDirNow(srcAbs))
		f.add(w.requireFile(src, srcDir && (recursive || move), "source of "+c.prog+" exists", c.prog, c.line, c.text, to))
		// mv takes the source away, but only once the copy it leaves
		// exists: "mv f{,.old}" is a backup, not a backup taken after
		// its source was moved.
		moved := func() {
			if move && srcAbs != "" {
				w.produce(srcAbs, srcDir, evDestroy, c.line, c.text, "mv")
			}
		}
		if to == "" {
			moved()
			continue
		}
		if backupLike(to) && (srcAbs == "" || !backupLike(srcAbs)) {
			dv := dst
			if intoDir {
				dv = derive(dst, filepath.Join(dst.s, filepath.Base(src.s)))
			}
			of := srcAbs
			name := "backup made by " + c.prog + " matches its source"
			if move {
				of, name = "", "backup made by mv exists"
			}
			w.produce(to, srcDir, evProduce, c.line, c.text, c.prog)
			if srcAbs != "" {
				w.backup(srcAbs, to, c.prog, c.line, c.text)
			}
			f.add(w.doneBackup(dv, to, of, srcDir, name, c.line, c.text))
			moved()
			continue
		}
		w.produce(to, srcDir, evOverwrite, c.line, c.text, c.prog)
		moved()
	}
	return f
}

// rsync SRC… DST: local sources must exist, a local destination is made;
// the remote side (host:path, rsync://) is not a path on this host.
func (w *walker) rsync(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "efBTM", long: []string{
		"exclude", "include", "exclude-from", "include-from", "files-from", "filter", "rsh",
		"rsync-path", "log-file", "chmod", "chown", "password-file", "backup-dir", "suffix",
		"temp-dir", "compare-dest", "copy-dest", "link-dest", "timeout", "bwlimit", "max-size",
		"min-size", "port", "partial-dir", "out-format", "log-file-format", "usermap", "groupmap",
	}})
	if len(p.pos) < 2 {
		return nil
	}
	f := &frag{}
	dst, srcs := p.pos[len(p.pos)-1], p.pos[:len(p.pos)-1]
	dstAbs := ""
	if !isRemote(dst.s) && w.usable(dst, c.line, c.text) {
		dstAbs = w.resolve(dst)
	}
	remoteSrc := false
	for _, src := range srcs {
		if isRemote(src.s) {
			remoteSrc = true
		}
	}
	if dstAbs != "" && remoteSrc {
		// Fetched from elsewhere: what lands here is made, not copied from
		// a local source.
		w.produce(dstAbs, true, evOverwrite, c.line, c.text, "rsync")
	}
	for _, src := range srcs {
		if isRemote(src.s) {
			continue
		}
		srcAbs := w.resolve(src)
		contents := strings.HasSuffix(src.s, "/")
		srcDir := contents || (srcAbs != "" && w.a.isDirNow(srcAbs))
		to := dstAbs
		if to != "" && !contents && (strings.HasSuffix(dst.s, "/") || w.a.isDirNow(dstAbs) || len(srcs) > 1) && srcAbs != "" {
			to = filepath.Join(dstAbs, filepath.Base(srcAbs))
		}
		f.add(w.requireFile(src, srcDir, "source of rsync exists", "rsync", c.line, c.text, to))
		if to == "" {
			continue
		}
		if backupLike(to) && srcAbs != "" && !backupLike(srcAbs) {
			w.produce(to, srcDir, evProduce, c.line, c.text, "rsync")
			w.backup(srcAbs, to, "rsync", c.line, c.text)
			f.add(w.doneBackup(derive(dst, to), to, srcAbs, srcDir, "backup made by rsync matches its source", c.line, c.text))
			continue
		}
		w.produce(to, srcDir, evOverwrite, c.line, c.text, "rsync")
	}
	return f
}

// isRemote reports host:path and rsync:// operands.
func isRemote(s string) bool {
	if strings.Contains(s, "://") {
		return true
	}
	i := strings.IndexByte(s, ':')
	return i > 0 && !strings.Contains(s[:i], "/")
}

// tar -x…f F needs F (and -C D); tar -c…f F makes F from its operands.
func (w *walker) tar(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "fCTXbLNV", oldTar: true, long: []string{"file", "directory", "files-from", "exclude-from", "exclude"}})
	file, hasF := p.arg("f", "file")
	f := &frag{}
	dirV, hasC := p.arg("C", "directory")
	if hasC {
		f.add(w.requireDir(dirV, "folder for tar -C exists", "tar", c.line, c.text))
	}
	switch {
	case p.has("x", "extract", "get", "t", "list", "d", "diff", "compare"):
		if hasF && file.s != "-" {
			f.add(w.requireFile(file, false, "archive for tar exists", "tar", c.line, c.text, ""))
		}
	case p.has("c", "create"):
		base := w.base
		if hasC {
			w.base = w.resolve(dirV)
		}
		var srcs []string
		for _, v := range p.pos {
			f.add(w.requireFile(v, false, "input of tar exists", "tar", c.line, c.text, ""))
			if a := w.resolve(v); a != "" {
				srcs = append(srcs, a)
			}
		}
		w.base = base
		if hasF && file.s != "-" && w.usable(file, c.line, c.text) {
			abs := w.resolve(file)
			if abs != "" {
				for _, s := range srcs {
					w.backup(s, abs, "tar", c.line, c.text)
				}
				f.add(w.doneFile(file, "archive written by tar", c.line, c.text))
			}
		}
	}
	return f
}

// rm F… removes F.
func (w *walker) rm(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{})
	for _, v := range p.pos {
		w.produce(w.resolve(v), false, evDestroy, c.line, c.text, "rm")
	}
	return nil
}

// mkdir D… makes folders.
func (w *walker) mkdir(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "m", long: []string{"mode", "context"}})
	for _, v := range p.pos {
		if ev := w.produce(w.resolve(v), true, evProduce, c.line, c.text, "mkdir"); ev != nil {
			ev.empty = true
		}
	}
	return nil
}

// sed -i … F… edits F in place: F must exist and its old content is gone.
func (w *walker) sed(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "efl", long: []string{"expression", "file", "line-length"}})
	if !p.has("i", "in-place") {
		return nil
	}
	files := p.pos
	if _, ok := p.arg("e", "expression", "f", "file"); !ok && len(files) > 0 {
		files = files[1:] // the script
	}
	f := &frag{}
	for _, v := range files {
		f.add(w.requireFile(v, false, "file sed -i edits exists", "sed", c.line, c.text, ""))
		w.produce(w.resolve(v), false, evOverwrite, c.line, c.text, "sed -i")
	}
	return f
}

// tee F writes F; tee -a F needs F's folder.
func (w *walker) tee(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{})
	f := &frag{}
	for _, v := range p.pos {
		if w.special(v) {
			continue
		}
		if p.has("a", "append") {
			f.add(w.requireFolderOf(v, "folder for tee -a exists", "tee -a", c.line, c.text))
			w.produce(w.resolve(v), false, evProduce, c.line, c.text, "tee -a")
			continue
		}
		f.add(w.doneFile(v, "file written by tee", c.line, c.text))
	}
	return f
}

// cd D needs D and moves the base of later relative paths.
func (w *walker) cd(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{})
	if len(p.pos) == 0 {
		if home := w.ev.env("HOME"); home != "" && c.prog == "cd" {
			w.setBase(home)
		} else {
			w.setBase("")
		}
		return nil
	}
	v := p.pos[0]
	if v.s == "-" || !v.literal() {
		w.usable(v, c.line, c.text)
		w.setBase("")
		return nil
	}
	f := w.requireDir(v, "folder for "+c.prog+" exists", c.prog, c.line, c.text)
	w.setBase(w.resolve(v))
	return f
}

func (w *walker) popd(c cmdCtx) *frag {
	w.setBase("")
	return nil
}

// read, mapfile and getopts set variables from input: only a run knows
// their values.
func (w *walker) readVars(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "adinNptuCcOs"})
	for _, v := range p.pos {
		if isName(v.s) {
			w.ev.vars[v.s] = varState{dynamic: true}
		}
	}
	if c.prog != "read" {
		for _, o := range p.opts {
			if o.hasArg && isName(o.arg.s) {
				w.ev.vars[o.arg.s] = varState{dynamic: true}
			}
		}
	}
	if len(p.pos) == 0 && c.prog == "read" {
		w.ev.vars["REPLY"] = varState{dynamic: true}
	}
	return nil
}

// source F / . F needs F.
func (w *walker) source(c cmdCtx) *frag {
	if len(c.args) == 0 {
		return nil
	}
	return w.requireFile(c.args[0], false, "script "+c.prog+" reads exists", c.prog, c.line, c.text, "")
}

// bash -c 'STRING' is read as shell; bash FILE needs FILE.
func (w *walker) shell(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "oO", stop: true})
	if p.has("c") {
		if len(p.pos) == 0 || !p.pos[0].literal() || w.depth > 2 {
			return nil
		}
		return w.nested(p.pos[0].s, c.line)
	}
	if len(p.pos) == 0 {
		return nil
	}
	return w.requireFile(p.pos[0], false, "script "+c.prog+" runs exists", c.prog, c.line, c.text, "")
}

// nested reads a "sh -c" string as shell, every command on line.
func (w *walker) nested(text string, line int) *frag {
	src := protectPlaceholders(text, w.ev.phs)
	f, err := parseBash(src)
	if err != nil {
		return nil
	}
	sub := *w
	sub.src = src
	sub.fixedLine = line
	sub.lmap = nil
	sub.texts = nil
	sub.lineOff = 0
	sub.depth = w.depth + 1
	out := sub.stmts(f.Stmts)
	w.base = sub.base
	return out
}

// scp SRC… DST: local sources must exist; a local destination is made.
func (w *walker) scp(c cmdCtx) *frag {
	p := parseOpts(c.args, optSpec{short: "cFiJloPSD"})
	if len(p.pos) < 2 {
		return nil
	}
	f := &frag{}
	dst, srcs := p.pos[len(p.pos)-1], p.pos[:len(p.pos)-1]
	for _, src := range srcs {
		if isRemote(src.s) {
			continue
		}
		f.add(w.requireFile(src, p.has("r"), "source of scp exists", "scp", c.line, c.text, ""))
	}
	if !isRemote(dst.s) && w.usable(dst, c.line, c.text) {
		w.produce(w.resolve(dst), false, evOverwrite, c.line, c.text, "scp")
	}
	return f
}

// curl -o F / wget -O F write F.
func (w *walker) download(c cmdCtx) *frag {
	sp := optSpec{short: "oXHdAeEKuUwTrmYyzCcbDFQt", long: []string{
		"output", "request", "header", "data", "data-raw", "data-binary", "user", "user-agent",
		"referer", "cookie", "cookie-jar", "max-time", "connect-timeout", "retry", "config",
		"write-out", "proxy", "cacert", "cert", "key", "form", "upload-file", "url",
	}}
	names := []string{"o", "output"}
	if c.prog == "wget" {
		sp = optSpec{short: "OoaPtTUeiBhY", long: []string{"output-document", "output-file", "directory-prefix", "tries", "timeout", "user-agent", "header", "user", "password", "input-file"}}
		names = []string{"O", "output-document"}
	}
	p := parseOpts(c.args, sp)
	out, ok := p.arg(names...)
	if !ok || out.s == "-" || w.special(out) {
		return nil
	}
	return w.doneFile(out, "file downloaded by "+c.prog, c.line, c.text)
}
