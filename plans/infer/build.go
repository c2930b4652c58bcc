package infer

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// usable reports whether v can become a probe; when it cannot because of a
// blank or a Windows path it says so in a note on the step. Words only a
// run can explain ($(…), globs) are skipped quietly.
func (w *walker) usable(v value, line int, cmd string) bool {
	switch {
	case v.placeholder != "":
		w.st.note(fmt.Sprintf("line %d: %q holds a placeholder (%s): fill it in to have it checked; nothing inferred from it", line, cmd, v.placeholder))
		return false
	case v.windows:
		w.st.note(fmt.Sprintf("line %d: %s is a Windows path; gonogo cannot check it from this host", line, redact.String(v.raw)))
		return false
	case v.dynamic || v.glob || v.s == "":
		return false
	}
	return true
}

// resolve makes v's path absolute against the current base, "" when it
// cannot (blank, glob, unknown cd).
func (w *walker) resolve(v value) string {
	if !v.literal() || v.s == "" {
		return ""
	}
	return w.resolvePath(v.s)
}

func (w *walker) resolvePath(s string) string {
	if filepath.IsAbs(s) {
		return filepath.Clean(s)
	}
	if w.base == "" {
		return ""
	}
	return filepath.Join(w.base, s)
}

// target is how a probe names a path: as written when it resolves against
// the plan root, absolute otherwise (after a cd, say).
func (w *walker) target(v value, abs string) string {
	if filepath.IsAbs(v.s) {
		return abs
	}
	if w.base != w.a.root {
		return w.a.show(abs)
	}
	return v.s
}

// leaf registers a new inferred probe, or returns the one the step already
// has for the same role, kind and target (dup true: do not attach twice).
func (w *walker) leaf(ps *spec.Probe, line int, cmd string) (*spec.Probe, bool) {
	ps.Source = spec.Inferred
	ps.File = w.a.plan.File
	ps.Line = line
	ps.Why = cmd
	if w.cond > 0 && ps.Role == spec.Requires {
		ps.Severity = spec.Warn
	}
	k := string(ps.Role) + "\x00" + specKey(ps)
	if old, ok := w.st.leaves[k]; ok {
		return old, true
	}
	w.st.leaves[k] = ps
	return ps, false
}

func one(ps *spec.Probe, dup bool) *frag {
	if dup || ps == nil {
		return nil
	}
	return &frag{reqs: []*spec.Probe{ps}}
}

func oneDone(ps *spec.Probe, dup bool) *frag {
	if dup || ps == nil {
		return nil
	}
	return &frag{dones: []*spec.Probe{ps}}
}

// requireFile: v must exist before the command runs (a file, or a folder
// when dir is set or it is one now). restoreTo, for copies, is where it
// goes.
func (w *walker) requireFile(v value, dir bool, name, prog string, line int, cmd, restoreTo string) *frag {
	if !w.usable(v, line, cmd) {
		return nil
	}
	abs := w.resolve(v)
	if abs == "" || w.special(v) {
		return nil
	}
	if w.st.made[abs] || w.madeUnder(abs) {
		return nil // an earlier command of this step makes it
	}
	dir = dir || strings.HasSuffix(v.s, "/") || w.a.isDirNow(abs)
	ps, dup := w.leaf(&spec.Probe{
		Role: spec.Requires, Kind: spec.KindFile, Target: w.target(v, abs), Name: name,
		Params: &spec.FileParams{Path: abs, Exists: true, Dir: dir},
	}, line, cmd)
	kind := needFile
	if dir {
		kind = needDir
	}
	w.addNeed(&need{kind: kind, key: abs, path: abs, sp: ps, line: line, cmd: cmd, prog: prog, restoreTo: restoreTo})
	return one(ps, dup)
}

// madeUnder reports whether an earlier command of the step made a folder
// holding abs.
func (w *walker) madeUnder(abs string) bool {
	for d := filepath.Dir(abs); d != "/" && d != "."; d = filepath.Dir(d) {
		if w.st.made[d] {
			return true
		}
	}
	return false
}

