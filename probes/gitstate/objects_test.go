package gitstate

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// catAll returns every object of the repository at dir as git cat-file
// --batch-all-objects prints it: id → type and content.
func catAll(t *testing.T, dir string) map[plumbing.Hash]struct {
	typ  string
	body []byte
} {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git cat-file: %v", err)
	}
	objs := map[plumbing.Hash]struct {
		typ  string
		body []byte
	}{}
	r := bufio.NewReader(bytes.NewReader(out))
	for {
		hdr, err := r.ReadString('\n')
		if err == io.EOF {
			break
		}
		f := strings.Fields(hdr)
		if len(f) != 3 {
			t.Fatalf("cat-file header %q", hdr)
		}
		n, _ := strconv.Atoi(f[2])
		body := make([]byte, n+1)
		if _, err := io.ReadFull(r, body); err != nil {
			t.Fatal(err)
		}
		objs[plumbing.NewHash(f[0])] = struct {
			typ  string
			body []byte
		}{f[1], body[:n]}
	}
	return objs
}

// TestObjectStoreMatchesGit reads every object of a repository natively —
// loose, packed whole, packed as offset and ref deltas, through
// alternates — and compares type and content with git cat-file.
func TestObjectStoreMatchesGit(t *testing.T) {
	gt.Isolate(t)
	dir := gt.NewRepo(t)
	// Many versions of similar files and folders, so a repack deltifies
	// blobs and trees alike.
	for i := range 12 {
		for f := range 6 {
			gt.WriteFile(t, dir, fmt.Sprintf("d%d/f%d.txt", f%3, f), strings.Repeat(fmt.Sprintf("line %d of file %d\n", f, f), 40)+fmt.Sprintf("version %d\n", i))
		}
		gt.Git(t, dir, "add", "-A")
		gt.Git(t, dir, "commit", "-q", "-m", fmt.Sprint("commit ", i))
	}
	check := func(name, dir string, want map[plumbing.Hash]struct {
		typ  string
		body []byte
	}) {
		o := newObjectStore(filepath.Join(dir, ".git"), nil)
		defer o.close()
		for h, w := range want {
			typ, body, err := o.readNative(h)
			if err != nil {
				t.Errorf("%s: %s: %v", name, h, err)
				continue
			}
			if typ.String() != w.typ || !bytes.Equal(body, w.body) {
				t.Errorf("%s: %s: read a %s of %d bytes, git has a %s of %d", name, h, typ, len(body), w.typ, len(w.body))
			}
		}
	}
	check("loose", dir, catAll(t, dir))
	gt.Git(t, dir, "repack", "-q", "-a", "-d", "-f", "--depth=20", "--window=50")
	all := catAll(t, dir)
	check("packed", dir, all)
	var deltas int
	for _, line := range strings.Split(gt.Git(t, dir, "verify-pack", "-v", filepath.Join(dir, ".git", "objects", "pack", packName(t, dir))), "\n") {
		if f := strings.Fields(line); len(f) >= 7 && len(f[0]) == 40 {
			deltas++
		}
	}
	if deltas == 0 {
		t.Fatal("the repack made no deltas: the test reads none")
	}
	// Ref deltas: a pack written with repack.useDeltaBaseOffset=false.
	gt.Git(t, dir, "-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f", "--depth=20", "--window=50")
	check("ref deltas", dir, all)
	// Alternates: a shared clone holds none of the objects itself.
	shared := filepath.Join(t.TempDir(), "shared")
	gt.Git(t, dir, "clone", "-q", "--shared", dir, shared)
	check("alternates", shared, all)
}

// packName returns the .idx file name of the only pack of dir.
func packName(t *testing.T, dir string) string {
	m, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	if len(m) != 1 {
		t.Fatalf("%d packs", len(m))
	}
	return filepath.Base(m[0])
}
