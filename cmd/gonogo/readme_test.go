package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// readmeSandbox stands for the demo's sandbox folder in the README: the
// same length as a real one under /tmp, so lines fold the same way.
const readmeSandbox = "/tmp/gonogo-demo-5f3a9c21"

var (
	sandboxPath = regexp.MustCompile(`/tmp/gonogo-demo-[0-9a-f]{8}`)
	checkedLine = regexp.MustCompile(`(?m)^checked     .*$`)
)

// TestReadmeWhatYouSee keeps the README's "What you see" true: it is what
// `gonogo demo --once` prints on a 100-column terminal, the sandbox's
// random name and the time of the check aside. go test -update rewrites
// the README's block.
func TestReadmeWhatYouSee(t *testing.T) {
	t.Setenv("TMPDIR", "/tmp") // the sandbox's path has one length
	var out bytes.Buffer
	ios := &IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &out, Width: 100}
	env := func(k string) string {
		if k == "NO_COLOR" {
			return "1"
		}
		return os.Getenv(k)
	}
	if code := run(context.Background(), []string{"demo", "--once"}, ios, env); code != exitGo {
		t.Fatalf("demo --once: exit %d\n%s", code, out.String())
	}
	got := sandboxPath.ReplaceAllString(out.String(), readmeSandbox)
	got = checkedLine.ReplaceAllString(got, "checked     2026-02-26 21:04:05 UTC in 14ms")
	got = "$ gonogo demo --once\n" + got

	path := filepath.Join("..", "..", "README.md")
	readme, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	start, end, ok := whatYouSee(string(readme))
	if !ok {
		t.Fatalf("README.md has no ```text block under \"## What you see\"")
	}
	if *gonogotest.Update {
		fixed := string(readme[:start]) + got + string(readme[end:])
		if err := os.WriteFile(path, []byte(fixed), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want := string(readme[start:end]); want != got {
		t.Errorf("README's \"What you see\" is not what gonogo demo --once prints (go test -run TestReadmeWhatYouSee -update rewrites it):\n%s",
			gonogotest.LineDiff(want, got))
	}
}

// whatYouSee finds the text of the first ```text block after the "## What
// you see" heading: readme[start:end], without the fences.
func whatYouSee(readme string) (start, end int, ok bool) {
	h := strings.Index(readme, "\n## What you see\n")
	if h < 0 {
		return 0, 0, false
	}
	open := strings.Index(readme[h:], "\n```text\n")
	if open < 0 {
		return 0, 0, false
	}
	start = h + open + len("\n```text\n")
	closing := strings.Index(readme[start:], "\n```\n")
	if closing < 0 {
		return 0, 0, false
	}
	return start, start + closing + 1, true
}
