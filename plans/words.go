package plans

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// The reader decides what a person would count as a step from a few kinds
// of words: the verbs runbooks start an instruction with, the names of
// sections that describe rather than act, and the phrases that introduce a
// way back. They live here so that the rules stay in one place.

// actionVerbs are the imperative verbs runbook steps start with ("Stop the
// service", "Check free disk space", "Take a final backup"). A heading or
// paragraph without an ID counts as an instruction only when it starts with
// one of these: "Background", "After a week" and "Current state" do not.
var actionVerbs = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`add adjust allow announce apply archive ask attach back block bootstrap
	build bump call cancel change check choose clean clear click clone close commit compare configure
	confirm connect copy cordon create cut deploy delete depool disable disconnect do download drain
	drop dump edit empty enable ensure enter exit expire export extend fetch fill find fix flip flush
	follow freeze generate give go grant grow halt import inform install keep kill leave let list load
	lock log look lower make mark merge migrate monitor mount move mute note notify open page pause pick
	pin ping place point post prepare promote publish pull push put raise read reboot rebuild record
	re-enable reenable refresh reindex re-index reload remove rename render repeat replace repool reset
	resize restart restore resume retry revert review roll rotate run re-run rerun save scale schedule
	send set shut silence snapshot start stop swap switch sync tag take tell test tick touch trigger
	truncate turn uncordon undo unlock unmount unmute unpack unpause update upgrade upload vacuum validate
	verify wait warm watch write yank downgrade reimage re-image retract release rollback pre-warm prewarm
	shrink provision decommission deprovision detach reattach promote demote rebalance reconnect
	restore resync re-sync unfreeze unblock unpin unset unschedule uninstall deactivate activate
	reactivate cleanup clean-up`) {
		actionVerbs[w] = true
	}
}

// startsWithVerb reports whether text begins with an instruction: its first
// word (after emoji, marks and a leading "then"/"now"/"first") is one of
// actionVerbs. "Clean-up (next week)" counts by its "clean".
func startsWithVerb(text string) bool {
	if strings.IndexByte(text, ':') >= 0 && labelRE.MatchString(text) {
		return false // "Note: …", "Warning: …" label a remark
	}
	w := firstWords(text, 3)
	if len(w) == 0 {
		return false
	}
	if (w[0] == "then" || w[0] == "now" || w[0] == "first" || w[0] == "finally" || w[0] == "next") && len(w) > 1 {
		w = w[1:]
	}
	v := w[0]
	if actionVerbs[v] {
		return true
	}
	if i := strings.IndexByte(v, '-'); i > 0 && actionVerbs[v[:i]] {
		return true
	}
	return false
}

// labelRE is a word and a colon that label what follows ("Note:", "Tip:").
var labelRE = lazyre.New(`^\W*[A-Za-z]+\**:`)

// sectionNouns, after a verb that is also a noun, make a heading the name
// of a section rather than an action: "Test plan", "Release checklist",
// "Backup strategy", "Change window" (but "Check status" is an action).
var (
	sectionNouns = map[string]bool{}
	nounVerbs    = map[string]bool{}
)

func init() {
	for _, w := range strings.Fields(`plan plans results strategy overview summary schedule window criteria
	process procedure checklist log history status matrix policy report notes`) {
		sectionNouns[w] = true
	}
	for _, w := range strings.Fields(`test release backup change run deploy migrate upgrade rollback
	cleanup clean-up record watch note`) {
		nounVerbs[w] = true
	}
}

// headingAction reports whether a heading names an action: it starts
// with a verb, and is not a section's name ("Test plan").
func headingAction(text string) bool {
	if !startsWithVerb(text) {
		return false
	}
	w := firstWords(text, 2)
	return !(len(w) == 2 && nounVerbs[w[0]] && sectionNouns[w[1]])
}

// firstWords is up to n lower-case words at the start of text, leading
// symbols, emoji and Markdown marks skipped.
func firstWords(text string, n int) []string {
	var out []string
	f := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '\'')
	})
	for _, w := range f {
		w = strings.Trim(w, "-'")
		if w == "" {
			continue
		}
		out = append(out, w)
		if len(out) == n {
			break
		}
	}
	return out
}

