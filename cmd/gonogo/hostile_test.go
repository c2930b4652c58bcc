package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// TestNonRegularInputs: a FIFO or a device given as the plan or the
// sidecar ends gonogo at once with exit 2 and a message naming the file
// and what it is — it never waits for a writer (the watchdog of gonogo()
// fails a run that hangs).
func TestNonRegularInputs(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	fifo := filepath.Join(dir, "in.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"plan is a FIFO", []string{"--once", fifo}, "cannot read plan " + fifo + ": it is a named pipe (FIFO), not a regular file"},
		{"lint of a FIFO", []string{"lint", fifo}, "cannot read plan " + fifo + ": it is a named pipe (FIFO)"},
		{"plan is a device", []string{"--once", "/dev/zero"}, "cannot read plan /dev/zero: it is a character device"},
		{"sidecar is a FIFO", []string{"--once", "--probes", fifo, "docs/plan.md"}, "cannot read probes file " + fifo + ": it is a named pipe (FIFO)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := gonogo(t, dir, nil, tc.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and …%s…", r.code, r.stderr, tc.want)
			}
		})
	}
}

// TestRecordRefusesLinksAndSpecialFiles: --record never follows a
// symbolic link (one planted in a shared folder would make gonogo append
// to another user's file) and refuses what is not a regular file — at
// once, with exit 2, before any probe runs.
func TestRecordRefusesLinksAndSpecialFiles(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	victim := filepath.Join(t.TempDir(), "someone-elses.log")
	gonogotest.WriteFile(t, victim, "theirs\n")
	link := filepath.Join(t.TempDir(), "window.jsonl")
	if err := os.Symlink(victim, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "window.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, path, want string
	}{
		{"symbolic link", link, "it is a symbolic link, and gonogo does not follow one for --record"},
		{"FIFO", fifo, "it is a named pipe (FIFO), not a regular file"},
		{"device", "/dev/null", "it is a character device, not a regular file"},
	}
	for _, tc := range tests {
		want := "gonogo: --record " + tc.path + ": cannot open the audit file: " + tc.want
		t.Run(tc.name, func(t *testing.T) {
			r := gonogo(t, dir, nil, "--once", "--record", tc.path, "docs/plan.md")
			if r.code != exitUsage || !strings.Contains(r.stderr, want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", r.code, r.stderr, want)
			}
		})
		t.Run(tc.name+" board", func(t *testing.T) {
			code, stderr := runOnTerminal(t, "--record", tc.path, filepath.Join(dir, "docs/plan.md"))
			if code != exitUsage || !strings.Contains(stderr, want) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, want)
			}
		})
	}
	if b, err := os.ReadFile(victim); err != nil || string(b) != "theirs\n" {
		t.Errorf("the link's target was written to: %q %v", b, err)
	}
}

// TestRecordCreatedAfterPlanLoads: a plan that does not load leaves no
// record file behind; one that loads creates it 0600.
func TestRecordCreatedAfterPlanLoads(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	gonogotest.WriteFile(t, filepath.Join(dir, "broken.md"), "# P\n\n### 1. Check\n\n```gonogo\nrequires:\n  - gti: a\n```\n")
	rec := filepath.Join(t.TempDir(), "window.jsonl")
	if r := gonogo(t, dir, nil, "--once", "--record", rec, "broken.md"); r.code != exitUsage || !strings.Contains(r.stderr, "broken.md:7") {
		t.Errorf("--once: exit %d, stderr %q", r.code, r.stderr)
	}
	if code, stderr := runOnTerminal(t, "--record", rec, filepath.Join(dir, "broken.md")); code != exitUsage || !strings.Contains(stderr, "broken.md:7") {
		t.Errorf("board: exit %d, stderr %q", code, stderr)
	}
	if _, err := os.Lstat(rec); !os.IsNotExist(err) {
		t.Fatalf("the record file exists although the plan did not load (%v)", err)
	}
	if r := gonogo(t, dir, nil, "--once", "--record", rec, "docs/plan.md"); r.code != exitNoGo {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	if fi, err := os.Stat(rec); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("record file mode %v (%v), want 0600", fi.Mode().Perm(), err)
	}
}

