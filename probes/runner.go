package probes

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gonogo-dev/gonogo/plans/redact"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes/gitstate"
)

// Options tune a Runner.
type Options struct {
	Concurrency int  // max probes at once; 0 = 8
	NoExec      bool // command probes yield Skip ("not run: --no-exec"), never run
	OutputCap   int  // bytes of command output (and HTTP body) read; 0 = 64 KiB
}

// defaultConcurrency bounds a run when Options.Concurrency is 0.
const defaultConcurrency = 8

// defaultOutputCap bounds command output and HTTP bodies when
// Options.OutputCap is 0.
const defaultOutputCap = 64 << 10

// checkFunc answers one probe spec of its kind. It returns OK, Fail, Error
// or Skip and a one-line message for a person. It must honour ctx: the
// runner stops waiting for it at the deadline, but a checker that keeps
// running past it still holds resources.
type checkFunc func(ctx context.Context, r *Runner, sp *spec.Probe) (Status, string)

// checkers maps a probe kind to its checker. Each kind's file registers
// itself in init(), so a new kind touches one file plus its test.
var checkers = map[spec.Kind]checkFunc{}

// register adds the checker of a kind, whose parameters are of type P. The
// spec's Params are asserted to P here, once for every kind, so a checker
// receives them typed. It panics on a duplicate, which is a programming
// error caught by any test run.
func register[P spec.Params](kind spec.Kind, fn func(ctx context.Context, r *Runner, sp *spec.Probe, p P) (Status, string)) {
	if _, dup := checkers[kind]; dup {
		panic("probes: kind registered twice: " + kind)
	}
	checkers[kind] = func(ctx context.Context, r *Runner, sp *spec.Probe) (Status, string) {
		p, ok := sp.Params.(P)
		if !ok {
			return Error, fmt.Sprintf("%s probe has %T parameters (internal error)", kind, sp.Params)
		}
		return fn(ctx, r, sp, p)
	}
}

// Kinds lists the probe kinds this package can check (combinators
// excluded), for help texts and plan validation.
func Kinds() []string {
	out := make([]string, 0, len(checkers))
	for k := range checkers {
		out = append(out, string(k))
	}
	slices.Sort(out)
	return out
}

// Runner runs probe specs. It keeps caches (git HEAD tree + index per repo,
// backup digests keyed by path/size/mtime/inode, static host info) across
// Run calls, so the live board can call Run every few seconds cheaply. Safe
// for concurrent use.
type Runner struct {
	opts    Options
	git     gitstate.Cache
	digests digestCache
	host    hostCache
	procs   procCache
	web     webClients
	// captures are the last values the plan's capture: probes took.
	captures captureStore
}

// NewRunner returns a Runner with empty caches.
func NewRunner(opts Options) *Runner {
	if opts.Concurrency <= 0 {
		opts.Concurrency = defaultConcurrency
	}
	if opts.OutputCap <= 0 {
		opts.OutputCap = defaultOutputCap
	}
	r := &Runner{opts: opts}
	r.host.prime()
	return r
}

// runStartKey carries the start of a Run in its context, so a probe cut
// off by the run's deadline can say how long the run was allowed.
type runStartKey struct{}

// runIDKey carries a number unique to each Run, so per-run work (a git
// repository's staleness check) is done once per Run, not once per probe.
type runIDKey struct{}

// runIDs numbers Runs.
var runIDs atomic.Uint64

// runID returns the Run number of ctx, 0 outside a Run.
func runID(ctx context.Context) uint64 {
	id, _ := ctx.Value(runIDKey{}).(uint64)
	return id
}

