package probes

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// TestMain lets the test binary act as a one-shot checker in a child
// process, so permission tests can run it as an unprivileged user (root
// reads everything).
func TestMain(m *testing.M) {
	if os.Getenv("GONOGO_PROBE_HELPER") == "1" {
		os.Exit(helperMain())
	}
	os.Exit(m.Run())
}

// helperMain runs one file or backup check described by the environment
// and prints "status<TAB>message".
func helperMain() int {
	var sp *spec.Probe
	path := os.Getenv("GONOGO_PATH")
	switch spec.Kind(os.Getenv("GONOGO_KIND")) {
	case spec.KindFile:
		fp := &spec.FileParams{Path: path, Exists: true}
		if c := os.Getenv("GONOGO_CONTAINS"); c != "" {
			fp.Contains = regexp.MustCompile(c)
		}
		sp = &spec.Probe{Kind: spec.KindFile, Target: path, Params: fp}
	case spec.KindBackup:
		sp = &spec.Probe{Kind: spec.KindBackup, Target: path, Params: &spec.BackupParams{Path: path, Of: os.Getenv("GONOGO_OF")}}
	default:
		fmt.Println("error\tbad helper kind")
		return 2
	}
	res := NewRunner(Options{}).Run(context.Background(), []*spec.Probe{sp}, nil)
	fmt.Printf("%s\t%s\n", res[0].Status, res[0].Message)
	return 0
}

// runAsNobody runs one check in a copy of this test binary as uid/gid
// 65534 and returns its status and message.
func runAsNobody(t *testing.T, env ...string) (Status, string) {
	t.Helper()
	if os.Getuid() != 0 {
		t.Skip("needs root to switch to nobody")
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "gonogo-nobody-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "probes.test")
	src, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	cmd := exec.Command(bin)
	cmd.Dir = "/"
	cmd.Env = append([]string{"GONOGO_PROBE_HELPER=1", "PATH=/usr/bin:/bin"}, env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("helper as nobody: %v\n%s", err, out)
	}
	st, msg, _ := strings.Cut(strings.TrimSpace(string(out)), "\t")
	return Status(st), msg
}

// worldDir makes a temp folder everyone can enter, for files nobody must
// (not) be able to read.
func worldDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "gonogo-perm-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPermissionDenied(t *testing.T) {
	dir := worldDir(t)
	secret := gitstatetest.WriteFile(t, dir, "secret.conf", "password=x\n")
	if err := os.Chmod(secret, 0o600); err != nil {
		t.Fatal(err)
	}
	readable := gitstatetest.WriteFile(t, dir, "public.conf", "password=x\n")
	locked := filepath.Join(dir, "locked")
	inLocked := gitstatetest.WriteFile(t, locked, "inside.txt", "x")
	if err := os.Chmod(locked, 0o700); err != nil {
		t.Fatal(err)
	}

	st, msg := runAsNobody(t, "GONOGO_KIND=file", "GONOGO_PATH="+secret)
	if st != OK {
		t.Errorf("stat of a 0600 file in a 0755 folder as nobody: %s %q, want ok", st, msg)
	}
	st, msg = runAsNobody(t, "GONOGO_KIND=file", "GONOGO_PATH="+secret, "GONOGO_CONTAINS=password")
	if st != Error || !strings.Contains(msg, "cannot read "+secret+": permission denied (gonogo runs as uid 65534") {
		t.Errorf("contains on an unreadable file: %s %q", st, msg)
	}
	st, msg = runAsNobody(t, "GONOGO_KIND=file", "GONOGO_PATH="+inLocked)
	if st != Error || !strings.Contains(msg, "permission denied on a folder above it") {
		t.Errorf("file in a folder nobody cannot enter: %s %q", st, msg)
	}
	st, msg = runAsNobody(t, "GONOGO_KIND=backup", "GONOGO_PATH="+secret, "GONOGO_OF="+readable)
	if st != Error || !strings.Contains(msg, "permission denied") {
		t.Errorf("backup nobody cannot read: %s %q", st, msg)
	}
	st, msg = runAsNobody(t, "GONOGO_KIND=backup", "GONOGO_PATH="+readable, "GONOGO_OF="+secret)
	if st != Error || !strings.Contains(msg, "cannot read "+secret) {
		t.Errorf("backup whose source nobody cannot read: %s %q", st, msg)
	}
}

