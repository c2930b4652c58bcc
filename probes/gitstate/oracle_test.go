package gitstate_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/probes/gitstate"
	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// factsOf asks a fresh cache about rel in the repository at dir.
func factsOf(t *testing.T, c *gitstate.Cache, dir, rel string) *gitstate.Facts {
	t.Helper()
	f, err := c.Repo(dir).Facts(context.Background(), rel, "")
	if err != nil {
		t.Fatalf("Facts(%q): %v", rel, err)
	}
	return f
}

// wantFacts compares what Facts says about each path with what the git
// CLI says (git status, ls-tree, ls-files, check-ignore).
func wantFacts(t *testing.T, c *gitstate.Cache, dir string, paths []string) {
	t.Helper()
	compareFacts(t, c, dir, paths, gt.View(t, dir, paths))
}

// compareFacts compares what Facts says about each path with view.
func compareFacts(t *testing.T, c *gitstate.Cache, dir string, paths []string, view map[string]gt.PathView) {
	t.Helper()
	for _, p := range paths {
		f := factsOf(t, c, dir, p)
		v := view[p]
		check := func(what string, got, want bool) {
			t.Helper()
			if got != want {
				t.Errorf("%q %s: gitstate says %v, git says %v (status %q)", p, what, got, want, v.Codes)
			}
		}
		check("in HEAD", f.InTree, v.InHead)
		check("in the index", f.InIndex, v.InIndex)
		check("exists", f.Exists, v.Exists)
		check("staged", f.Staged, v.Staged)
		check("modified in the work tree", f.Worktree != gitstate.Unchanged, v.Modified)
		check("deleted in the work tree", f.Worktree == gitstate.Deleted, slices.ContainsFunc(v.Codes, func(xy string) bool { return xy[1] == 'D' }))
		check("untracked", !f.InIndex && f.Exists && !f.Ignored, v.Untracked)
		check("ignored", f.Ignored && !f.InIndex, v.Ignored && !v.InIndex)
		if f.Ignored && f.Rule == nil {
			t.Errorf("%q: ignored without a rule", p)
		}
	}
}

// TestFactsMatchGitCLI asks about a path in every state the git probe
// knows and compares each fact with the git CLI.
func TestFactsMatchGitCLI(t *testing.T) {
	dir, paths := gt.StatesRepo(t)
	wantFacts(t, &gitstate.Cache{}, dir, paths)
}

// TestCLIFallbackMatchesGitCLI runs the fact and clean oracles with every
// repository read through the git CLI, as for a layout the native reader
// does not know.
func TestCLIFallbackMatchesGitCLI(t *testing.T) {
	defer gitstate.ForceCLI()()
	dir, paths := gt.StatesRepo(t)
	c := &gitstate.Cache{}
	wantFacts(t, c, dir, paths)
	wantClean(t, c, dir, "every state, through the git CLI")
	if cli, _ := c.Repo(dir).ReadThroughCLI(); !cli {
		t.Fatal("not read through the git CLI")
	}
}

// statusLists reads git status --porcelain into the lists a CleanReport
// holds (untracked folders as "dir/", as with --untracked-files=normal).
func statusLists(t *testing.T, dir string) (staged, modified, untracked []string) {
	out := gt.Git(t, dir, "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=normal")
	for _, rec := range strings.Split(out, "\x00") {
		if len(rec) < 4 {
			continue
		}
		x, y, p := rec[0], rec[1], rec[3:]
		switch {
		case x == '?':
			untracked = append(untracked, p)
		default:
			if x != ' ' {
				staged = append(staged, p)
			}
			if y != ' ' {
				modified = append(modified, p)
			}
		}
	}
	sort.Strings(staged)
	sort.Strings(modified)
	sort.Strings(untracked)
	return staged, modified, untracked
}

// wantClean compares Clean of the whole work tree with git status.
func wantClean(t *testing.T, c *gitstate.Cache, dir, step string) {
	t.Helper()
	compareClean(t, c, dir, step, gitStatus(t, dir))
}

// gitStatusView is what git status and ls-files say of a whole work tree.
type gitStatusView struct {
	staged, modified, untracked []string
	entries                     int
}

