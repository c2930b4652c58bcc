package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
)

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