// Run checks every spec concurrently (bounded), each under its own timeout
// (spec.EffectiveTimeout()), and returns one Result per spec IN THE SAME
// ORDER. onResult, if not nil, is called as each top-level result
// completes, with its index in specs — for the board's progressive display;
// calls are serialised and never happen after Run returned, and a slow
// onResult delays Run, so it should only hand the result on.
// ctx cancellation / deadline (the --timeout of the whole run) turns
// every unanswered probe into an Error ("not checked: run timed out after
// 2s") and Run still returns promptly. A panic in a checker is an Error
// with the panic message; others are unaffected.
//
// The probes are taken by a pool of Concurrency workers — those that wait
// on another process or the network first (see takeOrder), then the rest
// in order — each
// running one probe at a time in its own goroutine: no goroutine, channel
// or stack per probe, so a plan of 25,000 probes costs what its checks
// cost. A checker that outstays its timeout (ignoring its context, stuck
// in a system call) is not waited for: at the deadline its probe is
// answered as timed out and a new worker takes the stuck one's place.
//
// Probes that read captured values (captures.NAME in an expect) are
// checked in a second wave, after every other probe has answered, with
// the values the first wave took (see capture.go).
func (r *Runner) Run(ctx context.Context, specs []*spec.Probe, onResult func(i int, res Result)) []Result {
	start := time.Now()
	ctx = context.WithValue(ctx, runStartKey{}, start)
	ctx = context.WithValue(ctx, runIDKey{}, runIDs.Add(1))
	var readers []int
	for i, sp := range specs {
		if sp != nil && len(sp.Reads()) > 0 {
			readers = append(readers, i)
		}
	}
	if len(readers) == 0 {
		results := r.wave(ctx, start, specs, onResult)
		r.captures.keep(results)
		return results
	}
	results := make([]Result, len(specs))
	isReader := make([]bool, len(specs))
	for _, i := range readers {
		isReader[i] = true
	}
	others := make([]int, 0, len(specs)-len(readers))
	for i := range specs {
		if !isReader[i] {
			others = append(others, i)
		}
	}
	for w, idx := range [][]int{others, readers} {
		if w == 1 {
			ctx = context.WithValue(ctx, captureViewKey{}, r.captures.view())
		}
		sub := make([]*spec.Probe, len(idx))
		for j, i := range idx {
			sub[j] = specs[i]
		}
		var on func(int, Result)
		if onResult != nil {
			on = func(j int, res Result) { onResult(idx[j], res) }
		}
		rs := r.wave(ctx, start, sub, on)
		for j, i := range idx {
			results[i] = rs[j]
		}
		r.captures.keep(rs)
	}
	return results
}

// wave is one round of Run over specs, under Run's context.
func (r *Runner) wave(ctx context.Context, start time.Time, specs []*spec.Probe, onResult func(i int, res Result)) []Result {
	if len(specs) == 0 {
		return nil
	}
	run := &runState{
		r: r, ctx: ctx, specs: specs, onResult: onResult,
		results: make([]Result, len(specs)),
		state:   make([]probeState, len(specs)),
		order:   takeOrder(specs),
	}
	workers := min(r.opts.Concurrency, len(specs))
	run.wg.Add(workers)
	for range workers {
		go run.worker()
	}
	finished := make(chan struct{})
	go func() { run.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-ctx.Done():
		// Checkers that honour their context end within moments (a
		// command probe kills its process group): wait that long, so a
		// process that exits right after a cancelled run (gonogo --once
		// on SIGTERM) leaves no child behind. One that does not is
		// abandoned as before.
		select {
		case <-finished:
		case <-time.After(cleanupGrace):
		}
	}
	run.mu.Lock()
	defer run.mu.Unlock()
	run.closed = true
	for i, s := range specs {
		if run.state[i] == answered {
			continue
		}
		msg := "not checked: " + runStopped(ctx)
		if run.state[i] == started {
			msg = "no answer before the " + runStopped(ctx)
		}
		run.results[i] = Result{Spec: s, Status: Error, Message: msg, Duration: time.Since(start)}
		if onResult != nil {
			onResult(i, run.results[i])
		}
	}
	return run.results
}

// probeState is where one probe of a Run is.
type probeState uint8

const (
	waiting  probeState = iota // no worker has taken it
	started                    // a worker is checking it
	answered                   // its result is in
)

// runState is one Run: the probes, the workers' shared next index, and the
// results, guarded by mu once the run has begun.
type runState struct {
	r        *Runner
	ctx      context.Context
	specs    []*spec.Probe
	onResult func(int, Result)
	next     atomic.Int64 // the next probe to take, in order
	order    []int        // the probes' indexes in the order they are taken; nil: as given
	wg       sync.WaitGroup

	mu      sync.Mutex
	closed  bool // Run has returned: results are no longer taken
	results []Result
	state   []probeState
}

// worker takes probes in order until none is left, the run ends, or its
// checker outstays its deadline: then a new worker carries on at once, and
// this one — no longer counted in wg, so Run does not wait for it — ends
// whenever the checker returns.
func (run *runState) worker() {
	for {
		i := int(run.next.Add(1) - 1)
		if i >= len(run.specs) || run.ctx.Err() != nil {
			run.wg.Done()
			return
		}
		if run.order != nil {
			i = run.order[i]
		}
		run.mu.Lock()
		if run.closed {
			run.mu.Unlock()
			run.wg.Done()
			return
		}
		run.state[i] = started
		run.mu.Unlock()
		if !run.check(i) {
			return
		}
	}
}

