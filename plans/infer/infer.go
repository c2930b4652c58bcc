// Package infer reads a plan's own shell commands — without running them —
// and says what each step needs and makes: the probes gonogo can check for
// a plan nobody annotated, and the plan findings (a rollback step that
// restores a backup no step creates, say).
//
// Commands are parsed with a real shell parser (mvdan.cc/sh/v3/syntax), so
// quoting, &&/||/;, pipelines, sudo and env prefixes, cd, redirections,
// brace expansion and heredocs read the way a shell reads them. A command
// that only a run could explain — a $(…) path, a glob, a blank such as
// <commit-hash> — yields no probe; blanks leave a note on the step instead.
//
// What is read (requires = before the step, done = once it has run):
//
//   - cp/mv/rsync/install SRC… DST, tar -x…f F, pg_restore F, psql -f F,
//     < F, source F, sed -i … F: the inputs exist (requires file);
//   - a copy to a backup-like destination (*.bak, *.old, *.orig, *~, a
//     backup/ folder): the copy exists and matches its source (done
//     backup with of; mv leaves no source to compare, and a source a later
//     step changes on purpose is not compared);
//   - pg_dump -f F, tar -c…f F, > F, tee F: F exists (done file);
//   - >> F, tee -a F: F's folder exists; cd D, pushd D, tar -C D: D exists
//     (requires file, folder), and cd moves later relative paths;
//   - git checkout [REV] -- F, git restore [-s REV] F, git show REV:F: F is
//     in REV (requires git, tracked); git add F … git commit: F committed;
//   - systemctl start|stop|restart|reload U, service U start|stop: the unit
//     exists (requires) and is then active or inactive (done);
//   - "a || b": any of the two ways' requirements; "a && b", "a; b", pipes:
//     all. "|| exit 1" is error handling, not a way; under if/while/for/
//     case and "|| true" requirements only warn;
//   - a fallback written as prose: a script whose Lead (the paragraph right
//     above it, see plans.Script) starts with "if ", "or ", "otherwise",
//     "alternatively", "else", "failing that" or "fallback", or contains
//     "instead", is another way to do what the step's scripts above it do
//     (back to the last other lead; a block right after a block continues
//     its way), read like "||": any of the ways' requirements, each way an
//     all (or its one probe). Done probes are kept as they are. Any other
//     lead ("Then verify:") starts a new group (see prose.go).
//
// Relative paths resolve against the plan root or the last cd; $VAR and ~
// come from Options.Env or the script's own assignments; "sh -c '…'" is
// read as shell; ssh, docker and kubectl run elsewhere and are not read.
// Neither is what is typed into a session one of them (or su - USER,
// sudo -iu USER, an interactive psql) opens, up to its exit, nor lines
// typed at another machine's prompt (plans.Script.Prompt) or after a
// session an earlier command of the step opened (plans.Script.Session):
// the step gets a note saying where they run (see walk.go). Scripts of
// the ways of an Option A / Option B choice (plans.Script.Alt) are read
// like "a || b".
//
// Program checks: a step's programs must be installed. Looking that up with
// a "command -v PROG" probe would execute something, so instead the program
// is looked up on $PATH when the plan is read (only stat calls, $PATH from
// Options.Env) and becomes a file probe of the absolute path
// found ("/usr/bin/pg_restore"). A program not found becomes a file probe
// of /usr/bin/PROG, named "PROG is installed (not on PATH …)", which fails
// with that name until the program appears there; a program path with a
// slash ("./rollback.sh") is a file probe of that path. gonogo's PATH may
// differ from the operator's (sudo's secure_path, say): the probe names the
// path it checks, so the operator sees what was looked at. The check
// blocks in rollback steps and only warns elsewhere.
package infer

