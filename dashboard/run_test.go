package dashboard

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gdamore/tcell/v2"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/probes"
)

// scripted is a Source whose snapshots the test sets. It stands in for
// model.Session so that the tests can script slow checks, plan errors and
// panics; TestRunSession and the tmux end-to-end test run the real one.
type scripted struct {
	mu        sync.Mutex
	snap      *model.Snapshot
	checks    int
	forced    int
	reloads   int
	reloadErr error
	at        []string
	files     []string
	// gate, when set, makes Check send a partial snapshot and then wait
	// for it to close: a slow probe.
	gate chan struct{}
	// reloadGate, when set, makes Reload wait for it to close: a plan file
	// that blocks its reader.
	reloadGate chan struct{}
	panicking  bool
}

func (s *scripted) Check(ctx context.Context, o CheckOptions) *model.Snapshot {
	s.mu.Lock()
	s.checks++
	if o.Force {
		s.forced++
	}
	snap, gate, panicking := s.snap, s.gate, s.panicking
	s.mu.Unlock()
	if panicking {
		panic("scripted check blew up")
	}
	if gate != nil && o.OnPartial != nil {
		p := fixture()
		p.Steps[1].Status = model.StepUnknown
		p.Steps[1].Probes[0].Status = probes.Pending
		o.OnPartial(p)
		select {
		case <-gate:
		case <-ctx.Done():
			return nil
		}
	}
	return snap
}

func (s *scripted) Reload() error {
	s.mu.Lock()
	s.reloads++
	gate, err := s.reloadGate, s.reloadErr
	s.mu.Unlock()
	if gate != nil {
		<-gate
	}
	return err
}

func (s *scripted) Files() []string { return s.files }

func (s *scripted) SetAt(ref string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.at = append(s.at, ref)
	return nil
}

func (s *scripted) set(f func(s *scripted)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s)
}

func (s *scripted) count() (checks, forced, reloads int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.checks, s.forced, s.reloads
}

// live is a board running in Run on a simulation screen.
type live struct {
	scr   tcell.SimulationScreen
	mu    sync.Mutex
	frame string        // the last frame drawn, read on the UI goroutine
	done  chan struct{} // closed when Run has returned, with err set
	err   error
	// colored is set when a frame had a cell with a colour.
	colored bool
}

// start runs the board on a w×h simulation screen: Init, then Run's
// SetScreen, with the size set after it (Run keeps the size).
func start(t *testing.T, src Source, opts Options, w, h int) *live {
	t.Helper()
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	scr.SetSize(w, h)
	opts.Screen = scr
	l := &live{scr: scr, done: make(chan struct{})}
	afterDraw = func(s tcell.Screen) {
		w, h := s.Size()
		colored := false
		var b strings.Builder
		for y := 0; y < h; y++ {
			for x := 0; x < w; x++ {
				str, st, _ := s.Get(x, y)
				b.WriteString(str)
				if fg, bg, _ := st.Decompose(); fg != tcell.ColorDefault || bg != tcell.ColorDefault {
					colored = true
				}
			}
			b.WriteByte('\n')
		}
		l.mu.Lock()
		l.frame = b.String()
		l.colored = l.colored || colored
		l.mu.Unlock()
	}
	t.Cleanup(func() { afterDraw = nil })
	go func() { l.err = Run(context.Background(), src, opts); close(l.done) }()
	t.Cleanup(func() {
		select {
		case <-l.done:
		default:
			l.scr.InjectKey(tcell.KeyCtrlC, 0, tcell.ModNone)
			<-l.done
		}
	})
	return l
}

func (l *live) text() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.frame
}

// waitFor polls the screen until all of wants are on it. The bound only
// stops a broken test; nothing is asserted about how long it took.
func (l *live) waitFor(t *testing.T, wants ...string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		text := l.text()
		missing := ""
		for _, w := range wants {
			if !strings.Contains(text, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never appeared on the screen:\n%s", missing, text)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// seen polls the screen for d and reports whether want showed.
func (l *live) seen(d time.Duration, want string) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(l.text(), want) {
			return true
		}
	}
	return false
}

func (l *live) key(r rune) { l.scr.InjectKey(tcell.KeyRune, r, tcell.ModNone) }

func (l *live) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-l.done:
		return l.err
	case <-time.After(15 * time.Second):
		t.Fatal("the board did not stop")
		return nil
	}
}