func TestFile(t *testing.T) {
	dir := t.TempDir()
	conf := gitstatetest.WriteFile(t, dir, "config.py", "DB_URL='postgresql://app@db/rag'\nVECTOR_DIM=768\n")
	old := gitstatetest.WriteFile(t, dir, "old.dump", "dump")
	past := time.Now().Add(-5 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}
	private := gitstatetest.WriteFile(t, dir, "private.key", "k")
	if err := os.Chmod(private, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "current.py")
	if err := os.Symlink(conf, link); err != nil {
		t.Fatal(err)
	}
	broken := filepath.Join(dir, "broken.py")
	if err := os.Symlink(filepath.Join(dir, "gone.py"), broken); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.log")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("noise ", 170) + "\n"
	for n := 0; n < fileScanCap+1024; n += len(line) {
		f.WriteString(line)
	}
	f.WriteString("MIGRATION COMPLETE\n")
	f.Close()
	// A match straddling the first chunk boundary is still found.
	straddle := gitstatetest.WriteFile(t, dir, "straddle.log", strings.Repeat("a", scanChunk+scanOverlap-4)+"NEEDLE"+strings.Repeat("b", 100))
	sub := filepath.Join(dir, "data")
	os.Mkdir(sub, 0o755)

	mode := func(m os.FileMode) *os.FileMode { return &m }
	sp := func(fp spec.FileParams) *spec.Probe {
		return &spec.Probe{Kind: spec.KindFile, Target: fp.Path, Params: &fp}
	}
	re := regexp.MustCompile
	tests := []struct {
		name string
		fp   spec.FileParams
		want Status
		msg  string
	}{
		{"exists", spec.FileParams{Path: conf, Exists: true}, OK, conf + " exists (48 B, modified "},
		{"missing", spec.FileParams{Path: filepath.Join(dir, "nope"), Exists: true}, Fail, "nope does not exist"},
		{"missing parent is a file", spec.FileParams{Path: filepath.Join(conf, "x"), Exists: true}, Fail, "does not exist"},
		{"absent as required", spec.FileParams{Path: filepath.Join(dir, "nope")}, OK, "does not exist, as required"},
		{"present but must not be", spec.FileParams{Path: conf}, Fail, "exists but should not"},
		{"min size", spec.FileParams{Path: conf, Exists: true, MinSize: 1 << 20}, Fail, "is 48 B, expected at least 1.0 MiB"},
		{"max age ok", spec.FileParams{Path: conf, Exists: true, MaxAge: time.Hour}, OK, "exists"},
		{"max age stale", spec.FileParams{Path: old, Exists: true, MaxAge: 4 * time.Hour}, Fail, "was last modified 5h ago"},
		{"mode ok", spec.FileParams{Path: private, Exists: true, Mode: mode(0o600)}, OK, "exists"},
		{"mode wrong", spec.FileParams{Path: conf, Exists: true, Mode: mode(0o600)}, Fail, "has mode 0644, expected 0600: chmod 600 " + conf},
		{"contains", spec.FileParams{Path: conf, Exists: true, Contains: re(`VECTOR_DIM=\d+`)}, OK, `contains /VECTOR_DIM=\d+/`},
		{"does not contain", spec.FileParams{Path: conf, Exists: true, Contains: re(`chromadb`)}, Fail, "does not contain a match for /chromadb/"},
		{"scan is capped", spec.FileParams{Path: big, Exists: true, Contains: re(`MIGRATION COMPLETE`)}, Fail, "(searched the first 16.0 MiB only)"},
		{"match across chunks", spec.FileParams{Path: straddle, Exists: true, Contains: re(`NEEDLE`)}, OK, "contains /NEEDLE/"},
		{"symlink", spec.FileParams{Path: link, Exists: true, Contains: re(`VECTOR`)}, OK, "contains"},
		{"symlink says where", spec.FileParams{Path: link, Exists: true}, OK, "(symlink to " + conf + ")"},
		{"broken symlink", spec.FileParams{Path: broken, Exists: true}, Fail, "is a broken symlink: it points to " + filepath.Join(dir, "gone.py") + ", which does not exist"},
		{"fifo not read", spec.FileParams{Path: fifo, Exists: true, Contains: re(`x`)}, Fail, "is a named pipe"},
		{"dir wanted, file found", spec.FileParams{Path: conf, Exists: true, Dir: true}, Fail, "is a regular file, expected a directory"},
		{"dir wanted", spec.FileParams{Path: sub, Exists: true, Dir: true}, OK, "is a directory"},
		{"file wanted, dir found", spec.FileParams{Path: sub, Exists: true, Contains: re(`x`)}, Fail, "is a directory, expected a file"},
	}
	r := NewRunner(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runWith(t, r, sp(tt.fp)), tt.want, tt.msg)
		})
	}
}