// leadClauseRE is a leading subordinate clause ("Before packing anything,",
// "Once it has caught up,", "When all app servers use the new instance,")
// that comes before the instruction of a sentence in prose runbooks.
var leadClauseRE = lazyre.New(`(?i)^(?:before|once|when|after|if|as soon as|while|until|now that)\b[^,.:;]{0,120},\s*`)

// isInstruction reports whether a sentence of prose tells the reader to do
// something: it starts with an action verb, possibly after a leading
// clause ("Before packing anything, look through the CSVs").
func isInstruction(sentence string) bool {
	s := strings.TrimSpace(sentence)
	if startsWithVerb(s) {
		return true
	}
	if m := leadClauseRE.FindString(s); m != "" && !strings.HasPrefix(strings.ToLower(s), "if ") {
		return startsWithVerb(s[len(m):])
	}
	return false
}

// skipHeadingRE names sections that describe, advise or look back rather
// than act: nothing under them is a step (their commands are hints for when
// something fails, or examples), and nothing under them is reported as a
// command no step owns.
var skipHeadingRE = lazyre.New(`(?i)^(?:` +
	`overview|summary|tl;?dr|abstract|introduction|intro|background|context|purpose|scope|out of scope|motivation|goals?|non-goals?|` +
	`table of contents|contents|toc|` +
	`troubleshooting|troubleshoot|faq|faqs|frequently asked questions|q ?& ?a|common (?:problems|issues|errors)|known issues|` +
	`notes?|remarks|caveats|gotchas|warnings?|tips?|` +
	`best practices?|good habits|recommendations|lessons learned|what not to do|don'?ts|anti-?patterns|` +
	`next steps|future work|todo|to do|open questions|` +
	`see also|references?|links|further reading|related(?: docs| pages| runbooks)?|resources|` +
	`contacts?|escalation|who to call|owners?|support|` +
	`risks?(?: and mitigations?)?|risk assessment|impact|` +
	`success criteria|acceptance(?: criteria)?|definition of done|expected (?:output|results?)|` +
	`symptoms|signals|alerts?|` +
	`files that need no changes?|files not changed|unchanged files|` +
	`current state|status|progress|completed(?: so far)?|done so far|changelog|version notes|release notes|` +
	`communication(?: plan)?|glossary|appendix|history|revision history|document history|timeline|` +
	`conclusions?|wrap[- ]?up|results?|outcomes?|retrospective|lessons` +
	`)\b`)

// strongSkipRE names sections that are never part of a step, even under
// a step heading ("#### Troubleshooting" under "### 4. Migrate").
var strongSkipRE = lazyre.New(`(?i)^(?:troubleshooting|faq|faqs|frequently asked questions|see also|references?|further reading|contacts?|escalation|next steps|best practices?|what not to do)\b`)

// isSkipHeading reports whether a heading names a section of description
// (see skipHeadingRE). Leading emoji and IDs ("## 13. Best Practices",
// "## 📝 Notes", "## ✅ Next steps") are ignored.
//
// A numbered heading must be the phrase and nothing more ("## 13. Best
// Practices"): "### 5. Expected output of the check" is a step.
func isSkipHeading(text string) bool {
	t := strings.TrimSpace(stripLeadingSymbols(text))
	numbered := false
	if id, rest, ok := splitID(t, true); ok && id != "" {
		t, numbered = rest, true
	}
	t = strings.TrimSpace(strings.Trim(t, "*_"))
	if !skipHeadingRE.MayMatchAt0(t) {
		return false // most headings: the pattern's first letters rule them out
	}
	loc := skipHeadingRE.FindStringIndex(t)
	if loc == nil {
		return false
	}
	return !numbered || strings.TrimSpace(strings.Trim(t[loc[1]:], ":.")) == ""
}

// stripLeadingSymbols drops emoji, symbols and variation selectors at the
// start of a heading ("🚀 Deploy", "✅ Step 6: Verify").
func stripLeadingSymbols(s string) string {
	return strings.TrimLeftFunc(s, func(r rune) bool {
		return unicode.IsSymbol(r) || unicode.IsSpace(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Cf, r) ||
			r == '\ufe0f' || (unicode.IsPunct(r) && r != '(' && r != '[' && r != '"' && r != '\'' && r != '`' && r != '*' && r != '_')
	})
}

