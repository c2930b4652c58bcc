package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// The mix of one block of checks, as issue 14 states it. A suite of scale k
// holds k blocks, so the ~500-check suite keeps the same proportions.
const (
	blockFiles     = 20
	blockBackups   = 5
	blockProcesses = 3
	blockPorts     = 1
	blockHTTP      = 2
	blockCommands  = 3
	blockSize      = blockFiles + blockBackups + blockProcesses + blockPorts + blockHTTP + blockCommands

	// backupSize is the size of each backup the sha256 checks hash: big
	// enough that hashing is real work, small enough that the suite stays
	// about process start-up and probing rather than disk bandwidth.
	backupSize = 64 << 10
)

// check is one check of a suite, written once for each tool, with the
// outcome the harness planted.
type check struct {
	id     string // c0001…: gonogo's probe name and goss's resource key
	kind   string // file, backup, process, port, http, command
	want   bool   // true: the harness made it hold
	gonogo string // the probe as a list item under requires:, indented 2
	goss   string // the goss resource under its type key, indented 2
	gtype  string // goss's resource type key: file, process, port, http, command
}

// suite is a generated check suite on disk with the fixtures it needs
// running: child processes, loopback listeners and an HTTP server. Close
// stops them.
type suite struct {
	dir      string
	plan     string // plan.md, relative to dir
	gossFile string // goss.yaml, relative to dir
	checks   []check

	procs     []*exec.Cmd
	listeners []net.Listener
	server    *http.Server
}

// suiteOptions shape a generated suite.
type suiteOptions struct {
	scale int // blocks of blockSize checks
	// skew names a check whose gonogo probe is written to disagree with the
	// goss resource and the planted outcome: the agreement check must then
	// fail. Only the harness's own test sets it.
	skew string
}

