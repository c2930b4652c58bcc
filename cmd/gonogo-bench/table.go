package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one line of the table: a case, gonogo's medians, the peer's, and
// the goal of issue 14 it is held to.
type row struct {
	family string
	name   string
	size   int    // checks, repository files or plan steps
	n      int    // timed runs of each side
	a      stats  // gonogo
	b      *stats // the peer; nil when there is none or it is absent
	peer   string
	goal   *goal
	note   string
	err    string // the case could not run
}

// goal is one of issue 14's goals; eval lists the criteria a row misses.
type goal struct {
	text string
	eval func(r *row) []string
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func (r *row) wallRatio() float64 { return ratio(float64(r.a.wall), float64(r.b.wall)) }
func (r *row) cpuRatio() float64  { return ratio(float64(r.a.cpu), float64(r.b.cpu)) }
func (r *row) rssRatio() float64  { return ratio(float64(r.a.rss), float64(r.b.rss)) }

// The goals of issue 14, as the harness checks them.
var (
	checksGoal = &goal{
		text: "≤0.8× goss wall & CPU; RSS ≤ goss",
		eval: func(r *row) []string {
			var miss []string
			if x := r.wallRatio(); x > 0.8 {
				miss = append(miss, fmt.Sprintf("wall %.2f×", x))
			}
			if x := r.cpuRatio(); x > 0.8 {
				miss = append(miss, fmt.Sprintf("CPU %.2f×", x))
			}
			if x := r.rssRatio(); x > 1 {
				miss = append(miss, fmt.Sprintf("RSS %.2f×", x))
			}
			return miss
		},
	}
	pathsGoal = &goal{
		text: "≤2× git ls-files wall",
		eval: func(r *row) []string {
			if x := r.wallRatio(); x > 2 {
				return []string{fmt.Sprintf("wall %.2f×", x)}
			}
			return nil
		},
	}
	cleanGoal = &goal{
		text: "≤1.5× git status wall; RSS < 64 MiB",
		eval: func(r *row) []string {
			var miss []string
			if x := r.wallRatio(); x > 1.5 {
				miss = append(miss, fmt.Sprintf("wall %.2f×", x))
			}
			if r.a.rss >= 64<<20 {
				miss = append(miss, "RSS "+mib(r.a.rss))
			}
			return miss
		},
	}
)

// setPlanGoals gives the scaled-plan rows their goal: linear in plan size,
// and a 10,000-step plan in under a second. Linear is judged on the
// marginal time per step over the smallest plan, (wall(N) − wall(N0)) /
// (N − N0), which leaves out the fixed cost of starting the process (wall/N
// alone would hide a quadratic term behind the start-up at 100 steps) and,
// measured from the same N0 each time, does not turn the noise of two close
// sizes into a slope. The second smallest plan sets the baseline; every
// larger one must stay within 1.5× of it.
func setPlanGoals(rows []row) {
	for _, fam := range []string{"once", "lint"} {
		var first *row
		var base time.Duration
		for i := range rows {
			r := &rows[i]
			if r.family != fam || r.err != "" {
				continue
			}
			notes := []string{dur(perStep(r)) + "/step"}
			if first == nil {
				first = r
				if r.note != "" {
					notes = append(notes, r.note)
				}
				r.note = strings.Join(notes, "; ")
				continue
			}
			marginal := (r.a.wall - first.a.wall) / time.Duration(r.size-first.size)
			notes = append(notes, fmt.Sprintf("marginal %s/step over %d", dur(marginal), first.size))
			var texts []string
			var checks []func() string
			if base == 0 {
				base = marginal
				texts = append(texts, "marginal/step: baseline")
			} else {
				texts = append(texts, "marginal/step ≤1.5× baseline")
				x := ratio(float64(marginal), float64(base))
				checks = append(checks, func() string {
					if x > 1.5 {
						return fmt.Sprintf("marginal %.1f×", x)
					}
					return ""
				})
			}
			if r.size >= 10000 {
				texts = append(texts, "< 1 s")
				wall := r.a.wall
				checks = append(checks, func() string {
					if wall >= time.Second {
						return "wall " + dur(wall)
					}
					return ""
				})
			}
			r.goal = &goal{text: strings.Join(texts, "; "), eval: func(*row) []string {
				var miss []string
				for _, c := range checks {
					if m := c(); m != "" {
						miss = append(miss, m)
					}
				}
				return miss
			}}
			if r.note != "" {
				notes = append(notes, r.note)
			}
			r.note = strings.Join(notes, "; ")
		}
	}
}

func perStep(r *row) time.Duration {
	if r.size == 0 {
		return 0
	}
	return r.a.wall / time.Duration(r.size)
}

// met says whether r meets its goal, and if not, by how much it misses.
func (r *row) met() string {
	switch {
	case r.err != "":
		return "could not run"
	case r.goal == nil:
		return ""
	case r.b == nil && r.goal == checksGoal:
		return "n/a: no peer"
	}
	if miss := r.goal.eval(r); len(miss) > 0 {
		return "NOT MET (" + strings.Join(miss, ", ") + ")"
	}
	return "met"
}

var header = []string{"case", "n", "gonogo wall", "CPU", "RSS", "peer", "peer wall", "CPU", "RSS", "ratio wall", "CPU", "RSS", "goal", "", "notes"}

func (r *row) cells() []string {
	if r.err != "" {
		msg, _, _ := strings.Cut(r.err, "\n")
		return []string{r.name, "", "", "", "", "", "", "", "", "", "", "", "", "could not run", msg}
	}
	c := []string{r.name, fmt.Sprint(r.n), dur(r.a.wall), dur(r.a.cpu), mib(r.a.rss)}
	switch {
	case r.b != nil:
		c = append(c, r.peer, dur(r.b.wall), dur(r.b.cpu), mib(r.b.rss),
			fmt.Sprintf("%.2f×", r.wallRatio()), fmt.Sprintf("%.2f×", r.cpuRatio()), fmt.Sprintf("%.2f×", r.rssRatio()))
	case r.family == "checks":
		c = append(c, "goss absent", "", "", "", "", "", "")
	default:
		c = append(c, "—", "", "", "", "", "", "")
	}
	goal := ""
	if r.goal != nil {
		goal = r.goal.text
	}
	return append(c, goal, r.met(), r.note)
}

func writeText(w io.Writer, rows []row) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for i := range rows {
		fmt.Fprintln(tw, strings.Join(rows[i].cells(), "\t"))
	}
	tw.Flush()
}

