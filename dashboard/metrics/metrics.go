// Package metrics draws a snapshot as Prometheus gauges: for `gonogo
// serve`'s /metrics, `--format prometheus` and `--textfile` alike, so the
// three can never disagree. Like every view it only draws: each value is
// read off the model's Snapshot and its methods.
//
// Every series is a gauge (an answer now, not a count of events), and
// every label set is bounded by the plan: a plan name, step IDs, status
// words and probe positions — never a message, a path or a target.
package metrics

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/probes"
)

// The gate values a gauge family always carries, 1 for the current one:
// a series that is 0 is still there, so an alert can tell "not GO" from
// "no data".
var (
	verdicts = []model.Gate{model.GateGo, model.GateNoGo, model.GateUnknown}
	gates    = []model.Gate{model.GateGo, model.GateNoGo, model.GateUnknown, model.GatePending, model.GateNone}
	statuses = []model.StepStatus{model.StepDone, model.StepGo, model.StepNoGo, model.StepUnknown, model.StepPending, model.StepManual}
)

var (
	descVerdict = prometheus.NewDesc("gonogo_verdict",
		"1 for the plan's current verdict (may the next step run, and can every rollback step still run?), 0 for the others; all 0 until the first check ends.",
		[]string{"plan", "verdict"}, nil)
	descRollback = prometheus.NewDesc("gonogo_rollback_gate",
		"1 for the current rollback gate (PENDING: it waits only for a step still to come; NONE: the plan has no rollback phase), 0 for the others.",
		[]string{"plan", "gate"}, nil)
	descStep = prometheus.NewDesc("gonogo_step_status",
		"1 for each step's current status, 0 for its other statuses.",
		[]string{"plan", "step", "rollback", "status"}, nil)
	descNext = prometheus.NewDesc("gonogo_next_step",
		"1 for the next step; no series when every step is done.",
		[]string{"plan", "step"}, nil)
	descRegressed = prometheus.NewDesc("gonogo_step_regressed",
		"1 for a step before the next one whose done-probes no longer hold.",
		[]string{"plan", "step"}, nil)
	descProbes = prometheus.NewDesc("gonogo_probes",
		"Number of the steps' probes by status.",
		[]string{"plan", "status"}, nil)
	descProbeDuration = prometheus.NewDesc("gonogo_probe_duration_seconds",
		"How long each probe took in the last check; probe is its position in the step (1, 2, …).",
		[]string{"plan", "step", "probe", "kind", "role"}, nil)
	descFindings = prometheus.NewDesc("gonogo_findings",
		"Number of findings about the plan itself (gonogo lint), by severity.",
		[]string{"plan", "severity"}, nil)
	descChecked = prometheus.NewDesc("gonogo_last_check_timestamp_seconds",
		"When the last check started, in seconds since the epoch: alert when it grows old.",
		[]string{"plan"}, nil)
	descCheckDuration = prometheus.NewDesc("gonogo_check_duration_seconds",
		"How long the last check took.",
		[]string{"plan"}, nil)
	descBuild = prometheus.NewDesc("gonogo_build_info",
		"Always 1: the gonogo version, VCS revision and Go version that answer.",
		[]string{"version", "revision", "goversion"}, nil)
)

// Collector is a prometheus.Collector that draws the last snapshot given
// to Set. A scrape reads that snapshot and never runs a probe. Safe for
// concurrent use.
type Collector struct {
	plan string
	snap atomic.Pointer[model.Snapshot]
}

// NewCollector draws the snapshots of the plan at path; the plan label is
// its file name without the extension ("migrate" for docs/migrate.md),
// which tells the plans of one host apart without putting a path in a
// label.
func NewCollector(path string) *Collector {
	return &Collector{plan: PlanLabel(path)}
}

// PlanLabel is the plan label of the plan at path.
func PlanLabel(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// Set makes s the snapshot the next scrape draws. A partial snapshot (a
// check still running) should not be given: gauges show finished checks.
func (c *Collector) Set(s *model.Snapshot) { c.snap.Store(s) }

// Describe sends the descriptions of every family.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descVerdict, descRollback, descStep, descNext, descRegressed, descProbes, descProbeDuration, descFindings, descChecked, descCheckDuration, descBuild} {
		ch <- d
	}
}