// requireFolderOf: the folder v goes in must exist (>> F, tee -a F).
func (w *walker) requireFolderOf(v value, name, prog string, line int, cmd string) *frag {
	if !w.usable(v, line, cmd) {
		return nil
	}
	abs := w.resolve(v)
	if abs == "" {
		return nil
	}
	d := filepath.Dir(abs)
	if w.st.made[d] || w.madeUnder(d) {
		return nil
	}
	t := filepath.Dir(w.target(v, abs))
	if t == "." {
		t = w.a.root
	}
	ps, dup := w.leaf(&spec.Probe{
		Role: spec.Requires, Kind: spec.KindFile, Target: t, Name: name,
		Params: &spec.FileParams{Path: d, Exists: true, Dir: true},
	}, line, cmd)
	w.addNeed(&need{kind: needDir, key: d, path: d, sp: ps, line: line, cmd: cmd, prog: prog})
	return one(ps, dup)
}

// requireDir: v must be a folder (cd D, tar -C D).
func (w *walker) requireDir(v value, name, prog string, line int, cmd string) *frag {
	if !w.usable(v, line, cmd) {
		return nil
	}
	abs := w.resolve(v)
	if abs == "" || w.st.made[abs] || w.madeUnder(abs) {
		return nil
	}
	ps, dup := w.leaf(&spec.Probe{
		Role: spec.Requires, Kind: spec.KindFile, Target: w.target(v, abs), Name: name,
		Params: &spec.FileParams{Path: abs, Exists: true, Dir: true},
	}, line, cmd)
	w.addNeed(&need{kind: needDir, key: abs, path: abs, sp: ps, line: line, cmd: cmd, prog: prog})
	return one(ps, dup)
}

func (w *walker) addNeed(n *need) {
	n.alt = w.alt
	n.optional = w.cond > 0
	n.seq = w.st.next()
	w.st.needs = append(w.st.needs, n)
}

// doneFile: v exists once the command has run (> F, pg_dump -f F).
func (w *walker) doneFile(v value, name string, line int, cmd string) *frag {
	if !w.usable(v, line, cmd) {
		return nil
	}
	abs := w.resolve(v)
	if abs == "" {
		return nil
	}
	dir := strings.HasSuffix(v.s, "/")
	w.produce(abs, dir, evProduce, line, cmd, "")
	return oneDone(w.leaf(&spec.Probe{
		Role: spec.Done, Kind: spec.KindFile, Target: w.target(v, abs), Name: name,
		Params: &spec.FileParams{Path: abs, Exists: true, Dir: dir},
	}, line, cmd))
}

// backup records that a command copies src (a fact key) to dst.
func (w *walker) backup(src, dst, prog string, line int, cmd string) {
	w.st.backups = append(w.st.backups, &backupFact{src: src, dst: dst, line: line, cmd: cmd, prog: prog, seq: w.st.next()})
}

// doneBackup: dst exists once the command has run and, when of is set,
// has the same content as of.
func (w *walker) doneBackup(dst value, dstAbs, of string, dir bool, name string, line int, cmd string) *frag {
	if dir {
		return oneDone(w.leaf(&spec.Probe{
			Role: spec.Done, Kind: spec.KindFile, Target: w.target(dst, dstAbs), Name: name,
			Params: &spec.FileParams{Path: dstAbs, Exists: true, Dir: true},
		}, line, cmd))
	}
	ps, dup := w.leaf(&spec.Probe{
		Role: spec.Done, Kind: spec.KindBackup, Target: w.target(dst, dstAbs), Name: name,
		Params: &spec.BackupParams{Path: dstAbs, Of: of},
	}, line, cmd)
	if of != "" && !dup {
		w.st.compared = append(w.st.compared, ps)
	}
	return oneDone(ps, dup)
}