// newSuite writes the files, starts the fixtures and writes the same checks
// as a gonogo plan and a goss file into dir.
func newSuite(ctx context.Context, dir string, o suiteOptions) (s *suite, err error) {
	s = &suite{dir: dir, plan: "plan.md", gossFile: "goss.yaml"}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	mux := http.NewServeMux()
	mux.HandleFunc("/ok/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/fail/", func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "unavailable", http.StatusServiceUnavailable)
	})
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return s, err
	}
	s.server = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go s.server.Serve(hl)
	base := "http://" + hl.Addr().String()

	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return s, err
	}
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		return s, fmt.Errorf("the process checks need sleep(1): %w", err)
	}

	n := 0
	next := func() string { n++; return fmt.Sprintf("c%04d", n) }
	add := func(c check) { s.checks = append(s.checks, c) }
	for b := range o.scale {
		// Files: exists, at least 1 KiB, mode 0644. Planted: one missing,
		// one with mode 0600.
		for i := range blockFiles {
			id, rel := next(), fmt.Sprintf("data/b%02d/f%02d.dat", b, i)
			mode := os.FileMode(0o644)
			switch i {
			case 0:
				rel = fmt.Sprintf("data/b%02d/missing-f%02d.dat", b, i)
			case 1:
				mode = 0o600
			}
			if i != 0 {
				if err := writeFile(filepath.Join(dir, rel), filler(1024+i*37, byte(i)), mode); err != nil {
					return s, err
				}
			}
			add(check{id: id, kind: "file", want: i > 1, gtype: "file",
				gonogo: fmt.Sprintf("- file: %s\n  name: %s\n  min_size: 1024\n  mode: \"0644\"\n", rel, id),
				goss:   fmt.Sprintf("%s:\n  path: %s\n  exists: true\n  mode: \"0644\"\n  size: {ge: 1024}\n", id, rel),
			})
		}
		// Backups with a SHA-256. Planted: one whose content changed.
		for i := range blockBackups {
			id, rel := next(), fmt.Sprintf("backups/b%02d/db%d.dump", b, i)
			body := filler(backupSize, byte(b*7+i))
			if err := writeFile(filepath.Join(dir, rel), body, 0o644); err != nil {
				return s, err
			}
			sum := sha256.Sum256(body)
			if i == 0 {
				sum = sha256.Sum256(append(body, '!'))
			}
			hexsum := hex.EncodeToString(sum[:])
			add(check{id: id, kind: "backup", want: i != 0, gtype: "file",
				gonogo: fmt.Sprintf("- backup: %s\n  name: %s\n  sha256: %s\n", rel, id, hexsum),
				goss:   fmt.Sprintf("%s:\n  path: %s\n  exists: true\n  sha256: %s\n", id, rel, hexsum),
			})
		}
		// Processes, by name (comm), started here as sleep under a link of
		// that name. Planted: one never started.
		for i := range blockProcesses {
			id, name := next(), fmt.Sprintf("gnbproc%02d%d", b, i)
			if i != blockProcesses-1 {
				if err := s.startProcess(ctx, sleep, filepath.Join(bin, name)); err != nil {
					return s, err
				}
			}
			add(check{id: id, kind: "process", want: i != blockProcesses-1, gtype: "process",
				gonogo: fmt.Sprintf("- process: ^%s$\n  name: %s\n", name, id),
				goss:   fmt.Sprintf("%s:\n  comm: %s\n  running: true\n", id, name),
			})
		}
		// A loopback port the harness listens on. Planted: in every second
		// block, one that nobody listens on.
		for range blockPorts {
			id := next()
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return s, err
			}
			port := l.Addr().(*net.TCPAddr).Port
			open := b%2 == 0
			if open {
				s.listeners = append(s.listeners, l)
				go acceptAndClose(l)
			} else {
				l.Close()
			}
			add(check{id: id, kind: "port", want: open, gtype: "port",
				gonogo: fmt.Sprintf("- port: 127.0.0.1:%d\n  name: %s\n", port, id),
				goss:   fmt.Sprintf("%s:\n  port: tcp:%d\n  listening: true\n  ip: [127.0.0.1]\n", id, port),
			})
		}
		// HTTP against the harness's loopback server. Planted: one 503.
		for i := range blockHTTP {
			id := next()
			path := "/ok/" + id
			if i == 1 {
				path = "/fail/" + id
			}
			add(check{id: id, kind: "http", want: i != 1, gtype: "http",
				gonogo: fmt.Sprintf("- http: %s%s\n  name: %s\n  status: 200\n", base, path, id),
				goss:   fmt.Sprintf("%s:\n  url: %s%s\n  status: 200\n", id, base, path),
			})
		}
		// Commands, each distinct so neither tool can share a result.
		// Planted: one that exits 1.
		for i := range blockCommands {
			id := next()
			var g, p string
			switch i {
			case 0:
				cmd := fmt.Sprintf("test -d data/b%02d", b)
				g = fmt.Sprintf("- command: %s\n  name: %s\n  exit: 0\n", cmd, id)
				p = fmt.Sprintf("%s:\n  exec: %s\n  exit-status: 0\n", id, cmd)
			case 1:
				cmd := "echo ready-" + id
				g = fmt.Sprintf("- command: %s\n  name: %s\n  exit: 0\n  stdout: ready-%s\n", cmd, id, id)
				p = fmt.Sprintf("%s:\n  exec: %s\n  exit-status: 0\n  stdout: [ready-%s]\n", id, cmd, id)
			default:
				cmd := fmt.Sprintf("test -f missing-%s.txt", id)
				g = fmt.Sprintf("- command: %s\n  name: %s\n  exit: 0\n", cmd, id)
				p = fmt.Sprintf("%s:\n  exec: %s\n  exit-status: 0\n", id, cmd)
			}
			add(check{id: id, kind: "command", want: i != 2, gtype: "command", gonogo: g, goss: p})
		}
	}
	if o.skew != "" {
		i := slices.IndexFunc(s.checks, func(c check) bool { return c.id == o.skew })
		if i < 0 || s.checks[i].kind != "file" || !s.checks[i].want {
			return s, fmt.Errorf("skew: %s is not a file check that holds", o.skew)
		}
		// The same file, another mode: gonogo alone now fails it.
		s.checks[i].gonogo = strings.Replace(s.checks[i].gonogo, `mode: "0644"`, `mode: "0640"`, 1)
	}
	if err := os.WriteFile(filepath.Join(dir, s.plan), []byte(s.planText()), 0o644); err != nil {
		return s, err
	}
	if err := os.WriteFile(filepath.Join(dir, s.gossFile), []byte(s.gossText()), 0o644); err != nil {
		return s, err
	}
	return s, nil
}

