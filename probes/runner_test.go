package probes

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// Test-only kinds exercise what no real checker should do: panic, or
// ignore its context and never return.
const (
	kindTestPanic spec.Kind = "test-panic"
	kindTestHang  spec.Kind = "test-hang"
	kindTestCount spec.Kind = "test-count"
)

type testParams struct{ kind spec.Kind }

func (p *testParams) Kind() spec.Kind { return p.kind }

var (
	inFlight, maxInFlight atomic.Int64
	hangRelease           = make(chan struct{})
)

func init() {
	register(kindTestPanic, func(context.Context, *Runner, *spec.Probe, *testParams) (Status, string) {
		var m map[string]int
		m["boom"]++ // a nil map write: a real runtime panic
		return OK, "unreachable"
	})
	register(kindTestHang, func(context.Context, *Runner, *spec.Probe, *testParams) (Status, string) {
		<-hangRelease // ignores its context on purpose
		return OK, "released"
	})
	register(kindTestCount, func(ctx context.Context, _ *Runner, _ *spec.Probe, _ *testParams) (Status, string) {
		n := inFlight.Add(1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
		}
		inFlight.Add(-1)
		return OK, "counted"
	})
}

func testSpec(kind spec.Kind) *spec.Probe {
	return &spec.Probe{Kind: kind, Target: string(kind), Params: &testParams{kind}}
}

func fileSpec(path string, exists bool) *spec.Probe {
	return &spec.Probe{Kind: spec.KindFile, Target: path, Params: &spec.FileParams{Path: path, Exists: exists}}
}

func portSpec(addr string, open bool) *spec.Probe {
	return &spec.Probe{Kind: spec.KindPort, Target: addr, Params: &spec.PortParams{Address: addr, Open: open}}
}

// TestRunKeepsOrderAndBound runs more probes than the bound allows at once
// and checks results come back in spec order and the bound held.
func TestRunKeepsOrderAndBound(t *testing.T) {
	dir := t.TempDir()
	var specs []*spec.Probe
	for i := 0; i < 30; i++ {
		if i%3 == 0 {
			specs = append(specs, fileSpec(gitstatetest.WriteFile(t, dir, fmt.Sprintf("f%d", i), "x"), true))
		} else {
			specs = append(specs, testSpec(kindTestCount))
		}
	}
	maxInFlight.Store(0)
	r := NewRunner(Options{Concurrency: 3})
	var mu sync.Mutex
	seen := map[int]bool{}
	onResult := func(i int, res Result) {
		mu.Lock()
		defer mu.Unlock()
		if seen[i] {
			t.Errorf("onResult called twice for %d", i)
		}
		seen[i] = true
		if res.Spec != specs[i] {
			t.Errorf("onResult(%d) got the result of another spec", i)
		}
	}
	res := r.Run(context.Background(), specs, onResult)
	for i, rr := range res {
		if rr.Spec != specs[i] {
			t.Fatalf("result %d is for spec %v, want %v", i, rr.Spec.Label(), specs[i].Label())
		}
		if rr.Status != OK {
			t.Errorf("result %d: %s %q", i, rr.Status, rr.Message)
		}
		if rr.Duration <= 0 {
			t.Errorf("result %d has no duration", i)
		}
	}
	if len(seen) != len(specs) {
		t.Errorf("onResult called for %d of %d specs", len(seen), len(specs))
	}
	if m := maxInFlight.Load(); m > 3 || m < 2 {
		t.Errorf("max probes in flight = %d, want at most 3 (and more than 1)", m)
	}
}

