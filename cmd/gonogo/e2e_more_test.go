package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/probes"
)

// Secrets in probe targets, messages and command output never reach any
// output format or the record.
func TestSecretsNeverPrinted(t *testing.T) {
	const secret = "hunter2-Zq9"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pw, ok := r.BasicAuth(); !ok || pw != secret {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable) // a failure, so the message is shown
	}))
	defer srv.Close()
	url := strings.Replace(srv.URL, "http://", "http://advisor:"+secret+"@", 1)
	plan := "# P\n\n## Steps\n\n### 1. Health\n\n```gonogo\nrequires:\n  - http: " + url + "/health\n" +
		"  - command: echo \"connecting to postgresql://advisor:" + secret + "@db/app PGPASSWORD=" + secret + "\"; exit 1\n```\n\n" +
		"```bash\nPGPASSWORD=" + secret + " psql -h db -c 'select 1'\n```\n"
	dir := seedSandbox(t, plan)
	rec := filepath.Join(dir, "audit.jsonl")
	var all strings.Builder
	for _, format := range []string{"text", "json", "markdown"} {
		r := gonogo(t, dir, nil, "--once", "--format", format, "--record", rec, "docs/plan.md")
		if r.code != exitNoGo {
			t.Errorf("%s: exit %d, want 1 (the probes fail); stderr %s", format, r.code, r.stderr)
		}
		all.WriteString(r.stdout + r.stderr)
	}
	r := gonogo(t, dir, nil, "lint", "docs/plan.md")
	all.WriteString(r.stdout + r.stderr)
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	all.Write(b)
	if strings.Contains(all.String(), secret) {
		t.Errorf("the secret appears in gonogo's output:\n%s", all.String())
	}
	// The probe did reach the server with the credentials: 503, not 401.
	s, _ := snapshot(t, dir, "docs/plan.md")
	if p := step(t, s, "1").Probes[0]; p.Status != probes.Fail || !strings.Contains(p.Message, "503") {
		t.Errorf("http probe: %s %q, want fail with 503", p.Status, p.Message)
	}
}

// A plan one may not edit gets its probes from a sidecar file.
func TestSidecarProbes(t *testing.T) {
	plan := "# P\n\n## Rollback\n\n### 23. Restore ChromaDB config\n\nRestore it by hand.\n"
	dir := seedSandbox(t, plan)
	gonogotest.WriteFile(t, filepath.Join(dir, "probes.yaml"), "steps:\n  \"23\":\n    requires:\n      - git: config_chromadb.py\n        state: committed\n")
	s, r := snapshot(t, dir, "--probes", "probes.yaml", "docs/plan.md")
	p := step(t, s, "23").Probes
	if len(p) != 1 || p[0].Source != "sidecar" || p[0].Status != probes.Fail || r.code != exitNoGo {
		t.Errorf("sidecar probe: %+v, exit %d", p, r.code)
	}
	gonogotest.WriteFile(t, filepath.Join(dir, "bad.yaml"), "steps:\n  \"99\":\n    requires:\n      - git: x\n")
	r = gonogo(t, dir, nil, "--once", "--probes", "bad.yaml", "docs/plan.md")
	if r.code != exitUsage || !strings.Contains(r.stderr, "bad.yaml") {
		t.Errorf("sidecar naming no step: exit %d, stderr %q", r.code, r.stderr)
	}
}

// --root moves where relative probe paths resolve.
func TestRoot(t *testing.T) {
	plan := "# P\n\n## Steps\n\n### 1. Look\n\n```gonogo\nrequires:\n  - file: marker.txt\n```\n"
	dir := seedSandbox(t, plan)
	other := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(other, "marker.txt"), "x\n")
	if _, r := snapshot(t, dir, "docs/plan.md"); r.code != exitNoGo {
		t.Errorf("without --root: exit %d, want 1 (marker.txt is not in the repository)", r.code)
	}
	s, r := snapshot(t, dir, "--root", other, "docs/plan.md")
	if r.code != exitGo || s.Root != other {
		t.Errorf("--root %s: exit %d, root %q", other, r.code, s.Root)
	}
}

