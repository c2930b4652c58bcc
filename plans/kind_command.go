package plans

import "github.com/gonogo-dev/gonogo/plans/spec"

func init() {
	registerKind(spec.KindCommand, kindDef{
		attrs: []string{"exit", "stdout", "expect", "capture"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			// The command runs with sh -c, which expands variables itself.
			p := &spec.CommandParams{Command: pn.target, Dir: d.root}
			if n := pn.attr("exit"); n != nil {
				if v, ok := d.integer(n, "exit"); ok {
					if v < 0 || v > 255 {
						d.errorf(n, "exit", "expected an exit code from 0 to 255, got %d", v)
					}
					p.Exit = v
				}
			}
			if n := pn.attr("stdout"); n != nil {
				p.Stdout, _ = d.lineRegex(n, "stdout")
			}
			// expect tests the trimmed stdout as one value; capture takes
			// it as a number.
			p.Expect = d.expect(pn)
			d.capture(pn)
			return p
		},
	})
}