// TestRunStartsWaitingProbesFirst: probes that wait on a process or the
// network (here a command, and an any holding one) are taken before the
// file probes listed above them, so they overlap with them instead of
// running alone at the end; the results stay in the plan's order.
func TestRunStartsWaitingProbesFirst(t *testing.T) {
	dir := t.TempDir()
	cmd := func() *spec.Probe {
		return &spec.Probe{Kind: spec.KindCommand, Target: "true", Params: &spec.CommandParams{Command: "true", Dir: dir}}
	}
	specs := []*spec.Probe{
		fileSpec(gitstatetest.WriteFile(t, dir, "a", "x"), true),
		fileSpec(gitstatetest.WriteFile(t, dir, "b", "x"), true),
		cmd(),
		fileSpec(gitstatetest.WriteFile(t, dir, "c", "x"), true),
		{Kind: spec.KindAny, Target: "any", Children: []*spec.Probe{fileSpec(filepath.Join(dir, "missing"), true), cmd()}},
	}
	var order []int
	res := NewRunner(Options{Concurrency: 1}).Run(context.Background(), specs, func(i int, _ Result) { order = append(order, i) })
	if want := []int{2, 4, 0, 1, 3}; !slices.Equal(order, want) {
		t.Errorf("probes answered in the order %v, want %v (the command and the any holding one first)", order, want)
	}
	for i, r := range res {
		if r.Spec != specs[i] || r.Status != OK {
			t.Errorf("result %d: spec %p (want %p), %s %q", i, r.Spec, specs[i], r.Status, r.Message)
		}
	}
	if o := takeOrder(specs[:2]); o != nil {
		t.Errorf("takeOrder of file probes only = %v, want nil (the plan's order)", o)
	}
}

// TestRunSurvivesPanicsAndHangs: a panicking and a hanging checker cost
// only their own results.
func TestRunSurvivesPanicsAndHangs(t *testing.T) {
	dir := t.TempDir()
	ok := fileSpec(gitstatetest.WriteFile(t, dir, "here", "x"), true)
	hang := testSpec(kindTestHang)
	hang.Timeout = 200 * time.Millisecond
	specs := []*spec.Probe{testSpec(kindTestPanic), hang, ok}
	res := NewRunner(Options{}).Run(context.Background(), specs, nil)
	wantStatus(t, res[0], Error, "probe crashed (panic: assignment to entry in nil map)", "runner_test.go:")
	wantStatus(t, res[1], Error, "timed out after 200ms")
	wantStatus(t, res[2], OK)
}