// TestRunLive: the first screen shows the verdict and the steps; a status
// that changes at the source reaches the screen without a key; q quits.
func TestRunLive(t *testing.T) {
	src := &scripted{snap: fixture()}
	l := start(t, src, Options{Interval: 20 * time.Millisecond}, 100, 30)
	l.waitFor(t, "✗ NO-GO", "8a", "23", "Backup untracked files")
	src.set(func(s *scripted) { s.snap = fixed8a() })
	l.waitFor(t, row("● GO", "8a"))
	if checks, forced, _ := src.count(); checks < 2 || forced != 1 {
		t.Errorf("checks = %d (forced %d), want the forced first one and then ticks", checks, forced)
	}
	l.key('e')
	l.waitFor(t, "8a  NO-GO → GO  git config_chromadb.py fail → ok")
	l.key('a')
	l.waitFor(t, "operator: I am at this step")
	src.mu.Lock()
	at := append([]string(nil), src.at...)
	src.mu.Unlock()
	if len(at) != 1 || at[0] != "8a" {
		t.Errorf("SetAt calls = %q, want [8a]", at)
	}
	l.key('q')
	if err := l.wait(t); err != nil {
		t.Fatalf("Run after q = %v", err)
	}
}

// TestRunSlowCheck: a check that hangs shows its probes as checking, the
// keys keep working, and neither ticks nor r start an overlapping check.
func TestRunSlowCheck(t *testing.T) {
	gate := make(chan struct{})
	src := &scripted{snap: fixture(), gate: gate}
	l := start(t, src, Options{Interval: 20 * time.Millisecond}, 100, 30)
	l.waitFor(t, row("◌ CHECKING", "8a"), "◌ checking")
	l.key('j')
	l.waitFor(t, "9 — detail")
	l.key('r')
	l.waitFor(t, "a check is already running")
	time.Sleep(100 * time.Millisecond) // several ticks
	if checks, _, _ := src.count(); checks != 1 {
		t.Errorf("%d checks started while one hung, want 1 (overlaps are skipped)", checks)
	}
	close(gate)
	l.waitFor(t, row("✗ NO-GO", "8a"))
	if strings.Contains(l.text(), row("◌ CHECKING", "8a")) {
		t.Errorf("still checking after the check ended:\n%s", l.text())
	}
}

// TestRunPlanEdit: saving the plan (by rename, as editors do) reloads it;
// a plan that no longer parses shows a banner over the last good board.
func TestRunPlanEdit(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.md")
	if err := os.WriteFile(plan, []byte("# plan\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := &scripted{snap: fixture(), files: []string{plan}}
	src.reloadErr = errors.New(plan + ":7: gonogo block: want a list of probes")
	l := start(t, src, Options{Interval: time.Hour}, 100, 30)
	l.waitFor(t, row("✗ NO-GO", "8a"))
	save := func(text string) {
		tmp := filepath.Join(dir, ".plan.md.swp")
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, plan); err != nil {
			t.Fatal(err)
		}
	}
	// The watch may start after the first screen: save until it is seen.
	for i := 0; ; i++ {
		save("# plan\n```gonogo\nrequires: 3\n```\n")
		if l.seen(2*time.Second, "PLAN ERROR") || i == 10 {
			break
		}
	}
	l.waitFor(t, "PLAN ERROR", "plan.md:7: gonogo block", row("✗ NO-GO", "8a"))
	src.set(func(s *scripted) { s.reloadErr = nil; s.snap = fixed8a() })
	save("# plan, fixed\n")
	l.waitFor(t, row("● GO", "8a"))
	if strings.Contains(l.text(), "PLAN ERROR") {
		t.Errorf("banner stays after the plan was fixed:\n%s", l.text())
	}
	if _, forced, reloads := src.count(); reloads < 2 || forced < 2 {
		t.Errorf("reloads = %d, forced checks = %d; want a reload per save, each followed by a check", reloads, forced)
	}
}

// TestRunPanic: a panic in a check stops the board cleanly (the screen is
// finalised) and comes back as an error.
func TestRunPanic(t *testing.T) {
	src := &scripted{snap: fixture(), panicking: true}
	l := start(t, src, Options{}, 80, 24)
	err := l.wait(t)
	if err == nil || !strings.Contains(err.Error(), "scripted check blew up") {
		t.Fatalf("Run = %v, want the panic as an error", err)
	}
	if _, w, h := l.scr.GetContents(); w != 0 || h != 0 {
		t.Errorf("screen not finalised after a panic (%dx%d)", w, h)
	}
}

// TestRunSignal: SIGTERM and SIGHUP stop the board and restore the screen.
func TestRunSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			l := start(t, &scripted{snap: fixture()}, Options{}, 80, 24)
			l.waitFor(t, row("✗ NO-GO", "8a"))
			if err := syscall.Kill(os.Getpid(), sig); err != nil {
				t.Fatal(err)
			}
			if err := l.wait(t); err != nil {
				t.Fatalf("Run after %v = %v", sig, err)
			}
			if _, w, _ := l.scr.GetContents(); w != 0 {
				t.Errorf("screen not finalised after %v", sig)
			}
		})
	}
}

