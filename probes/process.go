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

// procRoot is where processes are listed.
const procRoot = "/proc"

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
// line matches re. It reads /proc/PID/stat of every process (name and
// state in one read; zombies are left out) and the command line only when
// the name does not match — never the full attribute set. gonogo itself
// is never counted.
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
		// /proc/PID/stat holds the name (comm) and the state in one read.
		stat, err := readInto(buf, base+"/stat")
		if err != nil {
			continue // gone since the listing
		}
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open || end+2 >= len(stat) {
			continue
		}
		if state := stat[end+2]; state == 'Z' || state == 'X' {
			continue // exited, waiting to be reaped: not running
		}
		if re.Match(stat[open+1 : end]) {
			out = append(out, pid)
			continue
		}
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
		if re.Match(cmd) {
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
