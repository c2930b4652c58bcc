package model

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/infer"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// Options say which plan a Session watches and how. They mirror the
// command-line flags of gonogo.
type Options struct {
	// Plan is the path of the Markdown plan.
	Plan string
	// Root overrides where relative probe paths resolve (--root).
	Root string
	// Probes is the sidecar YAML file (--probes), "" for none.
	Probes string
	// NoInfer turns off probes and findings read off the plan's commands.
	NoInfer bool
	// NoExec makes command probes skip instead of running.
	NoExec bool
	// At is the step the operator says they are at (--at), "" for none.
	At string
	// Steps narrow the verdict to these steps (--step).
	Steps []string
	// Phase narrows the steps shown to one phase (--phase).
	Phase string
	// Timeout bounds each Check; 0 means no bound beyond the probes' own.
	Timeout time.Duration
	// Env looks up environment variables for $VAR expansion; nil means
	// os.Getenv.
	Env func(string) string
	// SignOffs are sign-offs made earlier (read back from the --record
	// file), by step key or ID; those naming no step of the plan, or a step
	// that cannot be signed off, are left out.
	SignOffs []SignOff
}

// Session is what both `gonogo --once` and the live board drive: it loads
// the plan (with inference unless NoInfer), validates step references,
// and keeps one probes.Runner — and the last answer of every probe — across
// checks, so a refresh only re-runs the probes that are due.
//
// Check calls are serialised; Plan, Files, SetAt and Reload may be called
// from any goroutine, also while a Check runs.
type Session struct {
	opts   Options
	runner *probes.Runner

	checkMu sync.Mutex // one Check at a time

	mu       sync.Mutex // guards everything below
	plan     *plans.Plan
	analysis *infer.Analysis
	extra    []*spec.Probe // probes findings need that no step carries
	at       string        // resolved key, "" for none
	atRef    string        // as the operator typed it
	steps    []string      // resolved keys of --step
	notes    []string      // warnings for the next snapshot (a failed reload)
	cache    map[*spec.Probe]cached
	// signOffs are the operator's sign-offs by step key.
	signOffs map[string]SignOff
	// disks are the plan's filesystems for the host strip (host.go).
	disks diskCache

	// last is the last complete snapshot and its inputs (reuse.go); only
	// the complete evaluation of Check, under checkMu, touches it.
	last *lastEval
	// current is Check's map of the answers so far, kept (emptied) from
	// one check to the next; only Check, under checkMu, touches it.
	current map[*spec.Probe]probes.Result
	// groups is runShared's grouping of the last due probes (shared.go),
	// under checkMu.
	groups *sharedGroups
}

// cached is the last answer of one probe and when it came.
type cached struct {
	res probes.Result
	at  time.Time
}

// NewSession loads the plan and resolves --at, --step and --phase. The
// error is the plan's plans.ErrorList (file:line for each problem), or a
// reference error naming the steps or phases that exist.
func NewSession(opts Options) (*Session, error) {
	return NewSessionContext(context.Background(), opts)
}

// NewSessionContext is NewSession that stops loading when ctx is done,
// with ctx's error.
func NewSessionContext(ctx context.Context, opts Options) (*Session, error) {
	s := &Session{
		opts:     opts,
		runner:   probes.NewRunner(probes.Options{NoExec: opts.NoExec}),
		cache:    map[*spec.Probe]cached{},
		signOffs: map[string]SignOff{},
	}
	p, a, err := s.load(ctx)
	if err != nil {
		return nil, err
	}
	s.plan, s.analysis, s.extra = p, a, extraProbes(p, a)
	if opts.At != "" {
		st, err := p.StepByRef(opts.At)
		if err != nil {
			return nil, fmt.Errorf("--at: %w", err)
		}
		s.at, s.atRef = st.Key, opts.At
	}
	for _, ref := range opts.Steps {
		st, err := p.StepByRef(ref)
		if err != nil {
			return nil, fmt.Errorf("--step: %w", err)
		}
		if !slices.Contains(s.steps, st.Key) {
			s.steps = append(s.steps, st.Key)
		}
	}
	if opts.Phase != "" {
		if err := checkPhase(p, opts.Phase); err != nil {
			return nil, err
		}
	}
	for _, so := range opts.SignOffs {
		if st, err := p.StepByRef(so.Step); err == nil && signable(st) {
			so.Step = st.Key
			s.signOffs[st.Key] = so
		}
	}
	return s, nil
}

// signable reports whether the operator may sign step st off: it is outside
// the rollback phases and has no done-probes, so gonogo cannot see it done.
func signable(st *plans.Step) bool {
	if st.Rollback {
		return false
	}
	for _, sp := range st.Probes {
		if sp.Role == spec.Done {
			return false
		}
	}
	return true
}

