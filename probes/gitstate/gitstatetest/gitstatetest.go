// Package gitstatetest builds real git repositories with the git CLI for
// the tests of gitstate and of the git probe, and asks the git CLI what
// it thinks of them: git is the oracle the engine is compared against.
package gitstatetest

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Isolate gives the test its own HOME and XDG config so the user's git
// config and global excludes never leak in, and returns the HOME.
func Isolate(t testing.TB) string {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	t.Setenv("GIT_AUTHOR_NAME", "gonogo test")
	t.Setenv("GIT_AUTHOR_EMAIL", "test@example.invalid")
	t.Setenv("GIT_COMMITTER_NAME", "gonogo test")
	t.Setenv("GIT_COMMITTER_EMAIL", "test@example.invalid")
	return home
}

// Git runs the git CLI in dir and returns its stdout; it fails the test
// on a non-zero exit. GIT_OPTIONAL_LOCKS=0 keeps git status from
// refreshing the index, so the oracle does not change what it observes.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_OPTIONAL_LOCKS=0")
	out, err := cmd.Output()
	if err != nil {
		msg := ""
		if ee, ok := err.(*exec.ExitError); ok {
			msg = string(ee.Stderr)
		}
		t.Fatalf("git %s in %s: %v\n%s", strings.Join(args, " "), dir, err, msg)
	}
	return string(out)
}

// NewRepo makes an empty repository on branch main.
func NewRepo(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	Git(t, dir, "init", "-q", "-b", "main")
	return dir
}

