package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	pmodel "github.com/prometheus/common/model"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// child is a running gonogo binary whose stderr is collected as it comes.
type child struct {
	t    *testing.T
	cmd  *exec.Cmd
	mu   sync.Mutex
	errb bytes.Buffer
	out  bytes.Buffer
	done chan struct{}
	err  error
}

// startGonogo starts the built binary in dir; the test's end kills it if
// it is still running.
func startGonogo(t *testing.T, dir string, args ...string) *child {
	t.Helper()
	return startProcess(t, dir, binary, append(os.Environ(), "NO_COLOR=1"), args...)
}

// startProcess starts prog in dir with env, collecting its output; the
// test's end kills it if it is still running.
func startProcess(t *testing.T, dir, prog string, env []string, args ...string) *child {
	t.Helper()
	c := &child{t: t, cmd: exec.Command(prog, args...), done: make(chan struct{})}
	c.cmd.Dir = dir
	c.cmd.Env = env
	c.cmd.Stdout = &lockedWriter{mu: &c.mu, w: &c.out}
	c.cmd.Stderr = &lockedWriter{mu: &c.mu, w: &c.errb}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { c.err = c.cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (c *child) stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.errb.String()
}

func (c *child) stdout() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// waitStderr waits until stderr matches re and returns the first match's
// groups.
func (c *child) waitStderr(re *regexp.Regexp) []string {
	c.t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := re.FindStringSubmatch(c.stderr()); m != nil {
			return m
		}
		select {
		case <-c.done:
			c.t.Fatalf("gonogo exited (%v) before its stderr matched %s:\n%s", c.err, re, c.stderr())
		default:
		}
	}
	c.t.Fatalf("stderr never matched %s:\n%s", re, c.stderr())
	return nil
}

// exit waits for the process and returns its exit code.
func (c *child) exit() int {
	c.t.Helper()
	select {
	case <-c.done:
	case <-time.After(60 * time.Second):
		c.t.Fatalf("gonogo did not exit within 60s; stderr:\n%s", c.stderr())
	}
	var ee *exec.ExitError
	if errors.As(c.err, &ee) {
		return ee.ExitCode()
	}
	if c.err != nil {
		c.t.Fatal(c.err)
	}
	return 0
}

var serveAddrRE = regexp.MustCompile(`gonogo serve: http://(127\.0\.0\.1:[0-9]+)/healthz`)

// serveSandbox starts gonogo serve on a free loopback port for plan in
// dir and returns the child and its base URL.
func serveSandbox(t *testing.T, dir string, args ...string) (*child, string) {
	t.Helper()
	c := startGonogo(t, dir, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...)...)
	return c, "http://" + c.waitStderr(serveAddrRE)[1]
}

func httpGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// pollHTTP polls url until it answers code.
func pollHTTP(t *testing.T, url string, code int) string {
	t.Helper()
	var got int
	var body string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if got, body = httpGet(t, url); got == code {
			return body
		}
	}
	t.Fatalf("%s never answered %d; last %d %q", url, code, got, body)
	return ""
}

// TestServeSeedCase: the seed's sandbox over HTTP, from NO-GO to GO when
// config_chromadb.py is committed, then a graceful SIGTERM.
func TestServeSeedCase(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	c, url := serveSandbox(t, dir, "--interval", "100ms", "docs/plan.md")
	body := pollHTTP(t, url+"/healthz", 503)
	if !strings.HasPrefix(body, "NO-GO: rollback step 23 (Restore ChromaDB config) cannot run") {
		t.Errorf("/healthz body %q", body)
	}
	if code, body := httpGet(t, url+"/healthz?step=23"); code != 503 || !strings.Contains(body, "config_chromadb.py") {
		t.Errorf("?step=23: %d %q", code, body)
	}
	if code, _ := httpGet(t, url+"/healthz?step=1"); code != 200 {
		t.Errorf("?step=1: %d, want 200", code)
	}
	code, js := httpGet(t, url+"/v1/snapshot")
	var s model.Snapshot
	if err := json.Unmarshal([]byte(js), &s); err != nil || code != 200 || s.Verdict != model.GateNoGo || s.Plan != "docs/plan.md" {
		t.Errorf("/v1/snapshot: %d %v verdict %s", code, err, s.Verdict)
	}

	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "track config_chromadb.py")
	pollHTTP(t, url+"/healthz", 200)

	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Drained, then the exit every gonogo command gives on SIGTERM.
	if code := c.exit(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("after SIGTERM: exit %d, want 143\n%s", code, c.stderr())
	}
	for _, want := range []string{"first check: NO-GO", "verdict NO-GO → GO", "stopping: draining requests"} {
		if !strings.Contains(c.stderr(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, c.stderr())
		}
	}
	if _, err := http.Get(url + "/healthz"); err == nil {
		t.Error("the port still answers after gonogo serve exited")
	}
}