// TestRunContext: cancelling the context stops the board.
func TestRunContext(t *testing.T) {
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, &scripted{snap: fixture()}, Options{Screen: scr}) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run ignored its context")
	}
}

// TestRunNoColor: Options.NoColor (gonogo sets it under NO_COLOR) turns
// every colour off; without it the board has colour.
func TestRunNoColor(t *testing.T) {
	for _, noColor := range []bool{false, true} {
		l := start(t, &scripted{snap: fixture()}, Options{NoColor: noColor}, 100, 30)
		l.waitFor(t, row("✗ NO-GO", "8a"), row("● GO", "9"))
		l.key('q')
		if err := l.wait(t); err != nil {
			t.Fatal(err)
		}
		if l.colored == noColor {
			t.Errorf("NoColor: %v; colour on screen: %v", noColor, l.colored)
		}
	}
}

// TestRunDrawPanic: a panic on the UI goroutine (while drawing) restores
// the screen and comes back as an error.
func TestRunDrawPanic(t *testing.T) {
	scr := tcell.NewSimulationScreen("UTF-8")
	if err := scr.Init(); err != nil {
		t.Fatal(err)
	}
	afterDraw = func(tcell.Screen) { panic("draw blew up") }
	defer func() { afterDraw = nil }()
	done := make(chan error, 1)
	go func() { done <- Run(context.Background(), &scripted{snap: fixture()}, Options{Screen: scr}) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "draw blew up") {
			t.Fatalf("Run = %v, want the panic as an error", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("Run did not return after a panic while drawing")
	}
	if _, w, _ := scr.GetContents(); w != 0 {
		t.Errorf("screen not finalised after a panic while drawing")
	}
}

// planned is a scripted source whose steps set their own interval.
type planned struct {
	*scripted
	min time.Duration
}

func (p planned) MinInterval() time.Duration { return p.min }

// TestRunStepInterval: a step's own interval, smaller than the board's,
// sets how often the board checks.
func TestRunStepInterval(t *testing.T) {
	src := &scripted{snap: fixture()}
	l := start(t, planned{src, 300 * time.Millisecond}, Options{Interval: time.Hour}, 80, 24)
	l.waitFor(t, row("✗ NO-GO", "8a"))
	deadline := time.Now().Add(15 * time.Second)
	for {
		checks, _, _ := src.count()
		if checks >= 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d checks with a 300ms step interval and a 1h board interval, want them every 300ms", checks)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRunReloadNeverFreezes: a plan reload that blocks (a plan file on a
// hung network mount, say) holds up neither the checks nor q.
func TestRunReloadNeverFreezes(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "plan.md")
	if err := os.WriteFile(plan, []byte("# plan\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gate := make(chan struct{})
	defer close(gate)
	src := &scripted{snap: fixture(), files: []string{plan}, reloadGate: gate}
	l := start(t, src, Options{Interval: 300 * time.Millisecond}, 100, 30)
	l.waitFor(t, row("✗ NO-GO", "8a"))
	// The watch may start after the first screen: edit until a reload
	// has begun (and blocked).
	for i := 0; ; i++ {
		if err := os.WriteFile(plan, []byte(fmt.Sprintf("# plan %d\n", i)), 0o644); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if _, _, reloads := src.count(); reloads > 0 {
			break
		}
		if i == 50 {
			t.Fatal("the plan edit never reloaded")
		}
	}
	before, _, _ := src.count()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if checks, _, _ := src.count(); checks >= before+2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no check ran while a reload was blocked")
		}
		time.Sleep(20 * time.Millisecond)
	}
	l.key('q')
	if err := l.wait(t); err != nil {
		t.Fatal(err)
	}
}

// TestRunKeyRReloads: r reads the plan files again, then checks.
func TestRunKeyRReloads(t *testing.T) {
	src := &scripted{snap: fixture()}
	l := start(t, src, Options{Interval: time.Hour}, 100, 30)
	l.waitFor(t, row("✗ NO-GO", "8a"))
	src.set(func(s *scripted) { s.snap = fixed8a() })
	l.key('r')
	l.waitFor(t, row("● GO", "8a"))
	if _, forced, reloads := src.count(); reloads != 1 || forced < 2 {
		t.Errorf("after r: %d reloads, %d forced checks; want 1 reload and a forced check after it", reloads, forced)
	}
}
