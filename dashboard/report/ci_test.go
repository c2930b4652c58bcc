package report

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	junit "github.com/joshdk/go-junit"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	gmodel "github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

func TestCIGolden(t *testing.T) {
	tests := []struct {
		file   string
		render func(*bytes.Buffer, *gmodel.Snapshot) error
	}{
		{"seed.junit.xml", func(b *bytes.Buffer, s *gmodel.Snapshot) error { return Write(b, s, JUnit, Options{}) }},
		{"seed.github.txt", func(b *bytes.Buffer, s *gmodel.Snapshot) error { return Write(b, s, GitHub, Options{}) }},
		{"seed.prom", func(b *bytes.Buffer, s *gmodel.Snapshot) error { return Write(b, s, Prometheus, Options{}) }},
		{"seed.lint.junit.xml", func(b *bytes.Buffer, s *gmodel.Snapshot) error { return WriteLint(b, s, JUnit, Options{}) }},
		{"seed.lint.github.txt", func(b *bytes.Buffer, s *gmodel.Snapshot) error { return WriteLint(b, s, GitHub, Options{}) }},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.render(&b, fixture()); err != nil {
				t.Fatal(err)
			}
			got := b.Bytes()
			if tc.file == "seed.prom" {
				// The build's version and revision vary by build.
				got = regexp.MustCompile(`gonogo_build_info\{.*\} 1`).ReplaceAll(got, []byte(`gonogo_build_info{…} 1`))
			}
			gonogotest.Golden(t, filepath.Join("testdata", tc.file), got)
		})
	}
}

// TestJUnitReadsBack parses the report with a JUnit library, as a CI
// system would, and checks what each testcase says.
func TestJUnitReadsBack(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, fixture(), JUnit, Options{}); err != nil {
		t.Fatal(err)
	}
	suites, err := junit.Ingest(b.Bytes())
	if err != nil {
		t.Fatalf("a JUnit reader rejects the report: %v\n%s", err, b.String())
	}
	if len(suites) != 1 {
		t.Fatalf("%d suites, want 1", len(suites))
	}
	s := suites[0]
	if s.Properties["verdict"] != "NO-GO" || s.Properties["next_step"] != "8a" {
		t.Errorf("properties %v", s.Properties)
	}
	want := map[string]junit.Status{
		"verdict: may the next step run?":                        junit.StatusFailed,
		"rollback gate: can every rollback step still run?":      junit.StatusFailed,
		"step 1: Check disk space":                               junit.StatusPassed,
		"step 2: Stop the ingest worker":                         junit.StatusFailed, // regressed
		"step 8: Announce the window | read-only":                junit.StatusPassed,
		"step 8a: Back up untracked files required for rollback": junit.StatusPassed,
		"step 24: Start the pipeline":                            junit.StatusError,   // could not be checked
		"step 25: Restore the database":                          junit.StatusSkipped, // pending on step 8a
		"step 12: Stop the pipeline":                             junit.StatusSkipped, // MANUAL
		"step 13: Switch the pipeline to pgvector":               junit.StatusPassed,
		"step 23: Restore ChromaDB config":                       junit.StatusFailed,
	}
	if len(s.Tests) != len(want) {
		t.Errorf("%d testcases, want %d", len(s.Tests), len(want))
	}
	for _, tc := range s.Tests {
		st, ok := want[tc.Name]
		if !ok {
			t.Errorf("unexpected testcase %q", tc.Name)
			continue
		}
		if tc.Status != st {
			t.Errorf("%s: %s, want %s (%v)", tc.Name, tc.Status, st, tc.Error)
		}
	}
	for _, tc := range s.Tests {
		if tc.Name == "step 23: Restore ChromaDB config" {
			if tc.Classname != "Rollback" || tc.Error == nil || !strings.Contains(tc.Error.(junit.Error).Body, "config_chromadb.py is not in HEAD") {
				t.Errorf("step 23's failure should carry its reasons: %+v", tc)
			}
		}
	}
	// A step that cannot run yet but is not counted: skipped, with why.
	snap := fixture()
	snap.Step("13").Status = gmodel.StepNoGo
	b.Reset()
	Write(&b, snap, JUnit, Options{})
	suites, _ = junit.Ingest(b.Bytes())
	for _, tc := range suites[0].Tests {
		if strings.HasPrefix(tc.Name, "step 13") && (tc.Status != junit.StatusSkipped || !strings.Contains(tc.Message, "after the next step")) {
			t.Errorf("a later NO-GO step: %s %q, want skipped", tc.Status, tc.Message)
		}
	}
}