// SignOff records the operator's sign-off of a step (so.Step, by key or
// unambiguous ID), or withdraws it: the board's x. The step then counts as
// DONE until withdrawn. It is an error for a rollback step or one with
// done-probes, which gonogo sees done (or not) by itself. The returned
// SignOff carries the step's key.
func (s *Session) SignOff(so SignOff, withdraw bool) (SignOff, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.plan.StepByRef(so.Step)
	if err != nil {
		return so, err
	}
	so.Step = st.Key
	if !withdraw && !signable(st) {
		what := "it has done-probes: gonogo sees it done when they hold"
		if st.Rollback {
			what = "it is a rollback step: its requirements decide whether it can run"
		}
		return so, fmt.Errorf("step %s cannot be signed off: %s", st.Key, what)
	}
	if withdraw {
		delete(s.signOffs, st.Key)
	} else {
		s.signOffs[st.Key] = so
	}
	return so, nil
}

// load reads the plan and sidecar and, unless NoInfer, adds what inference
// reads off the commands.
func (s *Session) load(ctx context.Context) (*plans.Plan, *infer.Analysis, error) {
	p, err := plans.LoadContext(ctx, s.opts.Plan, plans.LoadOptions{Root: s.opts.Root, Probes: s.opts.Probes, Env: s.opts.Env})
	if err != nil {
		return nil, nil, err
	}
	if s.opts.NoInfer {
		return p, nil, nil
	}
	a, err := infer.AnalyzeContext(ctx, p, infer.Options{Env: s.opts.Env})
	if err != nil {
		return nil, nil, err
	}
	a.Apply()
	return p, a, nil
}

// extraProbes are the probes the analysis needs answered for its findings
// that are not already attached to a step.
func extraProbes(p *plans.Plan, a *infer.Analysis) []*spec.Probe {
	if a == nil {
		return nil
	}
	attached := map[*spec.Probe]bool{}
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			attached[sp] = true
		}
	}
	var out []*spec.Probe
	for _, sp := range a.Probes() {
		if !attached[sp] {
			out = append(out, sp)
		}
	}
	return out
}

// checkPhase returns an error naming the plan's phases when name matches
// none of them.
func checkPhase(p *plans.Plan, name string) error {
	var names []string
	for _, ph := range p.Phases {
		if strings.EqualFold(ph.Name, name) || strings.EqualFold(ph.Slug, name) {
			return nil
		}
		names = append(names, fmt.Sprintf("%q", ph.Name))
	}
	if len(names) == 0 {
		return fmt.Errorf("--phase %q: %s has no phases (no headings above its steps)", name, p.File)
	}
	return fmt.Errorf("--phase %q: no such phase in %s (phases: %s)", name, p.File, strings.Join(names, ", "))
}

// Plan returns the plan of the last successful load.
func (s *Session) Plan() *plans.Plan {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.plan
}

// MinInterval is the smallest check interval a step of the current plan
// sets in its probe block, 0 when none does: the board checks that often.
func (s *Session) MinInterval() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m time.Duration
	for _, st := range s.plan.Steps {
		if st.Interval > 0 && (m == 0 || st.Interval < m) {
			m = st.Interval
		}
	}
	return m
}

// Analysis returns what inference found in the last successful load, nil
// under NoInfer.
func (s *Session) Analysis() *infer.Analysis {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.analysis
}

// Files returns the absolute paths of the plan and of the sidecar file, if
// any: what the board watches for edits.
func (s *Session) Files() []string {
	var out []string
	for _, f := range []string{s.opts.Plan, s.opts.Probes} {
		if f == "" {
			continue
		}
		if abs, err := filepath.Abs(f); err == nil {
			f = abs
		}
		out = append(out, f)
	}
	return out
}

// Reload re-reads the plan and sidecar. On error the last good plan stays
// in use, the next snapshot carries a warning, and the error is returned
// (a plans.ErrorList for a bad plan). Cached answers are dropped: the
// probes may have changed.
func (s *Session) Reload() error {
	return s.ReloadContext(context.Background())
}

