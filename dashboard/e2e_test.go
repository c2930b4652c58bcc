package dashboard

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// sandboxPlan requires config_chromadb.py committed before step 8a, the
// seed case in small.
const sandboxPlan = "# Sandbox migration\n\n## Pre-deploy checklist\n\n" +
	"### 8a. Track the rollback config\n\n" +
	"```gonogo\nrequires:\n  - git: config_chromadb.py\n    state: committed\n```\n\n" +
	"### 9. Announce the window\n\nTell the team in the channel.\n"

// TestTmuxEndToEnd runs the real binary in a tmux pane, inside an
// interactive shell, on a sandbox repository: the first screen is NO-GO
// with the step IDs; committing the file flips the step to GO with no key
// pressed; q gives the shell prompt back with no stray escape sequences.
// CI (CI=true) installs tmux; there a missing tmux fails the test.
func TestTmuxEndToEnd(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		gonogotest.Need(t, "tmux is not installed (apt-get install tmux; .ci/run installs it)")
	}
	if testing.Short() && !gonogotest.InCI() {
		t.Skip("-short: the tmux end-to-end test builds the binary")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("git is needed for the sandbox repository: %v", err)
	}
	bin := buildGonogo(t)
	for _, term := range []string{"tmux-256color", "screen-256color"} {
		t.Run(term, func(t *testing.T) { tmuxRun(t, bin, term) })
	}
}

// buildGonogo builds cmd/gonogo into a temporary folder.
func buildGonogo(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "gonogo")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/gonogo")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/gonogo: %v\n%s", err, out)
	}
	return bin
}

// gitEnv gives the sandbox's commits an identity whatever the machine has.
var gitEnv = []string{"GIT_AUTHOR_NAME=gonogo-test", "GIT_AUTHOR_EMAIL=test@gonogo.invalid",
	"GIT_COMMITTER_NAME=gonogo-test", "GIT_COMMITTER_EMAIL=test@gonogo.invalid"}

// tmux runs tmux on the test's own server socket, in the test's temporary
// folder so that nothing is left behind.
type tmux struct {
	t      *testing.T
	socket string
}

func (x tmux) run(args ...string) string {
	x.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", x.socket}, args...)...).CombinedOutput()
	if err != nil {
		x.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func (x tmux) capture() string { return x.run("capture-pane", "-p", "-t", "e2e") }

// waitFor polls the pane until ok says yes. The bound only stops a broken
// test; nothing is asserted about how long it took.
func (x tmux) waitFor(what string, ok func(screen string) bool) string {
	x.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := x.capture()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			x.t.Fatalf("%s never showed in the pane:\n%s", what, s)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var (
	stepGo   = regexp.MustCompile(`● GO\s+8a\b`)
	stepNoGo = regexp.MustCompile(`✗ NO-GO\s+8a\b`)
	// Escape sequences a terminal failed to interpret, or a pane left in
	// the board's modes, show up as text like "^[[?1049l", "[?25h", "\x1b".
	stray = regexp.MustCompile(`\x1b|\^\[|\[\?\d+[hl]|\[\d+(;\d+)*m`)
)

func tmuxRun(t *testing.T, bin, term string) {
	sandbox := t.TempDir()
	gonogotest.Git(t, sandbox, "init", "-q")
	if err := os.WriteFile(filepath.Join(sandbox, "README.md"), []byte("app\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	gonogotest.Git(t, sandbox, "add", "README.md")
	gonogotest.Git(t, sandbox, "commit", "-q", "-m", "init")
	if err := os.WriteFile(filepath.Join(sandbox, "config_chromadb.py"), []byte("CHROMA = True\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sandbox, "plan.md"), []byte(sandboxPlan), 0o644); err != nil {
		t.Fatal(err)
	}

	x := tmux{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	shell := "sh"
	if _, err := exec.LookPath("bash"); err == nil {
		shell = "bash --norc --noprofile"
	}
	x.run("-f", "/dev/null", "new-session", "-d", "-s", "e2e", "-x", "100", "-y", "30",
		"-e", "TERM="+term, "-e", "PS1=e2e$ ", "-c", sandbox, "env PS1='e2e$ ' "+shell+" -i")
	t.Cleanup(func() { exec.Command("tmux", "-S", x.socket, "kill-server").Run() })
	x.waitFor("the shell prompt", func(s string) bool { return strings.Contains(s, "e2e$") })
	x.run("send-keys", "-t", "e2e", bin+" --interval 1s plan.md; echo \"exit=$?\"", "Enter")

	first := x.waitFor("NO-GO for step 8a", func(s string) bool { return stepNoGo.MatchString(s) })
	for _, want := range []string{"NO-GO", "8a", "9", "Track the rollback config", "config_chromadb.py"} {
		if !strings.Contains(first, want) {
			t.Errorf("first screen lacks %q:\n%s", want, first)
		}
	}

	// Commit the file in the sandbox; press nothing.
	gonogotest.Git(t, sandbox, "add", "config_chromadb.py")
	gonogotest.Git(t, sandbox, "commit", "-q", "-m", "track config_chromadb.py for rollback")
	after := x.waitFor("step 8a GO", func(s string) bool { return stepGo.MatchString(s) })
	if !strings.Contains(after, "✓ GO") {
		t.Errorf("verdict did not turn GO:\n%s", after)
	}

	t.Logf("after commit:\n%s", after)
	x.run("send-keys", "-t", "e2e", "q")
	end := x.waitFor("the shell prompt after q", func(s string) bool {
		return strings.Contains(s, "exit=0") && strings.HasSuffix(strings.TrimRight(s, "\n "), "e2e$")
	})
	if strings.Contains(end, "NO-GO") || strings.Contains(end, "verdict") {
		t.Errorf("the board is still on the screen after q:\n%s", end)
	}
	if m := stray.FindString(end); m != "" {
		t.Errorf("stray escape sequence %q after q:\n%s", m, end)
	}
	// The terminal modes the board set are all undone.
	for flag, want := range map[string]string{
		"alternate_on":   "0", // back from the alternate screen
		"cursor_flag":    "1", // cursor visible
		"mouse_any_flag": "0", // no mouse reporting
		"insert_flag":    "0",
	} {
		if got := strings.TrimSpace(x.run("display-message", "-p", "-t", "e2e", "#{"+flag+"}")); got != want {
			t.Errorf("after q the pane has %s=%s, want %s", flag, got, want)
		}
	}
	t.Logf("after q:\n%s", end)
	// The shell takes input again: the terminal is back in cooked mode.
	x.run("send-keys", "-t", "e2e", "echo back-$((40+2))", "Enter")
	x.waitFor("the shell answering", func(s string) bool { return strings.Contains(s, "back-42") })
}
