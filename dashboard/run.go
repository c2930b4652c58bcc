// Package dashboard is the live go/no-go board: a tview screen for a tmux
// pane that shows, and keeps showing as things change, whether the next
// step of a deployment plan is GO and whether rollback still works.
//
// The board only shows *model.Snapshot values. Checks run off the UI
// goroutine (a ticker, `r`, a plan edit) through a Source; results are
// applied with QueueUpdateDraw. Nothing in an event handler runs a probe or
// reads a file.
package dashboard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gonogo-dev/gonogo/dashboard/model"
)

// Source is what the board needs from a plan session (*model.Session): a
// check that yields a snapshot, a reload of the plan files, the files to
// watch, and "I am at this step". The board never calls it from the UI
// goroutine. Check and SetAt are called one at a time; Reload may be
// called while a Check runs, and must not wait for it.
type Source interface {
	// Check evaluates the plan; partial snapshots go to o.OnPartial while
	// probes are still running.
	Check(ctx context.Context, o CheckOptions) *model.Snapshot
	// Reload re-reads the plan and sidecar; on error the last good plan
	// stays in use. It reads files, so it may be slow: the board holds no
	// lock a check needs while it runs, and does not wait for it to quit.
	Reload() error
	// Files are the plan and sidecar, absolute: the board watches them.
	Files() []string
	// SetAt says which step the operator is at ("" clears it).
	SetAt(ref string) error
}

// signer is implemented by a Source that keeps sign-offs (*model.Session
// does): the board's x hands it the operator's sign-off once
// Options.SignOff has kept it. Unlike the Source's other methods it may be
// called while a Check runs.
type signer interface {
	SignOff(so model.SignOff, withdraw bool) (model.SignOff, error)
}

// *model.Session is the Source the gonogo command hands to Run.
var _ Source = (*model.Session)(nil)

// intervalSource is optionally implemented by a Source whose steps set
// their own check intervals (*model.Session does), so the board can check
// as often as the most frequent one asks.
type intervalSource interface {
	// MinInterval is the smallest interval a step sets, 0 when none does.
	MinInterval() time.Duration
}

// Options configure Run.
type Options struct {
	// Interval between checks; 0 means 5s. A step's own smaller interval
	// makes the board check that often (the Source re-runs only what is due).
	Interval time.Duration
	// Mouse turns mouse support on; off by default so that tmux selection
	// and copy-mode keep working.
	Mouse bool
	// NoColor draws without any colour; status words and symbols carry
	// the meaning. The caller decides it (gonogo: NO_COLOR, TERM=dumb).
	NoColor bool
	// ErrOut receives the report of a crash, after the terminal has been
	// restored; nil means os.Stderr.
	ErrOut io.Writer
	// Screen to draw on; nil means the real terminal. Tests pass a
	// tcell simulation screen.
	Screen tcell.Screen
	// OnSnapshot, when set, sees every complete snapshot the board shows,
	// never a partial one: gonogo --record uses it to keep the record of
	// the migration window on disk. It is called from the board's refresh
	// goroutine, never the UI goroutine, so it may do I/O; calls come one
	// at a time, in check order (a call never overlaps another one), and
	// Run returns only after a call in progress has returned. It must not
	// modify the snapshot. An error shows in the board's banner and its
	// event log (once per distinct message) until a later call returns
	// nil; the board goes on either way.
	OnSnapshot func(*model.Snapshot) error
	// SignOff, when set, keeps a sign-off (key x) before the board applies
	// it: gonogo appends it to the --record file. It is called off the UI
	// goroutine. Nil means sign-offs have nowhere to be kept, and x says
	// so. Withdraw is true for x on a signed-off step.
	SignOff func(so model.SignOff, withdraw bool) error
	// User is who signs off: "done by USER at TIME".
	User string
	// Notes are lines the board keeps on screen above the steps and puts
	// in the event log at start: the demo's instructions.
	Notes []string
}

// afterDraw, when set (by tests), sees every frame on the UI goroutine
// before it is shown: reading a screen from another goroutine would race.
var afterDraw func(tcell.Screen)

