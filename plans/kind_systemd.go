package plans

func init() {
	registerKind(KindSystemd, kindDef{
		attrs: []string{"active"},
		decode: func(d *decoder, pn *probeNode) Params {
			p := &SystemdParams{Unit: pn.target, Active: true}
			if n := pn.attr("active"); n != nil {
				p.Active, _ = d.boolean(n, "active")
			}
			return p
		},
	})
}