// TestRecordWholeOrNothingAtSizeLimit: a write cut short by the file-size
// limit (RLIMIT_FSIZE, set with ulimit -f for the gonogo process, as a
// full disk would) leaves the record as it was — no partial line — and
// says so with exit 2.
func TestRecordWholeOrNothingAtSizeLimit(t *testing.T) {
	dir := seedSandbox(t, seedPlan)
	rec := filepath.Join(t.TempDir(), "window.jsonl")
	before := `{"version":1,"verdict":"GO"}` + "\n"
	gonogotest.WriteFile(t, rec, before)
	// 4 blocks: 2 KiB in dash's 512-byte blocks, 4 KiB in bash's; the
	// snapshot line of the seed plan is longer than either.
	script := "ulimit -f 4 && exec " + shellQuote(binary) + " --once --format json --record " + shellQuote(rec) + " docs/plan.md"
	r := gonogoSh(t, dir, script)
	if r.code != exitUsage || !strings.Contains(r.stderr, "write failed: file too large") || !strings.Contains(r.stderr, "nothing of this record was kept") {
		t.Errorf("exit %d, stderr %q; want exit 2 and the write failure", r.code, r.stderr)
	}
	if b, err := os.ReadFile(rec); err != nil || string(b) != before {
		t.Errorf("the record after a failed write holds %d bytes, want it unchanged (%d): %q…", len(b), len(before), clip(string(b), 120))
	}
	// Without the limit the next record is whole, on a line of its own.
	if r := gonogo(t, dir, nil, "--once", "--record", rec, "docs/plan.md"); r.code != exitNoGo {
		t.Fatalf("exit %d, stderr %s", r.code, r.stderr)
	}
	if lines := recordLines(t, rec); len(lines) != 2 || lines[1].Verdict != model.GateNoGo {
		t.Errorf("the record holds %d lines, want 2", len(lines))
	}
}

// runOnTerminal runs gonogo in process as if stdout were a terminal,
// for errors that must come before the board opens (a board that opened
// would draw on this process's terminal).
func runOnTerminal(t *testing.T, args ...string) (int, string) {
	t.Helper()
	ios, out, errb := testIO()
	ios.IsTTY, ios.InTTY = true, true
	code := run(context.Background(), args, ios, func(string) string { return "" })
	if out.Len() != 0 {
		t.Errorf("stdout %q, want nothing", out)
	}
	return code, errb.String()
}

// gonogoSh runs a shell script that runs gonogo (to set a limit on it
// first), with the watchdog of gonogo().
func gonogoSh(t *testing.T, dir, script string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=", "CLICOLOR_FORCE=")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s did not end within 60s", script)
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// clip shortens s for a message.
func clip(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TestPlantedSecretsNeverLeave: secrets the hostile review planted — in a
// step title, a phase, commands, a URL's userinfo, an http probe's
// $VARIABLE, a plan error — come out of no format, the record, lint or
// stderr; the $VARIABLE is shown as written.
func TestPlantedSecretsNeverLeave(t *testing.T) {
	const (
		awsKey  = "wJalrXUtnFEMIK7MDENGbPxRfiCYzz"
		awsKey2 = "Zq8YhJ2kLmNoPqRsTuVwXyZ01234"
		privKey = "pkValue9x8y7z6w5"
		pass    = "hunter2hunter2"
		ghToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
		urlTok  = "0123456789abcdef0123456789abcdef01234567"
		envTok  = "tok-9f8e7d6c5b4a"
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable) // a failure, so the message shows
	}))
	defer srv.Close()
	plan := "# P\n\n## Deploy with " + ghToken + "\n\n### 1. Push using " + ghToken + "\n\n" +
		"```bash\nexport AWS_SECRET_ACCESS_KEY=" + awsKey + "\naws configure set aws_secret_access_key = " + awsKey2 + "\n" +
		"PRIVATE_KEY=" + privKey + " ./sign\npass=" + pass + " ./login\ngit clone https://" + urlTok + "@github.com/org/app.git\n```\n\n" +
		"```gonogo\nrequires:\n  - http: " + srv.URL + "/${GONOGO_TEST_TOKEN}/health\n  - file: ./" + ghToken + ".txt\n```\n"
	dir := seedSandbox(t, plan)
	env := []string{"GONOGO_TEST_TOKEN=" + envTok}
	rec := filepath.Join(t.TempDir(), "audit.jsonl")
	var all strings.Builder
	for _, format := range []string{"text", "json", "markdown"} {
		r := gonogo(t, dir, env, "--once", "--format", format, "--record", rec, "docs/plan.md")
		if r.code != exitNoGo {
			t.Errorf("%s: exit %d, want 1; stderr %s", format, r.code, r.stderr)
		}
		all.WriteString(r.stdout + r.stderr)
		if format == "text" && !strings.Contains(r.stdout, "/${GONOGO_TEST_TOKEN}/health") {
			t.Errorf("the http probe's URL is not shown as written:\n%s", r.stdout)
		}
	}
	for _, format := range []string{"text", "json"} {
		r := gonogo(t, dir, env, "lint", "--format", format, "docs/plan.md")
		all.WriteString(r.stdout + r.stderr)
	}
	b, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	all.Write(b)
	// A plan error quotes the plan: stderr is redacted too.
	gonogotest.WriteFile(t, filepath.Join(dir, "broken.md"), "# P\n\n### 1. X\n\n```gonogo\nrequires:\n  - http: \"ftp://"+urlTok+"@h/ pass="+pass+"\"\n```\n")
	r := gonogo(t, dir, env, "--once", "broken.md")
	if r.code != exitUsage || !strings.Contains(r.stderr, "broken.md:7") {
		t.Errorf("broken plan: exit %d, stderr %q", r.code, r.stderr)
	}
	all.WriteString(r.stderr)
	for _, secret := range []string{awsKey, awsKey2, privKey, pass, ghToken, urlTok, envTok} {
		if strings.Contains(all.String(), secret) {
			t.Errorf("%q appears in gonogo's output", secret)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", all.String())
	}
}

