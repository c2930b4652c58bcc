package probes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// oracle derives from the git CLI's view which states hold for each path.
func oracle(t *testing.T, dir string, paths []string) map[string]map[string]bool {
	got := map[string]map[string]bool{}
	for p, v := range gt.View(t, dir, paths) {
		got[p] = map[string]bool{
			spec.GitTracked:   v.InHead,
			spec.GitCommitted: v.InHead && v.InIndex && len(v.Codes) == 0,
			spec.GitUntracked: v.Untracked,
			spec.GitIgnored:   v.Ignored && v.Exists && !v.InIndex,
			spec.GitStaged:    v.Staged,
			spec.GitModified:  v.Modified,
		}
	}
	return got
}

// TestGitStatesMatchGitCLI asks every state of every path and compares
// the verdicts with git status / ls-tree / ls-files / check-ignore (the
// facts themselves are compared in package gitstate).
func TestGitStatesMatchGitCLI(t *testing.T) {
	dir, paths := gt.StatesRepo(t)
	want := oracle(t, dir, paths)
	r := NewRunner(Options{})
	states := []string{spec.GitTracked, spec.GitCommitted, spec.GitUntracked, spec.GitIgnored, spec.GitStaged, spec.GitModified}
	var specs []*spec.Probe
	for _, p := range paths {
		for _, s := range states {
			specs = append(specs, gitSpec(filepath.Join(dir, p), s))
		}
	}
	results := r.Run(context.Background(), specs, nil)
	for i, res := range results {
		p, s := paths[i/len(states)], states[i%len(states)]
		exp := want[p][s]
		got := res.Status == OK
		if res.Status != OK && res.Status != Fail {
			t.Errorf("%s %s: status %s (%s)", p, s, res.Status, res.Message)
			continue
		}
		if got != exp {
			t.Errorf("%q state %s: gonogo says %v (%s), git says %v", p, s, got, res.Message, exp)
		}
		if !strings.Contains(res.Message, strings.Split(p, "/")[0]) {
			t.Errorf("%q state %s: message %q does not name the path", p, s, res.Message)
		}
	}
}

// TestGitMessages pins the messages an operator reads for the case that
// started gonogo.
func TestGitMessages(t *testing.T) {
	dir, _ := gt.StatesRepo(t)
	p := func(rel string) string { return filepath.Join(dir, rel) }
	tests := []struct {
		path, state string
		want        Status
		msg         string
	}{
		{"config_chromadb.py", spec.GitCommitted, Fail, "config_chromadb.py is untracked: commit it or back it up"},
		{"config_chromadb.py", spec.GitTracked, Fail, "config_chromadb.py is not in HEAD (untracked)"},
		{"config.py", spec.GitCommitted, OK, "config.py is committed"},
		{"modified.txt", spec.GitCommitted, Fail, "modified.txt is modified in the worktree since the index: commit or stash"},
		{"staged.txt", spec.GitCommitted, Fail, "staged.txt has staged changes not yet committed: commit them"},
		{"deleted.txt", spec.GitCommitted, Fail, "deleted.txt is deleted in the work tree"},
		{"rm-cached.txt", spec.GitCommitted, Fail, "staged for deletion"},
		{"sub/nested/debug.log", spec.GitIgnored, OK, `sub/nested/.gitignore:1 "*.log"`},
		{"secret.env", spec.GitIgnored, OK, ".git/info/exclude:1"},
		{"notes.swp", spec.GitTracked, Fail, "ignored by"},
		{"build/out.o", spec.GitIgnored, OK, `.gitignore:1 "build/"`},
		{"sub/nested/keep.log", spec.GitIgnored, Fail, "is not ignored"},
		{"new staged.txt", spec.GitTracked, Fail, "added to the index, not yet committed"},
		{"never-existed.txt", spec.GitTracked, Fail, "does not exist in the work tree"},
		{"build/not-built-yet.o", spec.GitIgnored, Fail, `does not exist (a file there would be ignored by .gitignore:1 "build/")`},
		{"ñandú", spec.GitCommitted, Fail, "ñandú/ has files modified in the worktree since the index (ñandú/café.py)"},
		{"ñandú", spec.GitTracked, OK, "ñandú/ is tracked"},
		{"sub/nested", spec.GitCommitted, OK, "sub/nested/ is committed (2 files)"},
	}
	r := NewRunner(Options{})
	for _, tt := range tests {
		t.Run(tt.path+"/"+tt.state, func(t *testing.T) {
			wantStatus(t, runWith(t, r, gitSpec(p(tt.path), tt.state)), tt.want, tt.msg)
		})
	}
}

