package serve

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// plan writes a plan of steps to dir/plan.md; each step is "ID|title|probe
// block body".
func plan(t *testing.T, dir string, steps ...string) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("# Serve test\n\n## Steps\n\n")
	for _, s := range steps {
		parts := strings.SplitN(s, "|", 3)
		fmt.Fprintf(&b, "### %s. %s\n\n```gonogo\n%s\n```\n\n", parts[0], parts[1], parts[2])
	}
	return gonogotest.WriteFile(t, filepath.Join(dir, "plan.md"), b.String())
}

// start serves the plan on a loopback port until the test ends; it
// returns the base URL and the server.
func start(t *testing.T, path string, interval time.Duration) (string, *Server) {
	t.Helper()
	sess, err := model.NewSession(model.Options{Plan: path})
	if err != nil {
		t.Fatal(err)
	}
	srv := New(sess, Options{Interval: interval, Plan: path})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), srv
}

// get fetches url and returns the status code and body.
func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// waitChecks waits until the server has completed n checks.
func waitChecks(t *testing.T, srv *Server, n uint64) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if srv.Checks() >= n {
			return
		}
	}
	t.Fatalf("only %d checks completed, want %d", srv.Checks(), n)
}

func TestHealthzPerVerdict(t *testing.T) {
	dir := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(dir, "present.txt"), "x")
	tests := []struct {
		name  string
		probe string
		code  int
		body  string
	}{
		{"GO", "requires:\n  - file: present.txt", 200, "GO: Run step 1 next: Only step."},
		{"NO-GO", "requires:\n  - file: missing.txt", 503, "NO-GO: step 1 (Only step) cannot run: file missing.txt:"},
		{"UNKNOWN", "requires:\n  - command: sleep 10\n    timeout: 100ms", 429, "UNKNOWN: could not check step 1 (Only step): command sleep 10: timed out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := filepath.Join(dir, tt.name)
			os.MkdirAll(d, 0o755)
			gonogotest.WriteFile(t, filepath.Join(d, "present.txt"), "x")
			url, srv := start(t, plan(t, d, "1|Only step|"+tt.probe), time.Hour)
			waitChecks(t, srv, 1)
			code, body := get(t, url+"/healthz")
			if code != tt.code || !strings.HasPrefix(body, tt.body) || strings.Count(body, "\n") != 1 {
				t.Errorf("/healthz = %d %q, want %d and one line starting %q", code, body, tt.code, tt.body)
			}
		})
	}
}

func TestHealthzStep(t *testing.T) {
	dir := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(dir, "present.txt"), "x")
	path := plan(t, dir,
		"1|Present|requires:\n  - file: present.txt",
		"2|Blocked|requires:\n  - file: missing.txt\n    name: the export exists",
		"3|Unsure|requires:\n  - command: sleep 10\n    timeout: 100ms",
		"4|Done already|requires:\n  - file: missing.txt\ndone:\n  - file: present.txt")
	url, srv := start(t, path, time.Hour)
	waitChecks(t, srv, 1)
	for _, tc := range []struct {
		step string
		code int
		body string
	}{
		{"1", 200, "GO: step 1 (Present) is GO"},
		{"2", 503, "NO-GO: step 2 (Blocked): the export exists: "},
		{"3", 429, "UNKNOWN: step 3 (Unsure): command sleep 10: timed out"},
		// DONE, but its requirement fails: the same answer as --once --step 4.
		{"4", 503, "NO-GO: step 4 (Done already): file missing.txt:"},
		{"9", 404, `no step "9" in ` + path + " (steps: 1, 2, 3, 4)"},
	} {
		code, body := get(t, url+"/healthz?step="+tc.step)
		if code != tc.code || !strings.HasPrefix(body, tc.body) {
			t.Errorf("?step=%s: %d %q, want %d %q", tc.step, code, body, tc.code, tc.body)
		}
	}
	// The whole plan: step 1 is next and GO, no rollback phase.
	if code, body := get(t, url+"/healthz"); code != 200 {
		t.Errorf("/healthz = %d %q, want 200", code, body)
	}
}

// TestNoProbeRunPerRequest: the probe appends a line to a file each time it
// runs; hundreds of requests of every endpoint add none.
func TestNoProbeRunPerRequest(t *testing.T) {
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs.log")
	url, srv := start(t, plan(t, dir, "1|Counted|requires:\n  - command: echo run >> runs.log"), time.Hour)
	waitChecks(t, srv, 1)
	var wg sync.WaitGroup
	for i := range 300 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path := []string{"/healthz", "/healthz?step=1", "/v1/snapshot", "/metrics"}[i%4]
			if code, body := get(t, url+path); code != 200 {
				t.Errorf("%s: %d %s", path, code, body)
			}
		}()
	}
	wg.Wait()
	b, err := os.ReadFile(runs)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(b), "run\n"); n != 1 || srv.Checks() != 1 {
		t.Errorf("the probe ran %d times in %d checks for 300 requests, want once", n, srv.Checks())
	}
}