// WriteFile writes content to dir/rel, creating folders, and returns the
// full path.
func WriteFile(t testing.TB, dir, rel, content string) string {
	t.Helper()
	p := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// StatesRepo makes a repository holding a file in every state the git
// probe knows, with awkward names, nested ignore files, info/exclude and
// a global excludes file (it calls Isolate). It returns the work tree and
// the paths to ask about.
func StatesRepo(t testing.TB) (string, []string) {
	t.Helper()
	home := Isolate(t)
	dir := NewRepo(t)
	files := map[string]string{
		"committed.txt":          "same\n",
		"modified.txt":           "v1\n",
		"staged.txt":             "v1\n",
		"mixed.txt":              "v1\n",
		"deleted.txt":            "bye\n",
		"rm-cached.txt":          "keep me\n",
		"exec.sh":                "#!/bin/sh\n",
		"name with spaces.txt":   "spaces\n",
		"ñandú/café.py":          "print('hola')\n",
		"ñandú/日本.txt":           "konnichiwa\n",
		"sub/nested/.gitignore":  "*.log\n!keep.log\n",
		".gitignore":             "build/\n/root-only.tmp\n",
		"sub/nested/tracked.log": "tracked despite the rule\n",
		"config.py":              "DB='chroma'\n",
	}
	for rel, c := range files {
		WriteFile(t, dir, rel, c)
	}
	if err := os.Symlink("committed.txt", filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	Git(t, dir, "add", "-A")
	Git(t, dir, "add", "-f", "sub/nested/tracked.log")
	Git(t, dir, "commit", "-q", "-m", "first")

	// Worktree and index changes.
	WriteFile(t, dir, "modified.txt", "v2 longer\n")
	WriteFile(t, dir, "staged.txt", "v2\n")
	Git(t, dir, "add", "staged.txt")
	WriteFile(t, dir, "mixed.txt", "v2\n")
	Git(t, dir, "add", "mixed.txt")
	WriteFile(t, dir, "mixed.txt", "v3\n")
	os.Remove(filepath.Join(dir, "deleted.txt"))
	Git(t, dir, "rm", "-q", "--cached", "rm-cached.txt")
	if err := os.Chmod(filepath.Join(dir, "exec.sh"), 0o755); err != nil {
		t.Fatal(err)
	}
	WriteFile(t, dir, "ñandú/café.py", "print('adiós')\n")
	WriteFile(t, dir, "new staged.txt", "new\n")
	Git(t, dir, "add", "new staged.txt")
	// Same size, same second: only the hash can tell (racy git).
	WriteFile(t, dir, "committed-racy.txt", "aaaa\n")
	Git(t, dir, "add", "committed-racy.txt")
	Git(t, dir, "commit", "-q", "-m", "racy", "--", "committed-racy.txt")
	WriteFile(t, dir, "committed-racy.txt", "bbbb\n")

	// Untracked and ignored.
	WriteFile(t, dir, "config_chromadb.py", "DB='chroma'\n")
	WriteFile(t, dir, "untracked dir/ü.txt", "x\n")
	WriteFile(t, dir, "sub/nested/debug.log", "ignored by nested rule\n")
	WriteFile(t, dir, "sub/nested/keep.log", "re-included by !keep.log\n")
	WriteFile(t, dir, "sub/app.log", "nested rule does not reach up\n")
	WriteFile(t, dir, "build/out.o", "ignored folder\n")
	WriteFile(t, dir, "root-only.tmp", "anchored rule\n")
	WriteFile(t, dir, "sub/root-only.tmp", "anchored rule does not match here\n")
	WriteFile(t, dir, "secret.env", "TOKEN=x\n")
	WriteFile(t, dir, ".git/info/exclude", "secret.env\n")
	WriteFile(t, dir, "notes.swp", "swap\n")
	WriteFile(t, home, ".config/git/ignore", "*.swp\n")

	paths := []string{
		"committed.txt", "modified.txt", "staged.txt", "mixed.txt", "deleted.txt",
		"rm-cached.txt", "exec.sh", "name with spaces.txt", "ñandú/café.py", "ñandú/日本.txt",
		"sub/nested/tracked.log", "config.py", "link.txt", "new staged.txt", "committed-racy.txt",
		"config_chromadb.py", "untracked dir/ü.txt", "sub/nested/debug.log", "sub/nested/keep.log",
		"sub/app.log", "build/out.o", "root-only.tmp", "sub/root-only.tmp", "secret.env", "notes.swp",
		"never-existed.txt",
	}
	return dir, paths
}

// PathView is what the git CLI says about one path.
type PathView struct {
	InHead    bool     // git ls-tree -r HEAD lists it
	InIndex   bool     // git ls-files lists it (any stage)
	Codes     []string // its git status --porcelain=v1 XY codes ("D " and "??" after git rm --cached)
	Ignored   bool     // git check-ignore matches it (never for an index entry)
	Exists    bool     // lstat finds it
	Untracked bool     // status "??"
	Staged    bool     // status X is a change
	Modified  bool     // status Y is M, D, T, or A (added with git add -N)
}

// View asks the git CLI about each path.
func View(t testing.TB, dir string, paths []string) map[string]PathView {
	t.Helper()
	status := map[string][]string{}
	out := Git(t, dir, "status", "--porcelain=v1", "-z", "--no-renames", "--untracked-files=all", "--ignored=no")
	for _, rec := range strings.Split(out, "\x00") {
		if len(rec) > 3 {
			status[rec[3:]] = append(status[rec[3:]], rec[:2])
		}
	}
	inHead := map[string]bool{}
	ls := exec.Command("git", "ls-tree", "-r", "-z", "--name-only", "HEAD")
	ls.Dir = dir
	if out, err := ls.Output(); err == nil { // an unborn branch has no HEAD
		for _, p := range strings.Split(string(out), "\x00") {
			inHead[p] = true
		}
	}
	inIndex := map[string]bool{}
	for _, p := range strings.Split(Git(t, dir, "ls-files", "-z"), "\x00") {
		inIndex[p] = true
	}
	got := map[string]PathView{}
	for _, p := range paths {
		codes := status[p]
		has := func(ok func(x, y byte) bool) bool {
			for _, xy := range codes {
				if ok(xy[0], xy[1]) {
					return true
				}
			}
			return false
		}
		cmd := exec.Command("git", "check-ignore", "-q", "--", p)
		cmd.Dir = dir
		_, err := os.Lstat(filepath.Join(dir, p))
		got[p] = PathView{
			InHead:    inHead[p],
			InIndex:   inIndex[p],
			Codes:     codes,
			Ignored:   cmd.Run() == nil,
			Exists:    err == nil,
			Untracked: has(func(x, y byte) bool { return x == '?' }),
			Staged:    has(func(x, y byte) bool { return x != ' ' && x != '?' }),
			Modified:  has(func(x, y byte) bool { return y == 'M' || y == 'D' || y == 'T' || y == 'A' }),
		}
	}
	return got
}

// Snapshot describes every file under dir by mode, size, mtime and
// content hash, to show that nothing was written.
func Snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		sum := ""
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum = fmt.Sprintf("%x", sha256.Sum256(b))
		}
		snap[p] = fmt.Sprintf("%v %d %d %s", fi.Mode(), fi.Size(), fi.ModTime().UnixNano(), sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// SnapshotDiff lists what changed between two snapshots.
func SnapshotDiff(before, after map[string]string) []string {
	var diffs []string
	for p, v := range before {
		if w, ok := after[p]; !ok {
			diffs = append(diffs, "removed "+p)
		} else if w != v {
			diffs = append(diffs, fmt.Sprintf("changed %s: %s → %s", p, v, w))
		}
	}
	for p := range after {
		if _, ok := before[p]; !ok {
			diffs = append(diffs, "created "+p)
		}
	}
	return diffs
}