// gitStatus asks git status and ls-files.
func gitStatus(t *testing.T, dir string) gitStatusView {
	staged, modified, untracked := statusLists(t, dir)
	return gitStatusView{staged, modified, untracked, strings.Count(gt.Git(t, dir, "ls-files", "-z", "--stage"), "\x00")}
}

// compareClean compares Clean of the whole work tree with view.
func compareClean(t *testing.T, c *gitstate.Cache, dir, step string, view gitStatusView) {
	t.Helper()
	rep, err := c.Repo(dir).Clean(context.Background(), "")
	if err != nil {
		t.Fatalf("%s: Clean: %v", step, err)
	}
	staged, modified, untracked := view.staged, view.modified, view.untracked
	for _, l := range []struct {
		what      string
		got, want []string
	}{{"staged", rep.Staged, staged}, {"modified", rep.Modified, modified}, {"untracked", rep.Untracked, untracked}} {
		if !slices.Equal(l.got, l.want) {
			t.Errorf("%s: %s: gitstate says %q, git status says %q", step, l.what, l.got, l.want)
		}
	}
	if n := view.entries; rep.Tracked > n {
		t.Errorf("%s: %d tracked files, git ls-files lists %d entries", step, rep.Tracked, n)
	}
}

// TestCleanMatchesGitStatus compares Clean with git status on the
// every-state repository, and on a small one through a series of changes.
func TestCleanMatchesGitStatus(t *testing.T) {
	t.Run("every state", func(t *testing.T) {
		dir, _ := gt.StatesRepo(t)
		wantClean(t, &gitstate.Cache{}, dir, "every state")
	})
	t.Run("changes", func(t *testing.T) {
		gt.Isolate(t)
		dir := gt.NewRepo(t)
		gt.WriteFile(t, dir, "a.txt", "a\n")
		gt.WriteFile(t, dir, ".gitignore", "*.tmp\nvendor/\n")
		gt.WriteFile(t, dir, "deep/er/b.txt", "b\n")
		gt.WriteFile(t, dir, "vendor/kept.go", "tracked in an ignored folder\n")
		gt.Git(t, dir, "add", "-A")
		gt.Git(t, dir, "add", "-f", "vendor/kept.go")
		gt.Git(t, dir, "commit", "-q", "-m", "one")
		gt.WriteFile(t, dir, "x.tmp", "ignored\n")
		gt.WriteFile(t, dir, "vendor/lib/y.go", "ignored folder\n")
		c := &gitstate.Cache{}
		steps := []struct {
			name   string
			change func()
		}{
			{"clean", func() {}},
			{"untracked folder", func() { gt.WriteFile(t, dir, "new/file.txt", "n\n") }},
			{"untracked folder removed", func() { os.RemoveAll(filepath.Join(dir, "new")) }},
			{"empty untracked folder", func() { os.MkdirAll(filepath.Join(dir, "empty/inner"), 0o755) }},
			{"all-ignored untracked folder", func() { gt.WriteFile(t, dir, "only-ignored/z.tmp", "z\n") }},
			{"untracked file in a tracked folder", func() { gt.WriteFile(t, dir, "deep/c.txt", "c\n") }},
			{"modified", func() { gt.WriteFile(t, dir, "deep/er/b.txt", "bb\n") }},
			{"modified in an ignored folder", func() { gt.WriteFile(t, dir, "vendor/kept.go", "changed\n") }},
			{"staged", func() { gt.Git(t, dir, "add", "deep/er/b.txt", "deep/c.txt") }},
			{"committed", func() { gt.Git(t, dir, "commit", "-q", "-am", "two") }},
			{"deleted", func() { os.Remove(filepath.Join(dir, "a.txt")) }},
			{"folder deleted", func() { os.RemoveAll(filepath.Join(dir, "deep")) }},
			{"file where a folder was", func() { gt.WriteFile(t, dir, "deep", "now a file\n") }},
			{"removed from the index", func() { gt.Git(t, dir, "rm", "-q", "--cached", "vendor/kept.go") }},
		}
		for _, s := range steps {
			s.change()
			wantClean(t, c, dir, s.name)
		}
	})
}