// TestConcurrentRequestsDuringSlowCheck: while a check is stuck in a probe,
// requests keep getting the last complete answer, at once.
func TestConcurrentRequestsDuringSlowCheck(t *testing.T) {
	dir := t.TempDir()
	release := filepath.Join(dir, "release")
	started := filepath.Join(dir, "started")
	gonogotest.WriteFile(t, release, "")
	probe := "requires:\n  - command: touch started; while [ ! -f release ]; do sleep 0.02; done\n    timeout: 60s"
	url, srv := start(t, plan(t, dir, "1|Slow|"+probe), 10*time.Millisecond)
	waitChecks(t, srv, 1)

	// Hold the next check inside the probe.
	os.Remove(release)
	os.Remove(started)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(started); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow check never started")
		}
	}
	held := srv.Checks()
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if code, body := get(t, url+"/healthz"); code != 200 || !strings.HasPrefix(body, "GO:") {
				t.Errorf("during the slow check: %d %q, want the last answer (200 GO)", code, body)
			}
			if code, body := get(t, url+"/metrics"); code != 200 || !strings.Contains(body, `gonogo_verdict{plan="plan",verdict="GO"} 1`) {
				t.Errorf("/metrics during the slow check: %d", code)
			}
		}()
	}
	wg.Wait()
	if srv.Checks() != held {
		t.Fatalf("a check completed while the probe was held: the requests did not overlap it")
	}
	gonogotest.WriteFile(t, release, "")
	waitChecks(t, srv, held+1)
}

// TestFirstCheckRunning: before the first check ends, /healthz says
// UNKNOWN (429) and /v1/snapshot 503, each with a reason.
func TestFirstCheckRunning(t *testing.T) {
	dir := t.TempDir()
	url, srv := start(t, plan(t, dir, "1|Slow|requires:\n  - command: while [ ! -f release ]; do sleep 0.02; done\n    timeout: 60s"), time.Hour)
	if code, body := get(t, url+"/healthz"); code != 429 || body != "UNKNOWN: the first check is still running\n" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get(t, url+"/v1/snapshot"); code != 503 || !strings.Contains(body, "still running") {
		t.Errorf("/v1/snapshot = %d %q", code, body)
	}
	if code, body := get(t, url+"/metrics"); code != 200 || !strings.Contains(body, `gonogo_verdict{plan="plan",verdict="GO"} 0`) {
		t.Errorf("/metrics = %d, want every verdict series at 0:\n%s", code, body)
	}
	gonogotest.WriteFile(t, filepath.Join(dir, "release"), "")
	waitChecks(t, srv, 1)
}

// TestSnapshotAndMetricsFollowTheSandbox: the answers change when the
// files change, at the next check, and the plan reloads on an edit.
func TestSnapshotAndMetricsFollowTheSandbox(t *testing.T) {
	dir := t.TempDir()
	path := plan(t, dir, "1|Export|requires:\n  - file: export.jsonl")
	url, srv := start(t, path, 20*time.Millisecond)
	waitChecks(t, srv, 1)
	code, body := get(t, url+"/v1/snapshot")
	var s model.Snapshot
	if err := json.Unmarshal([]byte(body), &s); err != nil || code != 200 || s.Verdict != model.GateNoGo {
		t.Fatalf("/v1/snapshot = %d %v %s", code, err, body)
	}
	gonogotest.WriteFile(t, filepath.Join(dir, "export.jsonl"), "{}\n")
	waitFor(t, url+"/healthz", 200, "GO:")
	_, metrics := get(t, url+"/metrics")
	for _, want := range []string{
		`gonogo_verdict{plan="plan",verdict="GO"} 1`,
		`gonogo_step_status{plan="plan",rollback="false",status="GO",step="1"} 1`,
		"gonogo_build_info{",
		"process_cpu_seconds_total",
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// An edit to the plan is picked up without a restart.
	plan(t, dir, "1|Export|requires:\n  - file: export.jsonl", "2|Index|requires:\n  - file: index.bin")
	waitFor(t, url+"/healthz?step=2", 503, "NO-GO: step 2 (Index)")
}

// waitFor polls url until it answers code with a body starting prefix.
func waitFor(t *testing.T, url string, code int, prefix string) {
	t.Helper()
	var got int
	var body string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got, body = get(t, url); got == code && strings.HasPrefix(body, prefix) {
			return
		}
	}
	t.Fatalf("%s never answered %d %q; last %d %q", url, code, prefix, got, body)
}

func TestCheckListen(t *testing.T) {
	for _, tc := range []struct {
		addr   string
		remote bool
		ok     bool
	}{
		{"127.0.0.1:9644", false, true}, {"localhost:9644", false, true}, {"[::1]:9644", false, true},
		{"127.0.0.2:9644", false, true}, {":9644", false, false}, {"0.0.0.0:9644", false, false},
		{"192.0.2.10:9644", false, false}, {"0.0.0.0:9644", true, true}, {"9644", false, false},
	} {
		err := CheckListen(tc.addr, tc.remote)
		if (err == nil) != tc.ok {
			t.Errorf("CheckListen(%q, %v) = %v, want ok %v", tc.addr, tc.remote, err, tc.ok)
		}
	}
}

// TestHealthzIsTerminalSafe: /healthz is read by curl in a terminal; a
// control sequence in a reason (here a file name) comes out as an escape.
func TestHealthzIsTerminalSafe(t *testing.T) {
	dir := t.TempDir()
	url, srv := start(t, plan(t, dir, "1|Only step|requires:\n  - file: \"bad\\e]0;owned\\aname.txt\""), time.Hour)
	waitChecks(t, srv, 1)
	code, body := get(t, url+"/healthz")
	if code != 503 || strings.ContainsAny(body, "\x1b\x07") || !strings.Contains(body, `bad\x1b]0;owned\x07name.txt`) {
		t.Errorf("/healthz = %d %q, want 503 with the file name's control characters as escapes", code, body)
	}
}