// TestGitClean compares state clean with git status on a clean tree, and
// after each kind of change.
func TestGitClean(t *testing.T) {
	gitstatetest.Isolate(t)
	dir := gitstatetest.NewRepo(t)
	gitstatetest.WriteFile(t, dir, "a.txt", "a\n")
	gitstatetest.WriteFile(t, dir, ".gitignore", "*.tmp\nvendor/\n")
	gitstatetest.WriteFile(t, dir, "deep/er/b.txt", "b\n")
	gitstatetest.Git(t, dir, "add", "-A")
	gitstatetest.Git(t, dir, "commit", "-q", "-m", "one")
	gitstatetest.WriteFile(t, dir, "x.tmp", "ignored\n")
	gitstatetest.WriteFile(t, dir, "vendor/lib/y.go", "ignored folder\n")
	r := NewRunner(Options{})
	clean := gitSpec(dir, spec.GitClean)
	steps := []struct {
		name   string
		change func()
		want   Status
		msg    string
	}{
		{"clean", func() {}, OK, "the work tree is clean (3 tracked files"},
		{"untracked", func() { gitstatetest.WriteFile(t, dir, "new/file.txt", "n\n") }, Fail, "1 untracked (new/)"},
		{"untracked removed", func() { os.RemoveAll(filepath.Join(dir, "new")) }, OK, "is clean"},
		{"modified", func() { gitstatetest.WriteFile(t, dir, "deep/er/b.txt", "bb\n") }, Fail, "1 modified (deep/er/b.txt)"},
		{"staged", func() { gitstatetest.Git(t, dir, "add", "deep/er/b.txt") }, Fail, "1 staged (deep/er/b.txt)"},
		{"committed", func() { gitstatetest.Git(t, dir, "commit", "-q", "-m", "two") }, OK, "is clean"},
		{"deleted", func() { os.Remove(filepath.Join(dir, "a.txt")) }, Fail, "1 modified (a.txt)"},
	}
	for _, s := range steps {
		s.change()
		porcelain := gitstatetest.Git(t, dir, "status", "--porcelain")
		res := runWith(t, r, clean)
		wantStatus(t, res, s.want, s.msg)
		if (porcelain == "") != (res.Status == OK) {
			t.Errorf("%s: git status --porcelain says %q, gonogo says %s", s.name, porcelain, res.Status)
		}
	}
}