// TestCacheReloads shows the cached HEAD tree and index follow commits,
// adds, branch switches and packed refs.
func TestCacheReloads(t *testing.T) {
	gt.Isolate(t)
	dir := gt.NewRepo(t)
	gt.WriteFile(t, dir, "a.txt", "a\n")
	gt.Git(t, dir, "add", "a.txt")
	gt.Git(t, dir, "commit", "-q", "-m", "one")
	c := &gitstate.Cache{}
	gt.WriteFile(t, dir, "b.txt", "b\n")
	paths := []string{"a.txt", "b.txt"}
	wantFacts(t, c, dir, paths)
	gt.Git(t, dir, "add", "b.txt")
	wantFacts(t, c, dir, paths)
	gt.Git(t, dir, "commit", "-q", "-m", "two")
	wantFacts(t, c, dir, paths)
	gt.Git(t, dir, "checkout", "-q", "-b", "other", "HEAD~1")
	wantFacts(t, c, dir, paths)
	gt.Git(t, dir, "checkout", "-q", "main")
	gt.Git(t, dir, "pack-refs", "--all")
	wantFacts(t, c, dir, paths)
	if f := factsOf(t, c, dir, "b.txt"); !f.InTree {
		t.Errorf("b.txt after checkout main and pack-refs: not in HEAD")
	}
}

// TestSnapshotSeesOneState shows that within one snapshot id the state
// loaded first is kept, and a new id sees the change.
func TestSnapshotSeesOneState(t *testing.T) {
	gt.Isolate(t)
	dir := gt.NewRepo(t)
	gt.WriteFile(t, dir, "a.txt", "a\n")
	c := &gitstate.Cache{}
	g := c.Repo(dir)
	ctx := gitstate.WithSnapshot(context.Background(), 1)
	if f, err := g.Facts(ctx, "a.txt", ""); err != nil || f.InIndex {
		t.Fatalf("before add: %+v, %v", f, err)
	}
	gt.Git(t, dir, "add", "a.txt")
	if f, _ := g.Facts(ctx, "a.txt", ""); f.InIndex {
		t.Errorf("same snapshot: the add is seen, the state should be the one loaded first")
	}
	if f, _ := g.Facts(gitstate.WithSnapshot(context.Background(), 2), "a.txt", ""); !f.InIndex {
		t.Errorf("next snapshot: the add is not seen")
	}
}

// TestConcurrentFacts asks about every path from many goroutines at once
// (run with -race to make it meaningful) and expects the same answers.
func TestConcurrentFacts(t *testing.T) {
	dir, paths := gt.StatesRepo(t)
	c := &gitstate.Cache{}
	want := map[string]gitstate.Facts{}
	for _, p := range paths {
		want[p] = *factsOf(t, c, dir, p)
	}
	c = &gitstate.Cache{}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			g := c.Repo(dir)
			for _, p := range paths {
				f, err := g.Facts(context.Background(), p, "")
				if err != nil {
					t.Error(err)
					return
				}
				if w := want[p]; f.InTree != w.InTree || f.InIndex != w.InIndex || f.Staged != w.Staged || f.Worktree != w.Worktree || f.Ignored != w.Ignored {
					t.Errorf("%q concurrently: %+v, alone: %+v", p, *f, w)
				}
			}
			if _, err := g.Clean(context.Background(), ""); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestNeverWritesToTheRepo asks about every path and the whole tree, and
// proves .git is byte-for-byte unchanged, mtimes included.
func TestNeverWritesToTheRepo(t *testing.T) {
	dir, paths := gt.StatesRepo(t)
	// Let the index age so git itself would want to refresh racy entries.
	time.Sleep(1100 * time.Millisecond)
	before := gt.Snapshot(t, filepath.Join(dir, ".git"))
	for range 2 {
		c := &gitstate.Cache{}
		for _, p := range paths {
			factsOf(t, c, dir, p)
		}
		if _, err := c.Repo(dir).Clean(context.Background(), ""); err != nil {
			t.Fatal(err)
		}
	}
	diffs := gt.SnapshotDiff(before, gt.Snapshot(t, filepath.Join(dir, ".git")))
	sort.Strings(diffs)
	for _, d := range diffs {
		t.Error(d)
	}
}
