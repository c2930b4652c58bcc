package infer

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// Finding is a problem with the plan itself, found by following what its
// steps need and make: a rollback step that restores a backup no step
// creates, a backup taken after its source is gone.
type Finding struct {
	Severity Severity
	Step     string // step Key
	Line     int    // plan line of the command at fault
	Message  string // what cannot work and why
	Hint     string // the closest thing the plan does produce, or how to fix
}

// Severity of a finding: an error makes `gonogo lint` exit 1.
type Severity string

// Finding severities.
const (
	SevError   Severity = "error"
	SevWarning Severity = "warning"
)

// Findings runs the data-flow pass. fails reports whether one of
// a.Probes(), or a probe inside one of them, answered that it does not hold
// now (fail or warn); a probe that holds, could not tell or did not run is
// not failing. The caller builds it from its probe results, so this package
// needs nothing of the probes package.
//
// Walking the steps in document order, each thing a step needs — a file, a
// folder, a path committed in git — must either hold now (its probe is ok)
// or be made by an earlier step; for a rollback step, by any step outside
// the rollback phases too, since those run before a rollback. A need that
// an earlier step removes (rm, mv away) and no later step puts back is
// broken even if it holds now. A broken need is an error in a rollback
// step and a warning elsewhere; in "a || b" or a fallback written as prose
// ("If you made a backup before starting:" above another block) it is an
// error only when every other way is broken too, but every way's problem
// is reported. A need
// whose probe could not tell (error, skip) is not reported. Needs under an
// if, a loop or "|| true" are the plan's own business and not reported.
//
// A backup (cp/mv/rsync/tar/pg_dump) outside the rollback phases of
// something an earlier command removes, overwrites or DROPs is always an
// error: the backup can no longer hold the original.
//
// The answer is kept: a call with the same state (every need's probe
// failing or not, as before) returns it again without the pass, so a
// board that evaluates every few seconds redoes it only when an answer
// it depends on changed. Safe for concurrent use.
func (a *Analysis) Findings(fails func(*spec.Probe) bool) []Finding {
	if fails == nil {
		fails = func(*spec.Probe) bool { return false }
	}
	if a.memo == nil { // not made by Analyze
		return a.findings(fails)
	}
	state := a.findingsState(fails)
	if out, ok := a.cachedFindings(state); ok {
		return out
	}
	out := a.findings(fails)
	a.keepFindings(state, out)
	return out
}

// findings is the data-flow pass of Findings.
func (a *Analysis) findings(fails func(*spec.Probe) bool) []Finding {
	var out []Finding
	for i, st := range a.steps {
		type problem struct {
			n         *need
			msg, hint string
		}
		var probs []problem
		broken := map[*altGroup][]bool{}
		said := map[string]bool{} // one finding per missing thing and step
		for _, n := range st.needs {
			if n.optional {
				continue
			}
			msg, hint, bad := a.checkNeed(i, n, fails)
			if !bad {
				continue
			}
			if n.alt != nil {
				if broken[n.alt.group] == nil {
					broken[n.alt.group] = make([]bool, len(n.alt.group.ways))
				}
				broken[n.alt.group][n.alt.branch] = true
			}
			if k := n.key + "\x00" + n.rev; !said[k] {
				said[k] = true
				probs = append(probs, problem{n, msg, hint})
			}
		}
		summaries := map[*altGroup]waysSummary{}
		for _, p := range probs {
			sev := SevWarning
			if st.step.Rollback {
				sev = SevError
			}
			msg := p.msg
			if p.n.alt != nil {
				g := p.n.alt.group
				ws, ok := summaries[g]
				if !ok {
					ws = summarize(g, broken[g])
					summaries[g] = ws
				}
				if other, works := otherWays(p.n.alt, ws); works {
					sev = SevWarning
					msg += "; " + other + " may still work"
				} else {
					msg += "; " + other + " cannot work either"
				}
			}
			out = append(out, Finding{Severity: sev, Step: st.step.Key, Line: p.n.line, Message: msg, Hint: p.hint})
		}
		out = append(out, a.backupFindings(i)...)
		out = append(out, st.lints...)
	}
	out = append(out, a.gapFindings()...)
	index := make(map[string]int, len(a.steps))
	for i, st := range a.steps {
		if _, ok := index[st.step.Key]; !ok {
			index[st.step.Key] = i
		}
	}
	at := func(key string) int {
		if i, ok := index[key]; ok {
			return i
		}
		return len(a.steps) // findings about no step come last
	}
	sort.SliceStable(out, func(x, y int) bool {
		return at(out[x].Step) < at(out[y].Step) || at(out[x].Step) == at(out[y].Step) && out[x].Line < out[y].Line
	})
	return out
}

