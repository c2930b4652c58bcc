package infer

import (
	"path/filepath"
	"strings"
)

// git reads the git subcommands that restore or record files:
// checkout/restore/show need a path in a revision; add … commit makes a
// path committed.
func (w *walker) git(c cmdCtx) *frag {
	g := parseOpts(c.args, optSpec{short: "Cc", stop: true, long: []string{"git-dir", "work-tree", "namespace"}})
	if len(g.pos) == 0 || !g.pos[0].literal() {
		return nil
	}
	base := w.base
	defer func() { w.base = base }()
	if d, ok := g.arg("C"); ok {
		if !d.literal() {
			return nil
		}
		w.base = w.resolve(d)
	}
	sub, args := g.pos[0].s, g.pos[1:]
	switch sub {
	case "checkout":
		return w.gitCheckout(c, args)
	case "restore":
		return w.gitRestore(c, args)
	case "show":
		return w.gitShow(c, args)
	case "add":
		return w.gitAdd(c, args)
	case "commit":
		return w.gitCommit(c, args)
	case "rm":
		p := parseOpts(args, optSpec{})
		if !p.has("cached") {
			for _, v := range p.pos {
				w.produce(w.resolve(v), false, evDestroy, c.line, c.text, "git rm")
			}
		}
	}
	return nil
}

// gitCheckout: "git checkout [REV] -- F…" and "git checkout REV F…". A lone
// operand switches branches: nothing to check.
func (w *walker) gitCheckout(c cmdCtx, args []value) *frag {
	p := parseOpts(args, optSpec{short: "bB", long: []string{"conflict", "pathspec-from-file"}})
	if p.has("b", "B", "orphan", "p", "patch") {
		return nil
	}
	var rev value
	var files []value
	switch {
	case p.dashdash >= 0:
		if p.dashdash > 1 {
			return nil
		}
		if p.dashdash == 1 {
			rev = p.pos[0]
		}
		files = p.pos[p.dashdash:]
	case len(p.pos) >= 2:
		rev, files = p.pos[0], p.pos[1:]
	default:
		return nil
	}
	return w.gitNeeds(c, "git checkout", rev, files, true)
}

// gitRestore: "git restore [--source=REV|-s REV] F…".
func (w *walker) gitRestore(c cmdCtx, args []value) *frag {
	p := parseOpts(args, optSpec{short: "s", long: []string{"source", "conflict", "pathspec-from-file"}})
	if p.has("p", "patch") {
		return nil
	}
	rev, _ := p.arg("s", "source")
	worktree := !p.has("S", "staged") || p.has("W", "worktree")
	return w.gitNeeds(c, "git restore", rev, p.pos, worktree)
}

// gitNeeds: each file must be in rev ("" = the index, checked as HEAD),
// and, when worktree is set, its working copy is replaced.
func (w *walker) gitNeeds(c cmdCtx, prog string, rev value, files []value, worktree bool) *frag {
	if rev.raw != "" && !w.usable(rev, c.line, c.text) {
		return nil
	}
	f := &frag{}
	for _, v := range files {
		if !w.usable(v, c.line, c.text) {
			continue
		}
		abs := w.resolve(v)
		if abs == "" || v.s == "." {
			continue
		}
		r := rev.s
		f.add(w.requireGit(v, abs, r, prog, r == "" || r == "HEAD", c.line, c.text))
		if worktree {
			w.produce(abs, false, evOverwrite, c.line, c.text, prog)
		}
	}
	return f
}

// gitShow: "git show REV:PATH" needs PATH in REV. PATH is relative to the
// top of the work tree unless it starts with ./ or ../.
func (w *walker) gitShow(c cmdCtx, args []value) *frag {
	p := parseOpts(args, optSpec{long: []string{"format", "pretty"}})
	f := &frag{}
	for _, v := range p.pos {
		rev, path, ok := strings.Cut(v.s, ":")
		if !ok || rev == "" || path == "" {
			continue
		}
		if !w.usable(v, c.line, c.text) {
			continue
		}
		var abs string
		if strings.HasPrefix(path, "./") || strings.HasPrefix(path, "../") {
			abs = w.resolvePath(path)
		} else {
			abs = filepath.Join(w.a.root, path)
		}
		if abs == "" {
			continue
		}
		f.add(w.requireGit(derive(v, path), abs, rev, "git show", false, c.line, c.text))
	}
	return f
}

// gitAdd remembers paths for the next commit of the step.
func (w *walker) gitAdd(c cmdCtx, args []value) *frag {
	p := parseOpts(args, optSpec{long: []string{"chmod", "pathspec-from-file"}})
	if p.has("A", "all", "u", "update", "n", "dry-run", "p", "patch") {
		return nil
	}
	f := &frag{}
	for _, v := range p.pos {
		if v.s == "." || !w.usable(v, c.line, c.text) {
			continue
		}
		abs := w.resolve(v)
		if abs == "" {
			continue
		}
		f.add(w.requireFile(v, false, "file git add stages exists", "git add", c.line, c.text, ""))
		w.st.added = append(w.st.added, addedPath{path: abs, target: w.target(v, abs), line: c.line})
	}
	return f
}

// gitCommit: the paths added earlier in the step are committed once it
// has run.
func (w *walker) gitCommit(c cmdCtx, args []value) *frag {
	p := parseOpts(args, optSpec{short: "mFcCtS", long: []string{"message", "file", "author", "date", "template", "reuse-message", "reedit-message", "fixup", "squash", "cleanup", "trailer"}})
	if p.has("dry-run") {
		return nil
	}
	f := &frag{}
	for _, a := range w.st.added {
		w.fact("git:"+a.path, evProduce, c.line, c.text, "git commit")
		v := value{s: a.target, raw: a.target}
		ps, dup := w.leaf(gitCommitted(v.s, a.path), c.line, c.text)
		f.add(oneDone(ps, dup))
	}
	w.st.added = nil
	return f
}
