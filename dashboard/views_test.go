package dashboard

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/probes"
)

// TestViewsAgree renders one snapshot through every view — the board, the
// text, Markdown and JSON reports, the lint report — and checks that they
// show the same tally for every step and the same statuses. The tallies
// are the model's (StepView.Tally); a view that counted on its own (the
// board once said 1/2 where --once said 2/2 for a step with an ok and a
// warn probe) fails here.
func TestViewsAgree(t *testing.T) {
	req := func(st probes.Status) model.ProbeView {
		return model.ProbeView{Role: spec.Requires, Kind: spec.KindFile, Target: "f-" + string(st), Source: spec.Explicit, Status: st, Message: "m"}
	}
	done := func(st probes.Status) model.ProbeView {
		pv := req(st)
		pv.Role = spec.Done
		return pv
	}
	snap := &model.Snapshot{
		Version: 1, Plan: "plan.md", Root: "/srv", Verdict: model.GateNoGo, Rollback: model.GateUnknown, NextStep: "2",
		Steps: []model.StepView{
			{ID: "1", Title: "Ok and warn", Phase: "Pre", Status: model.StepDone, Probes: []model.ProbeView{done(probes.OK), req(probes.Warn)}},
			{ID: "2", Title: "Next with a failure", Phase: "Pre", Status: model.StepNoGo, Next: true, Probes: []model.ProbeView{req(probes.OK), req(probes.Fail), done(probes.Fail)}},
			{ID: "3", Title: "Could not tell", Phase: "Deploy", Status: model.StepUnknown, Probes: []model.ProbeView{req(probes.Error), req(probes.OK), req(probes.Skip)}},
			{ID: "4", Title: "Nothing to probe", Phase: "Deploy", Status: model.StepManual, Probes: []model.ProbeView{}},
			{ID: "5", Title: "Roll back", Phase: "Rollback", Rollback: true, Status: model.StepUnknown, Probes: []model.ProbeView{req(probes.Error)}},
		},
		Findings: []model.Finding{},
	}
	want := map[string]string{"1": "1/2", "2": "1/3", "3": "1/3", "4": "0/0", "5": "0/1"}
	for i := range snap.Steps {
		if got := snap.Steps[i].Tally().String(); got != want[snap.Steps[i].ID] {
			t.Fatalf("model tally of step %s = %s, want %s", snap.Steps[i].ID, got, want[snap.Steps[i].ID])
		}
	}

	// Text and Markdown: the tally stands in the step's row.
	for _, f := range []report.Format{report.Text, report.Markdown} {
		var b bytes.Buffer
		if err := report.Write(&b, snap, f, report.Options{}); err != nil {
			t.Fatal(err)
		}
		for _, v := range snap.Steps {
			row := lineWith(b.String(), v.Title)
			if row == "" {
				t.Errorf("%s: no row for step %s:\n%s", f, v.ID, b.String())
				continue
			}
			if !strings.Contains(row, " "+want[v.ID]+" ") && !strings.HasSuffix(row, " "+want[v.ID]) {
				t.Errorf("%s: step %s row %q lacks the tally %s", f, v.ID, row, want[v.ID])
			}
			if !strings.Contains(row, string(v.Status)) {
				t.Errorf("%s: step %s row %q lacks the status %s", f, v.ID, row, v.Status)
			}
		}
	}

	// JSON (also what --record writes): a reader counting ok probes gets
	// the same tally.
	var b bytes.Buffer
	if err := report.Write(&b, snap, report.JSON, report.Options{}); err != nil {
		t.Fatal(err)
	}
	var back model.Snapshot
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	for i := range back.Steps {
		if got := back.Steps[i].Tally().String(); got != want[back.Steps[i].ID] {
			t.Errorf("json: step %s tally %s, want %s", back.Steps[i].ID, got, want[back.Steps[i].ID])
		}
	}

	// Lint: the same steps and probe count.
	b.Reset()
	if err := report.WriteLint(&b, snap, report.Text, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "plan.md: 5 steps, 9 probes (9 explicit, 0 sidecar, 0 inferred)") {
		t.Errorf("lint summary:\n%s", b.String())
	}

	// The board: each step's row carries the tally and the status word.
	bd, _, _ := testBoard(t, false)
	bd.apply(snap)
	s := draw(t, bd, 120, 40)
	for _, v := range snap.Steps {
		row := lineWith(s.text(), v.Title)
		if row == "" {
			t.Errorf("board: no row for step %s:\n%s", v.ID, s.text())
			continue
		}
		if want[v.ID] != "0/0" && !strings.Contains(row, " "+want[v.ID]+" ") {
			t.Errorf("board: step %s row %q lacks the tally %s", v.ID, row, want[v.ID])
		}
		if !strings.Contains(row, string(v.Status)) {
			t.Errorf("board: step %s row %q lacks the status %s", v.ID, row, v.Status)
		}
	}
}

// lineWith is the last line of s that contains sub, "" if none: the step
// table or list comes after the header's "next step" line.
func lineWith(s, sub string) string {
	last := ""
	for l := range strings.SplitSeq(s, "\n") {
		if strings.Contains(l, sub) {
			last = l
		}
	}
	return last
}