// gapFindings are the parts of rollback sections the plan reader could not
// take as steps (plans.Plan.RollbackGaps): an error each, since the
// rollback gate cannot be GO over them.
func (a *Analysis) gapFindings() []Finding {
	if a.plan == nil {
		return nil
	}
	var out []Finding
	for _, d := range a.plan.RollbackGaps {
		msg := d.Msg
		if d.Field != "" {
			msg = d.Field + ": " + msg
		}
		out = append(out, Finding{Severity: SevError, Step: d.Step, Line: d.Line, Message: msg,
			Hint: "give each action of the way back its own numbered item or heading, with its commands in a shell block"})
	}
	return out
}

// otherWays names the ways of al's group other than al's own branch and
// says whether one of them may still work (it needs nothing, or none of
// its needs is broken): "the other way, `cp /backup/c.py .`,". ws is the
// group's summary (summarize), so a line of 1,000 alternatives does not
// walk its 1,000 ways for each of its 1,000 findings.
func otherWays(al *alt, ws waysSummary) (string, bool) {
	g := al.group
	quote := func(i int) string { return "`" + g.ways[i] + "`" }
	var workable, all []string
	for _, i := range ws.workable {
		if i != al.branch && len(workable) < maxWaysShown {
			workable = append(workable, quote(i))
		}
	}
	nWorkable := ws.nWorkable
	if ws.isWorkable(al.branch) {
		nWorkable--
	}
	for i := 0; i < len(g.ways) && len(all) < maxWaysShown; i++ {
		if i != al.branch {
			all = append(all, quote(i))
		}
	}
	nAll := len(g.ways) - 1
	switch {
	case nWorkable == 1:
		return "the other way, " + workable[0] + ",", true
	case nWorkable > 1:
		return "other ways (" + listWays(workable, nWorkable) + ")", true
	case nAll == 1:
		return "the other way, " + all[0] + ",", false
	}
	return "the other ways (" + listWays(all, nAll) + ")", false
}

// waysSummary is what otherWays needs of a group: how many of its ways may
// still work, and the first few of them.
type waysSummary struct {
	g         *altGroup
	broken    []bool
	workable  []int // the first maxWaysShown+1 workable ways
	nWorkable int
}

// summarize reads a group's ways once: way i may still work when it needs
// nothing or none of its needs is broken.
func summarize(g *altGroup, broken []bool) waysSummary {
	ws := waysSummary{g: g, broken: broken}
	for i := range g.ways {
		if ws.isWorkable(i) {
			ws.nWorkable++
			if len(ws.workable) <= maxWaysShown {
				ws.workable = append(ws.workable, i)
			}
		}
	}
	return ws
}

func (ws waysSummary) isWorkable(i int) bool {
	g := ws.g
	return (i < len(g.empty) && g.empty[i]) || i >= len(ws.broken) || !ws.broken[i]
}

// maxWaysShown bounds the other ways a finding quotes: every way of a
// line of 1,000 alternatives has its finding, and quoting all the others
// in each made the findings quadratic in the line (issue 13).
const maxWaysShown = 3

