package gitstate_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/probes/gitstate"
	gt "github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// revisionRepo is a history with the shapes revisions name: a
// lightweight and an annotated tag, a tag with a branch's name, a merge
// (for ^2), a remote branch and its symbolic HEAD.
func revisionRepo(t *testing.T) string {
	dir := gt.NewRepo(t)
	commit := func(name, msg string) {
		gt.WriteFile(t, dir, name, msg+"\n")
		gt.Git(t, dir, "add", name)
		gt.Git(t, dir, "commit", "-q", "-m", msg)
	}
	commit("a.txt", "first")
	gt.Git(t, dir, "tag", "v1")
	gt.Git(t, dir, "tag", "-a", "-m", "release one", "v1a")
	gt.Git(t, dir, "tag", "-a", "-m", "tag of a tag", "v1aa", "v1a")
	gt.Git(t, dir, "checkout", "-q", "-b", "feature")
	commit("b.txt", "feature work")
	gt.Git(t, dir, "branch", "ambig")
	gt.Git(t, dir, "checkout", "-q", "-")
	commit("c.txt", "main work")
	gt.Git(t, dir, "tag", "ambig") // a tag and a branch: git takes the tag
	gt.Git(t, dir, "merge", "-q", "--no-ff", "-m", "merge feature", "feature")
	commit("d.txt", "after the merge")
	gt.Git(t, dir, "update-ref", "refs/remotes/origin/main", "HEAD~1")
	gt.Git(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	return dir
}

// TestResolveRevisionAsGit: every revision resolves to the commit git
// rev-parse names, or fails where git fails; the forms plans write are
// read natively, the rest asked of git — with loose refs and objects,
// then packed.
func TestResolveRevisionAsGit(t *testing.T) {
	dir := revisionRepo(t)
	first := strings.TrimSpace(gt.Git(t, dir, "rev-parse", "v1"))
	native := []string{
		first, "HEAD", "HEAD~1", "HEAD~2", "HEAD^", "HEAD~1^2", "HEAD^1~1", "HEAD~~", "HEAD^^2", "HEAD^0", "HEAD~0",
		"main", "main~3", "feature", "feature^", "v1", "v1a", "v1a^{}", "v1a^{commit}", "v1aa", "v1aa~0",
		"origin/main", "origin", "refs/heads/feature", "heads/feature", "tags/v1", "ambig", "ambig^",
	}
	viaGit := []string{
		first[:7], first[:12], "HEAD@{0}", ":/feature work", "HEAD^{/main work}", "main@{1}",
		"no-such-branch", "HEAD~99", "HEAD^2", "HEAD~1^3", "v1a^{tree}", "v1a:a.txt", "FETCH_HEAD", "-v", "--all",
	}
	for _, packed := range []bool{false, true} {
		if packed {
			gt.Git(t, dir, "gc", "-q")
		}
		c := &gitstate.Cache{}
		for _, revs := range []struct {
			native bool
			list   []string
		}{{true, native}, {false, viaGit}} {
			for _, rev := range revs.list {
				got, nat, err := c.Repo(dir).ResolveRevision(context.Background(), rev)
				want, gitErr := revParse(dir, rev)
				switch {
				case gitErr != nil && err == nil:
					t.Errorf("packed=%v %q resolves to %s; git: %v", packed, rev, got, gitErr)
				case gitErr == nil && err != nil:
					t.Errorf("packed=%v %q: %v; git: %s", packed, rev, err, want)
				case got != want:
					t.Errorf("packed=%v %q = %s, git says %s", packed, rev, got, want)
				}
				if nat != revs.native {
					t.Errorf("packed=%v %q read natively: %v, want %v", packed, rev, nat, revs.native)
				}
			}
		}
	}
}

// revParse is git's answer for rev, as a commit.
func revParse(dir, rev string) (string, error) {
	cmd := exec.Command("git", "rev-parse", "-q", "--verify", "--end-of-options", rev+"^{commit}")
	cmd.Dir = dir
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}