// DefaultInterval is the check interval when Options.Interval is 0.
const DefaultInterval = 5 * time.Second

const (
	// slowAfter is how long a check may run before the board shows its
	// partial results (probes not yet answered show as checking). Quicker
	// checks show no flicker at all.
	slowAfter = 400 * time.Millisecond
	// debounce is how long the plan files must be quiet before a reload:
	// editors write a file in several steps.
	debounce = 250 * time.Millisecond
	// minPeriod bounds the ticker so that a tiny step interval cannot make
	// the board busy.
	minPeriod = 250 * time.Millisecond
)

// Run shows the board until the operator quits (q, Ctrl-C), ctx ends, or
// SIGTERM/SIGHUP/SIGINT arrives. The terminal is restored in every case,
// also on a panic, which is then printed to stderr and returned as an error.
func Run(ctx context.Context, src Source, opts Options) (err error) {
	if src == nil {
		return errors.New("dashboard: no source to show")
	}
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	color := !opts.NoColor
	if opts.ErrOut == nil {
		opts.ErrOut = os.Stderr
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	app := tview.NewApplication()
	r := &runner{
		app:     app,
		src:     src,
		opts:    opts,
		ctx:     ctx,
		stopped: make(chan struct{}),
	}
	plan := ""
	if files := src.Files(); len(files) > 0 {
		plan = files[0]
	}
	b := newBoard(plan, color, r)
	b.setFocus = func(p tview.Primitive) { app.SetFocus(p) }
	b.interval = opts.Interval
	b.notes = opts.Notes
	b.canSignOff = opts.SignOff != nil
	for _, n := range opts.Notes {
		b.log(event{At: b.now().In(b.loc), Step: "note", Why: n})
	}
	r.b = b
	app.SetRoot(b.view, true).SetInputCapture(b.onKey).EnableMouse(opts.Mouse)
	if afterDraw != nil {
		app.SetAfterDrawFunc(afterDraw)
	}
	if opts.Screen != nil {
		// SetScreen initialises the screen; keep a simulation screen's size.
		w, h := opts.Screen.Size()
		app.SetScreen(opts.Screen)
		if sz, ok := opts.Screen.(interface{ SetSize(int, int) }); ok && w > 0 && h > 0 {
			sz.SetSize(w, h)
		}
	}
	// Under a locale that is not UTF-8 (LANG=C) the terminal gets the same
	// words with ASCII marks; tcell uses a fallback only for a rune its
	// character set lacks. Registered on the screen tview draws on, once.
	var fallbacks sync.Once
	app.SetBeforeDrawFunc(func(screen tcell.Screen) bool {
		fallbacks.Do(func() {
			for r, s := range model.ASCIIFallbacks() {
				screen.RegisterRuneFallback(r, s)
			}
		})
		r.screen = screen
		return false
	})

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGINT)
	defer signal.Stop(sigs)

	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		select {
		case <-sigs:
			r.quit()
		case <-ctx.Done():
			r.quit()
		case <-r.stopped:
		}
	}()
	go func() { defer wg.Done(); r.guard(func() { r.loop() }) }()
	go func() { defer wg.Done(); r.guard(func() { r.watch() }) }()

	defer func() {
		// A panic on the UI goroutine: tview has already restored the
		// terminal (Fini) before re-panicking.
		if p := recover(); p != nil {
			close(r.stopped)
			cancel()
			r.endHooks()
			err = r.report(p, debug.Stack())
		}
	}()
	err = app.Run()
	close(r.stopped)
	cancel()
	wg.Wait()
	r.endHooks()
	if p := r.panicked.Load(); p != nil {
		return r.report(p.value, p.stack)
	}
	return err
}

// panicInfo is a panic caught in one of the board's goroutines.
type panicInfo struct {
	value any
	stack []byte
}

