package gitstatetest

import (
	"os"
	"path/filepath"
	"testing"
)

// Layout is a repository laid out in one of the ways git supports beyond
// a plain clone, populated with files in every state (Populate).
type Layout struct {
	Name  string
	Build func(t testing.TB) (workTree string, gitDirs []string) // gitDirs: what must stay unchanged
}

// Populate commits a few files in a work tree and then leaves one in each
// state: modified, staged, deleted, untracked (a file and a folder) and
// ignored. It returns the paths to ask about.
func Populate(t testing.TB, dir string) []string {
	t.Helper()
	for rel, c := range map[string]string{
		"keep.txt":    "keep\n",
		"mod.txt":     "v1\n",
		"staged.txt":  "v1\n",
		"del.txt":     "bye\n",
		"sub/a.txt":   "a\n",
		"sub/b.txt":   "b\n",
		"other/c.txt": "c\n",
		".gitignore":  "*.log\n",
	} {
		WriteFile(t, dir, rel, c)
	}
	Git(t, dir, "add", "-A")
	Git(t, dir, "commit", "-q", "-m", "populate")
	Change(t, dir)
	return PopulatedPaths()
}

// Change leaves a file of Populate's in each state (after a commit).
func Change(t testing.TB, dir string) {
	t.Helper()
	WriteFile(t, dir, "mod.txt", "v2 longer\n")
	WriteFile(t, dir, "staged.txt", "v2\n")
	Git(t, dir, "add", "staged.txt")
	if err := os.Remove(filepath.Join(dir, "del.txt")); err != nil {
		t.Fatal(err)
	}
	WriteFile(t, dir, "new.txt", "new\n")
	WriteFile(t, dir, "untracked/u.txt", "u\n")
	WriteFile(t, dir, "debug.log", "ignored\n")
	WriteFile(t, dir, "sub/b.txt", "b changed\n")
}

// PopulatedPaths are the paths Populate leaves in a state, and two that
// are not there.
func PopulatedPaths() []string {
	return []string{"keep.txt", "mod.txt", "staged.txt", "del.txt", "sub/a.txt", "sub/b.txt",
		"other/c.txt", ".gitignore", "new.txt", "untracked/u.txt", "debug.log", "never.txt", "sub/never.log",
		"intent.txt"} // added with git add -N in one layout
}

// Layouts are the repository layouts the engine must answer for as git
// does: the plain one, index versions 3 and 4, a sparse checkout with
// per-worktree config, a sparse index, a split index, SHA-256 objects, a
// clone --shared (alternates), .git as a symlink, and a linked worktree.
func Layouts() []Layout {
	plain := func(t testing.TB, args ...string) (string, string) {
		dir := filepath.Join(t.TempDir(), "repo")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		Git(t, dir, append([]string{"init", "-q", "-b", "main"}, args...)...)
		return dir, filepath.Join(dir, ".git")
	}
	return []Layout{
		{Name: "plain", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t)
			Populate(t, dir)
			return dir, []string{gd}
		}},
		{Name: "index v3", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t)
			Populate(t, dir)
			// An intent-to-add entry needs the extended flags of version 3.
			WriteFile(t, dir, "intent.txt", "i\n")
			Git(t, dir, "add", "-N", "intent.txt")
			return dir, []string{gd}
		}},
		{Name: "index v4", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t)
			Populate(t, dir)
			Git(t, dir, "update-index", "--index-version", "4")
			return dir, []string{gd}
		}},
		{Name: "sparse checkout, worktreeConfig", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t)
			Populate(t, dir)
			Git(t, dir, "stash", "-q", "-u")
			Git(t, dir, "sparse-checkout", "init", "--cone")
			Git(t, dir, "sparse-checkout", "set", "sub")
			Change(t, dir)
			return dir, []string{gd}
		}},
		{Name: "sparse index", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t)
			Populate(t, dir)
			Git(t, dir, "stash", "-q", "-u")
			Git(t, dir, "sparse-checkout", "init", "--cone", "--sparse-index")
			Git(t, dir, "sparse-checkout", "set", "sub")
			Change(t, dir)
			return dir, []string{gd}
		}},
		{Name: "split index", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t)
			Populate(t, dir)
			Git(t, dir, "update-index", "--split-index")
			WriteFile(t, dir, "sub/a.txt", "a staged after the split\n")
			Git(t, dir, "add", "sub/a.txt")
			return dir, []string{gd}
		}},
		{Name: "sha256 objects", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t, "--object-format=sha256")
			Populate(t, dir)
			return dir, []string{gd}
		}},
		{Name: "clone --shared", Build: func(t testing.TB) (string, []string) {
			src, sgd := plain(t)
			Populate(t, src)
			dir := filepath.Join(t.TempDir(), "shared")
			Git(t, src, "clone", "-q", "--shared", src, dir)
			Change(t, dir)
			return dir, []string{filepath.Join(dir, ".git"), sgd}
		}},
		{Name: ".git is a symlink", Build: func(t testing.TB) (string, []string) {
			dir, gd := plain(t)
			store := filepath.Join(t.TempDir(), "elsewhere.git")
			if err := os.Rename(gd, store); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(store, gd); err != nil {
				t.Fatal(err)
			}
			Populate(t, dir)
			return dir, []string{store}
		}},
		{Name: "linked worktree", Build: func(t testing.TB) (string, []string) {
			main, gd := plain(t)
			WriteFile(t, main, "first.txt", "first\n")
			Git(t, main, "add", "first.txt")
			Git(t, main, "commit", "-q", "-m", "first")
			wt := filepath.Join(t.TempDir(), "linked")
			Git(t, main, "worktree", "add", "-q", "-b", "feature", wt)
			Populate(t, wt)
			return wt, []string{gd}
		}},
	}
}