func writeMarkdown(w io.Writer, rows []row) {
	h := append([]string(nil), header...)
	h[13] = "met"
	fmt.Fprintf(w, "| %s |\n", strings.Join(h, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(h)))
	for i := range rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(rows[i].cells(), " | "))
	}
}

// dur prints a duration to three significant figures in ms or s.
func dur(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= 100*time.Millisecond:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	case d >= 10*time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/1e6)
	case d >= 100*time.Microsecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.1f µs", float64(d)/1e3)
	}
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

// machineFacts is the header: what was measured, on what, with which
// versions, so that a figure can be reproduced or discounted.
func machineFacts(ctx context.Context, c *config, goss *peer, gitVersion string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "gonogo-bench, %s\n", time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "machine: %d CPUs (nproc), %s, %s, kernel %s, load average before: %s\n",
		runtime.NumCPU(), cpuModel(), memTotal(), strings.TrimSpace(readFile("/proc/sys/kernel/osrelease")), loadavg())
	goV, _ := exec.CommandContext(ctx, goTool(), "env", "GOVERSION").Output()
	rev, _ := exec.CommandContext(ctx, "git", "-C", c.repo, "describe", "--always", "--dirty").Output()
	fmt.Fprintf(&b, "gonogo: %s at %s, built with %s (CGO_ENABLED=0 go %s ./cmd/gonogo)\n", c.repo, strings.TrimSpace(string(rev)), strings.TrimSpace(string(goV)), strings.Join(releaseBuild, " "))
	if goss != nil {
		fmt.Fprintf(&b, "peer: %s (%s)\n", goss.name, goss.path)
	} else if slices.Contains(c.cases, "checks") {
		b.WriteString("peer: goss absent (pass -goss PATH or set GOSS)\n")
	}
	fmt.Fprintf(&b, "git: %s; medians of n alternating runs (gonogo, peer, gonogo, …) after one warm-up each\n\n", gitVersion)
	return b.String()
}

// legend says what each case runs.
func legend(c *config) string {
	var b strings.Builder
	b.WriteString("\ncases:\n")
	for _, f := range c.cases {
		switch f {
		case "checks":
			fmt.Fprintf(&b, "  checks-N   N checks in blocks of %d: %d files (exists, min size, mode), %d backups (sha256), %d processes, %d loopback port, %d http, %d commands;\n"+
				"             `gonogo --once --format json plan.md` vs `goss -g goss.yaml validate --format json`; both must pass and fail exactly the planted checks\n",
				blockSize, blockFiles, blockBackups, blockProcesses, blockPorts, blockHTTP, blockCommands)
		case "git-paths":
			fmt.Fprintf(&b, "  git-paths  %d `git:` path probes (committed), fresh gonogo process, vs `git ls-files --error-unmatch` of the same paths\n", gitPathProbes)
		case "git-clean":
			b.WriteString("  git-clean  `git: .` with `state: clean` vs `git status --porcelain`, same clean repository\n")
		case "once":
			b.WriteString("  once-N     `gonogo --once --no-exec` on a plan of N steps, each with a small bash block (a tenth are rollback steps)\n")
		case "lint":
			b.WriteString("  lint-N     `gonogo lint` on the same plans\n")
		case "idle":
			fmt.Fprintf(&b, "  idle-1k    the live board (`gonogo --no-exec`, 5 s interval) in a 120×40 tmux pane on the %d-step plan, nobody touching it;\n"+
				"             wall is the window watched (-idle %s), CPU what the board used in it (utime+stime), RSS at its end\n", idleSteps, c.idle)
		}
	}
	return b.String()
}

func cpuModel() string {
	for _, l := range strings.Split(readFile("/proc/cpuinfo"), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}

func memTotal() string {
	for _, l := range strings.Split(readFile("/proc/meminfo"), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "MemTotal:" {
			var kib int64
			fmt.Sscan(f[1], &kib)
			return fmt.Sprintf("%.1f GiB RAM", float64(kib)/(1<<20))
		}
	}
	return "RAM unknown"
}

func loadavg() string {
	f := strings.Fields(readFile("/proc/loadavg"))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

func readFile(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}