// listWays is "`a`, `b`" or, when there are more than shown, "`a`, `b`,
// `c` and 997 more".
func listWays(shown []string, n int) string {
	s := strings.Join(shown, ", ")
	if n > len(shown) {
		s += fmt.Sprintf(" and %d more", n-len(shown))
	}
	return s
}

// maxHintTries bounds the near-name comparisons of one hint.
const maxHintTries = 64

// located is an event with the step it belongs to.
type located struct {
	ev *event
	st *stepInfo
}

// checkNeed says whether n is broken and, if so, why and what to do.
func (a *Analysis) checkNeed(i int, n *need, fails func(*spec.Probe) bool) (msg, hint string, bad bool) {
	var last *located
	// An earlier command of the step itself counts before earlier steps.
	l, ok := a.match(a.inStep(i, n.seq), n.key, n.path, n.kind == needDir)
	if !ok {
		l, ok = a.lastMatch(i, n.key, n.path, n.kind == needDir)
	}
	if ok {
		last = &located{l.ev, a.steps[l.j]}
	}
	st := a.steps[i]
	what := a.show(n.path)
	if last != nil {
		if last.ev.kind != evDestroy {
			return "", "", false // an earlier step makes it
		}
		where := "step " + last.st.step.Key
		if last.st == st {
			where = "an earlier command of this step"
		}
		msg = fmt.Sprintf("`%s` needs %s, but %s %s first (line %d: `%s`) and nothing puts it back",
			n.cmd, what, where, destroyVerb(last.ev), last.ev.line, last.ev.cmd)
		return msg, fmt.Sprintf("back %s up before line %d, or restore it from a copy that command does not touch", what, last.ev.line), true
	}
	if !fails(n.sp) {
		return "", "", false // holds now, or cannot tell
	}
	if n.kind == needGit {
		rev := n.rev
		if rev == "" {
			rev = "HEAD"
		}
		hint = fmt.Sprintf("commit it now (git add %s && git commit), or back it up in a pre-deploy step", a.show(n.path))
		if n.checkout {
			why := "it is not in " + rev + " (never committed)"
			if fi, err := os.Lstat(n.path); err == nil && !fi.IsDir() && rev == "HEAD" {
				why = "it is untracked now (never committed, so not in HEAD)"
			}
			return fmt.Sprintf("`%s` cannot restore %s: %s, and no step commits it", n.cmd, what, why), hint, true
		}
		if rev == "HEAD" {
			return fmt.Sprintf("`%s` needs %s in HEAD, but it is not committed and no step commits it", n.cmd, what), hint, true
		}
		return fmt.Sprintf("`%s` needs %s in %s, but it is not there", n.cmd, what, rev), "check the revision and the path", true
	}
	kind := "file"
	if n.kind == needDir {
		kind = "folder"
	}
	msg = fmt.Sprintf("`%s` needs the %s %s, which does not exist now, and no step of the plan creates it", n.cmd, kind, what)
	return msg, a.hint(i, n), true
}

