package probes

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
)

// helperEnv is the environment variable that marks every process a probe
// starts, and everything those processes start in turn: its value is
// unique to one helper, so what a helper leaves behind — also a daemon
// that left the helper's session with setsid or a double fork — can be
// told apart from everything else and ended with it (see sweep).
const helperEnv = "GONOGO_PROBE_RUN"

// helperSeq numbers helpers within this process.
var helperSeq atomic.Uint64

// live are the helpers started and not yet ended, for EndHelpers.
var live struct {
	sync.Mutex
	m map[*helper]bool
}

// helper is a program a probe runs: the command probe's shell, systemctl.
type helper struct {
	cmd   *exec.Cmd
	token string // helperEnv's value for this helper
}

// newHelper prepares cmd to run as a probe's helper process:
//
//   - stdin is /dev/null (exec's default) and it has no controlling
//     terminal — a session of its own — so a program that would prompt on
//     /dev/tty (ssh's host-key question, psql's password) fails at once
//     instead of writing over the board or after gonogo has exited;
//   - its session is also its process group, killed whole when ctx ends;
//   - its environment (env, or ours when env is nil) carries helperEnv, so
//     end finds whatever it left behind, in any session.
//
// Where the system allows it (Linux), gonogo becomes a child subreaper
// first: what a helper's children leave running when they exit is then
// re-parented to gonogo rather than to init, where end can reach it.
func newHelper(cmd *exec.Cmd, env []string) *helper {
	enableSubreaper()
	h := &helper{cmd: cmd, token: fmt.Sprintf("%d.%d", os.Getpid(), helperSeq.Add(1))}
	if env == nil {
		env = os.Environ()
	}
	cmd.Env = append(env, helperEnv+"="+h.token)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	live.Lock()
	if live.m == nil {
		live.m = map[*helper]bool{}
	}
	live.m[h] = true
	live.Unlock()
	return h
}

// end kills what is left of the helper once it has exited (or failed to
// start): its process group, then every process that carries its token or
// sits in its session, wherever it went. Call it after cmd.Wait.
//
// It stays among the live helpers until all that is done: EndHelpers,
// called as gonogo exits, then ends it again rather than missing it while
// this end is half-way (gonogo exiting mid-sweep left a daemon running).
func (h *helper) end() {
	h.kill()
	live.Lock()
	delete(live.m, h)
	live.Unlock()
}

// kill ends the helper's process group and whatever it left elsewhere.
func (h *helper) kill() {
	if h.cmd.Process == nil {
		return
	}
	_ = killGroup(h.cmd)
	sweep(h.token, h.cmd.Process.Pid)
}

// EndHelpers ends every helper still running and all they started: what
// gonogo calls before it exits, so that a probe cut off by --timeout —
// whose own clean-up may not have run yet — leaves nothing behind. Safe
// to call more than once and alongside helpers ending on their own.
func EndHelpers() {
	live.Lock()
	hs := make([]*helper, 0, len(live.m))
	for h := range live.m {
		hs = append(hs, h)
	}
	live.m = nil
	live.Unlock()
	for _, h := range hs {
		h.kill()
	}
}

// killGroup kills the command's whole process group.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		return nil
	}
	return err
}
