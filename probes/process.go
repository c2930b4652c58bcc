package probes

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/gonogo-dev/gonogo/plans"
)

func init() { register(plans.KindProcess, checkProcess) }

// procRoot is where processes are listed; a variable so a benchmark can
// point at a prepared tree if it ever needs to.
var procRoot = "/proc"

// checkProcess answers a process probe: how many processes match the
// pattern, against running (default) or absent.
func checkProcess(ctx context.Context, r *Runner, spec *plans.ProbeSpec) (Status, string) {
	p, ok := spec.Params.(*plans.ProcessParams)
	if !ok {
		return Error, fmt.Sprintf("process probe has %T parameters (internal error)", spec.Params)
	}
	if p.Pattern == nil {
		return Error, "process probe has no pattern (internal error)"
	}
	pids, err := findProcesses(ctx, p.Pattern)
	if err != nil {
		return Error, err.Error()
	}
	n := len(pids)
	if !p.Running {
		if n > 0 {
			return Fail, fmt.Sprintf("%s still running (%s): stop it before this step", countProcs(n, p.Pattern), pidList(pids))
		}
		return OK, fmt.Sprintf("no process matches /%s/", p.Pattern)
	}
	want := p.MinCount
	if want <= 0 {
		want = 1
	}
	if n < want {
		if n == 0 {
			return Fail, fmt.Sprintf("no process matches /%s/: is it started?", p.Pattern)
		}
		return Fail, fmt.Sprintf("only %s running (%s), expected at least %d", countProcs(n, p.Pattern), pidList(pids), want)
	}
	return OK, fmt.Sprintf("%s running (%s)", countProcs(n, p.Pattern), pidList(pids))
}

// countProcs says "1 process matching /x/" or "3 processes matching /x/".
func countProcs(n int, re *regexp.Regexp) string {
	if n == 1 {
		return fmt.Sprintf("1 process matching /%s/", re)
	}
	return fmt.Sprintf("%d processes matching /%s/", n, re)
}

// pidList shows up to five PIDs.
func pidList(pids []int) string {
	var b strings.Builder
	b.WriteString("pid ")
	for i, p := range pids {
		if i == 5 {
			fmt.Fprintf(&b, " and %d more", len(pids)-5)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(p))
	}
	return b.String()
}

// findProcesses lists the PIDs whose name (comm) or, failing that, command
// line matches re. It reads only /proc/PID/comm for every process, the
// command line only when the name does not match, and /proc/PID/stat only
// of matches, to leave zombies out. gonogo itself is never counted.
func findProcesses(ctx context.Context, re *regexp.Regexp) ([]int, error) {
	d, err := os.Open(procRoot)
	if err != nil {
		return nil, fmt.Errorf("cannot list processes (%s): %w", procRoot, err)
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	if err != nil {
		return nil, fmt.Errorf("cannot list processes (%s): %w", procRoot, err)
	}
	self := os.Getpid()
	var out []int
	buf := make([]byte, 0, 4096)
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == self {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		base := procRoot + "/" + name
		comm, err := os.ReadFile(base + "/comm")
		if err != nil {
			continue // gone since the listing
		}
		matched := re.Match(bytes.TrimRight(comm, "\n"))
		if !matched {
			cmd, err := readInto(buf, base+"/cmdline")
			if err != nil || len(cmd) == 0 {
				continue // kernel thread or gone
			}
			cmd = bytes.TrimRight(cmd, "\x00")
			for i, c := range cmd {
				if c == 0 {
					cmd[i] = ' '
				}
			}
			matched = re.Match(cmd)
		}
		if matched && !isZombie(base) {
			out = append(out, pid)
		}
	}
	slices.Sort(out)
	return out, nil
}

// readInto reads a small /proc file into buf's storage.
func readInto(buf []byte, path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := f.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err != nil || n == 0 {
			return buf, nil
		}
	}
}

// isZombie reports whether the process at base (/proc/PID) has exited and
// waits to be reaped: it is not running any more.
func isZombie(base string) bool {
	b, err := os.ReadFile(base + "/stat")
	if err != nil {
		return true // gone
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 || i+2 >= len(b) {
		return false
	}
	return b[i+2] == 'Z' || b[i+2] == 'X'
}
