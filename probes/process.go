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
	"sync"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func init() { register(spec.KindProcess, checkProcess) }

// procRoot is where processes are listed.
const procRoot = "/proc"

// checkProcess answers a process probe: how many processes match the
// pattern, against running (default) or absent.
func checkProcess(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.ProcessParams) (Status, string) {
	if p.Pattern == nil {
		return Error, "process probe has no pattern (internal error)"
	}
	t, err := r.procs.table(ctx)
	if err != nil {
		return Error, err.Error()
	}
	pids, err := t.match(ctx, p.Pattern)
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
			return Fail, fmt.Sprintf("no process matches /%s/: start it (or fix the pattern: pgrep -af shows what runs)", p.Pattern)
		}
		return Fail, fmt.Sprintf("only %s running (%s), expected at least %d: start the missing ones", countProcs(n, p.Pattern), pidList(pids), want)
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

// procTable is one listing of /proc: every live process's PID and name
// (comm), with command lines read only when a pattern needs them and then
// kept. All the process probes of one Run share one table, so ten process
// probes cost one pass over /proc, not ten.
type procTable struct {
	run   uint64
	procs []procEntry

	mu       sync.Mutex
	cmdlines map[int][]byte // read on demand; nil: kernel thread or gone
}

// procEntry is one live (non-zombie) process.
type procEntry struct {
	pid  int
	name string
}

// procCache holds the table of the current Run.
type procCache struct {
	mu  sync.Mutex
	cur *procTable
}

// table returns the process table of ctx's Run, listing /proc if this Run
// has none yet. Outside a Run (run ID 0) it always lists afresh.
func (c *procCache) table(ctx context.Context) (*procTable, error) {
	id := runID(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	if id != 0 && c.cur != nil && c.cur.run == id {
		return c.cur, nil
	}
	t, err := listProcesses(ctx)
	if err != nil {
		return nil, err
	}
	t.run = id
	c.cur = t
	return t, nil
}

// listProcesses reads /proc/PID/stat of every process — name and state in
// one read, never the full attribute set — leaving out zombies and gonogo
// itself.
func listProcesses(ctx context.Context) (*procTable, error) {
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
	t := &procTable{procs: make([]procEntry, 0, len(names)), cmdlines: map[int][]byte{}}
	buf := make([]byte, 0, 1024)
	for _, name := range names {
		pid, err := strconv.Atoi(name)
		if err != nil || pid == self {
			continue
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		stat, err := readInto(buf, procRoot+"/"+name+"/stat")
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
		t.procs = append(t.procs, procEntry{pid: pid, name: string(stat[open+1 : end])})
	}
	return t, nil
}

// cmdline returns the command line of pid with NULs as spaces, reading it
// on first use.
func (t *procTable) cmdline(pid int) []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	if c, ok := t.cmdlines[pid]; ok {
		return c
	}
	c, err := readInto(nil, procRoot+"/"+strconv.Itoa(pid)+"/cmdline")
	if err != nil {
		c = nil
	}
	c = bytes.TrimRight(c, "\x00")
	for i, b := range c {
		if b == 0 {
			c[i] = ' '
		}
	}
	t.cmdlines[pid] = c
	return c
}

// match lists the PIDs whose name or, failing that, command line matches re.
func (t *procTable) match(ctx context.Context, re *regexp.Regexp) ([]int, error) {
	var out []int
	for i, p := range t.procs {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if re.MatchString(p.name) {
			out = append(out, p.pid)
			continue
		}
		if c := t.cmdline(p.pid); len(c) > 0 && re.Match(c) {
			out = append(out, p.pid)
		}
	}
	slices.Sort(out)
	return out, nil
}

// findProcesses lists the PIDs whose name (comm) or, failing that, command
// line matches re, from a fresh listing of /proc.
func findProcesses(ctx context.Context, re *regexp.Regexp) ([]int, error) {
	t, err := listProcesses(ctx)
	if err != nil {
		return nil, err
	}
	return t.match(ctx, re)
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
