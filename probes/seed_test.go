package probes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes/gitstate/gitstatetest"
)

// TestSeedRollbackStep23 replays the case that started gonogo: rollback
// step 23 restores config_chromadb.py with `git checkout HEAD -- F` or
// `cp /backup/F .`. Its requirement is "any of: F is in HEAD, or the
// backup exists". It must be NO-GO while the file is untracked and no
// backup exists, and turn GO through either branch, saying which.
func TestSeedRollbackStep23(t *testing.T) {
	gitstatetest.Isolate(t)
	dir := gitstatetest.NewRepo(t)
	gitstatetest.WriteFile(t, dir, "config.py", "DB='pgvector'\n")
	gitstatetest.Git(t, dir, "add", "config.py")
	gitstatetest.Git(t, dir, "commit", "-q", "-m", "app")
	cfg := gitstatetest.WriteFile(t, dir, "config_chromadb.py", "DB='chroma'\n")
	backupDir := t.TempDir()
	bak := filepath.Join(backupDir, "config_chromadb.py")

	gitProbe := gitSpec(cfg, spec.GitTracked)
	gitProbe.Params.(*spec.GitParams).Rev = "HEAD"
	backupProbe := &spec.Probe{Kind: spec.KindBackup, Target: bak, Params: &spec.BackupParams{Path: bak, Of: cfg}}
	step23 := &spec.Probe{Role: spec.Requires, Kind: spec.KindAny, Children: []*spec.Probe{gitProbe, backupProbe}}

	r := NewRunner(Options{})
	wantStatus(t, runWith(t, r, step23), Fail,
		"config_chromadb.py is not in HEAD (untracked)",
		"backup "+bak+" does not exist: create it with cp -p "+cfg)

	// Option 1 of the review: a backup made by step 8a.
	if err := os.WriteFile(bak, []byte("DB='chroma'\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, runWith(t, r, step23), OK, "any: ok via backup "+bak)

	// A backup that no longer matches the file does not count.
	gitstatetest.WriteFile(t, dir, "config_chromadb.py", "DB='chroma' # edited after the backup\n")
	wantStatus(t, runWith(t, r, step23), Fail, "differs from "+cfg)

	// Option 2: commit the file.
	gitstatetest.Git(t, dir, "add", "config_chromadb.py")
	gitstatetest.Git(t, dir, "commit", "-q", "-m", "track config_chromadb.py for rollback safety")
	wantStatus(t, runWith(t, r, step23), OK, "any: ok via git "+cfg)
}
