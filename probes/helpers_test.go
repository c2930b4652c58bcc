package probes

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// isolateGit gives the test its own HOME and XDG config so the user's git
// config and global excludes never leak in, and returns the HOME.
func isolateGit(t testing.TB) string {
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

// gitCmd runs the git CLI in dir and returns its stdout; it fails the test
// on a non-zero exit. GIT_OPTIONAL_LOCKS=0 keeps git status from
// refreshing the index, so the oracle does not change what it observes.
func gitCmd(t testing.TB, dir string, args ...string) string {
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

// newRepo makes an empty repository on branch main.
func newRepo(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	gitCmd(t, dir, "init", "-q", "-b", "main")
	return dir
}

// writeFile writes content to dir/rel, creating folders.
func writeFile(t testing.TB, dir, rel, content string) string {
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

// runSpec checks one spec with a fresh runner.
func runSpec(t testing.TB, sp *spec.Probe) Result {
	t.Helper()
	return runWith(t, NewRunner(Options{}), sp)
}

// runWith checks one spec with r.
func runWith(t testing.TB, r *Runner, sp *spec.Probe) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res := r.Run(ctx, []*spec.Probe{sp}, nil)
	if len(res) != 1 {
		t.Fatalf("Run returned %d results for 1 spec", len(res))
	}
	return res[0]
}

// gitSpec builds a git probe spec.
func gitSpec(path, state string) *spec.Probe {
	return &spec.Probe{Kind: spec.KindGit, Target: path, Params: &spec.GitParams{Path: path, State: state}}
}

// wantStatus fails the test unless res has status want and its message
// contains every fragment.
func wantStatus(t testing.TB, res Result, want Status, fragments ...string) {
	t.Helper()
	if res.Status != want {
		t.Errorf("%s: status %s (%q), want %s", res.Spec.Label(), res.Status, res.Message, want)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(res.Message, f) {
			t.Errorf("%s: message %q does not contain %q", res.Spec.Label(), res.Message, f)
		}
	}
}
