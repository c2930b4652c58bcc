package infer

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The word checks that run on every word of every command skip their
// regexps when the text they need is absent. These tests hold each fast
// path to the regexp it stands for, on random strings over an alphabet of
// the characters and pieces the patterns look at.

func randomText(r *rand.Rand, pieces []string, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func TestPlaceholderInAsRegexps(t *testing.T) {
	pieces := []string{"a", "b", "/", ".", "x", "X", "y", "z", "v", "_", "-", "…", "<", ">", "{", "}", "YOUR", "your", "Your", "our", "path", "to",
		"XXX", "TODO", "CHANGE", "ME", "REPLACE", "FIXME", " ", "1", "..."}
	full := func(s string) string {
		for _, p := range placeholderRes {
			if m := p.re.FindStringSubmatch(s); m != nil {
				if len(m) > 1 {
					return m[1]
				}
				return strings.TrimPrefix(m[0], "/")
			}
		}
		return ""
	}
	r := rand.New(rand.NewPCG(1, 2))
	found := 0
	for range 200000 {
		s := randomText(r, pieces, 1+r.IntN(8))
		got, want := placeholderIn(s), full(s)
		if got != want {
			t.Fatalf("placeholderIn(%q) = %q, the regexps say %q", s, got, want)
		}
		if want != "" {
			found++
		}
	}
	if found < 10000 {
		t.Errorf("only %d strings held a blank: the alphabet no longer exercises the patterns", found)
	}
}

func TestCollapseSpaceAsRegexp(t *testing.T) {
	re := regexp.MustCompile(`\s+`)
	pieces := []string{"a", "b", " ", "  ", "\t", "\n", "\r", "\f", "\v", "é", "x y"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		s := randomText(r, pieces, r.IntN(10))
		if got, want := collapseSpace(s), re.ReplaceAllString(s, " "); got != want {
			t.Fatalf("collapseSpace(%q) = %q, the regexp says %q", s, got, want)
		}
	}
}

// TestIsDirNowAsStat: the remembered answers, and the shortcut for paths
// under a missing folder or a file, are what a stat of each path says.
func TestIsDirNowAsStat(t *testing.T) {
	root := fixtureRoot(t)
	os.Symlink(filepath.Join(root, "app"), filepath.Join(root, "app-link"))
	os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, "dangling"))
	var paths []string
	for _, rel := range []string{"app", "logs", "config_chromadb.py", "missing", "missing/x", "missing/x/y",
		"config_chromadb.py/x", "app/../logs", "app-link", "app-link/x", "dangling", "dangling/x", "."} {
		paths = append(paths, filepath.Join(root, rel))
	}
	paths = append(paths, "/", "/proc", "/proc/self", "/no/such/thing")
	a := &Analysis{}
	for round := range 2 { // the second round answers from memory
		for _, p := range paths {
			fi, err := os.Stat(p)
			if got, want := a.isDirNow(p), err == nil && fi.IsDir(); got != want {
				t.Errorf("round %d: isDirNow(%s) = %v, stat says %v", round, p, got, want)
			}
		}
	}
}

func TestBackupLikeAsRegexp(t *testing.T) {
	pieces := []string{"/", "a", "b", ".", "_", "-", "~", "bak", "BAK", "Backup", "backups", "old", "OLD", "orig", "save", "saved", "prev", "snapshot", "rollback", "x", "k", "ba"}
	full := func(abs string) bool {
		for _, part := range strings.Split(abs, "/") {
			if part != "" && backupRe.MatchString(part) {
				return true
			}
		}
		return false
	}
	r := rand.New(rand.NewPCG(5, 6))
	yes := 0
	for range 100000 {
		s := randomText(r, pieces, 1+r.IntN(6))
		got, want := backupLike(s), full(s)
		if got != want {
			t.Fatalf("backupLike(%q) = %v, the regexp says %v", s, got, want)
		}
		if want {
			yes++
		}
	}
	if yes < 10000 {
		t.Errorf("only %d backup-like paths: the alphabet no longer exercises the pattern", yes)
	}
}

func TestIsWindowsPathAsRegexp(t *testing.T) {
	pieces := []string{"C", "c", ":", `\`, "/", "a", `"`, "'", "x", "1", "C:", `\\`, `C:\`, "d:/"}
	r := rand.New(rand.NewPCG(7, 8))
	yes := 0
	for range 100000 {
		s := randomText(r, pieces, r.IntN(7))
		got, want := isWindowsPath(s), windowsRe.MatchString(strings.Trim(s, `"'`))
		if got != want {
			t.Fatalf("isWindowsPath(%q) = %v, the regexp says %v", s, got, want)
		}
		if want {
			yes++
		}
	}
	if yes < 1000 {
		t.Errorf("only %d Windows paths: the alphabet no longer exercises the pattern", yes)
	}
}
