package probes

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func processSpec(re string, running bool, min int) *spec.Probe {
	return &spec.Probe{Kind: spec.KindProcess, Target: re, Params: &spec.ProcessParams{Pattern: regexp.MustCompile(re), Running: running, MinCount: min}}
}

// startSleeps starts n `sleep arg` processes and stops them when the test
// ends.
func startSleeps(t *testing.T, bin string, n int, arg string) []*exec.Cmd {
	t.Helper()
	var cmds []*exec.Cmd
	for i := 0; i < n; i++ {
		c := exec.Command(bin, arg)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		cmds = append(cmds, c)
		t.Cleanup(func() { c.Process.Kill(); c.Wait() })
	}
	return cmds
}

func TestProcess(t *testing.T) {
	arg := uniqueSleep(10)
	cmds := startSleeps(t, "sleep", 3, arg)
	// A copy of sleep under a unique short name, to match by name (comm).
	name := fmt.Sprintf("gng%d", os.Getpid()%1000000)
	bin := filepath.Join(t.TempDir(), name)
	b, err := os.ReadFile("/usr/bin/sleep")
	if err != nil {
		t.Skip("no /usr/bin/sleep")
	}
	if err := os.WriteFile(bin, b, 0o755); err != nil {
		t.Fatal(err)
	}
	startSleeps(t, bin, 1, "600")

	byArgs := `sleep ` + regexp.QuoteMeta(arg)
	tests := []struct {
		name string
		sp   *spec.Probe
		want Status
		msg  []string
	}{
		{"running by cmdline", processSpec(byArgs, true, 0), OK, []string{"3 processes matching"}},
		{"min count met", processSpec(byArgs, true, 3), OK, []string{fmt.Sprintf("pid %d", cmds[0].Process.Pid)}},
		{"min count short", processSpec(byArgs, true, 4), Fail, []string{"only 3 processes matching", "expected at least 4"}},
		{"must be absent", processSpec(byArgs, false, 0), Fail, []string{"still running", "stop it before this step"}},
		{"by name", processSpec("^"+name+"$", true, 1), OK, []string{"1 process matching"}},
		{"none", processSpec(`no-such-daemon-\d{9}`, true, 0), Fail, []string{"no process matches", "start it"}},
		{"absent as required", processSpec(`no-such-daemon-\d{9}`, false, 0), OK, []string{"no process matches"}},
	}
	r := NewRunner(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runWith(t, r, tt.sp), tt.want, tt.msg...)
		})
	}

	// A killed but not yet reaped process (a zombie) is not running.
	cmds[0].Process.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for len(pidsWithArg(t, arg)) != 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	wantStatus(t, runWith(t, r, processSpec(byArgs, true, 0)), OK, "2 processes matching")
}
