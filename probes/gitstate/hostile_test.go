package gitstate_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/probes/gitstate"
	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// A repository is input like any other (issue 13): the files it controls
// are read only when they are regular files, with a size cap, without
// following a symlink where git does not, and never block.

// TestSymlinkedGitignoreIsNotFollowed: git does not follow a .gitignore
// committed as a symlink (it warns and ignores it), so its target's
// rules do not apply.
func TestSymlinkedGitignoreIsNotFollowed(t *testing.T) {
	gt.Isolate(t)
	dir := gt.NewRepo(t)
	gt.WriteFile(t, dir, "rules.txt", "*.secret\n")
	gt.WriteFile(t, dir, "sub/rules.txt", "*.key\n")
	for _, link := range []string{".gitignore", "sub/.gitignore"} {
		if err := os.Symlink("rules.txt", filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	gt.Git(t, dir, "add", "-A")
	gt.Git(t, dir, "commit", "-q", "-m", "symlinked ignore files")
	gt.WriteFile(t, dir, "db.secret", "x\n")
	gt.WriteFile(t, dir, "sub/id.key", "x\n")
	c := &gitstate.Cache{}
	wantFacts(t, c, dir, []string{"db.secret", "sub/id.key", ".gitignore"})
	wantClean(t, c, dir, "symlinked ignore files")
}

// allocDuring returns how many bytes f allocated.
func allocDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// answerWithin runs f and fails the test if it has not returned after a
// generous while: an open that blocks on a FIFO never returns at all.
func answerWithin(t *testing.T, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("%s: no answer after 30 s (blocked on a FIFO?)", what)
	}
}

// TestHostileRepositoryFiles puts a FIFO, a device, a huge file or a
// folder where git expects a small regular file, and asks for facts and
// clean: each answer comes back, with little memory, and either agrees
// with the file being absent (ignore files: git warns and goes on) or is
// an error naming the file (HEAD, the index).
func TestHostileRepositoryFiles(t *testing.T) {
	fifo := func(p string) func(t *testing.T) {
		return func(t *testing.T) {
			os.Remove(p)
			if err := syscall.Mkfifo(p, 0o644); err != nil {
				t.Skipf("no FIFOs here: %v", err)
			}
		}
	}
	symlink := func(target, p string) func(t *testing.T) {
		return func(t *testing.T) {
			os.Remove(p)
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
		}
	}
	huge := func(p string) func(t *testing.T) {
		return func(t *testing.T) {
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if err := f.Truncate(1 << 30); err != nil { // sparse: costs no disk
				t.Fatal(err)
			}
		}
	}
	folder := func(p string) func(t *testing.T) {
		return func(t *testing.T) {
			os.Remove(p)
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	type tc struct {
		name    string
		plant   func(dir, home string) func(t *testing.T)
		errPart string // "": answers as if the file were absent
	}
	cases := []tc{
		{".gitignore symlinked to /dev/zero", func(dir, _ string) func(*testing.T) { return symlink("/dev/zero", filepath.Join(dir, ".gitignore")) }, ""},
		{"info/exclude symlinked to /dev/zero", func(dir, _ string) func(*testing.T) {
			return symlink("/dev/zero", filepath.Join(dir, ".git", "info", "exclude"))
		}, ""},
		{"global excludes file symlinked to /dev/zero", func(_, home string) func(*testing.T) {
			return symlink("/dev/zero", filepath.Join(home, ".config", "git", "ignore"))
		}, ""},
		{".gitignore is a FIFO", func(dir, _ string) func(*testing.T) { return fifo(filepath.Join(dir, "sub", ".gitignore")) }, ""},
		{"info/exclude is a FIFO", func(dir, _ string) func(*testing.T) { return fifo(filepath.Join(dir, ".git", "info", "exclude")) }, ""},
		{".gitignore of 1 GiB", func(dir, _ string) func(*testing.T) { return huge(filepath.Join(dir, "sub", ".gitignore")) }, ""},
		{".gitignore is a folder", func(dir, _ string) func(*testing.T) { return folder(filepath.Join(dir, "sub", ".gitignore")) }, ""},
		{"config is a FIFO", func(dir, _ string) func(*testing.T) { return fifo(filepath.Join(dir, ".git", "config")) }, ""},
		{"config of 1 GiB", func(dir, _ string) func(*testing.T) { return huge(filepath.Join(dir, ".git", "config")) }, ""},
		{"~/.gitconfig is a FIFO", func(_, home string) func(*testing.T) { return fifo(filepath.Join(home, ".gitconfig")) }, ""},
		{"HEAD is a FIFO", func(dir, _ string) func(*testing.T) { return fifo(filepath.Join(dir, ".git", "HEAD")) }, "HEAD"},
		{"HEAD of 1 GiB", func(dir, _ string) func(*testing.T) { return huge(filepath.Join(dir, ".git", "HEAD")) }, "HEAD"},
		{"the branch ref is a FIFO", func(dir, _ string) func(*testing.T) {
			return fifo(filepath.Join(dir, ".git", "refs", "heads", "main"))
		}, "main"},
		{"packed-refs is a FIFO", func(dir, _ string) func(*testing.T) {
			return func(t *testing.T) {
				gt.Git(t, dir, "pack-refs", "--all")
				fifo(filepath.Join(dir, ".git", "packed-refs"))(t)
			}
		}, "packed-refs"},
		{"the index is a FIFO", func(dir, _ string) func(*testing.T) { return fifo(filepath.Join(dir, ".git", "index")) }, "index"},
		{"the index is a symlink to /dev/zero", func(dir, _ string) func(*testing.T) { return symlink("/dev/zero", filepath.Join(dir, ".git", "index")) }, "index"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := gt.Isolate(t)
			dir := gt.NewRepo(t)
			gt.WriteFile(t, dir, "a.txt", "a\n")
			gt.WriteFile(t, dir, "sub/b.txt", "b\n")
			gt.Git(t, dir, "add", "-A")
			gt.Git(t, dir, "commit", "-q", "-m", "one")
			gt.WriteFile(t, dir, "sub/new.txt", "untracked\n")
			gt.WriteFile(t, home, ".config/git/ignore", "*.swp\n")
			c.plant(dir, home)(t)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			g := (&gitstate.Cache{}).Repo(dir)
			var f *gitstate.Facts
			var rep *gitstate.CleanReport
			var ferr, cerr error
			alloc := allocDuring(func() {
				answerWithin(t, "Facts", func() { f, ferr = g.Facts(ctx, "sub/new.txt", "") })
				answerWithin(t, "Clean", func() { rep, cerr = g.Clean(ctx, "") })
			})
			if alloc > 64<<20 {
				t.Errorf("allocated %d MiB to answer", alloc>>20)
			}
			if c.errPart != "" {
				for _, err := range []error{ferr, cerr} {
					if err == nil || !strings.Contains(err.Error(), c.errPart) {
						t.Errorf("error %v, want one naming %q", err, c.errPart)
					}
				}
				return
			}
			if ferr != nil || cerr != nil {
				t.Fatalf("Facts: %v, Clean: %v", ferr, cerr)
			}
			if f.Ignored || !f.Exists || f.InIndex {
				t.Errorf("sub/new.txt: %+v, want untracked", *f)
			}
			// The planted file may be untracked too.
			if !slices.Contains(rep.Untracked, "sub/new.txt") || len(rep.Modified)+len(rep.Staged) != 0 {
				t.Errorf("clean: %+v, want sub/new.txt untracked and nothing modified or staged", *rep)
			}
		})
	}
}
