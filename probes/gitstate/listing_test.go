package gitstate_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/probes/gitstate"
	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// TestCleanListingCache asks for clean again and again of one cache, as
// the board does, while the tree changes in every way that decides which
// files are untracked: each answer equals git status, and folders that
// did not change are not read again.
func TestCleanListingCache(t *testing.T) {
	const age = 50 * time.Millisecond
	defer gitstate.SetListingAge(age)()
	home := gt.Isolate(t)
	dir := gt.NewRepo(t)
	for _, p := range []string{"a/one.txt", "b/two.txt", "c/d/three.txt", ".gitignore"} {
		gt.WriteFile(t, dir, p, p+"\n")
	}
	gt.Git(t, dir, "add", "-A")
	gt.Git(t, dir, "commit", "-q", "-m", "one")
	gt.WriteFile(t, dir, "a/untracked.txt", "u\n")
	c := &gitstate.Cache{}
	g := c.Repo(dir)
	settle := func() { time.Sleep(2 * age) } // older than the listing age
	steps := []struct {
		name   string
		change func()
	}{
		{"first", func() {}},
		{"again, nothing changed", func() {}},
		{"untracked file in another folder", func() { gt.WriteFile(t, dir, "b/new.txt", "n\n") }},
		{"ignored by a new .gitignore in that folder", func() { gt.WriteFile(t, dir, "b/.gitignore", "new.txt\n.gitignore\n") }},
		{"the folder's .gitignore changed in place", func() { gt.WriteFile(t, dir, "b/.gitignore", "*.nothing\n") }},
		{"ignored by info/exclude", func() { gt.WriteFile(t, dir, ".git/info/exclude", "untracked.txt\n") }},
		{"ignored by the global excludes file", func() { gt.WriteFile(t, home, ".config/git/ignore", "new.txt\n") }},
		{"untracked folder holding only ignored files", func() { gt.WriteFile(t, dir, "c/u/x.log", "x\n"); gt.WriteFile(t, dir, ".git/info/exclude", "*.log\n") }},
		{"a file that is not ignored appears deep inside it", func() { gt.WriteFile(t, dir, "c/u/v/w.txt", "w\n") }},
		{"and goes again", func() { os.Remove(filepath.Join(dir, "c/u/v/w.txt")) }},
		{"a nested repository", func() { gt.Git(t, filepath.Join(dir, "c"), "init", "-q", "nested") }},
		{"a tracked file modified", func() { gt.WriteFile(t, dir, "c/d/three.txt", "changed\n") }},
		{"a file added to the index", func() { gt.Git(t, dir, "add", "a/untracked.txt") }},
		{"a tracked folder replaced by a symlink", func() {
			os.RemoveAll(filepath.Join(dir, "c", "d"))
			os.Symlink("../a", filepath.Join(dir, "c", "d"))
		}},
	}
	for i, s := range steps {
		s.change()
		settle()
		wantClean(t, c, dir, s.name)
		if i == 1 && g.ListingHits() == 0 {
			t.Errorf("%s: no folder listing was reused", s.name)
		}
	}
}
