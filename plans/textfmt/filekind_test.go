package textfmt

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFileKind names real files of every kind this machine can make, as
// lstat sees them.
func TestFileKind(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "l")
	fifo := filepath.Join(dir, "p")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for path, want := range map[string]string{
		file: "a regular file", dir: "a directory", link: "a symbolic link", fifo: "a named pipe (FIFO)",
		sock: "a socket", "/dev/null": "a character device",
	} {
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := FileKind(fi.Mode()); got != want {
			t.Errorf("FileKind(%s) = %q, want %q", path, got, want)
		}
	}
	if got := FileKind(os.ModeDevice); got != "a block device" {
		t.Errorf("FileKind(block device) = %q", got)
	}
}
