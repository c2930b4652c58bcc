package plans

import (
	"errors"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// ApplySidecar adds the probes of a sidecar file (--probes FILE) to the
// plan's steps. The sidecar holds the same blocks as ```gonogo fences,
// keyed by step:
//
//	steps:
//	  "8a": { requires: [...], done: [...] }
//
// A key is a step's Key or, when unambiguous, its ID. Probes get Source
// Sidecar, File = file and the sidecar's own line numbers. Every problem is
// returned together in an ErrorList; the plan is changed only when there
// are none.
func ApplySidecar(p *Plan, file string, src []byte, opts LoadOptions) error {
	var errs ErrorList
	d := decoder{file: file, root: p.Root, env: opts.Env, source: spec.Sidecar, errs: &errs}
	top, ok := d.parseYAML(src, "probes file")
	if !ok {
		return errs
	}
	if top == nil || top.Tag == "!!null" {
		errs = append(errs, &Diag{File: file, Line: 1, Msg: "is empty: expected \"steps:\" with probe blocks keyed by step ID"})
		return errs
	}
	if top.Kind != yaml.MappingNode {
		d.errorf(top, "", "expected a map with \"steps:\", got %s", describe(top))
		return errs
	}
	type apply struct {
		step *Step
		decl blockDecl
	}
	var todo []apply
	seen := map[*Step]int{}
	found := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value != "steps" {
			d.errorf(k, k.Value, "unknown key in probes file: %s", expectList(k.Value, []string{"steps"}))
			continue
		}
		found = true
		if v.Kind != yaml.MappingNode {
			d.errorf(v, "steps", "expected a map of step IDs to probe blocks, like \"8a\": {requires: [...]}; got %s", describe(v))
			continue
		}
		for j := 0; j+1 < len(v.Content); j += 2 {
			sk, sv := v.Content[j], v.Content[j+1]
			what := "step " + sk.Value
			step, err := p.StepByRef(sk.Value)
			if err != nil {
				msg := err.Error()
				var re *RefError
				if errors.As(err, &re) {
					if len(re.Ambiguous) == 0 {
						msg = "no such step in " + p.File + ": " + expectList(sk.Value, stepKeys(p))
					} else {
						msg = "is ambiguous, the ID is repeated: use one of"
						for _, st := range re.Ambiguous {
							msg += " " + quote(st.Key) + " (line " + strconv.Itoa(st.Line) + ")"
						}
					}
				}
				d.errorf(sk, what, "%s", msg)
				// Still check the block, to report its problems too.
				d.block(sv, what)
				continue
			}
			if first, dup := seen[step]; dup {
				d.errorf(sk, what, "names step %q again (first at line %d): merge the two entries", step.Key, first)
				continue
			}
			seen[step] = d.line(sk)
			todo = append(todo, apply{step, d.block(sv, what)})
		}
	}
	if !found && len(errs) == 0 {
		d.errorf(top, "steps", "is missing: expected \"steps:\" with probe blocks keyed by step ID")
	}
	if len(errs) > 0 {
		sort.SliceStable(errs, func(i, j int) bool { return errs[i].Line < errs[j].Line })
		return errs
	}
	all := planProbes(p)
	for _, a := range todo {
		all = append(all, a.decl.probes...)
	}
	if errs := checkCaptures(all); len(errs) > 0 {
		return errs
	}
	for _, a := range todo {
		a.decl.apply(a.step)
	}
	return nil
}

func stepKeys(p *Plan) []string {
	keys := make([]string, 0, len(p.Steps))
	for i, s := range p.Steps {
		if i == 20 {
			keys = append(keys, "…")
			break
		}
		keys = append(keys, s.Key)
	}
	return keys
}

func quote(s string) string { return "\"" + s + "\"" }
