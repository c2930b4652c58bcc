package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/infer"
)

// JUnit is the JUnit XML report CI systems read (GitLab, Jenkins, Azure,
// the GitHub test-report actions): one testcase per step.
const JUnit Format = "junit"

func init() {
	register(JUnit, renderer{snapshot: junitSnapshot, lint: junitLint})
}

// The JUnit XML shape (the Jenkins/Ant schema that CI systems read).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Skipped  int          `xml:"skipped,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name       string          `xml:"name,attr"`
		Tests      int             `xml:"tests,attr"`
		Failures   int             `xml:"failures,attr"`
		Errors     int             `xml:"errors,attr"`
		Skipped    int             `xml:"skipped,attr"`
		Time       string          `xml:"time,attr"`
		Timestamp  string          `xml:"timestamp,attr,omitempty"`
		Properties []junitProperty `xml:"properties>property,omitempty"`
		Cases      []junitCase     `xml:"testcase"`
		SystemOut  string          `xml:"system-out,omitempty"`
	}
	junitProperty struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		File      string        `xml:"file,attr,omitempty"`
		Line      int           `xml:"line,attr,omitempty"`
		Time      string        `xml:"time,attr"`
		Failure   *junitProblem `xml:"failure,omitempty"`
		Error     *junitProblem `xml:"error,omitempty"`
		Skipped   *junitProblem `xml:"skipped,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitProblem struct {
		Message string `xml:"message,attr,omitempty"`
		Type    string `xml:"type,attr,omitempty"`
		Text    string `xml:",chardata"`
	}
)

// junitSnapshot writes the answer of --once: a testcase for the verdict,
// one for the rollback gate, and one per step. A step fails (NO-GO) or
// errs (UNKNOWN) when the model counts it as a blocker of the verdict, and
// fails when it regressed; a later step that cannot run yet is normal in a
// plan under way and is skipped with its reason, as are MANUAL steps and
// steps pending on an earlier one.
func junitSnapshot(w io.Writer, s *model.Snapshot, _ Options) error {
	suite := junitSuite{
		Name: "gonogo " + s.Plan,
		Properties: []junitProperty{
			{"verdict", string(s.Verdict)}, {"next_step", s.NextStep}, {"rollback", string(s.Rollback)}, {"root", s.Root},
		},
	}
	if !s.CheckedAt.IsZero() {
		suite.Timestamp = s.CheckedAt.UTC().Format(time.RFC3339)
	}
	verdict := junitCase{Name: "verdict: may the next step run?", Classname: "gonogo", File: s.Plan, Time: seconds(s.DurationMS)}
	switch s.Verdict {
	case model.GateNoGo:
		verdict.Failure = &junitProblem{Type: string(s.Verdict), Message: s.Action, Text: strings.Join(s.Reasons, "\n")}
	case model.GateUnknown, "":
		verdict.Error = &junitProblem{Type: string(s.Verdict), Message: s.Action, Text: strings.Join(s.Reasons, "\n")}
	}
	suite.Cases = append(suite.Cases, verdict)
	rollback := junitCase{Name: "rollback gate: can every rollback step still run?", Classname: "gonogo", File: s.Plan, Time: "0"}
	switch s.Rollback {
	case model.GateNoGo:
		rollback.Failure = &junitProblem{Type: string(s.Rollback), Message: s.RollbackNote()}
	case model.GateUnknown:
		rollback.Error = &junitProblem{Type: string(s.Rollback), Message: s.RollbackNote()}
	case model.GateNone, model.GatePending:
		rollback.Skipped = &junitProblem{Message: string(s.Rollback) + ": " + s.RollbackNote()}
	}
	suite.Cases = append(suite.Cases, rollback)

	blockers := map[string][]model.Blocker{}
	for _, b := range s.Blockers {
		blockers[b.Step] = append(blockers[b.Step], b)
	}
	for i := range s.Steps {
		v := &s.Steps[i]
		c := junitCase{Name: stepName(v), Classname: v.Phase, File: s.Plan, Line: v.Line, Time: seconds(stepMS(v))}
		if c.Classname == "" {
			c.Classname = "plan"
		}
		var out strings.Builder
		for j := range v.Probes {
			p := &v.Probes[j]
			fmt.Fprintf(&out, "%s %-5s %-8s %s: %s\n", p.Symbol(), p.Word(), p.Role, p.Label(), p.Message)
		}
		c.SystemOut = out.String()
		bs := blockers[v.Ref()]
		switch {
		case len(bs) > 0:
			var text strings.Builder
			for _, b := range bs {
				text.WriteString(b.Text + "\n")
				if b.Fix != "" {
					text.WriteString("  fix: " + b.Fix + "\n")
				}
			}
			p := &junitProblem{Type: string(bs[0].Gate), Message: bs[0].Text, Text: text.String()}
			if bs[0].Gate == model.GateNoGo {
				c.Failure = p
			} else {
				c.Error = p
			}
		case v.Regressed:
			c.Failure = &junitProblem{Type: "regressed", Message: "step " + v.Ref() + " regressed: its done-probes no longer hold", Text: stepWhy(v)}
		case v.Status == model.StepNoGo || v.Status == model.StepUnknown:
			c.Skipped = &junitProblem{Message: string(v.Status) + ", not counted yet: it comes after the next step. " + firstLineOf(stepWhy(v))}
		case v.Status == model.StepPending:
			msg := "PENDING: it needs what an earlier step still to come makes"
			for _, p := range s.Pending {
				if p.Step == v.Ref() {
					msg = "PENDING: it needs " + p.What + ", which step " + p.MadeBy + " makes"
					break
				}
			}
			c.Skipped = &junitProblem{Message: msg}
		case v.Status == model.StepManual:
			c.Skipped = &junitProblem{Message: "MANUAL: nothing to probe, the operator judges this step"}
		}
		suite.Cases = append(suite.Cases, c)
	}
	suite.SystemOut = strings.Join(s.Warnings, "\n")
	return writeJUnit(w, suite, s.DurationMS)
}

// junitLint writes lint's report: one testcase per step, failing with the
// step's error findings (warnings in its output), plus one for findings
// about no step in particular.
func junitLint(w io.Writer, s *model.Snapshot, _ Options) error {
	suite := junitSuite{Name: "gonogo lint " + s.Plan}
	byStep := map[string][]model.Finding{}
	for _, f := range s.Findings {
		byStep[f.Step] = append(byStep[f.Step], f)
	}
	for i := range s.Steps {
		v := &s.Steps[i]
		c := junitCase{Name: stepName(v), Classname: v.Phase, File: s.Plan, Line: v.Line, Time: "0"}
		if c.Classname == "" {
			c.Classname = "plan"
		}
		fs := byStep[v.Ref()]
		if len(fs) == 0 && v.Ref() != v.ID {
			fs = byStep[v.ID]
		}
		var errs, out strings.Builder
		nerr := 0
		for _, f := range fs {
			b := &out
			if f.Severity == infer.SevError {
				b = &errs
				nerr++
			}
			fmt.Fprintf(b, "%s line %d: %s\n", f.Severity, f.Line, f.Message)
			if f.Hint != "" {
				fmt.Fprintf(b, "  fix: %s\n", f.Hint)
			}
		}
		for _, n := range v.Notes {
			fmt.Fprintf(&out, "note: %s\n", n)
		}
		if nerr > 0 {
			c.Failure = &junitProblem{Type: "finding", Message: fmt.Sprintf("%d error finding(s) on step %s", nerr, v.Ref()), Text: errs.String()}
		}
		c.SystemOut = out.String()
		suite.Cases = append(suite.Cases, c)
	}
	suite.SystemOut = strings.Join(s.Warnings, "\n")
	return writeJUnit(w, suite, 0)
}

func writeJUnit(w io.Writer, suite junitSuite, ms float64) error {
	for _, c := range suite.Cases {
		suite.Tests++
		switch {
		case c.Failure != nil:
			suite.Failures++
		case c.Error != nil:
			suite.Errors++
		case c.Skipped != nil:
			suite.Skipped++
		}
	}
	suite.Time = seconds(ms)
	doc := junitSuites{Name: "gonogo", Tests: suite.Tests, Failures: suite.Failures, Errors: suite.Errors, Skipped: suite.Skipped, Time: suite.Time, Suites: []junitSuite{suite}}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JUnit XML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// stepName is a testcase's name: "step 8a: Back up untracked files".
func stepName(v *model.StepView) string {
	n := "step " + v.Ref()
	if v.Title != "" {
		n += ": " + v.Title
	}
	return n
}

// stepWhy lists the probes that keep a step from GO (or, for a regressed
// step, its done-probes that no longer hold), one a line.
func stepWhy(v *model.StepView) string {
	var b strings.Builder
	for j := range v.Probes {
		p := &v.Probes[j]
		if v.Listed(p) {
			fmt.Fprintf(&b, "%s %s: %s\n", p.Role, p.Label(), p.Message)
		}
	}
	return b.String()
}

// stepMS is the time of a step's probes (they run concurrently, so this is
// the work done, not the wall time).
func stepMS(v *model.StepView) float64 {
	t := 0.0
	for _, p := range v.Probes {
		t += p.DurationMS
	}
	return t
}

func seconds(ms float64) string {
	return strconv.FormatFloat(ms/1000, 'f', 3, 64)
}
