package gitstate_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/probes/gitstate"
	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// Cases where an earlier engine answered otherwise than git (issue 13):
// each is compared with the git CLI, fact by fact and for clean.

// TestSubmoduleWithDirtyWorkTree: git status reports a submodule whose
// own work tree has a modified or an untracked file as modified (" M"),
// though its HEAD is the commit the superproject records.
func TestSubmoduleWithDirtyWorkTree(t *testing.T) {
	gt.Isolate(t)
	lib := gt.NewRepo(t)
	gt.WriteFile(t, lib, "lib.txt", "lib\n")
	gt.Git(t, lib, "add", "lib.txt")
	gt.Git(t, lib, "commit", "-q", "-m", "lib")
	dir := gt.NewRepo(t)
	gt.WriteFile(t, dir, "a.txt", "a\n")
	gt.Git(t, dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib")
	gt.Git(t, dir, "add", "-A")
	gt.Git(t, dir, "commit", "-q", "-m", "with submodule")
	sub := filepath.Join(dir, "vendor", "lib")
	paths := []string{"vendor/lib", "a.txt"}
	steps := []struct {
		name   string
		change func()
	}{
		{"clean", func() {}},
		{"modified file inside", func() { gt.WriteFile(t, sub, "lib.txt", "changed inside\n") }},
		{"restored", func() { gt.Git(t, sub, "checkout", "-q", "--", "lib.txt") }},
		{"untracked file inside", func() { gt.WriteFile(t, sub, "new.txt", "n\n") }},
		{"untracked removed", func() { os.Remove(filepath.Join(sub, "new.txt")) }},
		{"staged inside", func() { gt.WriteFile(t, sub, "lib.txt", "staged\n"); gt.Git(t, sub, "add", "lib.txt") }},
		{"committed inside", func() { gt.Git(t, sub, "commit", "-q", "-m", "moved on") }},
	}
	for _, s := range steps {
		s.change()
		c := &gitstate.Cache{}
		t.Run(s.name, func(t *testing.T) {
			wantFacts(t, c, dir, paths)
			wantClean(t, c, dir, s.name)
		})
	}
}

// TestRewriteKeepingSizeAndMtime: a file rewritten with content of the
// same size and its mtime put back is still caught, as git catches it,
// by its ctime (in place) or its inode (replaced by a rename).
func TestRewriteKeepingSizeAndMtime(t *testing.T) {
	gt.Isolate(t)
	dir := gt.NewRepo(t)
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, name := range []string{"in-place.txt", "renamed.txt", "untouched.txt"} {
		p := gt.WriteFile(t, dir, name, "aaaa\n")
		if err := os.Chtimes(p, past, past); err != nil {
			t.Fatal(err)
		}
	}
	gt.Git(t, dir, "add", "-A")
	gt.Git(t, dir, "commit", "-q", "-m", "one")
	// The ctime git recorded must fall in an earlier second than the
	// rewrite's, since git compares whole seconds.
	time.Sleep(1100 * time.Millisecond)
	p := gt.WriteFile(t, dir, "in-place.txt", "bbbb\n")
	if err := os.Chtimes(p, past, past); err != nil {
		t.Fatal(err)
	}
	tmp := gt.WriteFile(t, dir, ".renamed.tmp", "cccc\n")
	if err := os.Chtimes(tmp, past, past); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "renamed.txt")); err != nil {
		t.Fatal(err)
	}
	paths := []string{"in-place.txt", "renamed.txt", "untouched.txt"}
	c := &gitstate.Cache{}
	wantFacts(t, c, dir, paths)
	wantClean(t, c, dir, "rewritten")
	for _, p := range paths[:2] {
		if f := factsOf(t, c, dir, p); f.Worktree != gitstate.Modified {
			t.Errorf("%s: rewritten with the same size and mtime, reads %v", p, f.Worktree)
		}
	}
}

// TestNamesWithTabsAndNewlines: committed names holding a tab or a
// newline are in HEAD, and the tree holding them is clean.
func TestNamesWithTabsAndNewlines(t *testing.T) {
	gt.Isolate(t)
	dir := gt.NewRepo(t)
	paths := []string{"tab\there.txt", "new\nline.txt", "dir\twith tab/inside.txt", "plain.txt", "quote\"and\\back.txt"}
	for _, p := range paths {
		gt.WriteFile(t, dir, p, p+"\n")
	}
	gt.Git(t, dir, "add", "-A")
	gt.Git(t, dir, "commit", "-q", "-m", "odd names")
	c := &gitstate.Cache{}
	wantFacts(t, c, dir, paths)
	wantClean(t, c, dir, "odd names")
	for _, p := range paths {
		if f := factsOf(t, c, dir, p); !f.InTree || !f.InIndex {
			t.Errorf("%q: in HEAD %v, in the index %v", p, f.InTree, f.InIndex)
		}
	}
	gt.WriteFile(t, dir, "new\nline.txt", "changed\n")
	wantFacts(t, c, dir, paths)
	wantClean(t, c, dir, "odd name changed")
}
