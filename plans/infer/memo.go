package infer

import (
	"os"
	"slices"
	"sync"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// memo keeps what the model asks of an Analysis on every evaluation — a
// live board evaluates several times per check, every few seconds, for
// as long as it runs — and that changes only when the plan, or the
// answers of the probes a finding depends on, change.
type memo struct {
	mu sync.Mutex
	// makers is Makers once the inferred probes are applied (before, the
	// steps' probes still change).
	makers map[*spec.Probe]Maker
	// findings is the last Findings answer and the state it was worked
	// out from (findingsState).
	findingsKey []byte
	findings    []Finding
	findingsSet bool
}

// findingsState is everything Findings reads beyond the plan: for each
// need, whether its probe fails and, for a failing `git checkout HEAD --
// F`, whether F is a file now (the message says "untracked now" then).
// Two calls with one state have one answer. It asks fails of every need,
// a superset of what Findings itself asks, which costs a map look-up each
// instead of a search for a maker and a hint.
func (a *Analysis) findingsState(fails func(*spec.Probe) bool) []byte {
	var key []byte
	var cur byte
	n := 0
	bit := func(b bool) {
		if b {
			cur |= 1 << (n % 8)
		}
		if n++; n%8 == 0 {
			key, cur = append(key, cur), 0
		}
	}
	bit(a.applied)
	for _, st := range a.steps {
		for _, nd := range st.needs {
			if nd.optional {
				continue
			}
			f := fails(nd.sp)
			bit(f)
			if f && nd.kind == needGit && nd.checkout && (nd.rev == "" || nd.rev == "HEAD") {
				fi, err := os.Lstat(nd.path)
				bit(err == nil && !fi.IsDir())
			}
		}
	}
	return append(key, cur, byte(n%8))
}

// cachedFindings returns the findings worked out for state, if they are
// the last ones.
func (a *Analysis) cachedFindings(state []byte) ([]Finding, bool) {
	a.memo.mu.Lock()
	defer a.memo.mu.Unlock()
	if !a.memo.findingsSet || !slices.Equal(a.memo.findingsKey, state) {
		return nil, false
	}
	return slices.Clone(a.memo.findings), true
}

func (a *Analysis) keepFindings(state []byte, out []Finding) {
	a.memo.mu.Lock()
	defer a.memo.mu.Unlock()
	a.memo.findingsKey, a.memo.findings, a.memo.findingsSet = state, slices.Clone(out), true
}