// check answers probe i in the worker's goroutine and reports whether the
// worker may go on: false when the checker outstayed its deadline, in
// which case the probe was answered as timed out, another worker took
// over and this one left wg at that moment.
func (run *runState) check(i int) bool {
	r, ctx, sp := run.r, run.ctx, run.specs[i]
	start := time.Now()
	fn, early, ok := r.checkerFor(ctx, sp)
	if !ok {
		run.answer(i, r.finish(sp, early, start))
		return true
	}
	timeout := sp.EffectiveTimeout()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var slot *captureSlot
	if sp.Capture != "" {
		slot = &captureSlot{}
		pctx = context.WithValue(pctx, captureSlotKey{}, slot)
	}
	overstayed := context.AfterFunc(pctx, func() {
		run.answer(i, r.finish(sp, Result{Status: Error, Message: timeoutMessage(ctx, timeout)}, start))
		run.wg.Add(1) // the new worker…
		go run.worker()
		run.wg.Done() // …in place of this one
	})
	st, msg := callChecker(fn, pctx, r, sp)
	if !overstayed() {
		return false // answered at the deadline; this worker is spent
	}
	if pctx.Err() != nil && st == Error {
		msg = timeoutMessage(ctx, timeout)
	}
	res := Result{Status: st, Message: msg}
	if slot != nil && st == OK {
		slot.mu.Lock()
		res.Captured = slot.text
		slot.mu.Unlock()
	}
	run.answer(i, r.finish(sp, res, start))
	return true
}

// answer records probe i's result and hands it to onResult, unless Run has
// returned.
func (run *runState) answer(i int, res Result) {
	run.mu.Lock()
	defer run.mu.Unlock()
	if run.closed || run.state[i] == answered {
		return
	}
	run.results[i], run.state[i] = res, answered
	if run.onResult != nil {
		run.onResult(i, res)
	}
}

// runStopped says why the whole run stopped: "run timed out after 2s" or
// "run was cancelled".
func runStopped(ctx context.Context) string {
	if ctx.Err() == context.DeadlineExceeded {
		if dl, ok := ctx.Deadline(); ok {
			if start, ok := ctx.Value(runStartKey{}).(time.Time); ok {
				return "run timed out after " + textfmt.Duration(dl.Sub(start))
			}
		}
		return "run timed out"
	}
	return "run was cancelled"
}

// outcome is what a checker goroutine hands back.
type outcome struct {
	status Status
	msg    string
}

// runOne checks one spec (a kind or a combinator) and always returns a
// Result: timeouts, panics and unknown kinds become Error. A combinator's
// children run in goroutines of their own, each under its own timeout.
func (r *Runner) runOne(ctx context.Context, sp *spec.Probe) Result {
	start := time.Now()
	fn, res, ok := r.checkerFor(ctx, sp)
	if ok {
		st, msg := r.check(ctx, sp, fn)
		res = Result{Status: st, Message: msg}
	}
	return r.finish(sp, res, start)
}

// checkerFor is the checker of sp's kind, or — when there is none to call
// — sp's whole answer: a combinator's, or an error (an empty spec, an
// unknown kind, no parameters, a run already over).
func (r *Runner) checkerFor(ctx context.Context, sp *spec.Probe) (checkFunc, Result, bool) {
	switch {
	case sp == nil:
		return nil, Result{Status: Error, Message: "empty probe spec (internal error)"}, false
	case sp.Kind == spec.KindAny || sp.Kind == spec.KindAll:
		return nil, r.runCombinator(ctx, sp), false
	}
	fn, ok := checkers[sp.Kind]
	if !ok {
		return nil, Result{Status: Error, Message: fmt.Sprintf("unknown probe kind %q (known: %s)", sp.Kind, strings.Join(Kinds(), ", "))}, false
	}
	if sp.Params == nil {
		return nil, Result{Status: Error, Message: fmt.Sprintf("%s probe has no parameters (internal error)", sp.Kind)}, false
	}
	if ctx.Err() != nil {
		return nil, Result{Status: Error, Message: "not checked: " + runStopped(ctx)}, false
	}
	if res, missing := missingCapture(ctx, sp); missing {
		return nil, res, false
	}
	return fn, Result{}, true
}