// hint names the closest thing the plan does make — same base name, a
// backup-suffixed name (config.py.bak for config.py), or a name a few
// edits away — or says how to make the missing thing.
func (a *Analysis) hint(i int, n *need) string {
	base := filepath.Base(n.path)
	x := a.index()
	// A copy made from the missing file itself cannot be how to make it.
	from := x.backupsOf[n.path]
	usable := func(ev *event) bool {
		return !(ev.path == "" || ev.kind == evDestroy || ev.empty || ev.path == n.path || from[ev.path] ||
			n.restoreTo != "" && ev.path == n.restoreTo)
	}
	// The same name first, then the name with a suffix (config.py.bak),
	// then a name a few letters away; the earliest such thing wins.
	var best *located
	for _, l := range x.byBase[base] {
		if usable(l.ev) {
			best = &located{l.ev, a.steps[l.j]}
			break
		}
	}
	if best == nil {
		for _, l := range x.byStem[base] {
			if usable(l.ev) {
				best = &located{l.ev, a.steps[l.j]}
				break
			}
		}
	}
	if best == nil {
		// Names a few letters away, by length buckets and bounded, so a
		// plan of thousands of missing files stays linear. Among equal
		// distances the earliest wins.
		delta := max(2, len(base)/3)
		var at evLoc
		dist := textfmt.NewDistances(base)
		bestScore, tried := 1<<30, 0
		for n := max(1, len(base)-delta); n <= len(base)+delta && tried < maxHintTries; n++ {
			for _, l := range x.byLen[n] {
				if !usable(l.ev) {
					continue
				}
				if tried++; tried > maxHintTries {
					break
				}
				d := dist.To(filepath.Base(l.ev.path))
				if d > delta {
					continue
				}
				if 1+d < bestScore || 1+d == bestScore && at.later(l) {
					bestScore, at = 1+d, l
					best = &located{l.ev, a.steps[l.j]}
				}
			}
		}
	}
	if best != nil {
		return fmt.Sprintf("the plan makes %s (step %s, line %d: `%s`): restore from there, or make %s in a pre-deploy step",
			a.show(best.ev.path), best.st.step.Key, best.ev.line, best.ev.cmd, a.show(n.path))
	}
	if n.restoreTo != "" && backupLike(n.path) {
		// A restore from a backup nothing makes: make the backup.
		return fmt.Sprintf("add a pre-deploy step that makes it: cp %s %s", a.show(n.restoreTo), a.show(n.path))
	}
	if n.kind == needDir {
		return fmt.Sprintf("create it in an earlier step (mkdir -p %s), or fix the path", a.show(n.path))
	}
	return "make it in an earlier step, or fix the path"
}

// backupFindings reports the backups of step i whose source an earlier
// command already removed, overwrote or dropped.
//
// Backups inside rollback steps are left alone: there, copying the failed
// state before restoring the old one is deliberate.
func (a *Analysis) backupFindings(i int) []Finding {
	st := a.steps[i]
	if st.step.Rollback {
		return nil
	}
	var out []Finding
	for _, b := range st.backups {
		var last *located
		l, ok := a.destroyOf(a.inStep(i, b.seq), b.src)
		if !ok {
			l, ok = a.lastDestroyOf(i, b.src)
		}
		if ok {
			last = &located{l.ev, a.steps[l.j]}
		}
		if last == nil || last.ev.kind == evProduce {
			continue
		}
		verb := destroyVerb(last.ev)
		where := "step " + last.st.step.Key
		if last.st == st {
			where = "an earlier command of this step"
		}
		src := a.showKey(b.src)
		out = append(out, Finding{
			Severity: SevError, Step: st.step.Key, Line: b.line,
			Message: fmt.Sprintf("`%s` backs up %s after %s %s (line %d: `%s`): the backup cannot hold the original",
				b.cmd, src, where, verb, last.ev.line, last.ev.cmd),
			Hint: fmt.Sprintf("move the backup before line %d", last.ev.line),
		})
	}
	return out
}

// destroyVerb says what ev did to the thing: "removes it", "drops it", …
func destroyVerb(ev *event) string {
	switch {
	case ev.kind == evOverwrite:
		return "overwrites it"
	case strings.HasPrefix(ev.how, "DROP") || ev.how == "dropdb":
		return "drops it"
	case strings.HasPrefix(ev.how, "TRUNCATE"):
		return "empties it"
	case ev.how == "mv":
		return "moves it away"
	}
	return "removes it"
}

// show is a path as a person reads it: relative to the plan root when
// inside it.
func (a *Analysis) show(p string) string {
	if rel, err := filepath.Rel(a.root, p); err == nil && !strings.HasPrefix(rel, "..") && rel != "." {
		return rel
	}
	return p
}

func (a *Analysis) showKey(k string) string {
	for _, pre := range []string{"db:", "table:", "schema:"} {
		if strings.HasPrefix(k, pre) {
			return strings.TrimSuffix(pre, ":") + " " + k[len(pre):]
		}
	}
	return a.show(strings.TrimPrefix(k, "git:"))
}
