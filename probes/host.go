package probes

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/disk"
	"github.com/shirou/gopsutil/v4/load"
	"github.com/shirou/gopsutil/v4/mem"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() { register(spec.KindHost, checkHost) }

// HostFacts is a cheap snapshot of host facts for the board's header
// strip.
type HostFacts struct {
	CPUModel     string
	Cores        int     // logical CPUs, as nproc counts them
	CPUPercent   float64 // busy percent since the previous sample
	Load1        float64 // 1-minute load average
	MemAvailable uint64  // bytes
	Disks        []DiskFree
}

// DiskFree is the free space of the filesystem holding Path.
type DiskFree struct {
	Path string
	Free uint64 // bytes available to unprivileged users
}

// hostCache keeps what does not change (CPU model and cores, read once:
// cpu.Info costs milliseconds) and the previous CPU times sample, so CPU
// percent is a delta between two checks and never blocks one.
type hostCache struct {
	once  sync.Once
	model string
	cores int
	err   error

	mu       sync.Mutex
	prev     cpuTimes
	prevAt   time.Time
	last     float64 // last computed percent
	lastSpan time.Duration
	hasLast  bool
}

// minCPUWindow is the shortest interval a CPU percent is computed over;
// checks closer together reuse the last figure.
const minCPUWindow = 500 * time.Millisecond

// cpuTimes is the CPU time of all CPUs by kind, in seconds.
type cpuTimes struct {
	User, Nice, System, Idle, Iowait, Irq, Softirq, Steal float64
}

// readCPUTimes reads the aggregate CPU times (gopsutil: /proc/stat's cpu
// line on Linux).
func readCPUTimes(ctx context.Context) (cpuTimes, error) {
	ts, err := cpu.TimesWithContext(ctx, false)
	if err != nil {
		return cpuTimes{}, fmt.Errorf("reading CPU times: %w", err)
	}
	if len(ts) == 0 {
		return cpuTimes{}, errors.New("reading CPU times: the system reports none")
	}
	t := ts[0]
	return cpuTimes{t.User, t.Nice, t.System, t.Idle, t.Iowait, t.Irq, t.Softirq, t.Steal}, nil
}

// readCPUModel reads the CPU model name (gopsutil: /proc/cpuinfo on Linux).
// It costs milliseconds, so the caller reads it once.
func readCPUModel(ctx context.Context) (string, error) {
	infos, err := cpu.InfoWithContext(ctx)
	if err != nil {
		return "", fmt.Errorf("reading CPU info: %w", err)
	}
	for _, in := range infos {
		if m := strings.TrimSpace(in.ModelName); m != "" {
			return m, nil
		}
	}
	return "", errors.New("reading CPU info: the system names no CPU model")
}

// prime takes the first /proc/stat sample so the first check has a window.
func (h *hostCache) prime() {
	if t, err := readCPUTimes(context.Background()); err == nil {
		h.prev, h.prevAt = t, time.Now()
	}
}

// static returns the CPU model and the logical core count, read once.
func (h *hostCache) static(ctx context.Context) (string, int, error) {
	h.once.Do(func() {
		h.model, h.err = readCPUModel(ctx)
		h.cores = runtime.NumCPU()
	})
	return h.model, h.cores, h.err
}

// cpuPercent is the busy percent of all CPUs since the previous sample,
// and the window it covers. It reads /proc/stat once and never sleeps.
func (h *hostCache) cpuPercent(ctx context.Context) (float64, time.Duration, error) {
	t0, err := readCPUTimes(ctx)
	if err != nil {
		return 0, 0, err
	}
	t := []cpuTimes{t0}
	now := time.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	span := now.Sub(h.prevAt)
	if !h.prevAt.IsZero() && span >= minCPUWindow {
		h.last, h.lastSpan, h.hasLast = busyPercent(h.prev, t[0]), span, true
		h.prev, h.prevAt = t[0], now
	}
	if h.hasLast {
		return h.last, h.lastSpan, nil
	}
	if !h.prevAt.IsZero() {
		if tot, _ := cpuTotals(t[0]); tot > 0 {
			if pt, _ := cpuTotals(h.prev); tot-pt > 0 {
				return busyPercent(h.prev, t[0]), span, nil
			}
		}
	}
	h.prev, h.prevAt = t[0], now
	// No window yet: average since boot.
	tot, busy := cpuTotals(t[0])
	if tot <= 0 {
		return 0, 0, nil
	}
	return busy / tot * 100, 0, nil
}