// tmux drives the real binary on a real (pseudo) terminal.
type tmux struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T) *tmux {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		gonogotest.Need(t, "tmux is not installed (apt-get install tmux; .ci/run installs it)")
	}
	tm := &tmux{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	t.Cleanup(func() { exec.Command("tmux", "-S", tm.socket, "kill-server").Run() })
	return tm
}

func (tm *tmux) run(args ...string) string {
	tm.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", tm.socket}, args...)...).CombinedOutput()
	if err != nil {
		tm.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// waitFor polls the pane until it shows want, or fails after 30s.
func (tm *tmux) waitFor(want string) string {
	tm.t.Helper()
	var screen string
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		screen = tm.run("capture-pane", "-p", "-t", "g")
		if strings.Contains(screen, want) {
			return screen
		}
	}
	tm.t.Fatalf("the pane never showed %q; last screen:\n%s", want, screen)
	return ""
}

func TestBoardOpensAndQuits(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	tm := newTmux(t)
	tm.run("new-session", "-d", "-s", "g", "-x", "140", "-y", "40", "-c", dir,
		fmt.Sprintf("%s docs/plan.md; echo gonogo-exit=$?; sleep 60", binary))
	screen := tm.waitFor("Restore ChromaDB config")
	if !strings.Contains(screen, "NO-GO") {
		t.Errorf("the board does not say NO-GO:\n%s", screen)
	}
	tm.run("send-keys", "-t", "g", "q")
	tm.waitFor("gonogo-exit=0")
}

func TestDemoBoardRemovesSandbox(t *testing.T) {
	for _, quit := range []string{"q", "C-c"} {
		t.Run(quit, func(t *testing.T) {
			tm := newTmux(t)
			tmp := t.TempDir()
			tm.run("new-session", "-d", "-s", "g", "-x", "140", "-y", "40", "-e", "TMPDIR="+tmp,
				fmt.Sprintf("%s demo; echo gonogo-exit=$?; sleep 60", binary))
			screen := tm.waitFor("Press Enter")
			m := sandboxLine.FindStringSubmatch(screen)
			if m == nil {
				t.Fatalf("no sandbox line:\n%s", screen)
			}
			if _, err := os.Stat(m[1]); err != nil {
				t.Fatalf("sandbox %s: %v", m[1], err)
			}
			tm.run("send-keys", "-t", "g", "Enter")
			tm.waitFor("Restore ChromaDB config")
			tm.run("send-keys", "-t", "g", quit)
			tm.waitFor("gonogo-exit=")
			if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
				t.Errorf("after %s the sandbox %s is still there (%v)", quit, m[1], err)
			}
		})
	}
}

// A snapshot's steps line up with what the parser read; used by the
// benchmark's generated plan too.
func TestGeneratedPlan(t *testing.T) {
	dir := seedSandbox(t, generatedPlan(50))
	s, r := snapshot(t, dir, "docs/plan.md")
	if len(s.Steps) != 50 || r.code != exitNoGo || s.Rollback != model.GateNoGo {
		t.Errorf("generated plan: %d steps, exit %d, rollback %s", len(s.Steps), r.code, s.Rollback)
	}
}

// --no-infer keeps only explicit and sidecar probes, and no findings.
func TestNoInfer(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	count := func(s *model.Snapshot) (inferred int) {
		for _, v := range s.Steps {
			for _, p := range v.Probes {
				if p.Source == "inferred" {
					inferred++
				}
			}
		}
		return inferred
	}
	s, _ := snapshot(t, dir, "docs/plan.md")
	if count(s) == 0 {
		t.Fatal("the seed plan's shell blocks yield no inferred probe: nothing to turn off")
	}
	s, _ = snapshot(t, dir, "--no-infer", "docs/plan.md")
	if n := count(s); n != 0 || len(s.Findings) != 0 {
		t.Errorf("--no-infer: %d inferred probes, findings %v", n, s.Findings)
	}
	if step(t, s, "23").Status != model.StepNoGo {
		t.Errorf("--no-infer: the explicit probe of step 23 is gone")
	}
}
