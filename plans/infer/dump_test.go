package infer

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// dumpProbe renders a probe as one line a test can compare exactly: role,
// kind, target, then the kind's key parameters, paths relative to root.
// Program probes render as "program NAME" since where a program lives
// depends on the machine.
func dumpProbe(a *Analysis, ps *spec.Probe, root string) string {
	rel := func(p string) string {
		if r, err := filepath.Rel(root, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
		return p
	}
	sev := ""
	if ps.Severity == spec.Warn {
		sev = " (warn)"
	}
	if prog := a.Program(ps); prog != "" {
		return "program " + prog + sev
	}
	if ps.Kind == spec.KindAny || ps.Kind == spec.KindAll {
		var kids []string
		for _, c := range ps.Children {
			kids = append(kids, dumpProbe(a, c, root))
		}
		return fmt.Sprintf("%s %s(%s)%s", ps.Role, ps.Kind, strings.Join(kids, " | "), sev)
	}
	target := ps.Target
	if filepath.IsAbs(target) {
		target = rel(target) // the test's temporary root differs per run
	}
	s := fmt.Sprintf("%s %s %s", ps.Role, ps.Kind, target)
	switch p := ps.Params.(type) {
	case *spec.FileParams:
		s += " path=" + rel(p.Path)
		if p.Dir {
			s += " dir"
		}
	case *spec.BackupParams:
		s += " path=" + rel(p.Path)
		if p.Of != "" {
			s += " of=" + rel(p.Of)
		}
	case *spec.GitParams:
		s += " path=" + rel(p.Path) + " state=" + p.State
		if p.Rev != "" {
			s += " rev=" + p.Rev
		}
	case *spec.SystemdParams:
		if p.ExistsOnly {
			s += " exists"
		} else if p.Active {
			s += " active"
		} else {
			s += " inactive"
		}
	}
	return s + sev
}
