package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testGoss is the peer for the tests: $GOSS or goss on $PATH, or nil, in
// which case the tests check gonogo against the planted outcomes alone.
func testGoss(t *testing.T) *peer {
	t.Helper()
	p, note := findGoss(context.Background(), os.Getenv("GOSS"))
	if p == nil {
		t.Logf("no goss: checking gonogo alone (%s)", strings.SplitN(note, "\n", 2)[0])
	}
	return p
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// gonogoBin builds the gonogo binary of this repository once for the
// package's tests.
func gonogoBin(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		ctx := context.Background()
		repo, err := moduleRoot(ctx)
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "gonogo-bench-test-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "gonogo")
		buildErr = buildGonogo(ctx, repo, builtBin)
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
}

// TestQuickRun runs the whole harness in -quick mode against the real
// binary (and goss when there is one) and checks that the table has a row
// for every case, each measured and held to its goal.
func TestQuickRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gonogo and generates repositories")
	}
	needGit(t)
	args := []string{"-quick", "-n", "1", "-idle", "3s", "-markdown", "-work", t.TempDir()}
	want := []string{"checks-34", "checks-102", "git-paths-2k", "git-paths-4k", "git-clean-2k", "git-clean-4k",
		"once-100", "once-1k", "lint-100", "lint-1k", "idle-1k"}
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Logf("no tmux: the idle case is left out")
		args = append(args, "-cases", "checks,git,once,lint")
		want = want[:len(want)-1]
	}
	goss := testGoss(t)
	if goss != nil {
		args = append(args, "-goss", goss.path)
	} else {
		args = append(args, "-goss", filepath.Join(t.TempDir(), "no-goss-here"))
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(stdout.String(), "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(line[2:], " |"), " | ")
		if len(cells) != len(header) {
			t.Fatalf("row with %d cells, header has %d: %q", len(cells), len(header), line)
		}
		rows[cells[0]] = cells
	}
	for _, name := range want {
		c, ok := rows[name]
		if !ok {
			t.Errorf("no row %s in\n%s", name, &stdout)
			continue
		}
		if c[1] != "1" || !strings.HasSuffix(c[2], "ms") && !strings.HasSuffix(c[2], " s") || !strings.HasSuffix(c[4], "MiB") {
			t.Errorf("%s: not measured: %q", name, c)
		}
		met := c[13]
		switch {
		case strings.HasPrefix(name, "checks-") && goss == nil:
			if c[5] != "goss absent" || met != "n/a: no peer" {
				t.Errorf("%s without goss: peer %q, met %q", name, c[5], met)
			}
		case name == "once-100" || name == "lint-100":
			if c[12] != "" {
				t.Errorf("%s is the first plan: no goal expected, got %q", name, c[12])
			}
		default:
			if c[12] == "" || (met != "met" && !strings.HasPrefix(met, "NOT MET (")) {
				t.Errorf("%s: goal %q, met %q", name, c[12], met)
			}
		}
		if name == "idle-1k" && (c[12] != "≤0.3 s CPU/min" || !strings.Contains(c[14], " s CPU/min (")) {
			t.Errorf("idle-1k: goal %q, note %q: want the CPU per minute", c[12], c[14])
		}
		if strings.HasPrefix(name, "checks-") && !strings.Contains(c[14], "planted failures") {
			t.Errorf("%s: the note does not report the planted failures: %q", name, c[14])
		}
	}
	if len(rows) != len(want)+1 { // and the header
		t.Errorf("%d rows, want %d:\n%s", len(rows)-1, len(want), &stdout)
	}
	if goss != nil && !strings.Contains(stdout.String(), "peer: "+goss.name) {
		t.Errorf("the goss version is not printed:\n%s", &stdout)
	}
}

// TestAgreementDetectsDisagreement writes a suite in which gonogo's probe
// for one file asks for another mode than goss's resource and the planted
// file have: the comparison must then be declared void, naming that check
// and gonogo, while the same suite without the skew agrees.
func TestAgreementDetectsDisagreement(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gonogo")
	}
	bin, goss := gonogoBin(t), testGoss(t)
	ctx := context.Background()

	s, err := newSuite(ctx, t.TempDir(), suiteOptions{scale: 1})
	if err != nil {
		t.Fatal(err)
	}
	err = s.verify(ctx, bin, goss)
	s.Close()
	if err != nil {
		t.Fatalf("the unskewed suite should agree: %v", err)
	}

	const skewed = "c0003" // the third file: present, mode 0644
	s, err = newSuite(ctx, t.TempDir(), suiteOptions{scale: 1, skew: skewed})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.verify(ctx, bin, goss)
	if !isDisagreement(err) {
		t.Fatalf("verify = %v, want a disagreement", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, skewed+" (file): gonogo says fails, planted holds") {
		t.Errorf("the disagreement does not name gonogo on %s:\n%s", skewed, msg)
	}
	if strings.Count(msg, "\n  c") != 1 || strings.Contains(msg, "goss says") {
		t.Errorf("expected exactly one difference, on gonogo's side:\n%s", msg)
	}
}

