package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// generatedPlan is a plan of n steps shaped like a real runbook: mostly
// procedure steps with file, git, host and command probes and shell blocks
// for inference, and a rollback phase whose steps restore an untracked file.
func generatedPlan(n int) string {
	var b strings.Builder
	b.WriteString("# Generated migration\n\n## Procedure\n\n")
	rollback := n / 10
	for i := 1; i <= n-rollback; i++ {
		fmt.Fprintf(&b, "### %d. Step number %d\n\n", i, i)
		switch i % 5 {
		case 0:
			fmt.Fprintf(&b, "```bash\ncp app.py backups/app-%d.py\n```\n\n```gonogo\nrequires:\n  - file: app.py\ndone:\n  - backup: backups/app-%d.py\n    of: app.py\n```\n\n", i, i)
		case 1:
			b.WriteString("```gonogo\nrequires:\n  - git: app.py\n    state: committed\n  - host: memory\n    min_available: 1MB\n```\n\n")
		case 2:
			b.WriteString("```gonogo\nrequires:\n  - host: disk\n    path: /\n    min_free: 1MB\n  - command: test -f app.py\n```\n\n")
		case 3:
			fmt.Fprintf(&b, "```bash\nmkdir -p out/%d\necho done > out/%d/marker\n```\n\n", i, i)
		default:
			b.WriteString("Tell the team.\n\n")
		}
	}
	b.WriteString("## Rollback\n\n")
	for i := n - rollback + 1; i <= n; i++ {
		fmt.Fprintf(&b, "### %d. Restore step %d\n\n```bash\ngit checkout HEAD -- config_chromadb.py\n```\n\n", i, i)
	}
	return b.String()
}

// benchOnce times one `gonogo --once --format json` run of the built
// binary, from process start to exit, on plan in dir.
func benchOnce(b *testing.B, dir, plan string) {
	b.Helper()
	for b.Loop() {
		cmd := exec.CommandContext(context.Background(), binary, "--once", "--format", "json", plan)
		cmd.Dir = dir
		out, err := cmd.Output()
		if code := cmd.ProcessState.ExitCode(); code != exitGo && code != exitNoGo && code != exitUnknown {
			b.Fatalf("exit %d (%v): %s", code, err, out)
		}
	}
}

func BenchmarkOnce(b *testing.B) {
	b.Run("example-plan", func(b *testing.B) {
		dir, err := buildSandbox(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		defer os.RemoveAll(dir)
		benchOnce(b, dir, filepath.Join(dir, demoPlanPath))
	})
	b.Run("generated-50-steps", func(b *testing.B) {
		dir := b.TempDir()
		for _, args := range [][]string{{"init", "-q"}} {
			if err := git(context.Background(), dir, args...); err != nil {
				b.Fatal(err)
			}
		}
		for name, body := range map[string]string{"app.py": "print(1)\n", "docs/plan.md": generatedPlan(50)} {
			path := filepath.Join(dir, name)
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		for _, args := range [][]string{{"add", "-A"}, {"commit", "-q", "-m", "x"}} {
			if err := git(context.Background(), dir, args...); err != nil {
				b.Fatal(err)
			}
		}
		os.WriteFile(filepath.Join(dir, "config_chromadb.py"), []byte("x\n"), 0o644)
		benchOnce(b, dir, "docs/plan.md")
	})
}
