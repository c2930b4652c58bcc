package dashboard

import (
	"fmt"
	"strings"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
	"github.com/gonogo-dev/gonogo/probes"
)

// stepKey is the plan-unique key of a step view: Key when set, else ID.
func stepKey(s *model.StepView) string {
	if s.Key != "" {
		return s.Key
	}
	return s.ID
}

// probeCounts is the number of a step's probes that pass, and of all of
// them, for the board's "3/4" column.
func probeCounts(s *model.StepView) (ok, total int) {
	for _, p := range s.Probes {
		total++
		if p.Status == probes.OK {
			ok++
		}
	}
	return ok, total
}

// pending is true while one of the step's probes (or their children) has
// not answered in a check that is still running.
func pending(s *model.StepView) bool {
	return anyProbe(s.Probes, func(p *model.ProbeView) bool { return p.Status == probes.Pending })
}

func anyProbe(ps []model.ProbeView, f func(*model.ProbeView) bool) bool {
	for i := range ps {
		if f(&ps[i]) || anyProbe(ps[i].Children, f) {
			return true
		}
	}
	return false
}

// problem is true for the steps the `p` filter keeps: blocked or unknown,
// regressed, or with a requirement that fails, warns or errs. A failing
// done-probe of a step not yet carried out is normal, not a problem.
func problem(s *model.StepView) bool {
	if s.Status == model.StepNoGo || s.Status == model.StepUnknown || s.Regressed {
		return true
	}
	for _, p := range s.Probes {
		if p.Role == "done" {
			continue
		}
		switch p.Status {
		case probes.Fail, probes.Warn, probes.Error:
			return true
		}
	}
	return false
}

// rowLook is the badge a step row shows: CHECKING while its probes have
// not answered, its status otherwise.
func rowLook(s *model.StepView) look {
	if pending(s) {
		return checking
	}
	return stepLook(s.Status)
}

// shortCPU trims a CPU model string to what tells one machine from another:
// "Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz" → "Intel Xeon Gold 6130 @ 2.10GHz".
func shortCPU(m string) string {
	r := strings.NewReplacer("(R)", "", "(r)", "", "(TM)", "", "(tm)", "", " CPU ", " ")
	return strings.Join(strings.Fields(r.Replace(m)), " ")
}

// hostStrip is the header's line of host facts, plain text.
func hostStrip(h *model.HostFacts) string {
	if h == nil {
		return ""
	}
	var parts []string
	if h.CPUModel != "" || h.Cores > 0 {
		s := shortCPU(h.CPUModel)
		if h.Cores > 0 {
			s = strings.TrimSpace(s + fmt.Sprintf(" ×%d", h.Cores))
		}
		parts = append(parts, s)
	}
	parts = append(parts,
		fmt.Sprintf("cpu %.0f%%", h.CPUPercent),
		fmt.Sprintf("load %.2f", h.Load1),
		"mem "+textfmt.BytesShort(h.MemAvailable)+" avail")
	for _, d := range h.Disks {
		parts = append(parts, d.Path+" "+textfmt.BytesShort(d.Free)+" free")
	}
	return strings.Join(parts, " · ")
}
