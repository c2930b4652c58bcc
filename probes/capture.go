package probes

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// Captured values (spec.Probe.Capture, captures.NAME in an expect).
//
// A Run checks the probes that read no capture first, then — once those
// have answered — the probes that read one, with the values taken in the
// first wave. A probe that reads captures never captures one itself (the
// plan reader refuses it), so two waves are enough. The Runner keeps the
// last answer of each capture across Runs: the board re-checks a step's
// probes on that step's interval, and a reader due in a round where its
// producer is not reads the producer's last value, as a person would.

// captureStore is the Runner's last answer for each capture name: a
// value, or why there is none.
type captureStore struct {
	mu    sync.Mutex
	taken map[string]capture
}

// capture is one capture's last answer.
type capture struct {
	value float64
	why   string // "" when value was taken
}

// keep records the answers of the producers among results.
func (c *captureStore) keep(results []Result) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, res := range results {
		sp := res.Spec
		if sp == nil || sp.Capture == "" {
			continue
		}
		if c.taken == nil {
			c.taken = map[string]capture{}
		}
		if res.Status == OK {
			if v, ok := spec.Number(res.Captured); ok {
				c.taken[sp.Capture] = capture{value: v}
				continue
			}
		}
		who := sp.Label()
		if sp.Line > 0 {
			who += fmt.Sprintf(" (line %d)", sp.Line)
		}
		msg := textfmt.Clip(res.Message, 200)
		switch res.Status {
		case OK:
			who += " gave no number (internal error)"
		case Fail, Warn:
			who += " does not hold: " + msg
		case Skip:
			who += " was not run: " + msg
		default:
			who += ": " + msg
		}
		c.taken[sp.Capture] = capture{why: who}
	}
}

// view is a copy of the store for one wave of readers.
func (c *captureStore) view() *captureView {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := &captureView{values: make(map[string]float64, len(c.taken)), why: map[string]string{}}
	for name, t := range c.taken {
		if t.why == "" {
			v.values[name] = t.value
		} else {
			v.why[name] = t.why
		}
	}
	return v
}

// captureView is what the readers of one Run see.
type captureView struct {
	values map[string]float64
	why    map[string]string // names whose last answer took no value
}

type captureViewKey struct{}

// capturesOf is the captured values a reader's check sees; empty outside
// a Run's second wave.
func capturesOf(ctx context.Context) map[string]float64 {
	if v, ok := ctx.Value(captureViewKey{}).(*captureView); ok {
		return v.values
	}
	return nil
}

// missingCapture is, for a probe that reads captures, the answer when one
// of them was not taken: Error, "could not tell: capture rows was not
// taken: …". ok is false when all are there and the probe may run.
func missingCapture(ctx context.Context, sp *spec.Probe) (Result, bool) {
	names := sp.Reads()
	if len(names) == 0 {
		return Result{}, false
	}
	v, _ := ctx.Value(captureViewKey{}).(*captureView)
	for _, n := range names {
		if v != nil {
			if _, ok := v.values[n]; ok {
				continue
			}
		}
		why := "no probe has captured it yet"
		if v != nil && v.why[n] != "" {
			why = v.why[n]
		}
		return Result{Status: Error, Message: "could not tell: capture " + n + " was not taken: " + why}, true
	}
	return Result{}, false
}

// captureSlot is where a producer's checker leaves the text of the value
// it took.
type captureSlot struct {
	mu   sync.Mutex
	text string
}

type captureSlotKey struct{}

// take records the value a producer's checker read (trimmed), for the
// Runner to keep if the probe holds. It is a no-op outside a producer's
// check.
func take(ctx context.Context, text string) {
	if s, ok := ctx.Value(captureSlotKey{}).(*captureSlot); ok {
		s.mu.Lock()
		s.text = strings.TrimSpace(text)
		s.mu.Unlock()
	}
}

// takeNumber checks that a producer's value is a number and records it:
// "" when it is, else the failure message, which names the capture.
func takeNumber(ctx context.Context, sp *spec.Probe, what, text string) string {
	if _, ok := spec.Number(text); !ok {
		shown := strings.TrimSpace(text)
		if shown == "" {
			shown = "empty"
		} else {
			shown = fmt.Sprintf("%q", textfmt.Clip(shown, 60))
		}
		return fmt.Sprintf("%s is %s, not a number, so capture %s cannot be taken", what, shown, sp.Capture)
	}
	take(ctx, text)
	return ""
}

// expectHolds tests value against e: the plain comparison, or with the
// captured values of ctx for an expect that reads captures. shown is the
// expectation as the message quotes it ("== captures.rows (1000)"); err
// says why it could not be tested (a value that is not a number).
func expectHolds(ctx context.Context, e *spec.Expect, value string) (holds bool, shown string, err error) {
	if len(e.Captures) == 0 {
		return e.Match(value), e.String(), nil
	}
	vals := capturesOf(ctx)
	holds, err = e.MatchCaptures(value, vals)
	return holds, e.Explain(vals), err
}
