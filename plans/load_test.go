package plans

import (
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

func TestResolvePath(t *testing.T) {
	tests := []struct {
		base, p, want string
	}{
		{"/srv/app", "config.py", "/srv/app/config.py"},
		{"/srv/app", "./sub/../config.py", "/srv/app/config.py"},
		{"/srv/app", "/tmp/x.bak", "/tmp/x.bak"},
		{"/srv/app", "~/x", "/home/op/x"},
		{"/srv/app", "~", "/home/op"},
		{"/srv/app", "~other/x", "/srv/app/~other/x"},
		{"/srv/app", "$BACKUP_DIR/db.dump", "/var/backups/app/db.dump"},
		{"/srv/app", "${BACKUP_DIR}/db.dump", "/var/backups/app/db.dump"},
		{"/srv/app", "$UNSET/x", "/srv/app/$UNSET/x"},
		{"/srv/app", "${UNSET}/x", "/srv/app/${UNSET}/x"},
		{"/srv/app", "a$", "/srv/app/a$"},
		{"/srv/app", "${bad", "/srv/app/${bad"},
		{"/srv/app", "$1x", "/srv/app/$1x"},
		{"/srv/app", "", "/srv/app"},
		{"/srv/app", ".", "/srv/app"},
	}
	for _, tt := range tests {
		if got := ResolvePath(tt.base, tt.p, testEnv); got != tt.want {
			t.Errorf("ResolvePath(%q, %q) = %q, want %q", tt.base, tt.p, got, tt.want)
		}
	}
	t.Setenv("GONOGO_TEST_DIR", "/opt/x")
	if got := ResolvePath("/srv", "$GONOGO_TEST_DIR/f", nil); got != "/opt/x/f" {
		t.Errorf("nil env should use os.Getenv: %q", got)
	}
}

const loadPlan = "# P\n\n## Steps\n\n### 1. Check\n\n```gonogo\nrequires:\n  - git: config.py\n```\n"

func TestLoadRoot(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not installed")
	}
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(tmp, "repo")
	gonogotest.Git(t, tmp, "init", "-q", "repo")
	gonogotest.WriteFile(t, filepath.Join(repo, "docs", "plans", "p.md"), loadPlan)
	gonogotest.Git(t, repo, "add", ".")
	gonogotest.Git(t, repo, "commit", "-q", "-m", "plan")
	// A linked worktree has a .git file, not a folder.
	gonogotest.Git(t, repo, "worktree", "add", "-q", filepath.Join(tmp, "wt"))
	plain := filepath.Join(tmp, "plain")
	gonogotest.WriteFile(t, filepath.Join(plain, "p.md"), loadPlan)

	tests := []struct {
		name, plan, root, want string
	}{
		{"git work tree top", filepath.Join(repo, "docs", "plans", "p.md"), "", repo},
		{"linked worktree", filepath.Join(tmp, "wt", "docs", "plans", "p.md"), "", filepath.Join(tmp, "wt")},
		{"no git: plan folder", filepath.Join(plain, "p.md"), "", plain},
		{"explicit root", filepath.Join(repo, "docs", "plans", "p.md"), plain, plain},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Load(tt.plan, LoadOptions{Root: tt.root})
			if err != nil {
				t.Fatal(err)
			}
			if p.Root != tt.want {
				t.Errorf("root = %s, want %s", p.Root, tt.want)
			}
			if p.File != tt.plan {
				t.Errorf("File = %s, want the path as given", p.File)
			}
			if gp := p.Steps[0].Probes[0].Params.(*spec.GitParams); gp.Path != filepath.Join(tt.want, "config.py") {
				t.Errorf("probe path %s should resolve against the root", gp.Path)
			}
		})
	}
	// Loading must not have written anything into the repository.
	cmd := exec.Command("git", "status", "--porcelain")
	cmd.Dir = repo
	if out, err := cmd.Output(); err != nil || len(out) != 0 {
		t.Errorf("repository changed after Load: %q %v", out, err)
	}
}

func TestLoadRelativeRootAndPlan(t *testing.T) {
	dir := t.TempDir()
	gonogotest.WriteFile(t, filepath.Join(dir, "p.md"), loadPlan)
	t.Chdir(dir)
	p, err := Load("p.md", LoadOptions{Root: "."})
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(p.Root) || p.File != "p.md" {
		t.Errorf("root %q must be absolute, file %q as given", p.Root, p.File)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "p.md")
	gonogotest.WriteFile(t, good, loadPlan)
	tests := []struct {
		name string
		plan string
		opts LoadOptions
		want string
	}{
		{"missing plan", filepath.Join(dir, "nope.md"), LoadOptions{}, "cannot read plan " + filepath.Join(dir, "nope.md") + ": open"},
		{"plan is a folder", dir, LoadOptions{}, "it is a folder; give the Markdown file"},
		{"missing sidecar", good, LoadOptions{Probes: filepath.Join(dir, "nope.yaml")}, "cannot read probes file " + filepath.Join(dir, "nope.yaml")},
		{"missing root", good, LoadOptions{Root: filepath.Join(dir, "nope")}, "root " + filepath.Join(dir, "nope")},
		{"root is a file", good, LoadOptions{Root: good}, "is not a folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.plan, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want …%s…", err, tt.want)
			}
		})
	}
	if err := os.Chmod(good, 0); err == nil && os.Getuid() != 0 {
		if _, err := Load(good, LoadOptions{}); err == nil || !errors.Is(err, os.ErrPermission) {
			t.Errorf("unreadable plan: %v", err)
		}
	}
}

