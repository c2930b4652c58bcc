package gitstate

import (
	"os"
	"path/filepath"
	"testing"

	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// FuzzDecoders feeds damaged indexes, trees and deltas to the decoders:
// each returns an error or a result, never panics, and never allocates
// more than its input's bounds allow. Seeds are real files of versions 2,
// 3 and 4 and a split index.
func FuzzDecoders(f *testing.F) {
	gt.Isolate(f)
	dir := gt.NewRepo(f)
	for _, p := range []string{"a.txt", "dir/b.txt", "dir/sub/c.txt", "long/name.txt"} {
		gt.WriteFile(f, dir, p, p)
	}
	gt.Git(f, dir, "add", "-A")
	gt.Git(f, dir, "commit", "-q", "-m", "seed")
	for _, v := range []string{"2", "3", "4"} {
		gt.Git(f, dir, "update-index", "--index-version", v)
		b, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	gt.Git(f, dir, "update-index", "--split-index")
	gt.WriteFile(f, dir, "a.txt", "changed")
	gt.Git(f, dir, "add", "a.txt")
	if b, err := os.ReadFile(filepath.Join(dir, ".git", "index")); err == nil {
		f.Add(b)
	}
	f.Add([]byte("100644 a.txt\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if raw, err := decodeIndex(b); err == nil {
			if raw.link != nil {
				_, _ = mergeSplit(raw.entries, raw)
			}
			if idx, err := finishIndex(raw.entries, nil); err == nil {
				for i := 1; i < len(idx.entries); i++ {
					if idx.entries[i-1].name >= idx.entries[i].name {
						t.Fatalf("entries out of order: %q, %q", idx.entries[i-1].name, idx.entries[i].name)
					}
				}
			}
		}
		_, _ = parseTree(b)
		_, _ = decodeEWAH(b, 1<<16)
		if len(b) > 2 {
			_, _ = applyDelta(b[:len(b)/2], b[len(b)/2:])
		}
		_, _ = decodeCacheTree(b)
	})
}
