package gitstate

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// lsEntry is what git ls-files says of one index entry.
type lsEntry struct {
	name, mode, hash         string
	stage                    int
	ctime, mtime             string // "sec:nsec"
	dev, ino, uid, gid, size string
	tag                      string // ls-files -t -v: H, S (skip-worktree), lower case when assume-unchanged
}

// lsFiles reads every entry of the index of dir with git ls-files -s,
// --debug and -t -v.
func lsFiles(t *testing.T, dir string) []lsEntry {
	t.Helper()
	var out []lsEntry
	for _, rec := range strings.Split(gt.Git(t, dir, "ls-files", "-z", "-s", "-t", "-v"), "\x00") {
		if rec == "" {
			continue
		}
		meta, name, _ := strings.Cut(rec, "\t")
		f := strings.Fields(meta)
		stage, _ := strconv.Atoi(f[3])
		out = append(out, lsEntry{name: name, tag: f[0], mode: f[1], hash: f[2], stage: stage})
	}
	debug := gt.Git(t, dir, "ls-files", "-z", "--debug")
	for i := range out {
		name, rest, ok := strings.Cut(debug, "\x00")
		if !ok || name != out[i].name {
			t.Fatalf("ls-files --debug: entry %d is %q, want %q", i, name, out[i].name)
		}
		lines := strings.SplitN(rest, "\n", 6)
		field := func(line, key string) string {
			_, after, _ := strings.Cut(line, key+": ")
			v, _, _ := strings.Cut(after, "\t")
			return strings.TrimSpace(v)
		}
		out[i].ctime, out[i].mtime = field(lines[0], "ctime"), field(lines[1], "mtime")
		out[i].dev, out[i].ino = field(lines[2], "dev"), field(lines[2], "ino")
		out[i].uid, out[i].gid = field(lines[3], "uid"), field(lines[3], "gid")
		out[i].size = field(lines[4], "size")
		debug = lines[5]
	}
	return out
}

// indexVersion reads the version from the header of dir's index.
func indexVersion(t *testing.T, dir string) uint32 {
	b, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil || len(b) < 8 {
		t.Fatalf("reading the index: %v", err)
	}
	return binary.BigEndian.Uint32(b[4:8])
}

// wantIndex decodes dir's index and compares every entry, all stages,
// with git ls-files.
func wantIndex(t *testing.T, dir string, wantVersion uint32) {
	t.Helper()
	if v := indexVersion(t, dir); wantVersion != 0 && v != wantVersion {
		t.Fatalf("the index is version %d, the case wants %d", v, wantVersion)
	}
	buf, err := readBounded(context.Background(), filepath.Join(dir, ".git", "index"), capIndex, true)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := decodeIndex(buf)
	if err != nil {
		t.Fatalf("decoding: %v", err)
	}
	entries := raw.entries
	if raw.link != nil {
		shared, err := readBounded(context.Background(), filepath.Join(dir, ".git", "sharedindex."+raw.link.base.String()), capIndex, true)
		if err != nil {
			t.Fatal(err)
		}
		base, err := decodeIndex(shared)
		if err != nil {
			t.Fatal(err)
		}
		if entries, err = mergeSplit(base.entries, raw); err != nil {
			t.Fatal(err)
		}
	}
	want := lsFiles(t, dir)
	if len(entries) != len(want) {
		t.Fatalf("%d entries, git ls-files lists %d", len(entries), len(want))
	}
	for i, e := range entries {
		w := want[i]
		got := lsEntry{
			name: e.name, mode: fmt.Sprintf("%06o", e.mode), hash: e.hash.String(), stage: int(e.stage),
			ctime: fmt.Sprintf("%d:%d", e.ctimeSec, e.ctimeNsec), mtime: fmt.Sprintf("%d:%d", e.mtimeSec, e.mtimeNsec),
			dev: fmt.Sprint(e.dev), ino: fmt.Sprint(e.ino), uid: fmt.Sprint(e.uid), gid: fmt.Sprint(e.gid), size: fmt.Sprint(e.size),
			tag: w.tag,
		}
		if e.skipWorktree != (strings.ToUpper(w.tag) == "S") {
			t.Errorf("%q: skip-worktree %v, git tags it %q", e.name, e.skipWorktree, w.tag)
		}
		if e.assumeValid != (strings.ToLower(w.tag) == w.tag) {
			t.Errorf("%q: assume-unchanged %v, git tags it %q", e.name, e.assumeValid, w.tag)
		}
		if got != w {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got, w)
		}
	}
}

// TestIndexReaderMatchesGit decodes indexes of versions 2, 3 and 4 and a
// split index holding merge stages, assume-unchanged, skip-worktree and
// intent-to-add entries and odd names, and compares them with git
// ls-files field by field.
func TestIndexReaderMatchesGit(t *testing.T) {
	gt.Isolate(t)
	build := func(t *testing.T, extended bool) string {
		dir := gt.NewRepo(t)
		for _, p := range []string{"a.txt", "conflict.txt", "deep/er/b.txt", "deep/er/c.txt", "tab\tname.txt", "zz/last.txt", "ñandú/café.py"} {
			gt.WriteFile(t, dir, p, "base "+p+"\n")
		}
		gt.Git(t, dir, "add", "-A")
		gt.Git(t, dir, "commit", "-q", "-m", "base")
		gt.Git(t, dir, "checkout", "-q", "-b", "other")
		gt.WriteFile(t, dir, "conflict.txt", "other\n")
		gt.Git(t, dir, "commit", "-q", "-am", "other")
		gt.Git(t, dir, "checkout", "-q", "main")
		gt.WriteFile(t, dir, "conflict.txt", "main\n")
		gt.Git(t, dir, "commit", "-q", "-am", "main")
		cmd := exec.Command("git", "merge", "-q", "other")
		cmd.Dir = dir
		_ = cmd.Run() // conflicts, by design
		gt.Git(t, dir, "update-index", "--assume-unchanged", "a.txt")
		if extended {
			gt.WriteFile(t, dir, "intent.txt", "later\n")
			gt.Git(t, dir, "add", "-N", "intent.txt")
			gt.Git(t, dir, "update-index", "--skip-worktree", "zz/last.txt")
		}
		return dir
	}
	for _, tc := range []struct {
		name     string
		extended bool
		version  uint32
		split    bool
	}{
		{"version 2", false, 2, false},
		{"version 3", true, 3, false},
		{"version 4", false, 4, false},
		{"version 4 with extended flags", true, 4, false},
		{"split index", true, 3, true}, // the split file itself may be written as version 2
		{"split index, version 4", true, 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := build(t, tc.extended)
			gt.Git(t, dir, "update-index", "--index-version", fmt.Sprint(tc.version))
			if tc.split {
				gt.Git(t, dir, "update-index", "--split-index")
				// Changes after the split live in the split file: a
				// replaced, a deleted and an added entry.
				gt.WriteFile(t, dir, "deep/er/b.txt", "changed after the split\n")
				gt.Git(t, dir, "add", "deep/er/b.txt")
				gt.Git(t, dir, "rm", "-q", "--cached", "deep/er/c.txt")
				gt.WriteFile(t, dir, "added-later.txt", "new\n")
				gt.Git(t, dir, "add", "added-later.txt")
			}
			want := tc.version
			if tc.split && want == 3 {
				want = 0
			}
			wantIndex(t, dir, want)
			if got := lsFiles(t, dir); !slices.ContainsFunc(got, func(e lsEntry) bool { return e.stage == 2 }) {
				t.Fatal("no merge stages: the case tests none")
			}
		})
	}
}