// cpuTotals is (all, busy) CPU seconds of a sample, guest time excluded
// (it is already counted in user).
func cpuTotals(t cpuTimes) (float64, float64) {
	tot := t.User + t.System + t.Idle + t.Nice + t.Iowait + t.Irq + t.Softirq + t.Steal
	return tot, tot - t.Idle - t.Iowait
}

// busyPercent between two samples.
func busyPercent(a, b cpuTimes) float64 {
	at, ab := cpuTotals(a)
	bt, bb := cpuTotals(b)
	if bt <= at {
		return 0
	}
	return math.Min(100, math.Max(0, (bb-ab)/(bt-at)*100))
}

// Host is a cheap snapshot of host facts for the board's header strip: CPU
// model and cores (cached forever), CPU percent (non-blocking: delta since
// the previous call), 1-min load, memory available, and free bytes of each
// given path's filesystem. Facts that cannot be read are left zero.
func (r *Runner) Host(ctx context.Context, diskPaths []string) HostFacts {
	var f HostFacts
	f.CPUModel, f.Cores, _ = r.host.static(ctx)
	f.CPUPercent, _, _ = r.host.cpuPercent(ctx)
	if a, err := load.AvgWithContext(ctx); err == nil {
		f.Load1 = a.Load1
	}
	if m, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		f.MemAvailable = m.Available
	}
	for _, p := range diskPaths {
		d := DiskFree{Path: p}
		if u, err := disk.UsageWithContext(ctx, existingAncestor(p)); err == nil {
			d.Free = u.Free
		}
		f.Disks = append(f.Disks, d)
	}
	return f
}