// loadBounded runs Load, failing the test if it has not returned after
// 10 s (it blocked) instead of hanging the test binary.
func loadBounded(t *testing.T, plan string, opts LoadOptions) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := Load(plan, opts); done <- err }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Load(%s) blocked", plan)
		return nil
	}
}

// TestLoadNonRegular: a FIFO, a socket or a device as the plan or the
// sidecar is refused at once, naming the file and what it is — never a
// read that waits for a writer or never ends.
func TestLoadNonRegular(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "p.md")
	gonogotest.WriteFile(t, good, loadPlan)
	fifo := filepath.Join(dir, "plan.fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "plan.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, plan string
		opts       LoadOptions
		want       string
	}{
		{"plan is a FIFO", fifo, LoadOptions{}, "cannot read plan " + fifo + ": it is a named pipe (FIFO), not a regular file"},
		{"plan links to a FIFO", link, LoadOptions{}, "cannot read plan " + link + ": it is a named pipe (FIFO)"},
		{"plan is a socket", sock, LoadOptions{}, "cannot read plan " + sock + ": open"},
		{"plan is /dev/zero", "/dev/zero", LoadOptions{}, "cannot read plan /dev/zero: it is a character device, not a regular file"},
		{"sidecar is a FIFO", good, LoadOptions{Probes: fifo}, "cannot read probes file " + fifo + ": it is a named pipe (FIFO)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := loadBounded(t, tt.plan, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want …%s…", err, tt.want)
			}
		})
	}
}

// TestLoadSizeCap: a plan over 16 MiB, or a sidecar over 4 MiB, is an
// error that names the file, its size and the cap, and says what to do.
func TestLoadSizeCap(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "p.md")
	gonogotest.WriteFile(t, good, loadPlan)
	big := func(name string, size int64) string {
		p := filepath.Join(dir, name)
		gonogotest.WriteFile(t, p, "# big\n")
		if err := os.Truncate(p, size); err != nil { // sparse: no disk used
			t.Fatal(err)
		}
		return p
	}
	plan := big("big.md", MaxPlanSize+1)
	err := loadBounded(t, plan, LoadOptions{})
	if want := "plan " + plan + " is 16.0 MiB (16777217 bytes), more than the 16 MiB gonogo reads for a plan: is it the right file?"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want …%s…", err, want)
	}
	side := big("big.yaml", MaxSidecarSize+1)
	err = loadBounded(t, good, LoadOptions{Probes: side})
	if want := "probes file " + side + " is 4.0 MiB (4194305 bytes), more than the 4 MiB gonogo reads for a probes file"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want …%s…", err, want)
	}
	// At the cap exactly, the size is no error.
	at := big("at.md", MaxPlanSize)
	if src, err := ReadFile(at, "plan", MaxPlanSize); err != nil || len(src) != MaxPlanSize {
		t.Errorf("a plan of exactly the cap: %d bytes, %v", len(src), err)
	}
}

func TestLoadWithSidecar(t *testing.T) {
	dir := t.TempDir()
	plan := filepath.Join(dir, "p.md")
	side := filepath.Join(dir, "probes.yaml")
	gonogotest.WriteFile(t, plan, loadPlan)
	gonogotest.WriteFile(t, side, "steps:\n  \"1\":\n    done:\n      - file: out.txt\n")
	p, err := Load(plan, LoadOptions{Probes: side})
	if err != nil {
		t.Fatal(err)
	}
	pr := p.Steps[0].Probes
	if len(pr) != 2 || pr[1].Source != spec.Sidecar || pr[1].File != side || pr[1].Line != 4 {
		t.Errorf("sidecar probe: %+v", pr)
	}

	// Errors in both files come out together, each naming its file.
	gonogotest.WriteFile(t, plan, loadPlan+"\n### 2. More\n\n```gonogo\nrequires:\n  - git: a\n    timeout: 5\n```\n")
	gonogotest.WriteFile(t, side, "steps:\n  \"3\":\n    done:\n      - file: out.txt\n")
	_, err = Load(plan, LoadOptions{Probes: side})
	var el ErrorList
	if !errors.As(err, &el) || len(el) != 2 || el[0].File != plan || el[0].Line != 17 || el[1].File != side || el[1].Line != 2 {
		t.Errorf("want one plan error (line 17) and one sidecar error (line 2), got:\n%v", err)
	}
}

func TestFindWorkTree(t *testing.T) {
	dir := t.TempDir()
	if got := FindWorkTree(filepath.Join(dir, "a", "b")); got != "" && strings.HasPrefix(got, dir) {
		t.Errorf("no .git below %s, got %s", dir, got)
	}
	if err := os.MkdirAll(filepath.Join(dir, "a", "b"), 0o755); err != nil {
		t.Fatal(err)
	}
	gonogotest.WriteFile(t, filepath.Join(dir, "a", ".git"), "gitdir: /elsewhere\n")
	if got := FindWorkTree(filepath.Join(dir, "a", "b")); got != filepath.Join(dir, "a") {
		t.Errorf("got %s, want %s", got, filepath.Join(dir, "a"))
	}
}