// runner is the refresh machinery between a Source and the board.
type runner struct {
	app  *tview.Application
	src  Source
	b    *board
	opts Options
	ctx  context.Context

	// srcMu serialises Check, SetAt and MinInterval calls into the
	// Source; Reload runs outside it.
	srcMu sync.Mutex
	// busy is set while a check runs; a check that would overlap it is
	// skipped (compare-and-swap), not queued.
	busy atomic.Bool
	// again is set when something the running check did not see happened
	// (a sign-off, "I am at", a plan edit): one more check follows it.
	again atomic.Bool
	// next is when the ticker fires next (UnixNano), for the status bar.
	next atomic.Int64
	// reloading is set while a reload runs; one asked for meanwhile sets
	// reloadAgain and runs after it, so no plan edit is missed.
	reloading   atomic.Bool
	reloadAgain atomic.Bool
	// seq numbers checks; the board ignores results older than the ones
	// it has shown.
	seq     atomic.Uint64
	skipped atomic.Uint64
	// stopped is closed when the application has stopped.
	stopped  chan struct{}
	quitOnce sync.Once
	panicked atomic.Pointer[panicInfo]
	// UI-side sequence bookkeeping, touched only on the UI goroutine.
	shownFull    uint64
	shownPartial uint64
	// screen is the screen of the last draw (UI goroutine only): the
	// status bar's countdown redraws just its row on it.
	screen tcell.Screen

	// hookMu serialises calls to Options.OnSnapshot and guards the
	// fields below it.
	hookMu sync.Mutex
	// hookSeq is the check whose snapshot was handed last; an older one
	// that arrives late is not handed.
	hookSeq uint64
	// hookFailed is set while the last call returned an error.
	hookFailed bool
	// hooksDone is set when Run returns: no call after that.
	hooksDone bool
}

// report prints a panic after the terminal is restored and returns it as
// an error.
func (r *runner) report(p any, stack []byte) error {
	fmt.Fprintf(r.opts.ErrOut, "gonogo: the board crashed (the terminal has been restored): %v\n%s\n", p, stack)
	return fmt.Errorf("dashboard: panic: %v", p)
}

// guard runs f and turns a panic into a clean stop of the board.
func (r *runner) guard(f func()) {
	defer func() {
		if p := recover(); p != nil {
			r.panicked.CompareAndSwap(nil, &panicInfo{value: p, stack: debug.Stack()})
			r.quit()
		}
	}()
	f()
}

// quit stops the application once. The stop goes through the event loop:
// a signal that arrives before the loop runs must not make tview drop the
// screen and open the terminal afresh.
func (r *runner) quit() {
	r.quitOnce.Do(func() {
		go r.app.QueueUpdate(r.app.Stop)
	})
}

// post runs f on the UI goroutine and redraws; it returns without waiting
// once the board has stopped.
func (r *runner) post(f func()) {
	select {
	case <-r.stopped:
		return
	default:
	}
	done := make(chan struct{})
	go func() {
		r.app.QueueUpdateDraw(f)
		close(done)
	}()
	select {
	case <-done:
	case <-r.stopped:
	}
}

// period is the ticker's period: the interval, or a smaller step interval.
// While a check holds the Source it keeps the current period, rather than
// wait.
func (r *runner) period(current time.Duration) time.Duration {
	d := r.opts.Interval
	if is, ok := r.src.(intervalSource); ok {
		if !r.srcMu.TryLock() {
			return current
		}
		m := is.MinInterval()
		r.srcMu.Unlock()
		if m > 0 && m < d {
			d = m
		}
	}
	return max(d, minPeriod)
}

// loop checks once at start, then on every tick until the board stops.
// Between checks it redraws the status bar once a second, for its
// countdown to the next check.
func (r *runner) loop() {
	period := r.period(r.opts.Interval)
	r.next.Store(time.Now().Add(period).UnixNano())
	r.tryCheck(true)
	t := time.NewTicker(period)
	defer t.Stop()
	sec := time.NewTicker(time.Second)
	defer sec.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-r.stopped:
			return
		case <-t.C:
			if p := r.period(period); p != period {
				period = p
				t.Reset(p)
			}
			r.next.Store(time.Now().Add(period).UnixNano())
			r.tryCheck(false)
		case <-sec.C:
			if !r.busy.Load() && period > 2*time.Second {
				r.tickFooter()
			}
		}
	}
}