// Collect draws the current snapshot.
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	b := Build()
	gauge(descBuild, 1, b.Version, b.Revision, runtime.Version())

	s := c.snap.Load()
	for _, v := range verdicts {
		gauge(descVerdict, one(s != nil && s.Verdict == v), c.plan, string(v))
	}
	for _, g := range gates {
		gauge(descRollback, one(s != nil && s.Rollback == g), c.plan, string(g))
	}
	if s == nil {
		return
	}
	var tally model.Tally
	for i := range s.Steps {
		st := &s.Steps[i]
		ref := st.Ref()
		for _, status := range statuses {
			gauge(descStep, one(st.Status == status), c.plan, ref, strconv.FormatBool(st.Rollback), string(status))
		}
		if st.Next {
			gauge(descNext, 1, c.plan, ref)
		}
		gauge(descRegressed, one(st.Regressed), c.plan, ref)
		t := st.Tally()
		tally.OK, tally.Fail, tally.Warn, tally.Error, tally.Skip = tally.OK+t.OK, tally.Fail+t.Fail, tally.Warn+t.Warn, tally.Error+t.Error, tally.Skip+t.Skip
		for j := range st.Probes {
			p := &st.Probes[j]
			gauge(descProbeDuration, p.DurationMS/1000, c.plan, ref, strconv.Itoa(j+1), string(p.Kind), string(p.Role))
		}
	}
	for _, n := range []struct {
		status probes.Status
		n      int
	}{{probes.OK, tally.OK}, {probes.Fail, tally.Fail}, {probes.Warn, tally.Warn}, {probes.Error, tally.Error}, {probes.Skip, tally.Skip}} {
		gauge(descProbes, float64(n.n), c.plan, string(n.status))
	}
	errs := s.Errors()
	gauge(descFindings, float64(errs), c.plan, "error")
	gauge(descFindings, float64(len(s.Findings)-errs), c.plan, "warning")
	if !s.CheckedAt.IsZero() {
		gauge(descChecked, float64(s.CheckedAt.UnixMilli())/1000, c.plan)
	}
	gauge(descCheckDuration, s.DurationMS/1000, c.plan)
}

func one(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// BuildInfo is what the toolchain embedded about this build: the one
// place that reads it, for the build-info metric and `gonogo version`.
type BuildInfo struct {
	Version  string // the module version; "(devel)" for a build from a work tree
	Revision string // the VCS revision; "" when unknown
	Modified bool   // the work tree had changes
}

// Build is the build info, read once (a scrape draws it every time).
var Build = sync.OnceValue(readBuild)

func readBuild() BuildInfo {
	b := BuildInfo{Version: "(unknown)"}
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.Version = bi.Main.Version
		if b.Version == "" {
			b.Version = "(devel)"
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	return b
}

// Registry is a registry holding only c: what --format prometheus and
// --textfile write. serve adds the Go and process collectors to its own.
func Registry(c *Collector) *prometheus.Registry {
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	return reg
}

// Write draws s in Prometheus' text exposition format.
func Write(w io.Writer, plan string, s *model.Snapshot) error {
	c := NewCollector(plan)
	c.Set(s)
	mfs, err := Registry(c).Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	return nil
}

// WriteTextfile writes s for node_exporter's textfile collector as
// DIR/gonogo_PLAN.prom, atomically (a temporary file renamed over the
// old one), so the collector never reads half a file. It returns the path.
func WriteTextfile(dir, plan string, s *model.Snapshot) (string, error) {
	if fi, err := os.Stat(dir); err != nil {
		return "", err
	} else if !fi.IsDir() {
		return "", &os.PathError{Op: "textfile", Path: dir, Err: syscall.ENOTDIR}
	}
	c := NewCollector(plan)
	c.Set(s)
	path := filepath.Join(dir, "gonogo_"+sanitize(c.plan)+".prom")
	return path, prometheus.WriteToTextfile(path, Registry(c))
}

// sanitize keeps a file name to letters, digits, '-', '_' and '.'.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
			return r
		}
		return '_'
	}, s)
}
