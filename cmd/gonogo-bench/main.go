// Command gonogo-bench measures gonogo side by side with its peers on the
// same work (issue 14): goss on the same checks, the git CLI on the same
// git questions, and gonogo alone on plans of growing size. It builds
// gonogo from the repository it runs in, generates every suite, plan and
// repository in a temporary folder, runs each pair alternately and prints
// one table of medians, ratios and the goals of issue 14.
//
// It measures; it does not gate: the exit status is 0 whether or not a goal
// is met, and non-zero only when a case could not run, or the tools did not
// pass and fail the same checks (the comparison would be void).
//
//	go run ./cmd/gonogo-bench -goss /path/to/goss            # everything, n=15
//	go run ./cmd/gonogo-bench -quick                         # a smoke run
//	go run ./cmd/gonogo-bench -cases checks,git-clean -n 31
//	go run ./cmd/gonogo-bench -cases once -steps 10000 -perf /tmp/prof   # where the time goes
//	go run ./cmd/gonogo-bench -cases idle -idle 2m                       # the idle board
//
// goss is not part of this repository: build one from its sources (tag
// v0.4.10 or newer) and pass its path with -goss or $GOSS.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// families are the groups of cases -cases selects, in the order they run.
var families = []string{"checks", "git-paths", "git-clean", "once", "lint", "idle"}

// config is the parsed command line.
type config struct {
	n        int
	slow     time.Duration
	cases    []string
	scales   []int // check suites: blocks of 34 checks
	gitFiles []int // files in the generated repositories
	steps    []int // steps in the scaled plans
	goss     string
	repo     string // the gonogo module to build
	work     string
	keep     bool
	markdown bool
	quick    bool
	perf     string        // profile each gonogo job with perf into this folder
	idle     time.Duration // the idle case's window
}

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	fs := flag.NewFlagSet("gonogo-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := &config{}
	var cases, scales, gitFiles, steps string
	fs.IntVar(&c.n, "n", 15, "timed runs of each side of a pair (after one warm-up run each)")
	fs.DurationVar(&c.slow, "slow", 2*time.Second, "a pair whose warm-up takes longer runs max(5, n/3) times instead of n")
	fs.StringVar(&cases, "cases", "all", "comma-separated case families: "+strings.Join(families, ", ")+" (git = both git families), or all")
	fs.StringVar(&scales, "scales", "1,15", "check suites as multiples of the 34-check block (20 files, 5 backups, 3 processes, 1 port, 2 http, 3 commands)")
	fs.StringVar(&gitFiles, "git-files", "50000,100000", "files in the generated git repositories")
	fs.StringVar(&steps, "steps", "100,1000,8000,10000", "steps in the scaled plans")
	fs.StringVar(&c.goss, "goss", os.Getenv("GOSS"), "path of a goss binary (default $GOSS, else goss on $PATH)")
	fs.StringVar(&c.repo, "repo", "", "the gonogo module to build (default: the module holding the current folder)")
	fs.StringVar(&c.work, "work", "", "folder for the binary and generated files (default: a temporary folder, removed at the end)")
	fs.BoolVar(&c.keep, "keep", false, "keep the work folder")
	fs.BoolVar(&c.markdown, "markdown", false, "print the table as Markdown")
	fs.StringVar(&c.perf, "perf", "", "after measuring, run each gonogo job once more under `perf record -g` and write profiles and their hottest symbols to `DIR`")
	fs.DurationVar(&c.idle, "idle", time.Minute, "how long the idle case watches the board's CPU time")
	fs.BoolVar(&c.quick, "quick", false, "a short smoke run: n=3, scales 1,3, repositories of 2k and 4k files, plans of 100 and 1000 steps, 10 s idle")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: gonogo-bench [flags]\n\nMeasures gonogo against goss and git on the same work (issue 14) and prints one table.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if c.quick {
		for name, v := range map[string]*string{"scales": &scales, "git-files": &gitFiles, "steps": &steps} {
			if !set[name] {
				*v = map[string]string{"scales": "1,3", "git-files": "2000,4000", "steps": "100,1000"}[name]
			}
		}
		if !set["n"] {
			c.n = 3
		}
		if !set["idle"] {
			c.idle = 10 * time.Second
		}
	}
	if c.idle < time.Second {
		return nil, fmt.Errorf("-idle: expected at least 1s, got %s", c.idle)
	}
	if c.n < 1 {
		return nil, fmt.Errorf("-n: expected at least 1, got %d", c.n)
	}
	var err error
	if c.cases, err = parseCases(cases); err != nil {
		return nil, err
	}
	for _, l := range []struct {
		name string
		s    string
		out  *[]int
	}{{"scales", scales, &c.scales}, {"git-files", gitFiles, &c.gitFiles}, {"steps", steps, &c.steps}} {
		if *l.out, err = parseInts(l.s); err != nil {
			return nil, fmt.Errorf("-%s: %w", l.name, err)
		}
	}
	return c, nil
}

