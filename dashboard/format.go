package dashboard

import (
	"fmt"
	"strings"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// rowLook is the badge a step row shows: CHECKING while a probe of it has
// never answered (unless it is already certain to be NO-GO), its status
// otherwise.
func rowLook(s *model.StepView) look {
	if s.Checking() && s.Status != model.StepNoGo {
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

// hostParts are the header's host facts, plain text, most telling first.
func hostParts(h *model.HostFacts) []string {
	if h == nil {
		return nil
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
		"mem "+textfmt.BytesShort(h.MemAvailable)+" avail",
		fmt.Sprintf("cpu %.0f%%", h.CPUPercent),
		fmt.Sprintf("load %.2f", h.Load1))
	for _, d := range h.Disks {
		parts = append(parts, d.Path+" "+textfmt.BytesShort(d.Free)+" free")
	}
	return parts
}