// produce records that a command makes, replaces or removes a path, and
// returns the event (nil when abs is "").
func (w *walker) produce(abs string, dir bool, kind eventKind, line int, cmd, how string) *event {
	if abs == "" {
		return nil
	}
	ev := &event{kind: kind, key: abs, path: abs, dir: dir, line: line, cmd: cmd, how: how, seq: w.st.next()}
	w.st.events = append(w.st.events, ev)
	switch kind {
	case evDestroy:
		delete(w.st.made, abs)
		w.st.gone[abs] = true
	default:
		w.st.made[abs] = true
		delete(w.st.gone, abs)
	}
	return ev
}

// dropGone removes the step's done probes on paths a later command of
// the same step removes: they could never hold.
func (st *stepInfo) dropGone() {
	if len(st.gone) == 0 {
		return
	}
	keep := st.dones[:0]
	for _, d := range st.dones {
		if st.isGone(donePath(d)) {
			continue
		}
		keep = append(keep, d)
	}
	st.dones = keep
}

func (st *stepInfo) isGone(p string) bool {
	for ; p != "" && p != "/" && p != "."; p = filepath.Dir(p) {
		if st.gone[p] {
			return true
		}
	}
	return false
}

func donePath(ps *spec.Probe) string {
	switch p := ps.Params.(type) {
	case *spec.FileParams:
		return p.Path
	case *spec.BackupParams:
		return p.Path
	}
	return ""
}

// fact records a non-path event (git commit, DROP TABLE).
func (w *walker) fact(key string, kind eventKind, line int, cmd, how string) {
	w.st.events = append(w.st.events, &event{kind: kind, key: key, line: line, cmd: cmd, how: how, seq: w.st.next()})
	if kind == evDestroy {
		delete(w.st.made, key)
	} else {
		w.st.made[key] = true
	}
}

// requireGit: path must be in revision rev for the command to work.
func (w *walker) requireGit(v value, abs, rev, prog string, checkout bool, line int, cmd string) *frag {
	key := "git:" + abs
	if (rev == "" || rev == "HEAD") && w.st.made[key] {
		return nil
	}
	where := rev
	if where == "" {
		where = "HEAD"
	}
	ps, dup := w.leaf(&spec.Probe{
		Role: spec.Requires, Kind: spec.KindGit, Target: w.target(v, abs),
		Name:   fmt.Sprintf("%s needs it in %s", prog, where),
		Params: &spec.GitParams{Path: abs, State: spec.GitTracked, Rev: rev},
	}, line, cmd)
	w.addNeed(&need{kind: needGit, key: key, path: abs, rev: rev, sp: ps, line: line, cmd: cmd, prog: prog, checkout: checkout})
	return one(ps, dup)
}

// program: the program a command runs must be installed (see the package
// comment for how that is checked without running anything).
func (w *walker) program(name string, line int, cmd string) *frag {
	if name == "" || builtins[name] || w.funcs[name] || w.st.programs[name] {
		return nil
	}
	w.st.programs[name] = true
	sev := spec.Warn
	if w.st.step.Rollback {
		sev = spec.Block
	}
	var ps *spec.Probe
	if strings.Contains(name, "/") {
		abs := w.resolvePath(name)
		if abs == "" || w.st.made[abs] {
			return nil
		}
		ps = &spec.Probe{
			Role: spec.Requires, Kind: spec.KindFile, Target: name, Severity: sev,
			Name:   name + " exists",
			Params: &spec.FileParams{Path: abs, Exists: true},
		}
	} else {
		found, err := w.a.lookPath(name)
		if err == nil {
			ps = &spec.Probe{
				Role: spec.Requires, Kind: spec.KindFile, Target: found, Severity: sev,
				Name:   name + " is installed",
				Params: &spec.FileParams{Path: found, Exists: true},
			}
		} else {
			p := "/usr/bin/" + name
			ps = &spec.Probe{
				Role: spec.Requires, Kind: spec.KindFile, Target: p, Severity: sev,
				Name:   name + " is installed (not on PATH when the plan was read; checking " + p + ")",
				Params: &spec.FileParams{Path: p, Exists: true},
			}
		}
	}
	ps, dup := w.leaf(ps, line, cmd)
	if !dup {
		// Program checks stay outside any "a || b" group: a plan that
		// names a program expects it installed either way.
		w.a.programs[ps] = name
		w.st.progs = append(w.st.progs, ps)
	}
	return nil
}