func parseCases(s string) ([]string, error) {
	var out []string
	for _, f := range strings.Split(s, ",") {
		switch f = strings.TrimSpace(f); f {
		case "all":
			out = append(out, families...)
		case "git":
			out = append(out, "git-paths", "git-clean")
		default:
			if !slices.Contains(families, f) {
				return nil, fmt.Errorf("-cases: unknown case %q: expected %s, git or all", f, strings.Join(families, ", "))
			}
			out = append(out, f)
		}
	}
	// Run in the fixed order, each once.
	var ordered []string
	for _, f := range families {
		if slices.Contains(out, f) {
			ordered = append(ordered, f)
		}
	}
	return ordered, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v < 1 {
			return nil, fmt.Errorf("expected positive whole numbers separated by commas, got %q", s)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// peer is a tool gonogo is compared with.
type peer struct {
	name string // with its version: "goss v0.4.10"
	path string
}

// gossHelp says how to get a goss binary; the harness never fetches or
// builds one itself.
const gossHelp = `goss is not found: the check suites are measured for gonogo alone and the
peer is reported as absent. To compare, build goss (tag v0.4.10 or newer) from
its source repository, github.com/goss-org/goss, outside this repository:
check out the tag and run, in it,
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o goss ./cmd/goss
(how its release script builds it), then pass -goss /path/to/goss or set GOSS.`

// findGoss resolves the goss binary and its version, or returns nil and a
// note saying why not.
func findGoss(ctx context.Context, path string) (*peer, string) {
	if path == "" {
		p, err := exec.LookPath("goss")
		if err != nil {
			return nil, gossHelp
		}
		path = p
	}
	abs, err := filepath.Abs(path)
	if err == nil {
		path = abs
	}
	out, err := exec.CommandContext(ctx, path, "--version").Output()
	if err != nil {
		return nil, fmt.Sprintf("%s --version failed (%v).\n%s", path, err, gossHelp)
	}
	// "goss version v0.4.10"
	f := strings.Fields(string(out))
	if len(f) < 3 || f[0] != "goss" {
		return nil, fmt.Sprintf("%s does not look like goss: %q.\n%s", path, strings.TrimSpace(string(out)), gossHelp)
	}
	p := &peer{name: "goss " + f[2], path: path}
	if !versionAtLeast(f[2], 0, 4, 10) {
		return p, fmt.Sprintf("warning: %s is older than v0.4.10, the version issue 14's figures were taken with", p.name)
	}
	return p, ""
}

// versionAtLeast compares a "vMAJOR.MINOR.PATCH[-…]" version.
func versionAtLeast(v string, major, minor, patch int) bool {
	v = strings.TrimPrefix(v, "v")
	v, _, _ = strings.Cut(v, "-")
	var got [3]int
	for i, f := range strings.SplitN(v, ".", 3) {
		n, err := strconv.Atoi(f)
		if err != nil {
			return false
		}
		got[i] = n
	}
	want := [3]int{major, minor, patch}
	for i := range got {
		if got[i] != want[i] {
			return got[i] > want[i]
		}
	}
	return true
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseFlags(args, stderr)
	if err == flag.ErrHelp {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "gonogo-bench:", err)
		return 2
	}
	if err := bench(ctx, c, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "gonogo-bench:", err)
		return 1
	}
	return 0
}

