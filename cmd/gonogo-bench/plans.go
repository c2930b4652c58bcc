package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

// scaledPlan writes a plan of n steps, each a heading with the step's
// number and one small bash block, the way long generated runbooks look:
// backups, folders, commits and release unpacking in the procedure, and a
// rollback phase (the last tenth) that restores those backups and, every
// tenth rollback step, an untracked file from git. Every command gives the
// inference and findings passes something to read; none is run.
func scaledPlan(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated plan of %d steps\n\n## Procedure\n\n", n)
	rollback := n / 10
	for i := 1; i <= n; i++ {
		if i == n-rollback+1 {
			b.WriteString("## Rollback\n\n")
		}
		if i > n-rollback {
			k := i - (n - rollback) // 1… within the rollback phase
			fmt.Fprintf(&b, "### %d. Restore step %d\n\n```bash\n", i, k)
			if backups := (n - rollback) / 4; k%10 == 0 || backups == 0 {
				b.WriteString("git checkout HEAD -- config_chromadb.py\n")
			} else {
				// A backup an earlier procedure step made (those ≡ 0 mod 4),
				// spread over the whole procedure.
				fmt.Fprintf(&b, "cp backups/app-%d.py app.py\n", 4*(1+(k*37)%backups))
			}
			b.WriteString("```\n\n")
			continue
		}
		fmt.Fprintf(&b, "### %d. Step %d\n\n```bash\n", i, i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "cp app.py backups/app-%d.py\n", i)
		case 1:
			fmt.Fprintf(&b, "mkdir -p out/%d\necho done > out/%d/marker\n", i, i)
		case 2:
			fmt.Fprintf(&b, "git add app.py && git commit -m \"step %d\"\n", i)
		default:
			fmt.Fprintf(&b, "tar -xzf releases/app-%d.tgz -C out\n", i)
		}
		b.WriteString("```\n\n")
	}
	return b.String()
}

// planRepo is the small repository the scaled plans live in: app.py
// committed, config_chromadb.py untracked (the rollback steps' problem).
func planRepo(ctx context.Context, dir string) error {
	for name, body := range map[string]string{"app.py": "print('app')\n", "config_chromadb.py": "HOST = 'localhost'\n"} {
		if err := writeFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			return err
		}
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "app.py"},
		{"-c", "user.name=gonogo-bench", "-c", "user.email=bench@gonogo.invalid", "commit", "-q", "-m", "app"},
	} {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = dir
		cmd.Env = childEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return nil
}

// onceJob and lintJob are the two commands timed on a scaled plan.
func onceJob(gonogo, repo, plan string) *job {
	return &job{tool: "gonogo", argv: []string{gonogo, "--once", "--no-exec", plan}, dir: repo,
		ok: []int{exitGo, exitNoGo, exitUnknown}}
}

func lintJob(gonogo, repo, plan string) *job {
	return &job{tool: "gonogo", argv: []string{gonogo, "lint", plan}, dir: repo, ok: []int{0, 1}}
}

// stepsSeen runs `--once --format json` on the plan, untimed, and returns
// how many steps gonogo read: fewer than written means the time per step
// is not what it seems (steps ≥ 10000 were read as sections once).
func stepsSeen(ctx context.Context, j *job) (int, error) {
	jj := *j
	jj.argv = append([]string{j.argv[0], "--format", "json"}, j.argv[1:]...)
	out, _, err := output(ctx, &jj)
	if err != nil {
		return 0, err
	}
	var snap struct{ Steps []json.RawMessage }
	if err := json.Unmarshal(out, &snap); err != nil {
		return 0, fmt.Errorf("gonogo JSON: %w", err)
	}
	return len(snap.Steps), nil
}
