package gitstate_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gonogo-dev/gonogo/probes/gitstate"
)

// benchRepo returns the work tree of testdata/speed.sh's generated
// repository of n files in 100 folders, building it on first use (it is
// kept under the temporary folder for later runs).
func benchRepo(b *testing.B, n int) string {
	b.Helper()
	work := filepath.Join(os.TempDir(), fmt.Sprintf("gonogo-speed-%d", n))
	repo := filepath.Join(work, "repo")
	if _, err := os.Stat(filepath.Join(repo, ".git", "speed-fixture-complete")); err != nil {
		cmd := exec.Command("bash", "-c", `set -e; n=$1; work=$2; repo=$work/repo
rm -rf "$work"; mkdir -p "$repo" "$work/home"
export GIT_CONFIG_NOSYSTEM=1 HOME=$work/home
git -C "$repo" init -q -b main
per=$((n / 100))
{ printf 'commit refs/heads/main\ncommitter bench <bench@example.invalid> 1700000000 +0000\ndata 8\nfixture\n'
  for ((i = 0; i < n; i++)); do c="file $i of $n"; printf 'M 100644 inline d%03d/f%06d.txt\ndata %d\n%s\n' $((i / per)) "$i" ${#c} "$c"; done
} | git -C "$repo" fast-import --quiet
git -C "$repo" reset -q --hard main
sleep 1.1
touch "$repo/.git/speed-fixture-complete"`, "fixture", fmt.Sprint(n), work)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("building the fixture: %v\n%s", err, out)
		}
	}
	return repo
}

// benchPaths are 50 files spread over the folders of an n-file fixture.
func benchPaths(n int) []string {
	per := max(n/100, 1)
	var out []string
	for k := range 50 {
		i := (k * 7919) % n
		out = append(out, fmt.Sprintf("d%03d/f%06d.txt", i/per, i))
	}
	return out
}

// BenchmarkFacts50Cold asks about 50 paths with a new cache each time, as
// one gonogo --once does: the index is read and HEAD's folders decoded.
func BenchmarkFacts50Cold(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			paths := benchPaths(n)
			b.ReportAllocs()
			for b.Loop() {
				g := (&gitstate.Cache{}).Repo(dir)
				ctx := gitstate.WithSnapshot(context.Background(), 1)
				for _, p := range paths {
					f, err := g.Facts(ctx, p, "")
					if err != nil || !f.InTree || f.Worktree != gitstate.Unchanged {
						b.Fatalf("%s: %+v %v", p, f, err)
					}
				}
			}
		})
	}
}

// BenchmarkFacts50Warm asks about the same 50 paths again and again of
// one cache, as the board does: it must not grow with the repository.
func BenchmarkFacts50Warm(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			paths := benchPaths(n)
			g := (&gitstate.Cache{}).Repo(dir)
			for _, p := range paths { // the first check loads the index
				if _, err := g.Facts(context.Background(), p, ""); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			id := uint64(0)
			for b.Loop() {
				id++
				ctx := gitstate.WithSnapshot(context.Background(), id)
				for _, p := range paths {
					if _, err := g.Facts(ctx, p, ""); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// BenchmarkCleanCold is state clean with a new cache each time.
func BenchmarkCleanCold(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			b.ReportAllocs()
			for b.Loop() {
				rep, err := (&gitstate.Cache{}).Repo(dir).Clean(context.Background(), "")
				if err != nil || !rep.IsClean() {
					b.Fatalf("%+v %v", rep, err)
				}
			}
		})
	}
}

// BenchmarkCleanWarm is state clean again of one cache, as the board
// asks it every few seconds.
func BenchmarkCleanWarm(b *testing.B) {
	for _, n := range []int{1000, 100000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			dir := benchRepo(b, n)
			g := (&gitstate.Cache{}).Repo(dir)
			if _, err := g.Clean(context.Background(), ""); err != nil { // loads the index
				b.Fatal(err)
			}
			b.ReportAllocs()
			id := uint64(0)
			for b.Loop() {
				id++
				if _, err := g.Clean(gitstate.WithSnapshot(context.Background(), id), ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