// TestAgree covers the comparison itself: a check a tool misses, one it
// reports in excess, and a verdict against the planted one.
func TestAgree(t *testing.T) {
	checks := []check{{id: "c0001", kind: "file", want: true}, {id: "c0002", kind: "http", want: false}}
	for _, tc := range []struct {
		name  string
		tools map[string]outcomes
		want  []string
	}{
		{"same", map[string]outcomes{
			"gonogo": {"c0001": true, "c0002": false},
			"goss":   {"c0001": true, "c0002": false},
		}, nil},
		{"flipped", map[string]outcomes{
			"gonogo": {"c0001": true, "c0002": true},
			"goss":   {"c0001": true, "c0002": false},
		}, []string{"c0002 (http): gonogo says holds, planted fails"}},
		{"missing and extra", map[string]outcomes{
			"gonogo": {"c0001": true, "c0002": false},
			"goss":   {"c0001": true, "c9999": false},
		}, []string{"c0002 (http): goss did not report it", "c9999: goss reported a check the suite does not have"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := agree(checks, tc.tools)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("agree = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestGossOutcomes reads goss's JSON shape: a resource fails when any
// property fails; skipped properties (after a failed exists) do not pass
// it.
func TestGossOutcomes(t *testing.T) {
	out := []byte(`{"results":[
	 {"resource-id":"c0001","property":"exists","successful":false,"skipped":false},
	 {"resource-id":"c0001","property":"mode","successful":true,"skipped":true},
	 {"resource-id":"c0002","property":"exists","successful":true},
	 {"resource-id":"c0002","property":"mode","successful":true},
	 {"resource-id":"c0003: gnbproc002","property":"running","successful":true}]}`)
	got, err := gossOutcomes(out)
	if err != nil {
		t.Fatal(err)
	}
	want := outcomes{"c0001": false, "c0002": true, "c0003": true}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
}

func TestFindGossMissing(t *testing.T) {
	p, note := findGoss(context.Background(), filepath.Join(t.TempDir(), "goss"))
	if p != nil || !strings.Contains(note, "go build") || !strings.Contains(note, "-goss") {
		t.Errorf("findGoss of a missing file = %v, %q: want nil and how to get one", p, note)
	}
}

func TestVersionAtLeast(t *testing.T) {
	for v, want := range map[string]bool{"v0.4.10": true, "v0.4.9": false, "v0.5.0": true, "v1.0.0-rc1": true, "v0.3.23": false, "dev": false} {
		if got := versionAtLeast(v, 0, 4, 10); got != want {
			t.Errorf("versionAtLeast(%s) = %v, want %v", v, got, want)
		}
	}
}

// TestIdleRow runs the idle case for a short window: the board starts in
// a tmux pane, shows its first check, and the row carries the window, the
// CPU per minute against the goal, and the board's memory; the pane is
// gone afterwards.
func TestIdleRow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds gonogo and runs the board")
	}
	needGit(t)
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed")
	}
	bin := gonogoBin(t)
	c := &config{work: t.TempDir(), idle: 2 * time.Second}
	var progressed []string
	r, err := idleRow(context.Background(), c, bin, func(name string) { progressed = append(progressed, name) })
	if err != nil {
		t.Fatal(err)
	}
	if r.name != "idle-1k" || r.goal != idleGoal || len(progressed) != 1 {
		t.Errorf("row %q, goal %v, progress %q", r.name, r.goal, progressed)
	}
	if r.a.wall < c.idle || r.a.cpu < 0 || r.a.rss < 1<<20 {
		t.Errorf("not measured: window %s, CPU %s, RSS %d", r.a.wall, r.a.cpu, r.a.rss)
	}
	if !strings.Contains(r.note, " s CPU/min (") || !strings.Contains(r.note, "peak RSS") {
		t.Errorf("note %q", r.note)
	}
	if m := r.met(); m != "met" && !strings.HasPrefix(m, "NOT MET (") {
		t.Errorf("met = %q", m)
	}
	// The tmux server, and the board in it, were stopped.
	sock := filepath.Join(c.work, "idle-tmux.sock")
	if err := exec.Command("tmux", "-S", sock, "has-session").Run(); err == nil {
		t.Error("the tmux session is still there")
	}
}

// TestProcCPU reads /proc/PID/stat of a process whose name holds a space
// and a parenthesis (the fields are counted after the last one), and of
// this process after it spent CPU.
func TestProcCPU(t *testing.T) {
	sleepBin, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep(1)")
	}
	odd := filepath.Join(t.TempDir(), "a) b")
	body, err := os.ReadFile(sleepBin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(odd, body, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(odd, "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Kill()
	if _, err := procCPU(cmd.Process.Pid); err != nil {
		t.Errorf("procCPU of %q: %v", odd, err)
	}
	if _, _, err := procRSS(cmd.Process.Pid); err != nil {
		t.Errorf("procRSS of %q: %v", odd, err)
	}

	before, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	x := 0
	for i := 0; i < 200_000_000; i++ { // some CPU time, a few clock ticks' worth
		x += i % 7
	}
	after, err := procCPU(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if after <= before {
		t.Errorf("CPU time %s then %s after spinning (x=%d)", before, after, x)
	}
}