// lookPath finds a program the way a shell does — the first executable
// regular file of that name in a $PATH folder — with $PATH from
// Options.Env. It only stats files, and remembers answers for the
// analysis: a plan names the same few programs in many steps.
func (a *Analysis) lookPath(name string) (string, error) {
	if r, ok := a.paths[name]; ok {
		return r.path, r.err
	}
	path := a.env("PATH")
	if path == "" {
		path = defaultPath
	}
	r := lookResult{err: exec.ErrNotFound}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" || !filepath.IsAbs(dir) {
			continue // "." or a relative entry: where gonogo runs, not the operator
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			r = lookResult{path: p}
			break
		}
	}
	a.paths[name] = r
	return r.path, r.err
}

// defaultPath is searched when the environment has no PATH.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

type lookResult struct {
	path string
	err  error
}

// builtins are shell builtins and keywords: nothing to install.
var builtins = map[string]bool{}

func init() {
	for _, b := range strings.Fields(`cd echo printf export set unset source . test [ [[ true false :
		exit return read eval exec command builtin local declare typeset readonly shift trap wait
		alias unalias type hash pushd popd dirs umask ulimit let break continue times jobs fg bg
		kill history shopt getopts mapfile readarray logout help enable caller compgen complete
		disown suspend time`) {
		builtins[b] = true
	}
}

// isDirNow reports whether path is a folder right now. Inference uses it
// only to choose between a file and a folder probe; it only looks. The
// answers are kept for the analysis, and a path under a folder that does
// not exist is no folder, without a look: thousands of steps copy to
// backups/app-N.py, and each stat costs a system call.
func (a *Analysis) isDirNow(path string) bool {
	return a.look(path) == lookDir
}

// lookKind is what a path is right now.
type lookKind uint8

const (
	lookMissing lookKind = iota + 1 // nothing there (or it cannot be looked at)
	lookFile                        // something other than a folder
	lookDir                         // a folder
)

func (a *Analysis) look(path string) lookKind {
	if k, ok := a.looked[path]; ok {
		return k
	}
	if a.looked == nil {
		a.looked = map[string]lookKind{}
	}
	k := lookMissing
	if parent := filepath.Dir(path); parent == path || !filepath.IsAbs(path) || a.look(parent) == lookDir {
		if fi, err := os.Stat(path); err == nil {
			k = lookFile
			if fi.IsDir() {
				k = lookDir
			}
		}
	}
	a.looked[path] = k
	return k
}

var backupRe = lazyre.New(`(?i)(^|[._-])(bak|backups?|old|orig|saved?|prev|snapshot|rollback)([._-]|$)|~$|^backups?`)

// backupLike reports whether a copy's destination reads as a backup:
// config.py.bak, f.old, /backup/…, /var/backups/…, config.py~.
func backupLike(abs string) bool {
	for part := range strings.SplitSeq(abs, "/") {
		if part != "" && mayBeBackup(part) && backupRe.MatchString(part) {
			return true
		}
	}
	return false
}

// backupWords are the words backupRe looks for, one of which (or a final
// ~) every name it matches holds: most path parts have none, and skip the
// regexp.
var backupWords = []string{"bak", "backup", "old", "orig", "sav", "prev", "snapshot", "rollback"}

func mayBeBackup(part string) bool {
	if strings.HasSuffix(part, "~") {
		return true
	}
	lower := strings.ToLower(part)
	for _, w := range backupWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// gitCommitted is the done probe of "git add F && git commit".
func gitCommitted(target, abs string) *spec.Probe {
	return &spec.Probe{
		Role: spec.Done, Kind: spec.KindGit, Target: target, Name: "committed by git commit",
		Params: &spec.GitParams{Path: abs, State: spec.GitCommitted},
	}
}
