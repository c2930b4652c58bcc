package plans

import "github.com/gonogo-dev/gonogo/plans/spec"

func init() {
	registerKind(spec.KindSystemd, kindDef{
		attrs: []string{"active"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			p := &spec.SystemdParams{Unit: pn.target, Active: true}
			if n := pn.attr("active"); n != nil {
				p.Active, _ = d.boolean(n, "active")
			}
			return p
		},
	})
}
