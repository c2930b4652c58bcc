package probes

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func hostSpec(hp spec.HostParams) *spec.Probe {
	return &spec.Probe{Kind: spec.KindHost, Target: hp.Target, Params: &hp}
}

// shell runs a command line and returns its trimmed stdout.
func shell(t *testing.T, line string) string {
	t.Helper()
	out, err := exec.Command("sh", "-c", line).Output()
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return strings.TrimSpace(string(out))
}

func shellInt(t *testing.T, line string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(shell(t, line), 10, 64)
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return n
}

func TestHostCPU(t *testing.T) {
	cores := int(shellInt(t, "nproc"))
	model := shell(t, `grep -m1 -E '^(model name|Model|Processor|cpu model)' /proc/cpuinfo | cut -d: -f2-`)
	r := NewRunner(Options{})
	tests := []struct {
		name string
		hp   spec.HostParams
		want Status
		msg  string
	}{
		{"cores enough", spec.HostParams{Target: spec.HostCPU, MinCores: cores}, OK, fmt.Sprintf("%d cores", cores)},
		{"cores short", spec.HostParams{Target: spec.HostCPU, MinCores: cores + 1}, Fail, fmt.Sprintf("host has %d CPU cores, expected at least %d", cores, cores+1)},
		{"model matches", spec.HostParams{Target: spec.HostCPU, Model: regexp.MustCompile(regexp.QuoteMeta(model))}, OK, model},
		{"model differs", spec.HostParams{Target: spec.HostCPU, Model: regexp.MustCompile(`^NoSuchCPU 9000$`)}, Fail, "expected a model matching /^NoSuchCPU 9000$/: is this the right host?"},
		{"percent bound", spec.HostParams{Target: spec.HostCPU, MaxPercent: 100}, OK, "% busy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runWith(t, r, hostSpec(tt.hp)), tt.want, tt.msg)
		})
	}
	t.Run("busy CPU is seen without blocking the check", func(t *testing.T) {
		stop := make(chan struct{})
		for i := 0; i < cores; i++ {
			go func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
				}
			}()
		}
		time.Sleep(700 * time.Millisecond)
		res := runWith(t, r, hostSpec(spec.HostParams{Target: spec.HostCPU, MaxPercent: 5}))
		close(stop)
		wantStatus(t, res, Fail, "% busy over the last", "expected at most 5%")
	})
}

func TestHostMemoryDiskLoadSwap(t *testing.T) {
	availKB := shellInt(t, `awk '/^MemAvailable:/ {print $2}' /proc/meminfo`)
	avail := availKB * 1024
	dfFree := shellInt(t, "df -B1 --output=avail / | tail -1")
	dfUsed := shellInt(t, "df -B1 --output=pcent / | tail -1 | tr -d ' %'")
	swapTotal := shellInt(t, `awk '/^SwapTotal:/ {print $2}' /proc/meminfo`)
	missing := filepath.Join(t.TempDir(), "not", "yet")
	tests := []struct {
		name string
		hp   spec.HostParams
		want Status
		msg  string
	}{
		{"memory enough", spec.HostParams{Target: spec.HostMemory, MinAvailable: avail / 2}, OK, "memory available"},
		{"memory short", spec.HostParams{Target: spec.HostMemory, MinAvailable: avail * 2}, Fail, "expected at least " + textfmt.Bytes(avail*2)},
		{"disk enough", spec.HostParams{Target: spec.HostDisk, Path: "/", MinFree: dfFree / 2}, OK, "free on /"},
		{"disk short", spec.HostParams{Target: spec.HostDisk, Path: "/", MinFree: dfFree * 2}, Fail, "expected at least " + textfmt.Bytes(dfFree*2)},
		{"disk used ok", spec.HostParams{Target: spec.HostDisk, MaxUsedPercent: float64(dfUsed) + 5}, OK, "% used"},
		{"disk not there yet", spec.HostParams{Target: spec.HostDisk, Path: missing, MinFree: 1}, OK, "(not there yet; measured at " + filepath.Dir(filepath.Dir(missing)) + ")"},
		{"load", spec.HostParams{Target: spec.HostLoad, Max: 1e6}, OK, "1-minute load is"},
	}
	if dfUsed > 1 {
		tests = append(tests, struct {
			name string
			hp   spec.HostParams
			want Status
			msg  string
		}{"disk used too high", spec.HostParams{Target: spec.HostDisk, MaxUsedPercent: float64(dfUsed) / 2}, Fail, "% used, expected at most"})
	}
	if swapTotal == 0 {
		tests = append(tests, struct {
			name string
			hp   spec.HostParams
			want Status
			msg  string
		}{"no swap", spec.HostParams{Target: spec.HostSwap, MaxPercent: 10}, OK, "no swap configured"})
	} else {
		tests = append(tests, struct {
			name string
			hp   spec.HostParams
			want Status
			msg  string
		}{"swap", spec.HostParams{Target: spec.HostSwap, MaxPercent: 100}, OK, "swap is"})
	}
	tests = append(tests, struct {
		name string
		hp   spec.HostParams
		want Status
		msg  string
	}{"unknown target", spec.HostParams{Target: "gpu"}, Error, `unknown host target "gpu"`})
	r := NewRunner(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runWith(t, r, hostSpec(tt.hp)), tt.want, tt.msg)
		})
	}
}

func TestHostFacts(t *testing.T) {
	r := NewRunner(Options{})
	dir := t.TempDir()
	f := r.Host(context.Background(), []string{"/", dir})
	if want := int(shellInt(t, "nproc")); f.Cores != want {
		t.Errorf("Cores = %d, nproc says %d", f.Cores, want)
	}
	if f.CPUModel == "" {
		t.Error("no CPU model")
	}
	if f.CPUPercent < 0 || f.CPUPercent > 100 {
		t.Errorf("CPUPercent = %v", f.CPUPercent)
	}
	avail := uint64(shellInt(t, `awk '/^MemAvailable:/ {print $2}' /proc/meminfo`) * 1024)
	if f.MemAvailable < avail/2 || f.MemAvailable > avail*2 {
		t.Errorf("MemAvailable = %d, /proc/meminfo says %d", f.MemAvailable, avail)
	}
	loadStr := strings.Fields(shell(t, "cat /proc/loadavg"))[0]
	load, _ := strconv.ParseFloat(loadStr, 64)
	if d := f.Load1 - load; d > 1 || d < -1 {
		t.Errorf("Load1 = %v, /proc/loadavg says %v", f.Load1, load)
	}
	if len(f.Disks) != 2 || f.Disks[0].Path != "/" || f.Disks[1].Path != dir {
		t.Fatalf("Disks = %+v", f.Disks)
	}
	df := uint64(shellInt(t, "df -B1 --output=avail / | tail -1"))
	if d := int64(f.Disks[0].Free) - int64(df); d > 64<<20 || d < -(64<<20) {
		t.Errorf("free on / = %d, df says %d", f.Disks[0].Free, df)
	}
	// Static facts are read once.
	if g := r.Host(context.Background(), nil); g.CPUModel != f.CPUModel || g.Cores != f.Cores || g.Disks != nil {
		t.Errorf("second call: %+v", g)
	}
}