// finish makes a checker's answer a Result: a failure of a warn probe
// warns, the message is one line with secrets redacted, and the duration
// counts from start.
func (r *Runner) finish(sp *spec.Probe, res Result, start time.Time) Result {
	res.Spec = sp
	if res.Status == Fail && sp != nil && sp.Severity == spec.Warn {
		res.Status = Warn
	}
	res.Message = redact.String(textfmt.OneLine(res.Message))
	if res.Captured != "" {
		res.Captured = redact.String(textfmt.OneLine(res.Captured))
	}
	res.Duration = time.Since(start)
	return res
}

// callChecker calls fn, turning a panic into an Error that says where it
// happened.
func callChecker(fn checkFunc, ctx context.Context, r *Runner, sp *spec.Probe) (st Status, msg string) {
	defer func() {
		if p := recover(); p != nil {
			st, msg = Error, fmt.Sprintf("probe crashed (panic: %v); please report this with the plan line: %s", p, firstFrame(debug.Stack()))
		}
	}()
	return fn(ctx, r, sp)
}

// check runs fn under the spec's own timeout, in its own goroutine so
// that a checker that ignores its context, or panics, costs only its own
// result.
func (r *Runner) check(ctx context.Context, sp *spec.Probe, fn checkFunc) (Status, string) {
	timeout := sp.EffectiveTimeout()
	pctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ch := make(chan outcome, 1)
	go func() {
		st, msg := callChecker(fn, pctx, r, sp)
		ch <- outcome{st, msg}
	}()
	select {
	case o := <-ch:
		if pctx.Err() != nil && o.status == Error {
			return Error, timeoutMessage(ctx, timeout)
		}
		return o.status, o.msg
	case <-pctx.Done():
		select { // see cleanupGrace
		case <-ch:
		case <-time.After(cleanupGrace):
		}
		return Error, timeoutMessage(ctx, timeout)
	}
}

// cleanupGrace is how long a cancelled or timed-out check waits for its
// checker to finish cleaning up before it answers without it.
const cleanupGrace = 250 * time.Millisecond

// timeoutMessage explains why a probe was cut off: its own timeout or the
// whole run's.
func timeoutMessage(runCtx context.Context, timeout time.Duration) string {
	if runCtx.Err() != nil {
		return "no answer before the " + runStopped(runCtx)
	}
	return "timed out after " + textfmt.Duration(timeout) + " (raise timeout: on the probe if this is expected)"
}

// firstFrame picks the first stack line outside the runtime and this
// runner from a panic stack, to locate the crash in one line.
func firstFrame(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	for i := 0; i+1 < len(lines); i++ {
		l := strings.TrimSpace(lines[i+1])
		if strings.HasPrefix(lines[i], "runtime") || strings.Contains(lines[i], "panic(") || strings.Contains(lines[i], "probes.(*Runner).check") || strings.Contains(lines[i], "probes.callChecker") {
			continue
		}
		if strings.HasPrefix(l, "/") && strings.Contains(l, ".go:") {
			if sp := strings.IndexByte(l, ' '); sp > 0 {
				l = l[:sp]
			}
			return l
		}
	}
	return "unknown location"
}

// runCombinator checks the children of an any/all concurrently, each under
// its own timeout (and the combinator's, when it sets one), and combines
// them.
func (r *Runner) runCombinator(ctx context.Context, sp *spec.Probe) Result {
	if len(sp.Children) == 0 {
		return Result{Status: Error, Message: string(sp.Kind) + ": no probes listed under " + string(sp.Kind) + ":"}
	}
	if sp.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, sp.Timeout)
		defer cancel()
	}
	kids := make([]Result, len(sp.Children))
	var wg sync.WaitGroup
	for i, c := range sp.Children {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kids[i] = r.runOne(ctx, c)
		}()
	}
	wg.Wait()
	st, msg := combine(sp.Kind, kids)
	return Result{Status: st, Message: msg, Children: kids}
}