// TestGitEdgeCases covers repositories that are not the plain case.
func TestGitEdgeCases(t *testing.T) {
	gitstatetest.Isolate(t)

	t.Run("unborn branch", func(t *testing.T) {
		dir := gitstatetest.NewRepo(t)
		f := gitstatetest.WriteFile(t, dir, "a.txt", "a\n")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitTracked)), Fail, "a.txt is not in HEAD: branch main has no commits yet")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitCommitted)), Fail, "no commits yet")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitUntracked)), OK)
		gitstatetest.Git(t, dir, "add", "a.txt")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitStaged)), OK, "staged as a new file")
		wantStatus(t, runSpec(t, gitSpec(dir, spec.GitClean)), Fail, "1 staged (a.txt)")
	})

	t.Run("detached HEAD", func(t *testing.T) {
		dir := gitstatetest.NewRepo(t)
		f := gitstatetest.WriteFile(t, dir, "a.txt", "a\n")
		gitstatetest.Git(t, dir, "add", "a.txt")
		gitstatetest.Git(t, dir, "commit", "-q", "-m", "one")
		gitstatetest.Git(t, dir, "checkout", "-q", "--detach")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitTracked)), OK, "a.txt is tracked (in HEAD (detached at ")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitCommitted)), OK, "a.txt is committed")
	})

	t.Run("path outside the repo", func(t *testing.T) {
		dir := gitstatetest.NewRepo(t)
		outside := gitstatetest.WriteFile(t, t.TempDir(), "x.txt", "x\n")
		sp := gitSpec(outside, spec.GitCommitted)
		sp.Params.(*spec.GitParams).Repo = dir
		wantStatus(t, runSpec(t, sp), Error, "is outside the repository at "+dir)
	})

	t.Run("not a repository", func(t *testing.T) {
		f := gitstatetest.WriteFile(t, t.TempDir(), "x.txt", "x\n")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitCommitted)), Error, "is not inside a git repository")
	})

	t.Run("broken .git", func(t *testing.T) {
		dir := t.TempDir()
		os.Mkdir(filepath.Join(dir, ".git"), 0o755)
		f := gitstatetest.WriteFile(t, dir, "a.txt", "a")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitCommitted)), Error, "has no HEAD file: not a usable git repository")
	})

	t.Run("core.excludesFile", func(t *testing.T) {
		home := os.Getenv("HOME")
		gitstatetest.WriteFile(t, home, ".gitconfig", "[core]\n\texcludesFile = ~/my-excludes\n")
		gitstatetest.WriteFile(t, home, "my-excludes", "*.secret\n")
		t.Cleanup(func() { os.Remove(filepath.Join(home, ".gitconfig")) })
		dir := gitstatetest.NewRepo(t)
		f := gitstatetest.WriteFile(t, dir, "db.secret", "x")
		cmd := exec.Command("git", "check-ignore", "-q", "db.secret")
		cmd.Dir = dir
		if err := cmd.Run(); err != nil {
			t.Fatalf("git itself does not ignore db.secret: %v", err)
		}
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitIgnored)), OK, filepath.Join(home, "my-excludes")+`:1 "*.secret"`)
	})

	t.Run("core.fileMode false", func(t *testing.T) {
		dir := gitstatetest.NewRepo(t)
		f := gitstatetest.WriteFile(t, dir, "run.sh", "echo\n")
		gitstatetest.Git(t, dir, "add", "run.sh")
		gitstatetest.Git(t, dir, "commit", "-q", "-m", "one")
		os.Chmod(f, 0o755)
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitModified)), OK)
		gitstatetest.Git(t, dir, "config", "core.fileMode", "false")
		if out := gitstatetest.Git(t, dir, "status", "--porcelain"); out != "" {
			t.Fatalf("git status after core.fileMode=false: %q", out)
		}
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitCommitted)), OK, "run.sh is committed")
	})

	t.Run("path inside .git", func(t *testing.T) {
		dir := gitstatetest.NewRepo(t)
		wantStatus(t, runSpec(t, gitSpec(filepath.Join(dir, ".git", "config"), spec.GitTracked)), Error, "inside .git")
	})

	t.Run("linked worktree", func(t *testing.T) {
		dir := gitstatetest.NewRepo(t)
		gitstatetest.WriteFile(t, dir, "a.txt", "a\n")
		gitstatetest.Git(t, dir, "add", "a.txt")
		gitstatetest.Git(t, dir, "commit", "-q", "-m", "one")
		wt := filepath.Join(filepath.Dir(dir), "wt")
		gitstatetest.Git(t, dir, "worktree", "add", "-q", "-b", "feature", wt)
		f := filepath.Join(wt, "a.txt")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitCommitted)), OK, "a.txt is committed")
		gitstatetest.WriteFile(t, wt, "a.txt", "changed in the linked worktree\n")
		wantStatus(t, runSpec(t, gitSpec(f, spec.GitModified)), OK)
		// The main work tree is unaffected.
		wantStatus(t, runSpec(t, gitSpec(filepath.Join(dir, "a.txt"), spec.GitCommitted)), OK)
		// A commit on the worktree's branch moves its HEAD (refs live in the common dir).
		gitstatetest.WriteFile(t, wt, "b.txt", "b\n")
		r := NewRunner(Options{})
		wantStatus(t, runWith(t, r, gitSpec(filepath.Join(wt, "b.txt"), spec.GitTracked)), Fail)
		gitstatetest.Git(t, wt, "add", "b.txt")
		gitstatetest.Git(t, wt, "commit", "-q", "-m", "b")
		wantStatus(t, runWith(t, r, gitSpec(filepath.Join(wt, "b.txt"), spec.GitTracked)), OK)
	})

	t.Run("submodule", func(t *testing.T) {
		lib := gitstatetest.NewRepo(t)
		gitstatetest.WriteFile(t, lib, "lib.txt", "lib\n")
		gitstatetest.Git(t, lib, "add", "lib.txt")
		gitstatetest.Git(t, lib, "commit", "-q", "-m", "lib")
		dir := gitstatetest.NewRepo(t)
		gitstatetest.WriteFile(t, dir, "a.txt", "a\n")
		gitstatetest.Git(t, dir, "-c", "protocol.file.allow=always", "submodule", "add", "-q", lib, "vendor/lib")
		gitstatetest.Git(t, dir, "add", "-A")
		gitstatetest.Git(t, dir, "commit", "-q", "-m", "with submodule")
		sub := filepath.Join(dir, "vendor", "lib")
		wantStatus(t, runSpec(t, gitSpec(sub, spec.GitCommitted)), OK, "vendor/lib is committed")
		wantStatus(t, runSpec(t, gitSpec(dir, spec.GitClean)), OK)
		// A path inside, asked of the superproject, is explained.
		sp := gitSpec(filepath.Join(sub, "lib.txt"), spec.GitCommitted)
		sp.Params.(*spec.GitParams).Repo = dir
		wantStatus(t, runSpec(t, sp), Error, "inside submodule vendor/lib")
		// Without repo:, the submodule itself is found and answers.
		wantStatus(t, runSpec(t, gitSpec(filepath.Join(sub, "lib.txt"), spec.GitCommitted)), OK, "lib.txt is committed")
		// A new commit inside the submodule shows as modified in the superproject.
		gitstatetest.WriteFile(t, sub, "more.txt", "m\n")
		gitstatetest.Git(t, sub, "add", "more.txt")
		gitstatetest.Git(t, sub, "commit", "-q", "-m", "more")
		wantStatus(t, runSpec(t, gitSpec(sub, spec.GitModified)), OK)
	})

	t.Run("rev for git checkout REV -- F", func(t *testing.T) {
		dir := gitstatetest.NewRepo(t)
		f := gitstatetest.WriteFile(t, dir, "old.py", "old\n")
		gitstatetest.Git(t, dir, "add", "old.py")
		gitstatetest.Git(t, dir, "commit", "-q", "-m", "one")
		gitstatetest.Git(t, dir, "tag", "v1")
		gitstatetest.Git(t, dir, "rm", "-q", "old.py")
		gitstatetest.Git(t, dir, "commit", "-q", "-m", "two")
		sp := func(rev string) *spec.Probe {
			s := gitSpec(f, spec.GitTracked)
			s.Params.(*spec.GitParams).Rev = rev
			return s
		}
		wantStatus(t, runSpec(t, sp("HEAD~1")), OK, "old.py is tracked (in HEAD~1 (")
		wantStatus(t, runSpec(t, sp("v1")), OK, "in v1 (")
		wantStatus(t, runSpec(t, sp("")), Fail, "old.py is not in HEAD")
		wantStatus(t, runSpec(t, sp("no-such-branch")), Error, `revision "no-such-branch" does not resolve`)
	})
}