// ReloadContext is Reload that stops when ctx is done, with ctx's error
// (the last good plan stays in use).
func (s *Session) ReloadContext(ctx context.Context) error {
	p, a, err := s.load(ctx)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.notes = append(s.notes, "the plan did not reload, still showing the last good version: "+firstLine(err.Error()))
		return err
	}
	s.plan, s.analysis, s.extra = p, a, extraProbes(p, a)
	s.cache = map[*spec.Probe]cached{}
	if s.atRef != "" {
		if st, err := p.StepByRef(s.atRef); err == nil {
			s.at = st.Key
		} else {
			s.notes = append(s.notes, "--at "+s.atRef+" no longer names a step, so it was dropped: "+err.Error())
			s.at, s.atRef = "", ""
		}
	}
	var keep []string
	for _, ref := range s.opts.Steps {
		if st, err := p.StepByRef(ref); err == nil {
			keep = append(keep, st.Key)
		} else {
			s.notes = append(s.notes, "--step "+ref+" no longer names a step: "+err.Error())
		}
	}
	s.steps = keep
	return nil
}

// SetAt says which step the operator is at (the board's key), by key or
// unambiguous ID; "" goes back to the computed next step.
func (s *Session) SetAt(ref string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ref == "" {
		s.at, s.atRef = "", ""
		return nil
	}
	st, err := s.plan.StepByRef(ref)
	if err != nil {
		return err
	}
	s.at, s.atRef = st.Key, ref
	return nil
}

// partialEvery is the least time between two OnPartial calls (≤ 5/s).
const partialEvery = 200 * time.Millisecond

// runGrace is how long Check waits past its deadline for the runner to
// hand back; a runner that overstays is abandoned and its probes read as
// errors, so Check always returns.
const runGrace = 2 * time.Second

// Check runs the probes that are due (all of them with Force), plus the
// probes findings need, evaluates and returns the snapshot. With a Timeout,
// whatever has not answered by then is an error and Check still returns.
func (s *Session) Check(ctx context.Context, o CheckOptions) *Snapshot {
	s.checkMu.Lock()
	defer s.checkMu.Unlock()
	start := time.Now()
	if s.opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, s.opts.Timeout)
		defer cancel()
	}

	s.mu.Lock()
	p, a, extra := s.plan, s.analysis, s.extra
	cache := s.cache
	s.mu.Unlock()

	// Every probe in evaluation order (steps, then extra), and which are due.
	all := make([]*spec.Probe, 0, len(s.current))
	var due []*spec.Probe
	add := func(sp *spec.Probe, iv time.Duration) {
		all = append(all, sp)
		if c, ok := cache[sp]; o.Force || !ok || iv <= 0 || start.Sub(c.at) >= iv {
			due = append(due, sp)
		}
	}
	for _, st := range p.Steps {
		iv := st.Interval
		if iv <= 0 {
			iv = o.DefaultInterval
		}
		for _, sp := range st.Probes {
			add(sp, iv)
		}
	}
	for _, sp := range extra {
		add(sp, o.DefaultInterval)
	}

	// current answers: the cached ones, also for the due probes until
	// they answer again (refreshing, so the last answer stays on screen
	// instead of flickering to "checking"); Pending only for a probe that
	// never answered. The map is the session's, emptied: a tick of a large
	// plan would otherwise allocate it anew.
	current := s.current
	if current == nil {
		current = make(map[*spec.Probe]probes.Result, len(all))
		s.current = current
	}
	clear(current)
	for _, sp := range all {
		if c, ok := cache[sp]; ok {
			current[sp] = c.res
		}
	}
	// answered[i] is set when due[i] has answered in this check; a due
	// probe with an answer from before and none yet is refreshing.
	answered := make([]bool, len(due))
	for _, sp := range due {
		if _, ok := current[sp]; !ok {
			current[sp] = probes.Result{Spec: sp, Status: probes.Pending, Message: "checking…"}
		}
	}
	refreshing := func() map[*spec.Probe]bool {
		out := map[*spec.Probe]bool{}
		for i, sp := range due {
			if _, ok := cache[sp]; ok && !answered[i] {
				out[sp] = true
			}
		}
		return out
	}

	var (
		pmu         sync.Mutex
		finished    bool // set when Check stops listening to the runner
		lastPartial time.Time
		trailing    *time.Timer // a partial still to send for the last results
	)
	// partial hands a snapshot of the answers so far to OnPartial (pmu
	// held), at most every partialEvery: a result that arrives sooner is
	// sent when that time is up, so a quick answer never waits for a slow
	// probe to show.
	var partial func()
	partial = func() {
		if finished {
			return
		}
		if wait := partialEvery - time.Since(lastPartial); wait > 0 {
			if trailing == nil {
				trailing = time.AfterFunc(wait, func() {
					pmu.Lock()
					defer pmu.Unlock()
					trailing = nil
					partial()
				})
			}
			return
		}
		lastPartial = time.Now()
		o.OnPartial(s.evaluate(p, a, current, refreshing(), start, time.Since(start), nil, false, false))
	}
	if o.PartialAfter > 0 {
		// As if one had been sent so that the next is due PartialAfter
		// from the start.
		lastPartial = start.Add(o.PartialAfter - partialEvery)
	}
	if o.OnPartial != nil && len(due) > 0 {
		pmu.Lock()
		partial()
		pmu.Unlock()
	}
	onResult := func(i int, res probes.Result) {
		pmu.Lock()
		defer pmu.Unlock()
		if finished || i < 0 || i >= len(due) {
			return
		}
		current[due[i]] = res
		answered[i] = true
		if o.OnPartial != nil {
			partial()
		}
	}

	var results []probes.Result
	if len(due) > 0 {
		results = s.runShared(ctx, due, onResult)
	}
	now := time.Now()

	pmu.Lock()
	finished = true
	if trailing != nil {
		trailing.Stop()
	}
	// same: every due probe answered as it did before, so an evaluation
	// reads what the last one read (the probes not due kept their answers).
	same := true
	for i, sp := range due {
		current[sp] = results[i]
		if c, ok := cache[sp]; !ok || !sameAnswer(c.res, results[i]) {
			same = false
		}
	}
	pmu.Unlock()

	s.mu.Lock()
	if s.plan == p { // not reloaded meanwhile: keep the answers
		for i, sp := range due {
			s.cache[sp] = cached{res: results[i], at: now}
		}
	}
	s.mu.Unlock()

	host := s.host(ctx, p)
	return s.evaluate(p, a, current, nil, start, time.Since(start), host, true, same)
}