// combine decides an any/all from its children's results and says which
// branch decided. A child's Warn counts as holding for all (it does not
// block) but not as the branch that makes an any hold.
func combine(kind spec.Kind, kids []Result) (Status, string) {
	label := func(r Result) string {
		if r.Spec == nil {
			return "probe"
		}
		return r.Spec.Label()
	}
	// A child's label and message are clipped here: an any inside an all
	// inside an any… quoted every message below it, so each level of a
	// deep nest repeated all the levels under it.
	msg := func(r Result) string { return textfmt.Clip(r.Message, maxKidMessage) }
	if kind == spec.KindAll {
		var firstErr, firstSkip *Result
		for i := range kids {
			k := &kids[i]
			switch k.Status {
			case Fail:
				return Fail, "all: failed at " + label(*k) + ": " + msg(*k)
			case Error:
				if firstErr == nil {
					firstErr = k
				}
			case Skip:
				if firstSkip == nil {
					firstSkip = k
				}
			}
		}
		if firstErr != nil {
			return Error, "all: could not check " + label(*firstErr) + ": " + msg(*firstErr)
		}
		if firstSkip != nil {
			return Skip, "all: " + label(*firstSkip) + " " + msg(*firstSkip)
		}
		return OK, fmt.Sprintf("all: %d of %d hold", len(kids), len(kids))
	}
	var errs, fails, skips []string
	nErrs, nFails, nSkips := 0, 0, 0
	for _, k := range kids {
		switch k.Status {
		case OK:
			return OK, "any: ok via " + label(k)
		case Error:
			if nErrs++; len(errs) < maxKidsShown {
				errs = append(errs, label(k)+": "+msg(k))
			}
		case Skip:
			if nSkips++; len(skips) < maxKidsShown {
				skips = append(skips, label(k)+": "+msg(k))
			}
		default:
			if nFails++; len(fails) < maxKidsShown {
				fails = append(fails, label(k)+": "+msg(k))
			}
		}
	}
	switch {
	case nErrs > 0:
		shown := append(errs, fails[:min(len(fails), maxKidsShown-len(errs))]...)
		return Error, fmt.Sprintf("any: none of %d holds and %d could not be checked: %s", len(kids), nErrs, joinShown(shown, nErrs+nFails))
	case nFails > 0:
		return Fail, fmt.Sprintf("any: none of %d holds: %s", len(kids), joinShown(fails, nFails))
	default:
		return Skip, "any: " + joinShown(skips, nSkips)
	}
}

// Bounds of a combinator's message: how many children it quotes, and how
// much of each child's message. The report lists every child under it.
const (
	maxKidsShown  = 5
	maxKidMessage = 240
)

// joinShown joins the quoted children with "; " and says how many of the
// n were left out.
func joinShown(shown []string, n int) string {
	s := strings.Join(shown, "; ")
	if n > len(shown) {
		s += fmt.Sprintf("; and %d more", n-len(shown))
	}
	return s
}

// pattern is a regular expression as its author wrote it, without the
// multi-line flag the plan parser adds to output and content patterns.
func pattern(re *regexp.Regexp) string {
	return strings.TrimPrefix(re.String(), "(?m)")
}

// matchText matches a pattern against output or content without its
// trailing line ends. The parser compiles these patterns in multi-line mode
// (^ and $ at line boundaries, as grep reads them); without the trim, '^$'
// — "the output is empty" — would also match the empty end after any final
// newline.
func matchText(re *regexp.Regexp, b []byte) bool {
	return re.Match(bytes.TrimRight(b, "\r\n"))
}

// takeOrder is the order a Run takes its probes in: first those that wait
// on another process or on the network (command, systemd, postgres, http,
// port, and any/all holding one), then the others, each group in the
// plan's order; nil when that is the plan's order. A command probe spends
// milliseconds waiting for its shell to start and end, a file probe
// microseconds on a stat: started last, the commands ran alone after
// everything else had finished, and a 34-check run waited for them.
func takeOrder(specs []*spec.Probe) []int {
	slow := make([]bool, len(specs))
	n := 0
	for i, sp := range specs {
		if waits(sp) {
			slow[i] = true
			n++
		}
	}
	if n == 0 || n == len(specs) {
		return nil
	}
	order := make([]int, 0, len(specs))
	for i := range specs {
		if slow[i] {
			order = append(order, i)
		}
	}
	for i := range specs {
		if !slow[i] {
			order = append(order, i)
		}
	}
	return order
}

// waits reports whether checking sp waits on another process or the
// network.
func waits(sp *spec.Probe) bool {
	if sp == nil {
		return false // answered as an error without a look
	}
	switch sp.Kind {
	case spec.KindCommand, spec.KindSystemd, spec.KindPostgres, spec.KindHTTP, spec.KindPort:
		return true
	}
	for _, c := range sp.Children {
		if waits(c) {
			return true
		}
	}
	return false
}
