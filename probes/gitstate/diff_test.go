package gitstate

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// TestCacheTreeShortcut compares what the index says about HEAD through
// its cache tree with what the trees themselves say: staged lists and
// lookups for every folder and path of the every-state repository, and
// after a commit (cache tree valid everywhere) and a git add (invalid on
// one path).
func TestCacheTreeShortcut(t *testing.T) {
	dir, paths := gt.StatesRepo(t)
	folders := []string{"", "sub", "sub/nested", "ñandú", "build", "untracked dir", "no-such"}
	compare := func(step string) {
		t.Helper()
		c := &Cache{}
		g := c.Repo(dir)
		g.mu.Lock()
		defer g.mu.Unlock()
		if err := g.refresh(context.Background()); err != nil {
			t.Fatal(err)
		}
		if g.idx.tree == nil || g.idx.tree.count < 0 && step == "committed" {
			t.Fatalf("%s: the index has no valid cache tree: the shortcut is not tested", step)
		}
		type answers struct {
			staged map[string][]string
			lookup map[string]treeEntry
			found  map[string]bool
		}
		ask := func() answers {
			a := answers{map[string][]string{}, map[string]treeEntry{}, map[string]bool{}}
			for _, f := range folders {
				s, err := g.stagedUnder(f)
				if err != nil {
					t.Fatal(err)
				}
				a.staged[f] = s
			}
			for _, p := range append(slices.Clone(paths), folders[1:]...) {
				te, ok, err := g.headLookup(p)
				if err != nil {
					t.Fatal(err)
				}
				if te.mode == sIFDIR {
					te.hash = [20]byte{} // a folder's id is not known through the index
				}
				a.lookup[p], a.found[p] = te, ok
			}
			return a
		}
		with := ask()
		tree := g.idx.tree
		g.idx.tree = nil
		without := ask()
		g.idx.tree = tree
		for _, f := range folders {
			if !slices.Equal(with.staged[f], without.staged[f]) {
				t.Errorf("%s: staged under %q: %q with the cache tree, %q from the trees", step, f, with.staged[f], without.staged[f])
			}
		}
		for p := range without.lookup {
			if with.lookup[p] != without.lookup[p] || with.found[p] != without.found[p] {
				t.Errorf("%s: %q in HEAD: %v %v with the cache tree, %v %v from the trees", step, p, with.found[p], with.lookup[p], without.found[p], without.lookup[p])
			}
		}
	}
	compare("every state")
	gt.Git(t, dir, "add", "-A")
	gt.Git(t, dir, "commit", "-q", "-m", "all")
	compare("committed")
	gt.WriteFile(t, dir, "sub/nested/tracked.log", "changed and staged\n")
	gt.Git(t, dir, "add", "-f", "sub/nested/tracked.log")
	os.Remove(filepath.Join(dir, "ñandú", "日本.txt"))
	gt.Git(t, dir, "rm", "-q", "--cached", "ñandú/日本.txt")
	compare("one path staged, one removed")
}
