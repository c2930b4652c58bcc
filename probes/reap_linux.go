package probes

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// subreaper is set once gonogo is a child subreaper.
var (
	subreaperOnce sync.Once
	subreaper     atomic.Bool
)

// enableSubreaper makes gonogo a child subreaper (prctl
// PR_SET_CHILD_SUBREAPER), once, before the first helper starts. A process
// a helper leaves behind — a daemon that double-forked, a child of a shell
// that has exited — is then re-parented to gonogo instead of to init: it
// cannot get out of reach, sweep finds it among gonogo's own children, and
// gonogo reaps it (an init in a container may reap nothing). It is only
// turned on where a probe runs a program, and it changes nothing for the
// children gonogo waits for itself.
func enableSubreaper() {
	subreaperOnce.Do(func() {
		if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err == nil {
			subreaper.Store(true)
		}
	})
}

// sweepRounds bounds sweep: each round kills one more generation of a
// helper's leftovers (their children come to gonogo when they die).
const sweepRounds = 64

// reapWait is how long sweep waits for a killed process to exit before it
// leaves the reaping to a goroutine (a process in uninterruptible sleep
// exits only when its I/O returns).
const reapWait = 2 * time.Second

// sweep ends, after a helper has exited and its process group has been
// killed, every process of the helper still alive: those in its session
// (sid, the helper's pid) or in a session one of them started, and those
// whose environment carries its token. Each round looks at gonogo's own
// children — where, as a subreaper, gonogo receives the orphans — kills
// and reaps the helper's, and stops when a round finds none. The zombies
// of the helper's processes that died on their own are reaped too;
// nothing else is touched, so children gonogo is waiting for elsewhere
// (another probe's shell, the git CLI) keep their exit status.
//
// Without a subreaper (prctl refused) it does nothing: killGroup has ended
// the helper's process group, and orphans belong to init.
func sweep(token string, sid int) {
	if !subreaper.Load() {
		return
	}
	self := os.Getpid()
	mine := map[int]bool{sid: true}
	ownSid, _ := unix.Getsid(0)
	marker := []byte(helperEnv + "=" + token + "\x00")
	for range sweepRounds {
		var killed []int
		for _, pid := range childrenOf(self) {
			st, ok := readStat(pid)
			if !ok || st.ppid != self {
				continue
			}
			ours := mine[st.session] || mine[st.pgrp] || environHas(pid, marker)
			if !ours {
				continue
			}
			if st.session != ownSid {
				mine[st.session] = true
			}
			if st.state == 'Z' {
				reap(pid)
				continue
			}
			_ = syscall.Kill(pid, syscall.SIGKILL)
			killed = append(killed, pid)
		}
		if len(killed) == 0 {
			return
		}
		// Each one's children are re-parented to gonogo as it exits,
		// before it becomes a zombie: wait for that, so the next round
		// sees them.
		for _, pid := range killed {
			reap(pid)
		}
	}
}

// reap waits for pid, a child of gonogo that sweep attributed to a helper,
// to exit and collects it; after reapWait a goroutine goes on waiting.
func reap(pid int) {
	deadline := time.Now().Add(reapWait)
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		if got == pid || (err != nil && err != syscall.EINTR) {
			return
		}
		if time.Now().After(deadline) {
			go func() { _, _ = syscall.Wait4(pid, &ws, 0, nil) }()
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// childrenOf lists the children sweep looks at: those of gonogo's main
// thread. The kernel hands an orphan to its subreaper's first live thread
// (find_new_reaper → find_alive_thread walks the thread group from its
// leader), and Go never ends the main thread, so every process a helper
// left behind comes to the main thread: reading its children file alone
// costs three system calls, where reading every thread's cost thirty per
// helper — a third of a command probe's own time. Children the other
// threads started are the helpers and git commands gonogo waits for
// itself, which sweep leaves alone anyway. Without children files (a
// kernel without CONFIG_PROC_CHILDREN) it reads every process's parent.
func childrenOf(pid int) []int {
	p := strconv.Itoa(pid)
	if b, err := os.ReadFile("/proc/" + p + "/task/" + p + "/children"); err == nil {
		var out []int
		for f := range strings.FieldsSeq(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
		return out
	}
	var out []int
	// No children files (a kernel without CONFIG_PROC_CHILDREN).
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, ok := readStat(n); ok && st.ppid == pid {
			out = append(out, n)
		}
	}
	return out
}

// procStat is what sweep needs of /proc/PID/stat.
type procStat struct {
	state               byte
	ppid, pgrp, session int
}

// readStat reads /proc/PID/stat. The command name, in parentheses, may
// hold spaces and parentheses itself: the fields start after the last ")".
func readStat(pid int) (procStat, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return procStat{}, false
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, false
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 4 || len(f[0]) != 1 {
		return procStat{}, false
	}
	ppid, e1 := strconv.Atoi(f[1])
	pgrp, e2 := strconv.Atoi(f[2])
	sid, e3 := strconv.Atoi(f[3])
	if e1 != nil || e2 != nil || e3 != nil {
		return procStat{}, false
	}
	return procStat{state: f[0][0], ppid: ppid, pgrp: pgrp, session: sid}, true
}

// environHas reports whether process pid's environment holds marker
// ("NAME=value\x00"). A process of another user, or a zombie, has none
// gonogo can read.
func environHas(pid int, marker []byte) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	return bytes.HasPrefix(b, marker) || bytes.Contains(b, append([]byte{0}, marker...))
}