func TestServeUsage(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--listen", "0.0.0.0:0", "docs/plan.md"}, "would answer on every interface"},
		{[]string{"serve", "--listen", ":9644", "docs/plan.md"}, "--allow-remote"},
		{[]string{"serve", "--listen", "nonsense", "docs/plan.md"}, "expected host:port"},
		{[]string{"serve", "docs/missing.md"}, "missing.md"},
		{[]string{"--wait", "1m", "docs/plan.md"}, "--wait goes with --once"},
		{[]string{"--once", "--fail-fast", "docs/plan.md"}, "--fail-fast goes with --wait"},
		{[]string{"--textfile", dir, "docs/plan.md"}, "--textfile goes with --once"},
		{[]string{"--once", "--textfile", filepath.Join(dir, "nope"), "docs/plan.md"}, "--textfile " + filepath.Join(dir, "nope")},
		{[]string{"lint", "--format", "prometheus", "docs/plan.md"}, "lint writes github, json, junit or text"},
	} {
		r := gonogo(t, dir, nil, tc.args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("gonogo %v: exit %d, stderr %q; want 2 and %q", tc.args, r.code, r.stderr, tc.want)
		}
	}
	// A port already taken is a clear error, not a hang.
	c, url := serveSandbox(t, dir, "docs/plan.md")
	r := gonogo(t, dir, nil, "serve", "--listen", strings.TrimPrefix(url, "http://"), "docs/plan.md")
	if r.code != exitUsage || !strings.Contains(r.stderr, "address already in use") {
		t.Errorf("second serve on the same port: exit %d %q", r.code, r.stderr)
	}
	c.cmd.Process.Signal(syscall.SIGINT)
	if code := c.exit(); code != 128+int(syscall.SIGINT) {
		t.Errorf("after SIGINT: exit %d, want 130", code)
	}
}

// TestWaitForAFile: --wait re-checks until a file that appears later is
// there; progress goes to stderr and stdout stays one JSON document.
func TestWaitForAFile(t *testing.T) {
	dir := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(dir, "plan.md"), "# Wait\n\n## Steps\n\n### 1. Load the export\n\n```gonogo\nrequires:\n  - file: export.jsonl\n```\n")
	c := startGonogo(t, dir, "--once", "--wait", "2m", "--interval", "50ms", "--format", "json", "plan.md")
	c.waitStderr(regexp.MustCompile(`gonogo: waiting \(0s of 2m0s\): NO-GO: step 1 \(Load the export\) cannot run: file export.jsonl`))
	gonogotest.WriteFile(t, filepath.Join(dir, "export.jsonl"), "{}\n")
	if code := c.exit(); code != exitGo {
		t.Fatalf("exit %d, want 0 once the file appeared\n%s", code, c.stderr())
	}
	var s model.Snapshot
	if err := json.Unmarshal([]byte(c.stdout()), &s); err != nil || s.Verdict != model.GateGo {
		t.Errorf("stdout should be one JSON snapshot, GO: %v\n%s", err, c.stdout())
	}
	if !regexp.MustCompile(`(?m)^gonogo: GO after `).MatchString(c.stderr()) {
		t.Errorf("stderr does not say it became GO:\n%s", c.stderr())
	}
	if n := strings.Count(c.stderr(), "gonogo: waiting"); n != 1 {
		t.Errorf("%d progress lines for one unchanged answer, want 1:\n%s", n, c.stderr())
	}
}