func TestJUnitLintReadsBack(t *testing.T) {
	var b bytes.Buffer
	if err := WriteLint(&b, fixture(), JUnit, Options{}); err != nil {
		t.Fatal(err)
	}
	suites, err := junit.Ingest(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	suites[0].Aggregate()
	if tot := suites[0].Totals; tot.Tests != 9 || tot.Failed != 1 {
		t.Errorf("totals %+v, want 9 steps with 1 failing (step 23's error finding)", tot)
	}
}

var annotationRE = regexp.MustCompile(`^::(error|warning|notice) ([^:]*)::(.*)$`)

// TestGitHubAnnotations: every line is one workflow command, and escaping
// keeps a message with newlines, commas and colons in one annotation.
func TestGitHubAnnotations(t *testing.T) {
	snap := fixture()
	snap.Findings[0].Message = "100% broken, really:\nsee line 2"
	var b bytes.Buffer
	if err := Write(&b, snap, GitHub, Options{}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	found := false
	for _, l := range lines {
		m := annotationRE.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not a workflow command: %q", l)
			continue
		}
		props := map[string]string{}
		for _, kv := range strings.Split(m[2], ",") {
			k, v, _ := strings.Cut(kv, "=")
			props[k] = v
		}
		if props["file"] != "docs/plans/migrate.md" {
			t.Errorf("annotation without the plan's file: %q", l)
		}
		msg := strings.NewReplacer("%0A", "\n", "%0D", "\r", "%25", "%").Replace(m[3])
		if strings.HasPrefix(msg, "100% broken, really:\nsee line 2") {
			found = true
			if m[1] != "error" || props["line"] != "143" {
				t.Errorf("the error finding: %q", l)
			}
		}
	}
	if !found {
		t.Errorf("the finding's message did not survive escaping:\n%s", b.String())
	}
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "::notice ") || !strings.Contains(last, "NO-GO") {
		t.Errorf("last line should be the verdict as a notice: %q", last)
	}
}

// TestPrometheusFormat parses the exposition back and checks the gauges,
// and has promtool lint it when it is installed.
func TestPrometheusFormat(t *testing.T) {
	var b bytes.Buffer
	if err := Write(&b, fixture(), Prometheus, Options{}); err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatalf("not the text exposition format: %v\n%s", err, b.String())
	}
	value := func(name string, labels map[string]string) (float64, bool) {
		mf := mfs[name]
		if mf == nil {
			return 0, false
		}
	next:
		for _, m := range mf.GetMetric() {
			for k, v := range labels {
				if !hasLabel(m, k, v) {
					continue next
				}
			}
			return m.GetGauge().GetValue(), true
		}
		return 0, false
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"gonogo_verdict", map[string]string{"plan": "migrate", "verdict": "NO-GO"}, 1},
		{"gonogo_verdict", map[string]string{"verdict": "GO"}, 0},
		{"gonogo_rollback_gate", map[string]string{"gate": "NO-GO"}, 1},
		{"gonogo_rollback_gate", map[string]string{"gate": "NONE"}, 0},
		{"gonogo_step_status", map[string]string{"step": "23", "status": "NO-GO", "rollback": "true"}, 1},
		{"gonogo_step_status", map[string]string{"step": "23", "status": "GO"}, 0},
		{"gonogo_step_status", map[string]string{"step": "1", "status": "DONE", "rollback": "false"}, 1},
		{"gonogo_next_step", map[string]string{"step": "8a"}, 1},
		{"gonogo_step_regressed", map[string]string{"step": "2"}, 1},
		{"gonogo_step_regressed", map[string]string{"step": "1"}, 0},
		{"gonogo_probe_duration_seconds", map[string]string{"step": "23", "probe": "2", "kind": "any", "role": "requires"}, 0.0015},
		{"gonogo_probes", map[string]string{"status": "fail"}, 5}, // step 25's pending requirement does not hold either
		{"gonogo_findings", map[string]string{"severity": "error"}, 1},
		{"gonogo_last_check_timestamp_seconds", nil, 1772139845},
		{"gonogo_check_duration_seconds", nil, 0.01825},
		{"gonogo_build_info", nil, 1},
	} {
		got, ok := value(tc.name, tc.labels)
		if !ok || got != tc.want {
			t.Errorf("%s%v = %v (found %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	for name, mf := range mfs {
		if mf.GetType() != dto.MetricType_GAUGE {
			t.Errorf("%s is a %s: every series is a gauge", name, mf.GetType())
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if strings.ContainsAny(l.GetValue(), "/ ") && name != "gonogo_build_info" {
					t.Errorf("%s has a label value that reads like a path or a message: %s=%q", name, l.GetName(), l.GetValue())
				}
			}
		}
	}
	if promtool, err := exec.LookPath("promtool"); err == nil {
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(b.Bytes())
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("promtool check metrics: %v\n%s", err, out)
		}
	}
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name {
			return l.GetValue() == value
		}
	}
	return false
}
