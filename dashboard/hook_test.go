package dashboard

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/probes"
)

// hooked is an Options.OnSnapshot that keeps what it was handed and
// returns the error the test sets.
type hooked struct {
	mu    sync.Mutex
	snaps []*model.Snapshot
	err   error
	// busy detects overlapping calls.
	busy    bool
	overlap bool
}

func (h *hooked) onSnapshot(s *model.Snapshot) error {
	h.mu.Lock()
	if h.busy {
		h.overlap = true
	}
	h.busy = true
	h.snaps = append(h.snaps, s)
	err := h.err
	h.mu.Unlock()
	time.Sleep(time.Millisecond) // long enough for an overlap to show
	h.mu.Lock()
	h.busy = false
	h.mu.Unlock()
	return err
}

func (h *hooked) state() (n int, partial, overlap bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.snaps {
		for _, v := range s.Steps {
			for _, p := range v.Probes {
				if p.Status == probes.Pending {
					partial = true
				}
			}
		}
	}
	return len(h.snaps), partial, h.overlap
}

// waitCalls waits until the hook has been called more than n times.
func (h *hooked) waitCalls(t *testing.T, n int) int {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if got, _, _ := h.state(); got > n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("OnSnapshot was not called more than %d times", n)
		}
	}
}

// TestRunOnSnapshot: the hook sees complete snapshots only, one call at a
// time; its error shows in the banner and the event log, once, and goes
// when a later call succeeds.
func TestRunOnSnapshot(t *testing.T) {
	gate := make(chan struct{})
	src := &scripted{snap: fixture(), gate: gate}
	h := &hooked{err: errors.New("--record /x/window.jsonl: write failed: no space left on device")}
	l := start(t, src, Options{Interval: 20 * time.Millisecond, OnSnapshot: h.onSnapshot}, 100, 30)
	l.waitFor(t, row("◌ CHECKING", "8a")) // a partial snapshot is on the board
	if n, _, _ := h.state(); n != 0 {
		t.Fatalf("OnSnapshot called %d times while the first check still ran", n)
	}
	close(gate)
	l.waitFor(t, "⚠ --record /x/window.jsonl: write failed: no space left on device", row("✗ NO-GO", "8a"))
	n := h.waitCalls(t, 3) // the same error on later checks
	l.key('e')
	l.waitFor(t, "record  --record /x/window.jsonl: write failed")
	if got := strings.Count(l.text(), "record  --record"); got != 1 {
		t.Errorf("the same error is logged %d times after %d calls, want once:\n%s", got, n, l.text())
	}

	h.mu.Lock()
	h.err = nil
	h.mu.Unlock()
	l.waitFor(t, "record  written again, the error is over")
	l.waitGone(t, "⚠ --record")
	if _, partial, overlap := h.state(); partial || overlap {
		t.Errorf("OnSnapshot saw a partial snapshot (%v) or overlapping calls (%v)", partial, overlap)
	}
	l.key('q')
	if err := l.wait(t); err != nil {
		t.Fatal(err)
	}
	n, _, _ = h.state()
	time.Sleep(100 * time.Millisecond) // five ticks' worth
	if after, _, _ := h.state(); after != n {
		t.Errorf("OnSnapshot called %d times after Run returned", after-n)
	}
}

// waitGone polls the screen until want is no longer on it.
func (l *live) waitGone(t *testing.T, want string) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); strings.Contains(l.text(), want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%q stays on the screen:\n%s", want, l.text())
		}
	}
}