// TestRunReplacesStuckWorkers: with one worker, a checker that ignores its
// context is answered at its deadline and the probes after it still run;
// Run returns without waiting for the stuck checker.
func TestRunReplacesStuckWorkers(t *testing.T) {
	dir := t.TempDir()
	var specs []*spec.Probe
	for i := range 6 {
		if i%2 == 0 {
			hang := testSpec(kindTestHang)
			hang.Timeout = 100 * time.Millisecond
			specs = append(specs, hang)
			continue
		}
		specs = append(specs, fileSpec(gitstatetest.WriteFile(t, dir, fmt.Sprintf("f%d", i), "x"), true))
	}
	done := make(chan []Result, 1)
	go func() { done <- NewRunner(Options{Concurrency: 1}).Run(context.Background(), specs, nil) }()
	select {
	case res := <-done:
		for i, r := range res {
			if i%2 == 0 {
				wantStatus(t, r, Error, "timed out after 100ms")
			} else {
				wantStatus(t, r, OK)
			}
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Run waited for checkers that ignore their context")
	}
}

// TestRunDeadline: the whole run's deadline turns every unanswered probe
// into an Error and Run returns promptly.
func TestRunDeadline(t *testing.T) {
	never := neverAnswering(t)
	var specs []*spec.Probe
	for i := 0; i < 5; i++ {
		specs = append(specs, httpSpec(never, ""))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	r := NewRunner(Options{Concurrency: 2})
	var returned atomic.Bool
	onResult := func(i int, res Result) {
		if returned.Load() {
			t.Errorf("onResult(%d) called after Run returned", i)
		}
	}
	done := make(chan []Result)
	go func() { res := r.Run(ctx, specs, onResult); returned.Store(true); done <- res }()
	select {
	case res := <-done:
		time.Sleep(100 * time.Millisecond) // late callbacks would show now
		for i, rr := range res {
			// The run's budget counts from the context's creation, a
			// moment before Run starts: the figure may read 290ms.
			if rr.Status != Error || !regexp.MustCompile(`run timed out after (300|290)ms`).MatchString(rr.Message) {
				t.Errorf("result %d: %s %q, want error naming the run timeout", i, rr.Status, rr.Message)
			}
		}
		// With a bound of 2, at least 3 of the 5 never started.
		notChecked := 0
		for _, rr := range res {
			if strings.HasPrefix(rr.Message, "not checked: ") {
				notChecked++
			}
		}
		if notChecked < 3 {
			t.Errorf("%d probes say not checked, want at least 3 (the bound is 2)", notChecked)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context's deadline")
	}
}

// TestRunCancelled: cancellation is reported as such.
func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res := NewRunner(Options{}).Run(ctx, []*spec.Probe{fileSpec("/", true)}, nil)
	wantStatus(t, res[0], Error, "run was cancelled")
}

// TestSeverityAndUnknownKinds: warn turns fail into warn, not error into
// warn; unknown kinds are errors.
func TestSeverityAndUnknownKinds(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	warnFail := fileSpec(missing, true)
	warnFail.Severity = spec.Warn
	warnErr := testSpec(kindTestPanic)
	warnErr.Severity = spec.Warn
	unknown := &spec.Probe{Kind: "teleport", Params: &testParams{"teleport"}}
	// A kind given another kind's parameters: the one assertion in
	// register answers for every kind.
	mismatched := &spec.Probe{Kind: spec.KindGit, Params: &spec.FileParams{Path: missing}}
	res := NewRunner(Options{}).Run(context.Background(), []*spec.Probe{warnFail, warnErr, unknown, nil, mismatched}, nil)
	wantStatus(t, res[0], Warn, "does not exist")
	wantStatus(t, res[1], Error)
	wantStatus(t, res[2], Error, `unknown probe kind "teleport"`, "git")
	if res[3].Status != Error {
		t.Errorf("nil spec: %s", res[3].Status)
	}
	wantStatus(t, res[4], Error, "git probe has *spec.FileParams parameters (internal error)")
}

// TestCombinators checks any/all decisions and that the message names the
// deciding branch.
func TestCombinators(t *testing.T) {
	dir := t.TempDir()
	present := gitstatetest.WriteFile(t, dir, "config_chromadb.py.bak", "x")
	absent := filepath.Join(dir, "nope.bak")
	boom := testSpec(kindTestPanic)
	skip := &spec.Probe{Kind: spec.KindCommand, Target: "true", Params: &spec.CommandParams{Command: "true"}}
	warned := fileSpec(absent, true)
	warned.Severity = spec.Warn
	comb := func(kind spec.Kind, kids ...*spec.Probe) *spec.Probe {
		return &spec.Probe{Kind: kind, Children: kids}
	}
	tests := []struct {
		name string
		sp   *spec.Probe
		want Status
		msg  string
	}{
		{"any ok via second", comb(spec.KindAny, fileSpec(absent, true), fileSpec(present, true)), OK, "any: ok via file " + present},
		{"any none", comb(spec.KindAny, fileSpec(absent, true), fileSpec(absent+"2", true)), Fail, "any: none of 2 holds: file " + absent + ": " + absent + " does not exist"},
		{"any error beats fail", comb(spec.KindAny, fileSpec(absent, true), boom), Error, "could not be checked"},
		{"any ok beats error", comb(spec.KindAny, boom, fileSpec(present, true)), OK, "ok via"},
		{"all ok", comb(spec.KindAll, fileSpec(present, true), fileSpec(absent, false)), OK, "all: 2 of 2 hold"},
		{"all fails at", comb(spec.KindAll, fileSpec(present, true), fileSpec(absent, true)), Fail, "all: failed at file " + absent},
		{"all fail beats error", comb(spec.KindAll, boom, fileSpec(absent, true)), Fail, "failed at"},
		{"all error", comb(spec.KindAll, boom, fileSpec(present, true)), Error, "all: could not check test-panic test-panic"},
		{"all skip", comb(spec.KindAll, skip, fileSpec(present, true)), Skip, "not run: --no-exec"},
		{"all with a warn child holds", comb(spec.KindAll, warned, fileSpec(present, true)), OK, "all: 2 of 2"},
		{"nested", comb(spec.KindAll, comb(spec.KindAny, fileSpec(absent, true), fileSpec(present, true)), fileSpec(present, true)), OK, "all: 2 of 2"},
		{"empty", comb(spec.KindAny), Error, "no probes listed"},
	}
	r := NewRunner(Options{NoExec: true})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := runWith(t, r, tt.sp)
			wantStatus(t, res, tt.want, tt.msg)
			if len(res.Children) != len(tt.sp.Children) {
				t.Errorf("%d child results for %d children", len(res.Children), len(tt.sp.Children))
			}
		})
	}
}

