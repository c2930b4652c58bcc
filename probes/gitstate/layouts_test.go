package gitstate_test

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/probes/gitstate"
	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// TestLayoutsMatchGitCLI asks about every path of a populated repository
// in each layout git supports, compares facts and clean with the git CLI,
// and proves the repository's files, .git/index included, are unchanged.
func TestLayoutsMatchGitCLI(t *testing.T) {
	for _, l := range gt.Layouts() {
		t.Run(l.Name, func(t *testing.T) {
			gt.Isolate(t)
			dir, gitDirs := l.Build(t)
			paths := gt.PopulatedPaths()
			// The oracle first: git itself may touch files as it reads
			// (it freshens a split index's shared file).
			view, status := gt.View(t, dir, paths), gitStatus(t, dir)
			// Age the index, so a refresh is what git itself would want.
			old := time.Now().Add(-time.Hour)
			for _, gd := range gitDirs {
				if err := os.Chtimes(filepath.Join(gd, "index"), old, old); err != nil && !os.IsNotExist(err) {
					t.Fatal(err)
				}
			}
			before := map[string]string{}
			for _, gd := range gitDirs {
				for k, v := range gt.Snapshot(t, gd) {
					before[k] = v
				}
			}
			c := &gitstate.Cache{}
			compareFacts(t, c, dir, paths, view)
			compareClean(t, c, dir, l.Name, status)
			// Only what go-git cannot read goes through the git CLI.
			cli, why := c.Repo(dir).ReadThroughCLI()
			if wantCLI := l.Name == "sha256 objects"; cli != wantCLI {
				t.Errorf("read through the git CLI: %v (%s), want %v", cli, why, wantCLI)
			}
			after := map[string]string{}
			for _, gd := range gitDirs {
				for k, v := range gt.Snapshot(t, gd) {
					after[k] = v
				}
			}
			diffs := gt.SnapshotDiff(before, after)
			sort.Strings(diffs)
			for _, d := range diffs {
				t.Error(d)
			}
		})
	}
}