func TestWaitDeadlineAndFailFast(t *testing.T) {
	dir := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(dir, "plan.md"), "# Wait\n\n## Steps\n\n### 1. Load the export\n\n```gonogo\nrequires:\n  - file: export.jsonl\n    name: the export is there\n```\n")
	r := gonogo(t, dir, nil, "--once", "--wait", "300ms", "--interval", "100ms", "plan.md")
	if r.code != exitNoGo || !strings.Contains(r.stderr, "waited 300ms and it is still NO-GO; what never held:\ngonogo:   step 1 (Load the export) cannot run: the export is there:") {
		t.Errorf("deadline: exit %d\nstderr: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "NO-GO") || strings.Contains(r.stdout, "gonogo: waiting") {
		t.Errorf("stdout should be the last answer only:\n%s", r.stdout)
	}

	// A plan with an error finding: waiting cannot fix the plan.
	seed := seedSandbox(t, brokenRollbackPlan)
	r = gonogo(t, seed, nil, "--once", "--wait", "1h", "--fail-fast", "--interval", "10ms", "docs/plan.md")
	if r.code != exitNoGo || !strings.Contains(r.stderr, "--fail-fast: stopped waiting: the plan has 1 error finding") {
		t.Errorf("fail-fast on a lint error: exit %d\n%s", r.code, r.stderr)
	}
}

// TestTextfile: --textfile writes the gauges for node_exporter, atomically
// (no temporary file left behind), and they parse.
func TestTextfile(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	tf := t.TempDir()
	r := gonogo(t, dir, nil, "--once", "--textfile", tf, "docs/plan.md")
	if r.code != exitNoGo {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	ents, _ := os.ReadDir(tf)
	if len(ents) != 1 || ents[0].Name() != "gonogo_plan.prom" {
		t.Fatalf("textfile folder holds %v, want only gonogo_plan.prom", ents)
	}
	b, _ := os.ReadFile(filepath.Join(tf, "gonogo_plan.prom"))
	parser := expfmt.NewTextParser(pmodel.UTF8Validation)
	mfs, err := parser.TextToMetricFamilies(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not the text format: %v\n%s", err, b)
	}
	found := false
	for _, m := range mfs["gonogo_verdict"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "verdict" && l.GetValue() == "NO-GO" && m.GetGauge().GetValue() == 1 {
				found = true
			}
		}
	}
	if !found {
		t.Errorf("no gonogo_verdict{verdict=\"NO-GO\"} 1 in:\n%s", b)
	}
}

// brokenRollbackPlan's rollback step copies a backup that no step makes:
// an error finding.
const brokenRollbackPlan = "# P\n\n## Steps\n\n### 1. Load\n\n```gonogo\nrequires:\n  - file: app.py\n```\n\n" +
	"## Rollback\n\n### 2. Restore the config\n\n```bash\ncp /backup/gonogo-never-made.py config.py\n```\n"

// TestCIFormatsFromTheCommandLine: the formats through the binary, for
// --once and lint, with the verdict's exit codes.
func TestCIFormatsFromTheCommandLine(t *testing.T) {
	dir := seedSandbox(t, brokenRollbackPlan)
	for _, tc := range []struct {
		args   []string
		code   int
		prefix string
	}{
		{[]string{"--once", "--format", "junit", "docs/plan.md"}, exitNoGo, "<?xml"},
		{[]string{"--once", "--format", "github", "docs/plan.md"}, exitNoGo, "::error file=docs/plan.md,line="},
		{[]string{"--once", "--format", "prometheus", "docs/plan.md"}, exitNoGo, "# HELP gonogo_"},
		{[]string{"lint", "--format", "junit", "docs/plan.md"}, exitNoGo, "<?xml"},
		{[]string{"lint", "--format", "github", "docs/plan.md"}, exitNoGo, "::error file=docs/plan.md,line="},
		{[]string{"lint", "--format", "json", "docs/plan.md"}, exitNoGo, "{"},
	} {
		r := gonogo(t, dir, nil, tc.args...)
		if r.code != tc.code || !strings.HasPrefix(r.stdout, tc.prefix) {
			t.Errorf("gonogo %v: exit %d, stdout starts %q; want %d and %q\n%s", tc.args, r.code, firstLine(r.stdout), tc.code, tc.prefix, r.stderr)
		}
	}
}

func firstLine(s string) string {
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Scan()
	return sc.Text()
}