// bench builds gonogo, runs the selected cases and prints the table. Its
// error says what could not run; goals not met are no error.
func bench(ctx context.Context, c *config, stdout, stderr io.Writer) (err error) {
	if c.repo == "" {
		if c.repo, err = moduleRoot(ctx); err != nil {
			return err
		}
	}
	if c.work == "" {
		if c.work, err = os.MkdirTemp("", "gonogo-bench-"); err != nil {
			return err
		}
		if !c.keep {
			defer os.RemoveAll(c.work)
		}
	} else if err := os.MkdirAll(c.work, 0o755); err != nil {
		return err
	}
	if c.keep {
		fmt.Fprintf(stderr, "work folder: %s\n", c.work)
	}
	gitVersion, err := gitVersion(ctx)
	if err != nil {
		return err
	}
	var goss *peer
	var gossNote string
	if slices.Contains(c.cases, "checks") {
		goss, gossNote = findGoss(ctx, c.goss)
		if gossNote != "" {
			fmt.Fprintln(stderr, gossNote)
		}
	}

	fmt.Fprintln(stderr, "building gonogo …")
	bin := filepath.Join(c.work, "gonogo")
	if err := buildGonogo(ctx, c.repo, bin); err != nil {
		return err
	}

	facts := machineFacts(ctx, c, goss, gitVersion)
	var rows []row
	var failed []string
	note := func(family string, err error) {
		fmt.Fprintf(stderr, "%s: %v\n", family, err)
		failed = append(failed, fmt.Sprintf("%s: %v", family, err))
		rows = append(rows, row{family: family, name: family, err: err.Error()})
	}
	progress := func(name string) { fmt.Fprintf(stderr, "measuring %s …\n", name) }

	for _, fam := range c.cases {
		switch fam {
		case "checks":
			for _, k := range c.scales {
				r, err := checksRow(ctx, c, k, bin, goss, progress)
				if err != nil {
					note(fmt.Sprintf("checks-%d", k*blockSize), err)
					continue
				}
				rows = append(rows, r)
			}
		case "git-paths", "git-clean":
			if fam == "git-clean" && slices.Contains(c.cases, "git-paths") {
				continue // measured with git-paths, on the same repositories
			}
			for _, files := range c.gitFiles {
				fmt.Fprintf(stderr, "generating a repository of %d files …\n", files)
				g, err := newGitCases(ctx, c.work, files, bin, gitVersion)
				if err != nil {
					note(fmt.Sprintf("git-%s", short(files)), err)
					continue
				}
				for _, f := range []string{"git-paths", "git-clean"} {
					if !slices.Contains(c.cases, f) {
						continue
					}
					r, err := gitRow(ctx, c, f, g, progress)
					if err != nil {
						note(fmt.Sprintf("%s-%s", f, short(files)), err)
						continue
					}
					rows = append(rows, r)
				}
				if !c.keep {
					os.RemoveAll(filepath.Dir(g.repo.dir))
				}
			}
		case "once", "lint":
			if fam == "lint" && slices.Contains(c.cases, "once") {
				continue // measured with once, on the same plans
			}
			rs, errs := planRows(ctx, c, bin, progress)
			rows = append(rows, rs...)
			for _, e := range errs {
				note("plans", e)
			}
		case "idle":
			r, err := idleRow(ctx, c, bin, progress)
			if err != nil {
				note("idle-"+short(idleSteps), err)
				continue
			}
			rows = append(rows, r)
		}
	}
	setPlanGoals(rows)

	fmt.Fprint(stdout, facts)
	if c.markdown {
		writeMarkdown(stdout, rows)
	} else {
		writeText(stdout, rows)
	}
	fmt.Fprint(stdout, legend(c))
	fmt.Fprintf(stdout, "load average after: %s\n", loadavg())
	if len(failed) > 0 {
		return fmt.Errorf("%d case(s) could not be measured:\n  %s", len(failed), strings.Join(failed, "\n  "))
	}
	return nil
}

// checksRow measures one check suite: gonogo against goss, after checking
// that both pass and fail the same checks.
func checksRow(ctx context.Context, c *config, scale int, bin string, goss *peer, progress func(string)) (row, error) {
	name := fmt.Sprintf("checks-%d", scale*blockSize)
	dir := filepath.Join(c.work, name)
	s, err := newSuite(ctx, dir, suiteOptions{scale: scale})
	if err != nil {
		return row{}, err
	}
	defer s.Close()
	if err := s.verify(ctx, bin, goss); err != nil {
		return row{}, err
	}
	progress(name)
	r := row{family: "checks", name: name, size: len(s.checks)}
	var peerJob *job
	if goss != nil {
		peerJob = s.gossJob(goss)
		r.peer = goss.name
	}
	a, b, n, err := measurePair(ctx, s.gonogoJob(bin), peerJob, c.n, c.slow)
	if err != nil {
		return row{}, err
	}
	if c.perf != "" {
		if err := profilePair(ctx, c.perf, name, s.gonogoJob(bin), peerJob); err != nil {
			return row{}, err
		}
	}
	r.n, r.a = n, a
	if goss != nil {
		r.b = &b
	}
	r.note = fmt.Sprintf("%d planted failures, same verdicts", s.planted())
	if goss == nil {
		r.note = fmt.Sprintf("%d planted failures found; no peer", s.planted())
	}
	r.goal = checksGoal
	return r, nil
}