func backupSpec(bp spec.BackupParams) *spec.Probe {
	return &spec.Probe{Kind: spec.KindBackup, Target: bp.Path, Params: &bp}
}

func TestBackup(t *testing.T) {
	dir := t.TempDir()
	src := gitstatetest.WriteFile(t, dir, "config_chromadb.py", "CHROMA_PATH='/var/lib/chroma'\n")
	bak := gitstatetest.WriteFile(t, dir, "config_chromadb.py.bak", "CHROMA_PATH='/var/lib/chroma'\n")
	other := gitstatetest.WriteFile(t, dir, "stale.bak", "CHROMA_PATH='/old'\n")
	sum := sha256.Sum256([]byte("CHROMA_PATH='/var/lib/chroma'\n"))
	digest := hex.EncodeToString(sum[:])
	old := gitstatetest.WriteFile(t, dir, "old.bak", "x")
	past := time.Now().Add(-30 * time.Hour)
	os.Chtimes(old, past, past)
	tests := []struct {
		name string
		bp   spec.BackupParams
		want Status
		msg  string
	}{
		{"missing", spec.BackupParams{Path: filepath.Join(dir, "none.bak"), Of: src}, Fail, "backup " + filepath.Join(dir, "none.bak") + " does not exist: create it with cp -p " + src},
		{"same as source", spec.BackupParams{Path: bak, Of: src}, OK, "same sha256 as " + src},
		{"differs", spec.BackupParams{Path: other, Of: src}, Fail, "differs from " + src},
		{"digest ok", spec.BackupParams{Path: bak, SHA256: strings.ToUpper(digest)}, OK, "sha256 " + digest[:12] + " as expected"},
		{"digest wrong", spec.BackupParams{Path: other, SHA256: digest}, Fail, "expected " + digest[:12]},
		{"too old", spec.BackupParams{Path: old, MaxAge: 4 * time.Hour}, Fail, "was last modified 30h ago"},
		{"too small", spec.BackupParams{Path: old, MinSize: 10}, Fail, "is 1 B, expected at least 10 B"},
		{"source gone", spec.BackupParams{Path: bak, Of: filepath.Join(dir, "moved.py")}, Error, "cannot verify backup " + bak + ": source " + filepath.Join(dir, "moved.py") + " does not exist"},
		{"directory", spec.BackupParams{Path: dir, Of: src}, Fail, "is a directory"},
	}
	r := NewRunner(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runWith(t, r, backupSpec(tt.bp)), tt.want, tt.msg)
		})
	}
	// A changed backup is hashed again.
	gitstatetest.WriteFile(t, dir, "config_chromadb.py.bak", "CHROMA_PATH='/var/lib/chromX'\n")
	wantStatus(t, runWith(t, r, backupSpec(spec.BackupParams{Path: bak, Of: src})), Fail, "differs")
}

// TestDigestCacheKey shows the digest is cached by path, size, mtime and
// inode: rewriting a file in place with the same size and putting its
// mtime back is not noticed (documented), any other change is.
func TestDigestCacheKey(t *testing.T) {
	dir := t.TempDir()
	p := gitstatetest.WriteFile(t, dir, "b.bak", "aaaa")
	var c digestCache
	ctx := context.Background()
	fi, _ := os.Stat(p)
	first, err := c.sum(ctx, p, fi)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("bbbb"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	fi2, _ := os.Stat(p)
	cached, _ := c.sum(ctx, p, fi2)
	if cached != first {
		t.Errorf("same path/size/mtime/inode was hashed again: %s vs %s", cached, first)
	}
	later := fi.ModTime().Add(time.Second)
	os.Chtimes(p, later, later)
	fi3, _ := os.Stat(p)
	fresh, _ := c.sum(ctx, p, fi3)
	want := sha256.Sum256([]byte("bbbb"))
	if fresh != hex.EncodeToString(want[:]) {
		t.Errorf("after an mtime change the digest is %s, want the new content's", fresh)
	}
}

func TestHumanFormats(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "0 B"}, {1023, "1023 B"}, {1024, "1.0 KiB"}, {1536, "1.5 KiB"}, {5 << 30, "5.0 GiB"}} {
		if got := textfmt.Bytes(tt.n); got != tt.want {
			t.Errorf("textfmt.Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{{30 * time.Second, "30s"}, {90 * time.Minute, "1h30m"}, {5 * time.Hour, "5h"}, {50 * time.Hour, "2d2h"}, {-time.Second, "0s (in the future: check the clock)"}} {
		if got := textfmt.Age(tt.d); got != tt.want {
			t.Errorf("textfmt.Age(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}