// TestNoTerminalEscapesFromTheWorld: an HTTP reason phrase, a symlink
// target and a file name that carry terminal control sequences (retitle,
// clear the screen) reach neither the text nor the Markdown output nor
// stderr raw: they show as escapes.
func TestNoTerminalEscapesFromTheWorld(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_, _ = bufio.NewReader(c).ReadString('\n')
				_, _ = io.WriteString(c, "HTTP/1.1 503 \x1b]0;owned\x07\x1b[2JGone\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
			}()
		}
	}()
	dir := seedSandbox(t, seedPlan)
	evil := "evil\x1b[2J\x1b]0;owned\x07.txt"
	if err := os.Symlink("/nowhere/\x1b[31mred", filepath.Join(dir, evil)); err != nil {
		t.Fatal(err)
	}
	plan := "# P\n\n## Steps\n\n### 1. Check \x1b[2J it\n\n```gonogo\nrequires:\n  - http: http://" + ln.Addr().String() + "/\n  - file: \"" + strings.NewReplacer("\x1b", `\e`, "\x07", `\a`).Replace(evil) + "\"\n```\n"
	gonogotest.WriteFile(t, filepath.Join(dir, "evil.md"), plan)
	for _, format := range []string{"text", "markdown"} {
		r := gonogo(t, dir, nil, "--once", "--format", format, "evil.md")
		if r.code != exitNoGo {
			t.Errorf("%s: exit %d, stderr %q", format, r.code, r.stderr)
		}
		for _, out := range []string{r.stdout, r.stderr} {
			if strings.ContainsAny(out, "\x1b\x07") {
				t.Errorf("%s: a control character reaches the output:\n%q", format, out)
			}
		}
		if !strings.Contains(r.stdout, `503 \x1b`) || !strings.Contains(r.stdout, `owned\x07\x1b`) || !strings.Contains(r.stdout, `31mred`) {
			t.Errorf("%s: the escapes are not shown:\n%s", format, r.stdout)
		}
	}
	// A plan error that quotes the plan: stderr is safe too.
	gonogotest.WriteFile(t, filepath.Join(dir, "bad.md"), "# P\n\n### 1. X\n\n```gonogo\nrequires:\n  - gti: \"\x1b]0;owned\x07\"\n```\n")
	if r := gonogo(t, dir, nil, "--once", "bad.md"); r.code != exitUsage || strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Errorf("plan error: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestNothingOutlivesGonogo: a command probe still running when --timeout
// ends the run — having started a daemon in a session of its own — leaves
// nothing running once gonogo has exited.
func TestNothingOutlivesGonogo(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("setsid is not installed")
	}
	dir := seedSandbox(t, seedPlan)
	pidFile := filepath.Join(t.TempDir(), "daemon.pid")
	plan := "# P\n\n## Steps\n\n### 1. Start it\n\n```gonogo\nrequires:\n  - command: \"setsid -f sh -c 'echo $$ > " + pidFile +
		"; exec sleep 300' </dev/null >/dev/null 2>&1; exec sleep 301\"\n    timeout: 60s\n```\n"
	gonogotest.WriteFile(t, filepath.Join(dir, "daemon.md"), plan)
	r := gonogo(t, dir, nil, "--once", "--timeout", "1s", "daemon.md")
	if r.code != exitUnknown {
		t.Errorf("exit %d, want 3 (the probe did not answer); stderr %q", r.code, r.stderr)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the daemon never started: %v", err)
	}
	pid := strings.TrimSpace(string(b))
	stat, err := os.ReadFile("/proc/" + pid + "/stat")
	if err == nil {
		if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] != "Z" {
			t.Errorf("the probe's daemon (pid %s) still runs after gonogo exited", pid)
			_ = exec.Command("kill", "-9", pid).Run()
		}
	}
}
