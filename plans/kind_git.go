package plans

import "github.com/gonogo-dev/gonogo/plans/spec"

// gitStates are the values of a git probe's state attribute.
var gitStates = []string{spec.GitTracked, spec.GitCommitted, spec.GitUntracked, spec.GitIgnored, spec.GitStaged, spec.GitModified, spec.GitClean}

func init() {
	registerKind(spec.KindGit, kindDef{
		attrs: []string{"state", "repo"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			p := &spec.GitParams{State: spec.GitCommitted}
			pn.sp.Target = ExpandEnv(pn.target, d.env)
			p.Path = d.resolve(pn.target)
			if n := pn.attr("state"); n != nil {
				if s, ok := d.text(n, "state", "a git state"); ok {
					if !contains(gitStates, s) {
						d.errorf(n, "state", "unknown git state %q: %s", s, expectList(s, gitStates))
						return nil
					}
					p.State = s
				}
			}
			if n := pn.attr("repo"); n != nil {
				if s, ok := d.text(n, "repo", "the path of a git work tree"); ok {
					p.Repo = d.resolve(s)
				}
			}
			return p
		},
	})
}