// planText is the gonogo plan: one step per kind and block, each with a
// probe block of that block's checks of the kind, so the plan reads like a
// pre-deploy checklist.
func (s *suite) planText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmark suite: %d checks\n\n## Pre-deploy checks\n\n", len(s.checks))
	step := 0
	for i := 0; i < len(s.checks); {
		j := i
		for j < len(s.checks) && s.checks[j].kind == s.checks[i].kind {
			j++
		}
		step++
		fmt.Fprintf(&b, "### %d. Check %s (%s to %s)\n\n```gonogo\nrequires:\n", step, s.checks[i].kind, s.checks[i].id, s.checks[j-1].id)
		for _, c := range s.checks[i:j] {
			b.WriteString(indent(c.gonogo, "  "))
		}
		b.WriteString("```\n\n")
		i = j
	}
	return b.String()
}

// gossText is the goss file with the same checks, grouped under goss's
// resource types.
func (s *suite) gossText() string {
	var b strings.Builder
	for _, t := range []string{"file", "process", "port", "http", "command"} {
		fmt.Fprintf(&b, "%s:\n", t)
		for _, c := range s.checks {
			if c.gtype == t {
				b.WriteString(indent(c.goss, "  "))
			}
		}
	}
	return b.String()
}

func indent(s, by string) string {
	lines := strings.SplitAfter(s, "\n")
	var b strings.Builder
	for _, l := range lines {
		if l != "" {
			b.WriteString(by + l)
		}
	}
	return b.String()
}

// startProcess runs sleep under a link named as the process check expects:
// the kernel takes a process's name (comm) from the file it executed.
func (s *suite) startProcess(ctx context.Context, sleep, link string) error {
	if err := os.Symlink(sleep, link); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, link, "3600")
	cmd.Args[0] = filepath.Base(link)
	if err := cmd.Start(); err != nil {
		return err
	}
	s.procs = append(s.procs, cmd)
	return nil
}

func acceptAndClose(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		c.Close()
	}
}

// Close stops the fixtures: the processes the suite started (by their own
// handles, no others), the listeners and the HTTP server.
func (s *suite) Close() {
	for _, p := range s.procs {
		p.Process.Kill()
		p.Wait()
	}
	s.procs = nil
	for _, l := range s.listeners {
		l.Close()
	}
	s.listeners = nil
	if s.server != nil {
		s.server.Close()
		s.server = nil
	}
}

// filler is n bytes of a deterministic pattern seeded by seed.
func filler(n int, seed byte) []byte {
	b := make([]byte, n)
	x := uint32(seed)*2654435761 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func writeFile(path string, body []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, body, mode); err != nil {
		return err
	}
	return os.Chmod(path, mode) // past the umask
}

// gonogoJob and gossJob are the two sides of a check suite. Both print
// JSON, so both do the work of reporting every result.
func (s *suite) gonogoJob(gonogo string) *job {
	return &job{tool: "gonogo", argv: []string{gonogo, "--once", "--format", "json", s.plan},
		dir: s.dir, ok: []int{exitGo, exitNoGo, exitUnknown}}
}

func (s *suite) gossJob(p *peer) *job {
	return &job{tool: p.name, argv: []string{p.path, "--gossfile", s.gossFile, "validate", "--format", "json", "--no-color"},
		dir: s.dir, ok: []int{0, 1}}
}

// gonogo's exit codes (README, "--once").
const (
	exitGo      = 0
	exitNoGo    = 1
	exitUnknown = 3
)

// outcomes maps a check ID to whether the tool found that it holds.
type outcomes map[string]bool