// tickFooter redraws the status bar's row alone, for its countdown: a
// whole-screen draw every second would cost an idle board more than its
// checks do. A full draw follows every snapshot anyway.
func (r *runner) tickFooter() {
	select {
	case <-r.stopped:
		return
	default:
	}
	go r.app.QueueUpdate(func() {
		r.showTiming()
		if r.screen == nil || r.b.showHelp || r.b.finding || r.b.note != "" {
			return
		}
		r.b.footer.Draw(r.screen)
		r.screen.Show()
	})
}

// showTiming hands the status bar whether a check runs and when the next
// one is due (UI goroutine).
func (r *runner) showTiming() {
	r.b.setChecking(r.busy.Load(), time.Unix(0, r.next.Load()))
}

// tryCheck starts a check in the background unless one is running; it
// reports whether it started one.
func (r *runner) tryCheck(force bool) bool {
	if !r.busy.CompareAndSwap(false, true) {
		r.skipped.Add(1)
		return false
	}
	go r.guard(func() {
		r.check(force)
		if r.again.Swap(false) && r.ctx.Err() == nil {
			r.tryCheck(false)
		}
	})
	return true
}

// checkSoon checks now, or right after the check that is running: for
// something that check cannot have seen.
func (r *runner) checkSoon() {
	if !r.tryCheck(false) {
		r.again.Store(true)
		if !r.busy.Load() { // it ended in between
			if r.again.Swap(false) {
				r.tryCheck(false)
			}
		}
	}
}

// check runs one check (busy is already set) and applies its result.
func (r *runner) check(force bool) {
	seq := r.seq.Add(1)
	start := time.Now()
	var (
		latest   atomic.Pointer[model.Snapshot]
		finished atomic.Bool
		queued   atomic.Bool
	)
	// showPartial posts the latest partial snapshot, at most one at a time.
	showPartial := func() {
		if finished.Load() || latest.Load() == nil || !queued.CompareAndSwap(false, true) {
			return
		}
		go r.post(func() {
			queued.Store(false)
			if s := latest.Load(); s != nil && !finished.Load() && seq > r.shownFull && seq >= r.shownPartial {
				r.shownPartial = seq
				r.b.setChecking(true, time.Time{})
				r.b.applyPartial(s)
			}
		})
	}
	timer := time.AfterFunc(slowAfter, showPartial)
	opts := CheckOptions{
		Force:           force,
		DefaultInterval: r.opts.Interval,
		PartialAfter:    slowAfter,
		OnPartial: func(s *model.Snapshot) {
			latest.Store(s)
			if time.Since(start) >= slowAfter {
				showPartial()
			}
		},
	}
	r.srcMu.Lock()
	var snap *model.Snapshot
	func() {
		defer func() {
			r.busy.Store(false)
			r.srcMu.Unlock()
		}()
		snap = r.src.Check(r.ctx, opts)
	}()
	finished.Store(true)
	timer.Stop()
	if snap == nil || r.ctx.Err() != nil {
		return
	}
	r.post(func() {
		r.showTiming()
		if seq <= r.shownFull {
			return
		}
		r.shownFull = seq
		r.b.apply(snap)
	})
	r.hook(seq, snap)
}

// hook hands a complete snapshot to Options.OnSnapshot, on the calling
// (refresh) goroutine, and shows an error it returns, or that the error
// is over.
func (r *runner) hook(seq uint64, snap *model.Snapshot) {
	if r.opts.OnSnapshot == nil {
		return
	}
	r.hookMu.Lock()
	if r.hooksDone || seq <= r.hookSeq {
		r.hookMu.Unlock()
		return
	}
	r.hookSeq = seq
	err := r.opts.OnSnapshot(snap)
	show := err != nil || r.hookFailed
	r.hookFailed = err != nil
	r.hookMu.Unlock()
	if show {
		r.post(func() { r.b.setHookError(err) })
	}
}

