package plans

import (
	"net"
	"strconv"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func init() {
	registerKind(spec.KindPort, kindDef{
		attrs: []string{"open"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			addr := ExpandEnv(pn.target, d.env)
			pn.sp.Target = addr
			_, port, err := net.SplitHostPort(addr)
			n, perr := strconv.Atoi(port)
			if err != nil || perr != nil || n < 1 || n > 65535 {
				d.errorf(pn.targetNode, "port", "expected host:port like 127.0.0.1:5432, got %q", pn.target)
				return nil
			}
			p := &spec.PortParams{Address: addr, Open: true}
			if a := pn.attr("open"); a != nil {
				p.Open, _ = d.boolean(a, "open")
			}
			return p
		},
	})
}
