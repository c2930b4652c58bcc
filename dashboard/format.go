package dashboard

import (
	"fmt"
	"strings"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// rowLook is the badge a step row shows: CHECKING while its probes have
// not answered, its status otherwise.
func rowLook(s *model.StepView) look {
	if s.Checking() {
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
