package model

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// fullSnapshot has a text in every field eachText should visit.
func fullSnapshot() *Snapshot {
	return &Snapshot{
		Plan: "plan", Root: "root", At: "at", NextStep: "next", Verdict: GateNoGo,
		Steps: []StepView{{ID: "id", Key: "key", Title: "title", Phase: "phase", Notes: []string{"note"}, Commands: []string{"cmd"},
			SignedOff: &SignOff{Step: "step", By: "by"},
			Probes: []ProbeView{{Target: "target", Name: "name", Message: "message", From: "from", MadeBy: "made by", Program: "program",
				Capture: "capture", Captured: "captured",
				Children: []ProbeView{{Target: "child", Message: "child message"}}}}}},
		Findings: []Finding{{Step: "step", Message: "finding", Hint: "hint"}},
		Warnings: []string{"warning"},
		Reasons:  []string{"reason"},
		Action:   "action",
		Blockers: []Blocker{{Step: "step", Probe: "probe", Message: "message", Fix: "fix", Text: "text"}},
		Pending:  []Pending{{Step: "step", Probe: "probe", What: "what", MadeBy: "made by", Command: "command"}},
		SignOffs: []SignOff{{Step: "step", By: "by"}},
		Host:     &HostFacts{CPUModel: "cpu", Disks: []Disk{{Path: "/disk"}}},
	}
}

// TestMapTexts: every text from the world is mapped, in a copy; the
// snapshot others share is not touched, and words of gonogo's own (the
// verdict) are not mapped.
func TestMapTexts(t *testing.T) {
	s := fullSnapshot()
	before, _ := json.Marshal(s)
	m := s.MapTexts(strings.ToUpper)
	after, _ := json.Marshal(s)
	if string(before) != string(after) {
		t.Fatalf("MapTexts changed the original:\n%s\n%s", before, after)
	}
	var texts []string
	m.eachText(func(p *string) { texts = append(texts, *p) })
	if len(texts) != 48 {
		t.Errorf("eachText visits %d texts, want 48: %q", len(texts), texts)
	}
	for _, x := range texts {
		if x != strings.ToUpper(x) {
			t.Errorf("%q was not mapped", x)
		}
	}
	if m.Verdict != GateNoGo {
		t.Errorf("verdict mapped to %q", m.Verdict)
	}
	// Every string field of the types is visited: a field added later
	// without a place in eachText fails here.
	var count func(reflect.Type) int
	count = func(tp reflect.Type) int {
		n := 0
		for i := range tp.NumField() {
			f := tp.Field(i)
			switch {
			case f.Type.Kind() == reflect.String && f.Type.PkgPath() == "":
				n++
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
				n++
			case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.Struct && f.Type.Elem() != tp:
				n += count(f.Type.Elem())
			case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct:
				n += count(f.Type.Elem())
			}
		}
		return n
	}
	// The fixture has one of each; children repeat ProbeView's 8.
	if want := count(reflect.TypeOf(Snapshot{})) + 8; len(texts) != want {
		t.Errorf("the snapshot types have %d text fields (plus a child's 8), eachText visits %d", want, len(texts))
	}
}

// TestMapTextsUnchangedIsNoCopy: when f changes no text, MapTexts hands
// back the snapshot itself (no deep copy of a large plan's snapshot);
// when it changes the last text only, it still copies.
func TestMapTextsUnchangedIsNoCopy(t *testing.T) {
	s := fullSnapshot()
	if m := s.MapTexts(func(x string) string { return x }); m != s {
		t.Errorf("MapTexts with a function that changes nothing made a copy")
	}
	var last string
	s.eachText(func(p *string) { last = *p })
	m := s.MapTexts(func(x string) string {
		if x == last {
			return x + "!"
		}
		return x
	})
	if m == s {
		t.Fatalf("MapTexts changing the last text returned the original")
	}
	var got string
	m.eachText(func(p *string) { got = *p })
	if got != last+"!" {
		t.Errorf("the last text is %q in the copy, want %q", got, last+"!")
	}
}
