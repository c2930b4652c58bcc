package plans

import (
	"regexp"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func init() {
	registerKind(spec.KindProcess, kindDef{
		attrs: []string{"running", "min_count"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			re, err := regexp.Compile(pn.target)
			if err != nil {
				d.errorf(pn.targetNode, "process", "expected a process name or command-line regular expression: %v", err)
				return nil
			}
			p := &spec.ProcessParams{Pattern: re, Running: true}
			if n := pn.attr("running"); n != nil {
				p.Running, _ = d.boolean(n, "running")
			}
			if n := pn.attr("min_count"); n != nil {
				if v, ok := d.integer(n, "min_count"); ok {
					if v < 1 {
						d.errorf(n, "min_count", "expected at least 1, got %d (use running: false for \"none\")", v)
					}
					p.MinCount = v
				}
			}
			if p.Running && p.MinCount == 0 {
				p.MinCount = 1
			}
			return p
		},
	})
}
