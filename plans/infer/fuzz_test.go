package infer

import (
	"testing"

	"github.com/gonogo-dev/gonogo/plans"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

// The bounds of one fuzz input: its size, and what it may cost — a
// script is analysed in time and memory about linear in its length.
const (
	maxFuzzInput = 64 << 10
	fuzzBase     = 64 << 20
	fuzzPerByte  = 4 << 10
)

// FuzzAnalyze feeds arbitrary script text to inference: it must never
// panic, every probe it builds must be complete, and the findings pass
// must cope with whatever it read.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"cp config_chromadb.py /tmp/config_chromadb.py.bak",
		"git checkout HEAD -- config_chromadb.py || cp /backup/config_chromadb.py .",
		"mv config.py{,.old} && sudo systemctl restart app",
		"git checkout <commit-hash> -- config.py",
		"cd app && tar -xzf ../x.tgz -C out\ncat <<EOF > f\n$(x)\nEOF",
		"psql app <<'SQL'\nDROP TABLE t;\nSQL\npg_dump -t t app > d.sql",
		`sudo -u postgres bash -c "cd /srv && cp a{1..3} /b/"`,
		"for f in *; do rm -rf \"$f\"; done; cp C:\\x\\y .",
		"f() { cp a b; }; (cd /; x=1 y=$x cp $x ~/z ~root/w) | tee -a /l/o",
		"git -C .. show v1:./a > b; git restore -s HEAD~ -- c; git add d e; git commit -qm x",
		"rsync -a a/ b:/c; install -d /x /y; sed -i -e s/a/b/ f g; dropdb z",
		"if cp a a.bak; then rm a; elif [[ -f b ]]; then :; else exit 1; fi || true",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, rollback bool) {
		if len(text) > maxFuzzInput {
			t.Skip("input over the fuzz bound")
		}
		p := &plans.Plan{File: "fuzz.md", Root: "/nonexistent/root", Steps: []*plans.Step{
			{ID: "1", Key: "1", Scripts: []plans.Script{{Lang: "bash", Text: "cp a a.bak\nrm a", Line: 2}}},
			{ID: "2", Key: "2", Rollback: rollback, Scripts: []plans.Script{{Lang: "bash", Text: text, Line: 10}}},
			// The same text as a prose fallback of another block, and as
			// the block before one.
			{ID: "3", Key: "3", Rollback: rollback, Scripts: []plans.Script{
				{Lang: "bash", Text: "git checkout HEAD -- a", Line: 20},
				{Lang: "bash", Text: text, Line: 30, Lead: "If that fails:"},
				{Lang: "inline", Text: "cp /backup/a .", Line: 40, Lead: "Otherwise"},
			}},
		}}
		// Analysis and findings within the time and memory one input may
		// cost; the checks below run on the test's goroutine.
		var (
			a        *Analysis
			findings [2][]Finding
		)
		gonogotest.Bounded(t, len(text), fuzzBase, fuzzPerByte, func() {
			a = Analyze(p, Options{Env: testEnv})
			for i, failing := range []bool{false, true} {
				findings[i] = a.Findings(func(*spec.Probe) bool { return failing })
			}
		})
		var check func(ps *spec.Probe)
		check = func(ps *spec.Probe) {
			if ps == nil || ps.Kind == "" || ps.Source != spec.Inferred || ps.Line < 2 {
				t.Fatalf("incomplete probe %#v", ps)
			}
			if ps.Kind == spec.KindAny || ps.Kind == spec.KindAll {
				if len(ps.Children) < 2 {
					t.Fatalf("%s with %d children", ps.Kind, len(ps.Children))
				}
				for _, c := range ps.Children {
					check(c)
				}
				return
			}
			if ps.Params == nil || ps.Params.Kind() != ps.Kind || ps.Target == "" {
				t.Fatalf("probe %q: params %#v", ps.Label(), ps.Params)
			}
		}
		for _, ps := range a.Probes() {
			check(ps)
		}
		for _, fs := range findings {
			for _, fd := range fs {
				if fd.Message == "" || fd.Step == "" || (fd.Severity != SevError && fd.Severity != SevWarning) {
					t.Fatalf("incomplete finding %+v", fd)
				}
			}
		}
		a.Apply()
	})
}
