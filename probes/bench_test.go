package probes

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// benchRepo returns a work tree of n committed files spread over 100
// folders, generated once with git fast-import and checked out, and
// cached under os.TempDir() by size so later benchmark runs reuse it.
func benchRepo(b *testing.B, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("gonogo-bench-git-%d", n))
	if _, err := os.Stat(filepath.Join(dir, ".git", "gonogo-fixture-complete")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	env := append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir+"/.home", "GIT_OPTIONAL_LOCKS=0")
	run := func(stdin func(*bufio.Writer), args ...string) {
		cmd := exec.Command("git", args...)
		cmd.Dir, cmd.Env = dir, env
		var pw *os.File
		if stdin != nil {
			pr, w, err := os.Pipe()
			if err != nil {
				b.Fatal(err)
			}
			cmd.Stdin, pw = pr, w
			defer pr.Close()
		}
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		if stdin != nil {
			bw := bufio.NewWriterSize(pw, 1<<20)
			stdin(bw)
			bw.Flush()
			pw.Close()
		}
		if err := cmd.Wait(); err != nil {
			b.Fatalf("git %s: %v", strings.Join(args, " "), err)
		}
	}
	run(nil, "init", "-q", "-b", "main")
	run(func(w *bufio.Writer) {
		fmt.Fprintf(w, "commit refs/heads/main\ncommitter bench <bench@example.invalid> 1700000000 +0000\ndata 9\nfixture\n\n")
		for i := 0; i < n; i++ {
			content := fmt.Sprintf("file %d of %d\n", i, n)
			fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n%s\n", benchPath(i, n), len(content), content)
		}
	}, "fast-import", "--quiet")
	run(nil, "reset", "-q", "--hard", "main")
	if err := os.WriteFile(filepath.Join(dir, ".git", "gonogo-fixture-complete"), nil, 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// benchPath is the i-th file of an n-file fixture: 100 folders of n/100.
func benchPath(i, n int) string {
	per := max(n/100, 1)
	return fmt.Sprintf("d%03d/f%06d.txt", i/per, i)
}

// BenchmarkGitPathCheck measures a per-path committed check after the
// first (HEAD tree and index cached). Its cost must not grow with the
// repository: compare files=1000 with files=100000.
func BenchmarkGitPathCheck(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			r := NewRunner(Options{})
			specs := []*spec.Probe{gitSpec(filepath.Join(dir, benchPath(n/2, n)), spec.GitCommitted)}
			ctx := context.Background()
			if res := r.Run(ctx, specs, nil); res[0].Status != OK {
				b.Fatalf("%s: %s", res[0].Status, res[0].Message)
			}
			b.ResetTimer()
			for b.Loop() {
				r.Run(ctx, specs, nil)
			}
		})
	}
}

// BenchmarkGitPathCheckManyPaths asks about a different path each time,
// so tree lookups are not all cached subtrees of one folder.
func BenchmarkGitPathCheckManyPaths(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			r := NewRunner(Options{})
			ctx := context.Background()
			r.Run(ctx, []*spec.Probe{gitSpec(filepath.Join(dir, benchPath(0, n)), spec.GitTracked)}, nil)
			specs := make([]*spec.Probe, 64)
			for i := range specs {
				specs[i] = gitSpec(filepath.Join(dir, benchPath((i*7919)%n, n)), spec.GitCommitted)
			}
			b.ResetTimer()
			i := 0
			for b.Loop() {
				r.Run(ctx, specs[i%64:i%64+1], nil)
				i++
			}
		})
	}
}

// BenchmarkGitFirstCheck measures the first check of a repository: open
// it, read HEAD's tree and decode the whole index.
func BenchmarkGitFirstCheck(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			specs := []*spec.Probe{gitSpec(filepath.Join(dir, benchPath(n/2, n)), spec.GitCommitted)}
			ctx := context.Background()
			for b.Loop() {
				NewRunner(Options{}).Run(ctx, specs, nil)
			}
		})
	}
}

// BenchmarkGitClean measures state clean, which walks the whole tree.
func BenchmarkGitClean(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			r := NewRunner(Options{})
			specs := []*spec.Probe{{Kind: spec.KindGit, Target: ".", Params: &spec.GitParams{Path: dir, State: spec.GitClean}, Timeout: 60e9}}
			ctx := context.Background()
			if res := r.Run(ctx, specs, nil); res[0].Status != OK {
				b.Fatalf("%s: %s", res[0].Status, res[0].Message)
			}
			b.ResetTimer()
			for b.Loop() {
				r.Run(ctx, specs, nil)
			}
		})
	}
}

// countProcesses counts the PIDs in /proc.
func countProcesses(b *testing.B) int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			n++
		}
	}
	return n
}