// TestCombinatorMessagesAreBounded: an any of a thousand ways quotes a
// few of them, and each level of a deep any/all nest quotes the level
// below it clipped, so a combinator's message does not grow with the
// plan's alternatives (issue 13: a line of 1,000 "||" took 11.6 GB).
func TestCombinatorMessagesAreBounded(t *testing.T) {
	dir := t.TempDir()
	var ways []*spec.Probe
	for i := range 1000 {
		ways = append(ways, fileSpec(filepath.Join(dir, fmt.Sprintf("missing-%d.bak", i)), true))
	}
	r := NewRunner(Options{NoExec: true})
	res := runWith(t, r, &spec.Probe{Kind: spec.KindAny, Children: ways})
	wantStatus(t, res, Fail, "any: none of 1000 holds: file ")
	if !strings.HasSuffix(res.Message, "; and 995 more") || len(res.Message) > 2000 {
		t.Errorf("the any of 1000 quotes %d bytes, ending %q", len(res.Message), res.Message[max(0, len(res.Message)-40):])
	}
	if len(res.Children) != 1000 {
		t.Errorf("%d child results for 1000 children", len(res.Children))
	}
	nest := fileSpec(filepath.Join(dir, "deep.bak"), true)
	for i := range 200 {
		kind := spec.KindAny
		if i%2 == 1 {
			kind = spec.KindAll
		}
		nest = &spec.Probe{Kind: kind, Children: []*spec.Probe{nest, fileSpec(filepath.Join(dir, fmt.Sprintf("other-%d", i)), true)}}
	}
	res = runWith(t, r, nest)
	wantStatus(t, res, Fail, "")
	if len(res.Message) > 2000 {
		t.Errorf("a nest of 200 any/all quotes %d bytes", len(res.Message))
	}
}

// TestMessagesAreRedacted: a secret in a target never reaches a message.
func TestMessagesAreRedacted(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // now refused
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/login?token=s3cr3t-redirect", http.StatusFound)
	}))
	defer srv.Close()
	u := strings.Replace(srv.URL, "http://", "http://admin:hunter2@", 1) + "/x?api_key=abc123"
	specs := []*spec.Probe{
		httpSpec("http://app:hunter2@"+addr+"/health", ""),
		httpSpec(u, ""),
		{Kind: spec.KindCommand, Params: &spec.CommandParams{Command: "echo PGPASSWORD=hunter2 >&2; exit 3"}},
	}
	res := NewRunner(Options{}).Run(context.Background(), specs, nil)
	for _, rr := range res {
		for _, secret := range []string{"hunter2", "abc123", "s3cr3t-redirect"} {
			if strings.Contains(rr.Message, secret) {
				t.Errorf("message leaks %q: %s", secret, rr.Message)
			}
		}
	}
	wantStatus(t, res[0], Fail, "refuses connections")
	wantStatus(t, res[1], Fail, "302", "/login?token=***")
	wantStatus(t, res[2], Fail, "exited 3", "PGPASSWORD=***")
}