// gitRow measures one git family on a generated repository.
func gitRow(ctx context.Context, c *config, family string, g *gitCases, progress func(string)) (row, error) {
	name := fmt.Sprintf("%s-%s", family, short(g.repo.files))
	a, b := g.pathsGonogo, g.pathsPeer
	verify := g.verifyPaths
	r := row{family: family, name: name, size: g.repo.files, peer: "git ls-files", goal: pathsGoal}
	if family == "git-clean" {
		a, b, verify = g.cleanGonogo, g.cleanPeer, g.verifyClean
		r.peer, r.goal = "git status", cleanGoal
	}
	if err := verify(ctx); err != nil {
		return row{}, err
	}
	progress(name)
	sa, sb, n, err := measurePair(ctx, a, b, c.n, c.slow)
	if err != nil {
		return row{}, err
	}
	if c.perf != "" {
		if err := profilePair(ctx, c.perf, name, a, b); err != nil {
			return row{}, err
		}
	}
	r.n, r.a, r.b = n, sa, &sb
	return r, nil
}

// planRows measures `--once --no-exec` and `lint` on each scaled plan.
func planRows(ctx context.Context, c *config, bin string, progress func(string)) ([]row, []error) {
	repo := filepath.Join(c.work, "plans")
	if err := planRepo(ctx, repo); err != nil {
		return nil, []error{err}
	}
	var rows []row
	var errs []error
	for _, n := range c.steps {
		plan := fmt.Sprintf("plan-%d.md", n)
		if err := writeFile(filepath.Join(repo, plan), []byte(gonogotest.ScaledPlan(n)), 0o644); err != nil {
			return rows, append(errs, err)
		}
		once := onceJob(bin, repo, plan)
		seen, err := stepsSeen(ctx, once)
		if err != nil {
			errs = append(errs, fmt.Errorf("plan of %d steps: %w", n, err))
			continue
		}
		for _, fam := range []string{"once", "lint"} {
			if !slices.Contains(c.cases, fam) {
				continue
			}
			j := once
			if fam == "lint" {
				j = lintJob(bin, repo, plan)
			}
			name := fmt.Sprintf("%s-%s", fam, short(n))
			progress(name)
			a, _, reps, err := measurePair(ctx, j, nil, c.n, c.slow)
			if err == nil && c.perf != "" {
				err = profilePair(ctx, c.perf, name, j, nil)
			}
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", name, err))
				continue
			}
			r := row{family: fam, name: name, size: n, n: reps, a: a}
			if seen != n {
				r.note = fmt.Sprintf("gonogo read %d of the %d steps", seen, n)
			}
			rows = append(rows, r)
		}
	}
	return rows, errs
}

// releaseBuild is how the harness builds gonogo: as goss builds its
// release binaries (and as the README's release build does), static and
// stripped, so the pair differs in the tools and not in how they were
// linked. A cgo build of gonogo maps libc too: about 1 MiB more RSS and a
// few per cent more CPU at start.
var releaseBuild = []string{"build", "-trimpath", "-ldflags", "-s -w"}

// buildGonogo builds the gonogo binary of the module in repo to bin, with
// CGO_ENABLED=0 and releaseBuild's flags.
func buildGonogo(ctx context.Context, repo, bin string) error {
	build := exec.CommandContext(ctx, goTool(), append(releaseBuild, "-o", bin, "./cmd/gonogo")...)
	build.Dir = repo
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("CGO_ENABLED=0 go %s ./cmd/gonogo in %s: %v\n%s", strings.Join(releaseBuild, " "), repo, err, out)
	}
	return nil
}

// moduleRoot is the folder of the go.mod governing the current folder.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, goTool(), "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside a Go module: run from the gonogo repository or pass -repo")
	}
	return filepath.Dir(mod), nil
}

// goTool is the go command: on $PATH, else the toolchain's usual place.
func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return "/usr/local/go/bin/go"
}

func gitVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "git", "--version").Output()
	if err != nil {
		return "", fmt.Errorf("git is needed (the git cases and every generated repository): %w", err)
	}
	// "git version 2.39.5"
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "git version "), nil
}

// short writes a size as 100, 1k, 50k, 1.5k.
func short(n int) string {
	if n >= 1000 && n%100 == 0 {
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/1000, 'f', 1, 64), ".0") + "k"
	}
	return strconv.Itoa(n)
}