// BenchmarkProcessLookup finds processes among at least 1,000 (it starts
// sleeps to get there): by name (comm only) and by a command-line
// pattern that matches nothing (comm and cmdline of every process).
func BenchmarkProcessLookup(b *testing.B) {
	arg := uniqueSleep(99)
	for n := countProcesses(b); n < 1000; n++ {
		c := exec.Command("sleep", arg)
		if err := c.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { c.Process.Kill(); c.Wait() })
	}
	b.Logf("%d processes", countProcesses(b))
	ctx := context.Background()
	for _, tc := range []struct{ name, re string }{
		{"by-name", `^sleep$`},
		{"cmdline-no-match", `postgres: checkpointer \d{12}`},
	} {
		b.Run(tc.name, func(b *testing.B) {
			re := regexp.MustCompile(tc.re)
			for b.Loop() {
				if _, err := findProcesses(ctx, re); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkRun200Mixed runs 200 probes of every cheap kind — git, file,
// backup, host, process, port, http — through one warm Runner, as the
// board does on each refresh.
func BenchmarkRun200Mixed(b *testing.B) {
	dir := benchRepo(b, 1000)
	tmp := b.TempDir()
	src := filepath.Join(tmp, "config.py")
	os.WriteFile(src, []byte(strings.Repeat("CONFIG=1\n", 10000)), 0o644)
	bak := filepath.Join(tmp, "config.py.bak")
	os.WriteFile(bak, []byte(strings.Repeat("CONFIG=1\n", 10000)), 0o644)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }))
	defer srv.Close()
	addr := acceptingListener(b)
	var specs []*spec.Probe
	for i := 0; len(specs) < 200; i++ {
		switch i % 8 {
		case 0, 1:
			specs = append(specs, gitSpec(filepath.Join(dir, benchPath(i*13%1000, 1000)), spec.GitCommitted))
		case 2:
			specs = append(specs, &spec.Probe{Kind: spec.KindFile, Params: &spec.FileParams{Path: src, Exists: true, Contains: regexp.MustCompile(`CONFIG=\d`)}})
		case 3:
			specs = append(specs, &spec.Probe{Kind: spec.KindBackup, Params: &spec.BackupParams{Path: bak, Of: src}})
		case 4:
			specs = append(specs, &spec.Probe{Kind: spec.KindHost, Params: &spec.HostParams{Target: []string{spec.HostCPU, spec.HostMemory, spec.HostDisk, spec.HostLoad}[i/8%4], Path: "/"}})
		case 5:
			specs = append(specs, processSpec(`^no-such-daemon$`, false, 0))
		case 6:
			specs = append(specs, portSpec(addr, true))
		case 7:
			specs = append(specs, httpSpec(srv.URL, ""))
		}
	}
	r := NewRunner(Options{})
	ctx := context.Background()
	for i, res := range r.Run(ctx, specs, nil) {
		if res.Status != OK {
			b.Fatalf("spec %d (%s): %s %s", i, specs[i].Label(), res.Status, res.Message)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		r.Run(ctx, specs, nil)
	}
}

// BenchmarkFileExists is the baseline of one probe through the runner:
// goroutines, timeout context, and an lstat.
func BenchmarkFileExists(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f")
	os.WriteFile(p, []byte("x"), 0o644)
	r := NewRunner(Options{})
	specs := []*spec.Probe{fileSpec(p, true)}
	ctx := context.Background()
	for b.Loop() {
		r.Run(ctx, specs, nil)
	}
}

// BenchmarkRunOverhead runs 10,000 file probes of one present file, as a
// plan of thousands of steps has (each step's "cp is installed"): what the
// runner itself costs per probe — scheduling, timeout, message, redaction
// — over an lstat. ns/probe is the figure; allocations are reported.
func BenchmarkRunOverhead(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f")
	os.WriteFile(p, []byte("x"), 0o644)
	var specs []*spec.Probe
	for range 10000 {
		specs = append(specs, fileSpec(p, true))
	}
	r := NewRunner(Options{})
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		r.Run(ctx, specs, nil)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(specs)), "ns/probe")
}

// BenchmarkBackupChecksum is the SHA-256 of one backup by a cold digest
// cache (a fresh process's first look), for a small dump and a large
// one: the cost is the hash and the buffer it reads with, which comes
// from a pool.
func BenchmarkBackupChecksum(b *testing.B) {
	dir := b.TempDir()
	for _, size := range []int{64 << 10, 8 << 20} {
		path := filepath.Join(dir, fmt.Sprintf("db-%d.dump", size))
		if err := os.WriteFile(path, []byte(strings.Repeat("pg_dump ", size/8)), 0o644); err != nil {
			b.Fatal(err)
		}
		fi, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				var c digestCache
				if _, err := c.sum(context.Background(), path, fi); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