// existingAncestor is path, or its nearest existing parent folder: a disk
// check on a folder a step has yet to create measures the filesystem it
// will be created on.
func existingAncestor(path string) string {
	p := path
	for {
		if _, err := os.Stat(p); err == nil || !errors.Is(err, fs.ErrNotExist) {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

// checkHost answers a host probe on cpu, memory, disk, load or swap.
func checkHost(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.HostParams) (Status, string) {
	switch p.Target {
	case spec.HostCPU:
		return r.checkCPU(ctx, p)
	case spec.HostMemory:
		m, err := mem.VirtualMemoryWithContext(ctx)
		if err != nil {
			return Error, fmt.Sprintf("cannot read memory figures (/proc/meminfo): %v", err)
		}
		if p.MinAvailable > 0 && m.Available < uint64(p.MinAvailable) {
			return Fail, fmt.Sprintf("only %s of %s memory available, expected at least %s: stop what you can or wait",
				textfmt.Bytes(int64(m.Available)), textfmt.Bytes(int64(m.Total)), textfmt.Bytes(p.MinAvailable))
		}
		return OK, fmt.Sprintf("%s of %s memory available", textfmt.Bytes(int64(m.Available)), textfmt.Bytes(int64(m.Total)))
	case spec.HostSwap:
		s, err := mem.SwapMemoryWithContext(ctx)
		if err != nil {
			return Error, fmt.Sprintf("cannot read swap figures (/proc/meminfo): %v", err)
		}
		if s.Total == 0 {
			return OK, "no swap configured (0% used)"
		}
		if p.MaxPercent > 0 && s.UsedPercent > p.MaxPercent {
			return Fail, fmt.Sprintf("swap is %.0f%% used (%s of %s), expected at most %.0f%%: the host is short of memory",
				s.UsedPercent, textfmt.Bytes(int64(s.Used)), textfmt.Bytes(int64(s.Total)), p.MaxPercent)
		}
		return OK, fmt.Sprintf("swap is %.0f%% used (%s of %s)", s.UsedPercent, textfmt.Bytes(int64(s.Used)), textfmt.Bytes(int64(s.Total)))
	case spec.HostLoad:
		a, err := load.AvgWithContext(ctx)
		if err != nil {
			return Error, fmt.Sprintf("cannot read the load average (/proc/loadavg): %v", err)
		}
		_, cores, _ := r.host.static(ctx)
		if p.Max > 0 && a.Load1 > p.Max {
			return Fail, fmt.Sprintf("1-minute load is %.2f (%d cores), expected at most %g: wait for it to drop", a.Load1, cores, p.Max)
		}
		return OK, fmt.Sprintf("1-minute load is %.2f (%d cores)", a.Load1, cores)
	case spec.HostDisk:
		path := p.Path
		if path == "" {
			path = "/"
		}
		at := existingAncestor(path)
		u, err := disk.UsageWithContext(ctx, at)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				return Error, fmt.Sprintf("cannot read free space of %s: permission denied", at)
			}
			return Error, fmt.Sprintf("cannot read free space of %s: %v", at, err)
		}
		where := path
		if at != path {
			where = fmt.Sprintf("%s (not there yet; measured at %s)", path, at)
		}
		if p.MinFree > 0 && u.Free < uint64(p.MinFree) {
			return Fail, fmt.Sprintf("only %s free on %s for %s, expected at least %s: free space before this step",
				textfmt.Bytes(int64(u.Free)), u.Path, where, textfmt.Bytes(p.MinFree))
		}
		if p.MaxUsedPercent > 0 && u.UsedPercent > p.MaxUsedPercent {
			return Fail, fmt.Sprintf("filesystem %s holding %s is %.0f%% used, expected at most %.0f%%: free space before this step",
				u.Path, where, u.UsedPercent, p.MaxUsedPercent)
		}
		return OK, fmt.Sprintf("%s free on %s (%.0f%% used) for %s", textfmt.Bytes(int64(u.Free)), u.Path, u.UsedPercent, where)
	}
	return Error, fmt.Sprintf("unknown host target %q: use cpu, memory, disk, load or swap", p.Target)
}

// checkCPU checks the CPU model, core count and busy percent.
func (r *Runner) checkCPU(ctx context.Context, p *spec.HostParams) (Status, string) {
	model, cores, err := r.host.static(ctx)
	if err != nil {
		return Error, fmt.Sprintf("cannot read CPU info: %v", err)
	}
	if p.Model != nil && !p.Model.MatchString(model) {
		return Fail, fmt.Sprintf("CPU is %q, expected a model matching /%s/: is this the right host?", model, p.Model)
	}
	if p.MinCores > 0 && cores < p.MinCores {
		return Fail, fmt.Sprintf("host has %d CPU cores, expected at least %d: is this the right host?", cores, p.MinCores)
	}
	msg := fmt.Sprintf("CPU %s, %d cores", model, cores)
	if p.MaxPercent > 0 {
		pct, span, err := r.host.cpuPercent(ctx)
		if err != nil {
			return Error, err.Error()
		}
		window := "since boot"
		if span > 0 {
			window = "over the last " + textfmt.Duration(span.Round(100*time.Millisecond))
		}
		if pct > p.MaxPercent {
			return Fail, fmt.Sprintf("CPU is %.0f%% busy %s, expected at most %.0f%%: wait for the load to drop", pct, window, p.MaxPercent)
		}
		msg += fmt.Sprintf(", %.0f%% busy %s", pct, window)
	}
	return OK, msg
}
