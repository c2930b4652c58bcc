package plans

import (
	"bytes"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// blockKeys are the keys a ```gonogo block (or a sidecar step entry) may hold.
var blockKeys = []string{"requires", "done", "infer", "interval"}

// commonAttrs are the attributes every probe accepts besides its kind's.
var commonAttrs = []string{"name", "severity", "timeout"}

// blockDecl is what one probe block declares for its step.
type blockDecl struct {
	probes   []*spec.Probe
	noInfer  bool
	interval time.Duration
}

// apply adds the declaration to step s.
func (b *blockDecl) apply(s *Step) {
	s.Probes = append(s.Probes, b.probes...)
	if b.noInfer {
		s.NoInfer = true
	}
	if b.interval > 0 {
		s.Interval = b.interval
	}
}

var yamlLineRE = lazyre.New(`^yaml: line (\d+): (.*)$`)

// parseYAML parses src as one YAML document and returns its top node, or
// records a located syntax error. An empty document yields nil, true.
func (d *decoder) parseYAML(src []byte, what string) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(src))
	var doc yaml.Node
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return nil, true
	}
	if err != nil {
		d.yamlError(src, err, what)
		return nil, false
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		d.errorf(&extra, what, "holds a second YAML document after \"---\": keep one document, with requires: and done: in it")
		return nil, false
	} else if !errors.Is(err, io.EOF) {
		d.yamlError(src, err, what)
		return nil, false
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, true
	}
	return doc.Content[0], true
}

// yamlError records a YAML syntax error at its line.
func (d *decoder) yamlError(src []byte, err error, what string) {
	msg := err.Error()
	line := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
		// "unexpected end of stream" is placed past the last line.
		if n := bytes.Count(src, []byte("\n")); line > n && n > 0 && src[len(src)-1] == '\n' {
			line = n
		}
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	*d.errs = append(*d.errs, &Diag{File: d.file, Line: d.lineBase + line, Field: what,
		Msg: "is not valid YAML: " + msg})
}

// block decodes the map of a probe block: requires, done, infer, interval.
// what names it in messages ("gonogo block", `step "8a"`).
func (d *decoder) block(n *yaml.Node, what string) blockDecl {
	var b blockDecl
	if n == nil || n.Tag == "!!null" {
		d.errorf(n, what, "is empty: expected requires: and/or done: lists of probes")
		return b
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, what, "expected a map with requires: and/or done: lists of probes, got %s", describe(n))
		return b
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			d.errorf(k, k.Value, "is given twice in this block: merge the two into one list")
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "requires":
			b.probes = append(b.probes, d.probeList(v, spec.Requires, "requires")...)
		case "done":
			b.probes = append(b.probes, d.probeList(v, spec.Done, "done")...)
		case "infer":
			if on, ok := d.boolean(v, "infer"); ok {
				b.noInfer = !on
			}
		case "interval":
			if iv, ok := d.duration(v, "interval"); ok {
				b.interval = iv
			}
		default:
			d.errorf(k, k.Value, "unknown key in %s: %s", what, expectList(k.Value, blockKeys))
		}
	}
	return b
}

// probeList decodes a list of probe maps (a single map is taken as a list
// of one).
func (d *decoder) probeList(n *yaml.Node, role spec.Role, field string) []*spec.Probe {
	switch {
	case n.Kind == yaml.MappingNode:
		if s := d.probe(n, role); s != nil {
			return []*spec.Probe{s}
		}
		return nil
	case n.Kind == yaml.SequenceNode:
		var out []*spec.Probe
		for _, item := range n.Content {
			if s := d.probe(item, role); s != nil {
				out = append(out, s)
			}
		}
		return out
	case n.Tag == "!!null":
		return nil
	}
	d.errorf(n, field, "expected a list of probes like \"- git: config.py\", got %s", describe(n))
	return nil
}

