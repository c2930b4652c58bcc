// Package gonogotest is the kit gonogo's tests share: throwaway git
// repositories made with the real git CLI (the oracle for git probes),
// files written into them, and golden files refreshed by one -update flag.
// Tests import it; the product never does.
package gonogotest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Update is the -update flag of every test binary that imports this
// package: `go test ./pkg -run TestX -update` rewrites the golden files
// the test compares against, after a deliberate change.
var Update = flag.Bool("update", false, "rewrite golden files under testdata/ from the current output")

// gitIdentity gives commits an author whatever the machine's git
// configuration is (a fresh CI image has none), and keeps the machine's
// own configuration (signing, hooks, templates) out of the sandbox.
var gitIdentity = []string{
	"GIT_AUTHOR_NAME=gonogo-test", "GIT_AUTHOR_EMAIL=test@gonogo.invalid",
	"GIT_COMMITTER_NAME=gonogo-test", "GIT_COMMITTER_EMAIL=test@gonogo.invalid",
	"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
}

// Git runs the git CLI in dir and returns its standard output; the test
// fails (with git's output) if git does. It skips the test when git is not
// installed.
func Git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed (apt-get install git)")
	}
	cmd := exec.Command("git", append([]string{"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitIdentity...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s%s", strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	return stdout.String()
}

// Repo makes an empty repository on branch main in a new temporary folder
// and returns its work tree.
func Repo(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	Git(t, dir, "init", "-q")
	return dir
}

// WriteFile writes body to path (0644), creating its folders, and returns
// path.
func WriteFile(t testing.TB, path, body string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// Golden compares got with the golden file at path. Under -update it
// writes got there instead. A difference fails the test with both texts.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (rerun with -update if the change is intended):\n%s", path, LineDiff(string(want), string(got)))
	}
}

// LineDiff lists the lines that differ between want and got, up to ten,
// each with its number: enough to see what changed in a long file.
func LineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl == gl {
			continue
		}
		fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
		if shown++; shown == 10 {
			b.WriteString("  …\n")
			break
		}
	}
	if shown == 0 {
		return "(same lines, different bytes)"
	}
	return b.String()
}