import (
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// Options tune Analyze.
type Options struct {
	// Env answers $VAR and ~ in commands; nil means os.Getenv.
	Env func(string) string
}

// Analysis is what the shell commands of one plan say: the probes inferred
// for each step and the facts (needs, products, destructions) the findings
// pass reasons over. Build it with Analyze.
type Analysis struct {
	// ctx is AnalyzeContext's, while it runs.
	ctx     context.Context
	plan    *plans.Plan
	root    string
	env     func(string) string
	steps   []*stepInfo
	applied bool
	// programs marks the "PROG is installed" probes, by program name.
	programs map[*spec.Probe]string
	// lines of the plan file, read once for context (see source.go).
	lines     []string
	linesRead bool
	opening   map[int]bool // plan lines (0-based) that open a code block
	// paths caches program lookups on PATH.
	paths map[string]lookResult
	// looked caches what a path is right now (isDirNow).
	looked map[string]lookKind
	// hostname of this machine, read once, for prompts that name theirs.
	hostname string
	// idx indexes every event of the plan once all steps are read.
	idx *evIndex
	// memo keeps Makers and the last Findings (memo.go).
	memo *memo
}

// stepInfo is everything inference learnt about one step.
type stepInfo struct {
	step     *plans.Step
	index    int
	requires []*spec.Probe
	progs    []*spec.Probe // "PROG is installed"
	dones    []*spec.Probe
	notes    []string
	needs    []*need
	events   []*event
	backups  []*backupFact
	// leaves finds an inferred leaf probe by role+kind+key so a repeated
	// requirement reuses the first probe.
	leaves map[string]*spec.Probe
	// made holds the fact keys an earlier command of this step produces;
	// a later command needing them adds no requirement.
	made map[string]bool
	// gone holds the paths a command of this step removes and no later
	// one makes again.
	gone map[string]bool
	// compared are the step's done backup probes that compare with
	// their source (of).
	compared []*spec.Probe
	// added are "git add" paths waiting for a "git commit".
	added []addedPath
	// programs already checked in this step.
	programs map[string]bool
	noted    map[string]bool
	// remoteNoted: the machines this step's one-shot remote commands run
	// on, noted once each.
	remoteNoted map[string]bool
	// lints are problems with a command as written, found while reading
	// it (an unquoted version bound); Findings reports them.
	lints []Finding
	// seq orders events and backups within the step.
	seq int
	// needBy finds the first need an inferred probe checks (see needOf).
	needBy map[*spec.Probe]*need
}

// needOf is the first of the step's needs whose probe is sp, nil if none,
// from a map (a command of thousands of operands has as many needs, each
// asked about once). Analyze builds it, so reading it never writes.
func (st *stepInfo) needOf(sp *spec.Probe) *need { return st.needBy[sp] }

// indexNeeds builds needBy.
func (st *stepInfo) indexNeeds() {
	st.needBy = make(map[*spec.Probe]*need, len(st.needs))
	for _, n := range st.needs {
		if _, ok := st.needBy[n.sp]; !ok {
			st.needBy[n.sp] = n
		}
	}
}

// lint records a problem with one of the step's commands as written: an
// error in a rollback step, a warning elsewhere.
func (st *stepInfo) lint(line int, msg, hint string) {
	sev := SevWarning
	if st.step.Rollback {
		sev = SevError
	}
	st.lints = append(st.lints, Finding{Severity: sev, Step: st.step.Key, Line: line, Message: msg, Hint: hint})
}

func (st *stepInfo) next() int {
	st.seq++
	return st.seq
}

type addedPath struct {
	path, target string
	line         int
}

// Analyze reads every step's scripts (steps with NoInfer too, for findings)
// and returns the inferred probes and data-flow facts. It does not modify p.
func Analyze(p *plans.Plan, opts Options) *Analysis {
	a, _ := AnalyzeContext(context.Background(), p, opts)
	return a
}

// AnalyzeContext is Analyze that stops when ctx is done, with ctx's error
// and no analysis: reading the commands of a plan of megabytes takes
// seconds, and Ctrl-C must not wait for it.
func AnalyzeContext(ctx context.Context, p *plans.Plan, opts Options) (*Analysis, error) {
	env := opts.Env
	if env == nil {
		env = os.Getenv
	}
	a := &Analysis{ctx: ctx, plan: p, env: env, root: planRoot(p), programs: map[*spec.Probe]string{}, paths: map[string]lookResult{}, memo: &memo{}}
	defer func() { a.ctx = nil }()
	if p == nil {
		return a, nil
	}
	for i, s := range p.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if s == nil {
			continue
		}
		st := &stepInfo{
			step: s, index: i,
			leaves:   map[string]*spec.Probe{},
			made:     map[string]bool{},
			gone:     map[string]bool{},
			programs: map[string]bool{},
			noted:    map[string]bool{},
		}
		a.readScripts(st, s.Scripts)
		st.dropGone()
		st.indexNeeds()
		st.doneReading()
		a.steps = append(a.steps, st)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	a.settleBackups()
	return a, nil
}

// doneReading lets go of the maps only the walk of the step's scripts
// uses (the probes it already made, what its commands made and removed,
// the programs and notes it already has). Nothing reads them once the step
// is read, and on a plan of 10,000 steps they were a quarter of the heap the
// analysis keeps for the rest of the run: memory the evaluation and the
// report then need fresh pages for.
func (st *stepInfo) doneReading() {
	st.leaves, st.made, st.gone, st.programs, st.noted = nil, nil, nil, nil, nil
}

// stopped reports whether the analysis' context is done: a script of
// thousands of statements checks it as it goes.
func (a *Analysis) stopped() bool { return a.ctx != nil && a.ctx.Err() != nil }

// settleBackups: a backup is taken to keep the original, so once a later
// step changes the source on purpose (sed -i, cp over it, rm), the copy
// no longer matching it says nothing about the backup step. Such backups'
// done probes check only that the copy exists.
func (a *Analysis) settleBackups() {
	for i, st := range a.steps {
		if st.step.Rollback {
			continue
		}
		for _, ps := range st.compared {
			bp := ps.Params.(*spec.BackupParams)
			if a.changedLater(i, bp.Of) {
				ps.Params = &spec.BackupParams{Path: bp.Path}
				ps.Name = strings.Replace(ps.Name, "matches its source", "exists", 1)
			}
		}
	}
}

// changedLater reports whether a step after i, outside the rollback
// phases, overwrites or removes path (or a folder holding it).
func (a *Analysis) changedLater(i int, path string) bool {
	last := a.index().lastChange
	for d := path; ; d = filepath.Dir(d) {
		if j, ok := last[d]; ok && j > i {
			return true
		}
		if d == "/" || d == "." || filepath.Dir(d) == d {
			return false
		}
	}
}

// planRoot is the folder relative paths resolve against: p.Root, else the
// plan's folder, else the working directory.
func planRoot(p *plans.Plan) string {
	if p != nil && p.Root != "" {
		if abs, err := filepath.Abs(p.Root); err == nil {
			return abs
		}
		return p.Root
	}
	if p != nil && p.File != "" {
		if abs, err := filepath.Abs(filepath.Dir(p.File)); err == nil {
			return abs
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "/"
	}
	return wd
}

// Apply appends the inferred probes (Source spec.Inferred, Why = the
// command text, File/Line = the plan file and the command's line) to each
// step that has not NoInfer, skipping any inferred probe whose kind+target
// an explicit or sidecar probe of that step already covers, and appends the
// notes (placeholders etc.) to Step.Notes. Calling it again does nothing.
func (a *Analysis) Apply() {
	if a.applied {
		return
	}
	a.applied = true
	for _, st := range a.steps {
		if st.step.NoInfer {
			continue
		}
		covered := map[string]bool{}
		for _, ps := range st.step.Probes {
			if ps != nil && ps.Source != spec.Inferred {
				coverKeys(ps, covered)
			}
		}
		for _, ps := range st.all() {
			if !isCovered(ps, covered) {
				st.step.Probes = append(st.step.Probes, ps)
			}
		}
		st.step.Notes = append(st.step.Notes, st.notes...)
	}
}

// Probes lists every inferred spec (the same pointers Apply attaches) so a
// caller that did not Apply (--no-infer) can still run them for Findings.
// It includes those of infer: false steps and those an explicit probe
// covers, which Apply leaves out: the findings pass reads them all.
func (a *Analysis) Probes() []*spec.Probe {
	var out []*spec.Probe
	for _, st := range a.steps {
		out = append(out, st.all()...)
	}
	return out
}

// StepProbes returns the probes inferred for the step with key, in the
// order Apply attaches them: requirements, program checks, done probes.
func (a *Analysis) StepProbes(key string) []*spec.Probe {
	for _, st := range a.steps {
		if st.step.Key == key {
			return st.all()
		}
	}
	return nil
}

// StepNotes returns the notes inference has for the step with key.
func (a *Analysis) StepNotes(key string) []string {
	for _, st := range a.steps {
		if st.step.Key == key {
			return st.notes
		}
	}
	return nil
}

// Program returns the program a "PROG is installed" probe checks, "" for
// any other probe.
func (a *Analysis) Program(ps *spec.Probe) string { return a.programs[ps] }

func (st *stepInfo) all() []*spec.Probe {
	out := make([]*spec.Probe, 0, len(st.requires)+len(st.progs)+len(st.dones))
	out = append(out, st.requires...)
	out = append(out, st.progs...)
	return append(out, st.dones...)
}

// specKey is the kind and target a probe checks, in the form used to see
// whether an explicit probe already covers an inferred one.
func specKey(ps *spec.Probe) string {
	k := string(ps.Kind) + "\x00"
	switch p := ps.Params.(type) {
	case *spec.FileParams:
		return k + filepath.Clean(p.Path)
	case *spec.BackupParams:
		return k + filepath.Clean(p.Path)
	case *spec.GitParams:
		return k + filepath.Clean(p.Path)
	case *spec.SystemdParams:
		return k + strings.TrimSuffix(p.Unit, ".service")
	case *spec.PortParams:
		return k + p.Address
	case *spec.HTTPParams:
		return k + p.URL
	case *spec.CommandParams:
		return k + p.Command
	case *spec.PostgresParams:
		return k + p.Key()
	}
	return k + ps.Target
}

func coverKeys(ps *spec.Probe, into map[string]bool) {
	if ps.Kind == spec.KindAny || ps.Kind == spec.KindAll {
		for _, c := range ps.Children {
			if c != nil {
				coverKeys(c, into)
			}
		}
		return
	}
	into[specKey(ps)] = true
}

// isCovered reports whether an explicit probe checks the same kind and
// target as ps or, for any/all, as one of its children: the author has
// said what they want there.
func isCovered(ps *spec.Probe, covered map[string]bool) bool {
	if ps.Kind == spec.KindAny || ps.Kind == spec.KindAll {
		for _, c := range ps.Children {
			if isCovered(c, covered) {
				return true
			}
		}
		return false
	}
	return covered[specKey(ps)]
}