// run hands the due probes to the runner and waits for its answer, but no
// longer than the deadline plus runGrace.
func (s *Session) run(ctx context.Context, due []*spec.Probe, onResult func(int, probes.Result)) []probes.Result {
	done := make(chan []probes.Result, 1)
	go func() { done <- s.runner.Run(ctx, due, onResult) }()
	select {
	case rs := <-done:
		return rs
	case <-ctx.Done():
	}
	select {
	case rs := <-done:
		return rs
	case <-time.After(runGrace):
	}
	out := make([]probes.Result, len(due))
	for i, sp := range due {
		out[i] = probes.Result{Spec: sp, Status: probes.Error, Message: "no answer before the run's deadline: " + ctx.Err().Error()}
	}
	return out
}

// evaluate turns the current answers into a snapshot; final is true for
// the snapshot Check returns (pending warnings are shown, then dropped).
// same says that every answer in current has the status and message it
// had at the last complete evaluation: a final evaluation with the same
// other inputs then reuses that snapshot (reuse.go) instead of evaluating.
func (s *Session) evaluate(p *plans.Plan, a *infer.Analysis, current map[*spec.Probe]probes.Result, refreshing map[*spec.Probe]bool, start time.Time, took time.Duration, host *HostFacts, final, same bool) *Snapshot {
	s.mu.Lock()
	opts := EvalOptions{
		At:         s.at,
		Steps:      slices.Clone(s.steps),
		Phase:      s.opts.Phase,
		CheckedAt:  start.UTC(),
		Duration:   took,
		Warnings:   slices.Clone(s.notes),
		Host:       host,
		Analysis:   a,
		SignOffs:   maps.Clone(s.signOffs),
		Refreshing: refreshing,
	}
	if final {
		s.notes = nil // shown once, in a complete snapshot
	}
	s.mu.Unlock()
	if final && same && s.last.matches(p, a, opts) {
		if snap := s.last.reuse(p, opts, current); snap != nil {
			s.last.snap = snap
			return snap
		}
	}

	n := 0
	for _, st := range p.Steps {
		n += len(st.Probes)
	}
	results := make([]probes.Result, 0, n)
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			r, ok := current[sp]
			if !ok {
				r = probes.Result{Spec: sp, Status: probes.Error, Message: "no result for this probe"}
			}
			results = append(results, r)
		}
	}
	var findings []Finding
	if a != nil {
		all := make([]probes.Result, 0, len(current))
		for _, r := range current {
			if r.Status == probes.Pending {
				r.Status = probes.Skip // not answered yet: findings ignore it
			}
			all = append(all, r)
		}
		for _, f := range a.Findings(probes.Failing(all)) {
			findings = append(findings, Finding{
				Severity: f.Severity,
				Step:     f.Step,
				Line:     f.Line,
				Message:  f.Message,
				Hint:     f.Hint,
			})
		}
	}
	snap := Evaluate(p, results, findings, opts)
	if final {
		s.last = &lastEval{snap: snap, plan: p, analysis: a, opts: opts}
	}
	return snap
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " (…)"
	}
	return s
}
