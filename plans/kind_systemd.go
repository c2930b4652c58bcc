package plans

import "github.com/gonogo-dev/gonogo/plans/spec"

func init() {
	registerKind(spec.KindSystemd, kindDef{
		attrs: []string{"active"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			// The unit is handed to systemctl: a name that is no unit
			// name ("-Hhost" is an option to ssh elsewhere) is refused
			// here, with its line, rather than at check time.
			if err := spec.CheckUnitName(pn.target); err != nil {
				d.errorf(pn.targetNode, "systemd", "%v: expected a unit such as postgresql or nginx.service", err)
				return nil
			}
			p := &spec.SystemdParams{Unit: pn.target, Active: true}
			if n := pn.attr("active"); n != nil {
				p.Active, _ = d.boolean(n, "active")
			}
			return p
		},
	})
}
