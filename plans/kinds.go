package plans

import (
	"sort"

	"go.yaml.in/yaml/v3"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// kindDef is how one probe kind is read from YAML. Each kind registers
// itself from its own file (kind_git.go, kind_file.go, ...), so a new kind
// is one new file plus its test.
type kindDef struct {
	// attrs are the kind's own attribute names, besides the common ones
	// (name, severity, timeout).
	attrs []string
	// decode checks the target and attributes and returns the typed
	// Params. It may rewrite spec.Target (after ~ and $VAR expansion).
	// Problems are recorded on d; decode returns nil only after recording
	// at least one.
	decode func(d *decoder, pn *probeNode) spec.Params
}

// probeNode is one probe map being decoded.
type probeNode struct {
	sp         *spec.Probe
	target     string
	targetNode *yaml.Node
	// attrs holds the kind's own attributes by name; values are nodes.
	attrs map[string]*yaml.Node
	// keys are the attribute names in the order written.
	keys []string
}

// attr returns the value node of attribute name, or nil.
func (pn *probeNode) attr(name string) *yaml.Node { return pn.attrs[name] }

var kinds = map[spec.Kind]kindDef{}

// registerKind adds a probe kind; called from init in the kind's file.
func registerKind(name spec.Kind, def kindDef) {
	sort.Strings(def.attrs)
	kinds[name] = def
}

// KindNames lists the probe kinds a plan may use, sorted, followed by the
// any/all combinators.
func KindNames() []string {
	names := make([]string, 0, len(kinds)+2)
	for k := range kinds {
		names = append(names, string(k))
	}
	sort.Strings(names)
	return append(names, string(spec.KindAny), string(spec.KindAll))
}

// KindAttributes lists the attributes a kind accepts besides name,
// severity and timeout; nil for an unknown kind.
func KindAttributes(kind spec.Kind) []string {
	def, ok := kinds[kind]
	if !ok {
		return nil
	}
	return append([]string(nil), def.attrs...)
}
