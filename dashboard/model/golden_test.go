package model

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// answers are the fixture's probe results, keyed by kind and target: the
// seed's case, with config_chromadb.py never committed and no backup.
var answers = map[string]probes.Result{
	"host memory":                                      {Status: probes.OK, Message: "22.9 GiB of 23.5 GiB memory available", Duration: 400 * time.Microsecond},
	"file logs/host.txt":                               {Status: probes.Fail, Message: "logs/host.txt does not exist"},
	"file config_chromadb.py":                          {Status: probes.OK, Message: "config_chromadb.py exists (120 B)"},
	"backup /tmp/config_chromadb.py.bak":               {Status: probes.Fail, Message: "backup /tmp/config_chromadb.py.bak does not exist: create it with cp -p config_chromadb.py /tmp/config_chromadb.py.bak"},
	"git config_chromadb.py":                           {Status: probes.Fail, Message: "config_chromadb.py is untracked: commit it or back it up", Duration: 1500 * time.Microsecond},
	"systemd reddit-ingest.service":                    {Status: probes.Warn, Message: "reddit-ingest.service is inactive"},
	"http http://advisor:s3cret@127.0.0.1:8000/health": {Status: probes.Error, Message: "GET http://advisor:s3cret@127.0.0.1:8000/health: connect timed out after 5s"},
	"backup /backup/config_chromadb.py":                {Status: probes.Fail, Message: "backup /backup/config_chromadb.py does not exist"},
	"port 127.0.0.1:8000":                              {Status: probes.Fail, Message: "127.0.0.1:8000 refuses connections"},
}

func answer(t *testing.T, sp *spec.Probe) probes.Result {
	if sp.Kind == spec.KindAny {
		r := probes.Result{Spec: sp, Status: probes.Fail, Message: "none of 2 holds"}
		for _, c := range sp.Children {
			r.Children = append(r.Children, answer(t, c))
		}
		return r
	}
	r, ok := answers[string(sp.Kind)+" "+sp.Target]
	if !ok {
		t.Fatalf("the fixture has no answer for %q", string(sp.Kind)+" "+sp.Target)
	}
	r.Spec = sp
	return r
}

// TestSnapshotJSONGolden pins the README's JSON contract ("The JSON snapshot") for a plan read by
// the real parser and evaluated with fixed answers.
func TestSnapshotJSONGolden(t *testing.T) {
	root := t.TempDir()
	p, err := plans.Load(filepath.Join("testdata", "seed.md"), plans.LoadOptions{Root: root})
	if err != nil {
		t.Fatal(err)
	}
	p.Root = "/srv/app" // the temp dir varies; the contract does not
	var rs []probes.Result
	for _, st := range p.Steps {
		for _, sp := range st.Probes {
			rs = append(rs, answer(t, sp))
		}
	}
	findings := []Finding{{Severity: "error", Step: "23", Line: 44, Message: "restores config_chromadb.py from git, but no step commits it", Hint: "commit it in a pre-deploy step"}}
	snap := Evaluate(p, rs, findings, EvalOptions{CheckedAt: time.Date(2026, 2, 26, 21, 4, 5, 0, time.UTC), Duration: 18 * time.Millisecond})
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	if err := enc.Encode(snap); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(b.Bytes(), []byte("s3cret")) {
		t.Error("the snapshot carries the password of a URL")
	}
	path := filepath.Join("testdata", "seed.json")
	gonogotest.Golden(t, path, b.Bytes())
}