// probe decodes one probe map. It returns nil when the map is unusable;
// the reasons are recorded on d.
func (d *decoder) probe(n *yaml.Node, role spec.Role) *spec.Probe {
	if n.Kind != yaml.MappingNode {
		d.errorf(n, string(role), "expected a probe map like \"- git: config.py\", got %s", describe(n))
		return nil
	}
	sp := &spec.Probe{Role: role, Source: d.source, File: d.file, Line: d.line(n)}
	var kindKeys []*yaml.Node
	var kindVal *yaml.Node
	others := map[string]*yaml.Node{}
	var otherKeys []*yaml.Node
	seen := map[string]bool{}
	ok := true
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorf(k, "probe", "expected attribute names, got %s as a key", describe(k))
			ok = false
			continue
		}
		if seen[k.Value] {
			d.errorf(k, k.Value, "is given twice in one probe")
			ok = false
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "name":
			if s, good := d.text(v, "name", "a label"); good {
				sp.Name = s
			} else {
				ok = false
			}
		case "severity":
			s, good := d.scalar(v, "severity", "warn")
			switch strings.ToLower(s) {
			case "warn", "warning":
				sp.Severity = spec.Warn
			case "block", "error", "fail":
				sp.Severity = spec.Block
			default:
				if good {
					d.errorf(v, "severity", "expected warn (a failure only warns) or block (the default), got %q", s)
				}
				ok = false
			}
		case "timeout":
			if t, good := d.duration(v, "timeout"); good {
				sp.Timeout = t
			} else {
				ok = false
			}
		default:
			if kk := spec.Kind(k.Value); kinds[kk].decode != nil || kk == spec.KindAny || kk == spec.KindAll {
				kindKeys = append(kindKeys, k)
				kindVal = v
				continue
			}
			others[k.Value] = v
			otherKeys = append(otherKeys, k)
		}
	}
	switch len(kindKeys) {
	case 0:
		first := ""
		if len(otherKeys) > 0 {
			first = otherKeys[0].Value
		}
		msg := "expected one of " + strings.Join(KindNames(), ", ") +
			" as the key whose value is the target, like \"- git: config.py\"" + textfmt.DidYouMean(first, KindNames())
		if first != "" {
			d.errorf(otherKeys[0], first, "unknown probe kind: %s", msg)
		} else {
			d.errorf(n, "probe", "probe has no kind: %s", msg)
		}
		return nil
	case 1:
	default:
		names := make([]string, len(kindKeys))
		for i, k := range kindKeys {
			names[i] = k.Value
		}
		d.errorf(kindKeys[1], kindKeys[1].Value, "a probe has exactly one kind, this one has %s: split it into separate probes",
			strings.Join(names, " and "))
		return nil
	}
	sp.Kind = spec.Kind(kindKeys[0].Value)
	if sp.Kind == spec.KindAny || sp.Kind == spec.KindAll {
		for _, k := range otherKeys {
			d.errorf(k, k.Value, "unknown attribute %q for %s: expected %s, or a list of probes under %s:",
				k.Value, sp.Kind, strings.Join(commonAttrs, ", "), sp.Kind)
			ok = false
		}
		if kindVal.Kind != yaml.SequenceNode || len(kindVal.Content) == 0 {
			d.errorf(kindVal, string(sp.Kind), "expected a non-empty list of probes, got %s", describe(kindVal))
			return nil
		}
		for _, c := range kindVal.Content {
			if child := d.probe(c, role); child != nil {
				sp.Children = append(sp.Children, child)
			} else {
				ok = false
			}
		}
		if !ok {
			return nil
		}
		return sp
	}
	def := kinds[sp.Kind]
	for _, k := range otherKeys {
		if !contains(def.attrs, k.Value) {
			valid := append(append([]string(nil), def.attrs...), commonAttrs...)
			d.errorf(k, k.Value, "unknown attribute %q for %s: %s", k.Value, sp.Kind, expectList(k.Value, valid))
			ok = false
		}
	}
	target, good := d.text(kindVal, string(sp.Kind), "a target for "+string(sp.Kind))
	if !good {
		return nil
	}
	sp.Target = strings.TrimSpace(target)
	pn := &probeNode{sp: sp, target: sp.Target, targetNode: kindVal, attrs: others}
	for _, k := range otherKeys {
		pn.keys = append(pn.keys, k.Value)
	}
	nerr := len(*d.errs)
	sp.Params = def.decode(d, pn)
	if !ok || sp.Params == nil || len(*d.errs) > nerr {
		return nil
	}
	return sp
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