// endHooks waits for a call to Options.OnSnapshot in progress and stops
// any later one.
func (r *runner) endHooks() {
	r.hookMu.Lock()
	r.hooksDone = true
	r.hookMu.Unlock()
}

// reload re-reads the plan files and then checks again: after an edit
// (the watch) and on key r. It returns at once; the reading runs on a
// goroutine of its own that holds no lock a check or a key needs and that
// Run does not wait for, so a plan file that is slow to read (a network
// mount) freezes neither the checks nor q. One reload runs at a time; one
// asked for meanwhile runs right after it.
func (r *runner) reload() {
	r.reloadAgain.Store(true)
	if !r.reloading.CompareAndSwap(false, true) {
		return
	}
	go r.guard(func() {
		for {
			for r.reloadAgain.Swap(false) {
				if r.ctx.Err() != nil {
					break
				}
				err := r.src.Reload()
				r.post(func() { r.b.setPlanError(err) })
				if err == nil && !r.tryCheck(true) {
					r.checkSoon() // after the check that runs on the old plan
				}
			}
			r.reloading.Store(false)
			// A request that came after the last Swap and before the
			// Store found reloading set: take it now.
			if !r.reloadAgain.Load() || !r.reloading.CompareAndSwap(false, true) {
				return
			}
		}
	})
}

// refresh is key r: read the plan files again and check every probe now —
// or, while a check runs, as soon as it ends.
func (r *runner) refresh() {
	if r.busy.Load() {
		r.b.setNote("a check is already running; the plan is re-read now and every probe re-checked when it ends")
	}
	r.reload()
}

// setAt is key a. It runs off the UI goroutine: the Source may be busy.
func (r *runner) setAt(key string) {
	go r.guard(func() {
		r.srcMu.Lock()
		err := r.src.SetAt(key)
		r.srcMu.Unlock()
		if err != nil {
			r.post(func() { r.b.setNote(err.Error()) })
			return
		}
		r.post(func() {
			r.b.log(event{At: r.b.now().In(r.b.loc), Step: orDash(key), Why: atWhy(key)})
			r.b.render()
		})
		r.checkSoon()
	})
}

// signOff is key x. It runs off the UI goroutine: Options.SignOff writes
// the --record file, and the Source may be busy. The sign-off is kept
// before it is applied: a sign-off the record did not get would be gone
// after a restart.
func (r *runner) signOff(key string, withdraw bool) {
	go r.guard(func() {
		sg, ok := r.src.(signer)
		if !ok || r.opts.SignOff == nil {
			r.post(func() { r.b.setNote("sign-off is not available here") })
			return
		}
		so := model.SignOff{Step: key, By: r.opts.User, At: time.Now().UTC().Truncate(time.Second)}
		if err := r.opts.SignOff(so, withdraw); err != nil {
			r.post(func() { r.b.setNote("sign-off not recorded: " + err.Error()) })
			return
		}
		// Not under srcMu: a signer takes a sign-off while a check runs
		// (a slow probe must not hold the key up), and checkSoon checks
		// again after it.
		so, err := sg.SignOff(so, withdraw)
		if err != nil {
			r.post(func() { r.b.setNote(err.Error()) })
			return
		}
		why := "signed off by " + orDash(so.By)
		if withdraw {
			why = "sign-off withdrawn by " + orDash(so.By)
		}
		r.post(func() {
			r.b.log(event{At: so.At.In(r.b.loc), Step: so.Step, Why: why})
			r.b.render()
		})
		r.checkSoon()
	})
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func atWhy(key string) string {
	if key == "" {
		return "operator cleared \"I am at\""
	}
	return "operator: I am at this step"
}

// redraw is Ctrl-L: a full repaint of the terminal.
func (r *runner) redraw() { r.app.Sync() }

// wakeAfter redraws once after d, to end a highlight. It is a one-shot
// timer, armed only when something changed.
func (r *runner) wakeAfter(d time.Duration) {
	time.AfterFunc(d, func() { r.post(func() {}) })
}