// gonogoOutcomes reads `gonogo --once --format json`: a probe named after a
// check holds when its status is ok. A probe with another name, or a check
// seen twice, means gonogo did different work from goss, which voids the
// comparison.
func gonogoOutcomes(out []byte) (outcomes, error) {
	var snap struct {
		Steps []struct {
			Probes []struct {
				Kind, Target, Name, Status string
			}
		}
	}
	if err := json.Unmarshal(out, &snap); err != nil {
		return nil, fmt.Errorf("gonogo JSON: %w", err)
	}
	got := outcomes{}
	for _, st := range snap.Steps {
		for _, p := range st.Probes {
			if p.Name == "" {
				return nil, fmt.Errorf("gonogo ran a probe the suite did not write: %s %s", p.Kind, p.Target)
			}
			if _, dup := got[p.Name]; dup {
				return nil, fmt.Errorf("gonogo reported %s twice", p.Name)
			}
			switch p.Status {
			case "ok":
				got[p.Name] = true
			case "fail", "warn", "error":
				got[p.Name] = false
			default:
				return nil, fmt.Errorf("gonogo did not run %s (%s %s): status %q", p.Name, p.Kind, p.Target, p.Status)
			}
		}
	}
	return got, nil
}

// gossOutcomes reads `goss validate --format json`: a resource holds when
// none of its tested properties failed (goss skips the other properties of
// a file that does not exist, after failing exists).
func gossOutcomes(out []byte) (outcomes, error) {
	var res struct {
		Results []struct {
			ResourceID string `json:"resource-id"`
			Property   string `json:"property"`
			Successful bool   `json:"successful"`
			Skipped    bool   `json:"skipped"`
		} `json:"results"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("goss JSON: %w", err)
	}
	got := outcomes{}
	for _, r := range res.Results {
		id, _, _ := strings.Cut(r.ResourceID, ":") // "c0007: gnbproc001" when comm is set
		ok, seen := got[id]
		if !seen {
			ok = true
		}
		got[id] = ok && (r.Successful || r.Skipped)
	}
	return got, nil
}

// agree compares what each tool found with what the harness planted, check
// by check, and returns one line per difference. The comparison is void
// unless it returns none: then both tools passed and failed exactly the
// same checks.
func agree(checks []check, tools map[string]outcomes) []string {
	var diffs []string
	names := make([]string, 0, len(tools))
	for name := range tools {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, c := range checks {
		for _, name := range names {
			got, ok := tools[name][c.id]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("%s (%s): %s did not report it", c.id, c.kind, name))
			case got != c.want:
				diffs = append(diffs, fmt.Sprintf("%s (%s): %s says %s, planted %s", c.id, c.kind, name, holds(got), holds(c.want)))
			}
		}
	}
	known := map[string]bool{}
	for _, c := range checks {
		known[c.id] = true
	}
	for _, name := range names {
		var extra []string
		for id := range tools[name] {
			if !known[id] {
				extra = append(extra, id)
			}
		}
		slices.Sort(extra)
		for _, id := range extra {
			diffs = append(diffs, fmt.Sprintf("%s: %s reported a check the suite does not have", id, name))
		}
	}
	return diffs
}

func holds(b bool) string {
	if b {
		return "holds"
	}
	return "fails"
}

// verify runs each tool once on the suite, untimed, and checks that they
// agree with each other and with the planted outcomes. p may be nil (no
// peer): gonogo is then checked against the plan alone.
func (s *suite) verify(ctx context.Context, gonogo string, p *peer) error {
	tools := map[string]outcomes{}
	out, _, err := output(ctx, s.gonogoJob(gonogo))
	if err != nil {
		return err
	}
	if tools["gonogo"], err = gonogoOutcomes(out); err != nil {
		return err
	}
	if p != nil {
		out, _, err := output(ctx, s.gossJob(p))
		if err != nil {
			return err
		}
		if tools["goss"], err = gossOutcomes(out); err != nil {
			return err
		}
	}
	if diffs := agree(s.checks, tools); len(diffs) > 0 {
		const show = 10
		more := ""
		if len(diffs) > show {
			more = fmt.Sprintf("\n  … and %d more", len(diffs)-show)
			diffs = diffs[:show]
		}
		return &disagreement{msg: fmt.Sprintf("the tools do not pass and fail the same checks, so the comparison is void:\n  %s%s",
			strings.Join(diffs, "\n  "), more)}
	}
	return nil
}

// disagreement is the error of a void comparison.
type disagreement struct{ msg string }

func (d *disagreement) Error() string { return d.msg }

func isDisagreement(err error) bool {
	var d *disagreement
	return errors.As(err, &d)
}

// planted counts the checks the harness made fail.
func (s *suite) planted() int {
	n := 0
	for _, c := range s.checks {
		if !c.want {
			n++
		}
	}
	return n
}
