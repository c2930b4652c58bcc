package model

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// scanDiskPaths is DiskPaths as it was first written — for each path, stat
// it and each parent until one exists, then stat upwards to the mount
// point — the plain definition the memoised one must equal.
func scanDiskPaths(paths []string) []string {
	var out []string
	seen := map[uint64]bool{}
	for _, path := range paths {
		if path == "" || !filepath.IsAbs(path) {
			continue
		}
		dir := path
		for {
			if _, err := os.Stat(dir); err == nil {
				break
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
		dev, ok := statDevice(dir)
		if !ok || seen[dev] {
			continue
		}
		seen[dev] = true
		for {
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			if d, ok := statDevice(parent); !ok || d != dev {
				break
			}
			dir = parent
		}
		out = append(out, dir)
	}
	return out
}

// TestDiskPathsAsScan compares DiskPaths with the plain scan on paths that
// exist, paths under folders that do not, files used as folders, other
// filesystems (/proc, /dev, /sys, /dev/shm) and symlinks, in many orders.
func TestDiskPathsAsScan(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "data", "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "data", "file"), []byte("x"), 0o644)
	os.Symlink("/proc", filepath.Join(dir, "to-proc"))
	os.Symlink(filepath.Join(dir, "nowhere"), filepath.Join(dir, "dangling"))
	paths := []string{
		dir, filepath.Join(dir, "data", "file"), filepath.Join(dir, "data", "file", "under-a-file"),
		filepath.Join(dir, "missing", "deep", "er", "x.bak"), filepath.Join(dir, "data", "sub", "new.dump"),
		"/proc/self/status", "/proc/no/such", "/dev/null", "/dev/shm/gonogo-none", "/sys/kernel", "/",
		filepath.Join(dir, "to-proc", "uptime"), filepath.Join(dir, "dangling", "x"), "/no/such/root/path",
	}
	for i := range 50 {
		paths = append(paths, filepath.Join(dir, "missing", fmt.Sprintf("b%d.bak", i)), filepath.Join(dir, "data", fmt.Sprintf("f%d", i)))
	}
	for rot := range len(paths) {
		order := append(append([]string{}, paths[rot:]...), paths[:rot]...)
		p := &plans.Plan{Root: order[0]}
		var probes []*spec.Probe
		for _, path := range order[1:] {
			probes = append(probes, &spec.Probe{Kind: spec.KindFile, Params: &spec.FileParams{Path: path}})
		}
		p.Steps = []*plans.Step{{Key: "1", Probes: probes}}
		if got, want := DiskPaths(p), scanDiskPaths(order); strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("rotation %d: DiskPaths = %q, the scan says %q", rot, got, want)
		}
	}
}