// rollbackIntroRE is a heading or paragraph that introduces the way back in
// other words than "rollback": "If it goes wrong", "If something goes
// wrong", "If the upload is broken", "Failing back", "Fail back".
var rollbackIntroRE = lazyre.New(`(?i)^(?:if|when|in case)\b[^.:]*\b(?:goes wrong|go wrong|went wrong|is broken|are broken|breaks|fails|failed|misbehaves)\b|\bfail(?:ing|s)?[\s-]?back\b`)

// isRollbackIntro reports whether a heading or bold title introduces a way
// back: the rollback words of IsRollbackHeading or rollbackIntroRE.
func isRollbackIntro(text string) bool {
	t := stripLeadingSymbols(text)
	if !mayIntroduceRollback(t) {
		return false
	}
	return IsRollbackHeading(t) || rollbackIntroRE.MatchString(t)
}

// rollbackWords are in every text rollbackRE or rollbackIntroRE matches,
// in some case: "roll" (roll back), "back" (back out), "revert", "fail"
// (fail back, it fails), "wrong" (goes wrong), "broken", "breaks",
// "misbehaves".
var rollbackWords = []string{"roll", "back", "revert", "fail", "wrong", "broken", "breaks", "misbehaves"}

// mayIntroduceRollback is false when an ASCII text holds none of
// rollbackWords in any case, so neither pattern can match it: most
// headings ("Step 12", "Restart the service") are answered without them.
// Other texts go to the patterns, whose case folding reaches beyond ASCII.
func mayIntroduceRollback(t string) bool {
	for i := 0; i < len(t); i++ {
		if t[i] >= utf8.RuneSelf {
			return true
		}
	}
	for _, w := range rollbackWords {
		for i := 0; i+len(w) <= len(t); i++ {
			if strings.EqualFold(t[i:i+len(w)], w) {
				return true
			}
		}
	}
	return false
}

// rollbackContentRE is the first paragraph of a section that says it is
// the way back although its heading does not ("Database": "If the database
// has to go back too, restore the dump from 1.3").
var rollbackContentRE = lazyre.New(`(?i)\bif\b[^.]*\b(?:has|have|needs?) to go back\b|\bto (?:go|get) back to the (?:old|previous)\b|\bto roll (?:it |this |everything )?back\b`)

// partHeadingRE names sub-sections that are a part of the step they sit in
// rather than a step: ways of doing it (Option A, Method 2, Alternative),
// and its checks, notes and examples.
var partHeadingRE = lazyre.New(`(?i)^(?:` + altPattern + `|(?:verify|verification|check|checks|validate|validation|notes?|example|examples|output|expected output|why|how it works|details|explanation|tip|tips|warning)\W*$)`)

// altPattern is a heading, paragraph or tab that names one of several ways
// of doing a step.
const altPattern = `(?:option|method|alternative|approach|variant|way|either)\s*(?:[A-Z0-9]\b|one\b|two\b|three\b|[0-9]+\b|[:(—–-])|(?:alternatively|otherwise)\b`

var altRE = lazyre.New(`(?i)^(?:` + altPattern + `)`)

// isAltTitle reports whether a heading or paragraph names one way of doing
// a step ("Option A: Docker Compose", "Method 2 — copy").
func isAltTitle(text string) bool { return altRE.MatchStringAt0(stripLeadingSymbols(text)) }

// nothingToUndoRE is a per-step rollback that says there is nothing to do.
var nothingToUndoRE = lazyre.New(`(?i)^\W*(?:nothing(?: to (?:undo|roll back|revert|do))?|not needed|none|n/?a|no rollback|no undo|not applicable|no action|not required|nothing changes)\b`)

// descriptiveRE names numbered sections that describe the plan rather than
// act: "## 1. Overview", "## 2. Prerequisites", "## 14. Next Steps".
var descriptiveRE = lazyre.New(`(?i)^(?:prerequisites|requirements|before you (?:start|begin)|preparation notes|assumptions|architecture|design|inventory|timeline|schedule)\b`)
