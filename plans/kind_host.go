package plans

import (
	"strings"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// hostAttrs lists, per host target, the attributes that apply to it.
var hostAttrs = map[string][]string{
	spec.HostCPU:    {"model", "min_cores", "max_percent"},
	spec.HostMemory: {"min_available"},
	spec.HostDisk:   {"path", "min_free", "max_used_percent"},
	spec.HostLoad:   {"max"},
	spec.HostSwap:   {"max_percent"},
}

var hostTargets = []string{spec.HostCPU, spec.HostMemory, spec.HostDisk, spec.HostLoad, spec.HostSwap}

func init() {
	registerKind(spec.KindHost, kindDef{
		attrs: []string{"model", "min_cores", "max_percent", "min_available", "path", "min_free", "max_used_percent", "max"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			t := strings.ToLower(pn.target)
			if !contains(hostTargets, t) {
				d.errorf(pn.targetNode, "host", "unknown host target %q: %s", pn.target, expectList(pn.target, hostTargets))
				return nil
			}
			pn.sp.Target = t
			p := &spec.HostParams{Target: t}
			if t == spec.HostDisk {
				p.Path = d.root
			}
			for _, name := range pn.keys {
				n := pn.attrs[name]
				if !contains(hostAttrs[t], name) {
					d.errorf(n, name, "does not apply to host %s: host %s takes %s", t, t, strings.Join(hostAttrs[t], ", "))
					continue
				}
				switch name {
				case "model":
					p.Model, _ = d.regex(n, name)
				case "min_cores":
					if v, ok := d.integer(n, name); ok {
						if v < 1 {
							d.errorf(n, name, "expected a positive number of cores, got %d", v)
						}
						p.MinCores = v
					}
				case "max_percent":
					p.MaxPercent, _ = d.percent(n, name)
				case "min_available":
					p.MinAvailable, _ = d.size(n, name)
				case "path":
					if s, ok := d.text(n, name, "a path on the disk to check"); ok {
						p.Path = d.resolve(s)
					}
				case "min_free":
					p.MinFree, _ = d.size(n, name)
				case "max_used_percent":
					p.MaxUsedPercent, _ = d.percent(n, name)
				case "max":
					p.Max, _ = d.number(n, name)
				}
			}
			return p
		},
	})
}
