package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// gitRepo is a generated repository: files small text files, all committed,
// the work tree clean and the index fresh.
type gitRepo struct {
	dir   string
	files int
	paths []string // every file, in the order written
}

// makeRepo writes files text files under dir in folders of 100 (ten such
// folders a module: src/m000/p0/f000.txt …), then commits them with one
// `git add -A`. It waits past the second of the last write before adding,
// so no index entry is "racily clean" (a file changed in the same second
// as the index was written, which git must re-read on every status) and
// git status measures the ordinary stat pass, not a content comparison.
func makeRepo(ctx context.Context, dir string, files int) (*gitRepo, error) {
	r := &gitRepo{dir: dir, files: files}
	for i := range files {
		rel := fmt.Sprintf("src/m%03d/p%d/f%03d.txt", i/1000, i/100%10, i%100)
		if i%100 == 0 {
			if err := os.MkdirAll(filepath.Join(dir, filepath.Dir(rel)), 0o755); err != nil {
				return nil, err
			}
		}
		if err := os.WriteFile(filepath.Join(dir, rel), fmt.Appendf(nil, "file %d of %d\n", i, files), 0o644); err != nil {
			return nil, err
		}
		r.paths = append(r.paths, rel)
	}
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(1100 * time.Millisecond)))
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", "-A"},
		{"-c", "user.name=gonogo-bench", "-c", "user.email=bench@gonogo.invalid", "commit", "-q", "-m", "generated"},
		{"status", "--porcelain"}, // refreshes and rewrites the index once
	} {
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Dir = dir
		cmd.Env = childEnv()
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	return r, nil
}

// sample picks n paths spread evenly over the repository.
func (r *gitRepo) sample(n int) []string {
	out := make([]string, 0, n)
	for i := range n {
		out = append(out, r.paths[(i*len(r.paths)+len(r.paths)/(2*n))/n])
	}
	return out
}

// gitPlan writes a plan of one step whose probe block lists probes, next to
// (not inside) the repository, so the plan itself is no untracked file.
func gitPlan(path, title string, probes []string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n## Checks\n\n### 1. %s\n\n```gonogo\nrequires:\n", title, title)
	for _, p := range probes {
		b.WriteString(indent(p, "  "))
	}
	b.WriteString("```\n")
	return writeFile(path, []byte(b.String()), 0o644)
}

// gitCases are the two git comparisons on one repository: 50 path probes
// against one `git ls-files --error-unmatch` of the same paths, and the
// work tree's clean state against `git status --porcelain`.
type gitCases struct {
	repo                   *gitRepo
	pathsPlan, cleanPlan   string
	paths                  []string
	gonogoBin, gitVersion  string
	pathsGonogo, pathsPeer *job
	cleanGonogo, cleanPeer *job
}

const (
	gitPathProbes   = 50
	gitProbeTimeout = "2m"
)

func newGitCases(ctx context.Context, work string, files int, gonogoBin, gitVersion string) (*gitCases, error) {
	dir := filepath.Join(work, fmt.Sprintf("git-%s", short(files)))
	repo, err := makeRepo(ctx, filepath.Join(dir, "repo"), files)
	if err != nil {
		return nil, err
	}
	g := &gitCases{repo: repo, paths: repo.sample(gitPathProbes), gonogoBin: gonogoBin, gitVersion: gitVersion,
		pathsPlan: filepath.Join(dir, "paths.md"), cleanPlan: filepath.Join(dir, "clean.md")}
	// A generous timeout: on a busy machine a probe of a large repository
	// can pass the 5s default, and the harness is here to time it, not to
	// see it give up. It changes no work the probe does.
	var probes []string
	for _, p := range g.paths {
		probes = append(probes, fmt.Sprintf("- git: %s\n  timeout: %s\n", p, gitProbeTimeout))
	}
	if err := gitPlan(g.pathsPlan, "Paths are committed", probes); err != nil {
		return nil, err
	}
	if err := gitPlan(g.cleanPlan, "The work tree is clean", []string{"- git: .\n  state: clean\n  timeout: " + gitProbeTimeout + "\n"}); err != nil {
		return nil, err
	}
	codes := []int{exitGo, exitNoGo, exitUnknown}
	g.pathsGonogo = &job{tool: "gonogo", argv: []string{gonogoBin, "--once", "--root", repo.dir, g.pathsPlan}, dir: repo.dir, ok: codes}
	g.pathsPeer = &job{tool: gitVersion, argv: append([]string{"git", "ls-files", "--error-unmatch", "--"}, g.paths...), dir: repo.dir, ok: []int{0}}
	g.cleanGonogo = &job{tool: "gonogo", argv: []string{gonogoBin, "--once", "--root", repo.dir, g.cleanPlan}, dir: repo.dir, ok: codes}
	g.cleanPeer = &job{tool: gitVersion, argv: []string{"git", "status", "--porcelain"}, dir: repo.dir, ok: []int{0}}
	return g, nil
}

// verifyPaths checks, untimed, that gonogo finds every sampled path
// committed and git lists every one: the same answer both ways.
func (g *gitCases) verifyPaths(ctx context.Context) error {
	if err := gonogoAllOK(ctx, g.pathsGonogo, len(g.paths)); err != nil {
		return err
	}
	out, _, err := output(ctx, g.pathsPeer)
	if err != nil {
		return err
	}
	if n := len(strings.Fields(string(out))); n != len(g.paths) {
		return fmt.Errorf("git ls-files listed %d of the %d paths", n, len(g.paths))
	}
	return nil
}

// verifyClean checks, untimed, that gonogo finds the tree clean and git
// status prints nothing.
func (g *gitCases) verifyClean(ctx context.Context) error {
	if err := gonogoAllOK(ctx, g.cleanGonogo, 1); err != nil {
		return err
	}
	out, _, err := output(ctx, g.cleanPeer)
	if err != nil {
		return err
	}
	if len(out) > 0 {
		return fmt.Errorf("git status is not clean in the generated repository: %.200s", out)
	}
	return nil
}

// gonogoAllOK runs j with --format json added and checks that it reports
// want probes, all ok.
func gonogoAllOK(ctx context.Context, j *job, want int) error {
	jj := *j
	jj.argv = append([]string{j.argv[0], "--format", "json"}, j.argv[1:]...)
	out, _, err := output(ctx, &jj)
	if err != nil {
		return err
	}
	var snap struct {
		Steps []struct {
			Probes []struct{ Target, Status, Message string }
		}
	}
	if err := json.Unmarshal(out, &snap); err != nil {
		return fmt.Errorf("gonogo JSON: %w", err)
	}
	n := 0
	for _, st := range snap.Steps {
		for _, p := range st.Probes {
			n++
			if p.Status != "ok" {
				return fmt.Errorf("gonogo: git probe %s is %s, expected ok: %s", p.Target, p.Status, p.Message)
			}
		}
	}
	if n != want {
		return fmt.Errorf("gonogo ran %d probes, expected %d", n, want)
	}
	return nil
}
