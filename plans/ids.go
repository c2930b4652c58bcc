package plans

import (
	"strings"
	"unicode"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// idRE matches a step ID at the start of a text: 8, 8a, 3.2, 3.2b, 10.1.4.
var idRE = lazyre.New(`^[0-9]{1,4}[a-zA-Z]?(?:\.[0-9]{1,4}[a-zA-Z]?)*`)

// letterIDRE matches an ID written with a letter prefix: R1, RB-2, B3, P1,
// R2a. Such IDs need a separator after them ("R1.", "RB-2:") or the word
// Step before them, so that "Q3 review" stays prose.
var letterIDRE = lazyre.New(`^[A-Z]{1,3}-?[0-9]{1,3}[a-z]?(?:\.[0-9]{1,3}[a-z]?)*`)

// stepWordRE is the word that may introduce an ID: "Step 23:", "Task 1.1:".
var stepWordRE = lazyre.New(`^(?i:step|task)\s+`)

// phaseStepRE is "Phase 2, step 4" (ID 2.4), as plans split into phases
// with steps numbered per phase write it.
var phaseStepRE = lazyre.New(`^(?i:phase|stage|part)\s+([0-9]{1,3})\s*[,.:/-]?\s*(?i:step|task)\s+([0-9]{1,3}[a-z]?)`)

// splitID reads a step ID off the start of text (a heading, a paragraph's
// first line, a list item, a shell comment) and returns the ID and the rest
// as the title. Leading emoji are skipped ("🔍 Step 1: Pre-flight checks").
//
// The ID must be followed by ".", ")" or ":" and then a space or the end
// ("8a. Backup", "4) Stop", "23: Roll back", "R1. Drain", "RB-2: Restore"),
// or be introduced by the word Step or Task ("Step 23 - Roll back", "Step
// 7", "Task 1.1: Create the schema", "Step R1: Restore"), or be written as
// "Phase 2, step 4" (ID 2.4). With loose set (headings), a dotted ID
// followed by a space also counts ("3.2 Install packages"), as numbered
// section headings are written that way.
func splitID(text string, loose bool) (id, title string, ok bool) {
	s := strings.TrimSpace(stripLeadingSymbols(text))
	if m := phaseStepRE.FindStringSubmatch(s); m != nil {
		rest := s[len(m[0]):]
		if rest == "" || strings.ContainsRune(".):", rune(rest[0])) || startsSpace(rest) || strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "–") {
			return m[1] + "." + m[2], cleanTitle(strings.TrimLeft(rest, ".):")), true
		}
	}
	step := false
	if m := stepWordRE.FindString(s); m != "" {
		step, s = true, s[len(m):]
	}
	id = idRE.FindString(s)
	if n := leadingDigits(s); n > 4 {
		// idRE reads up to four digits a level; a longer step number is
		// one ID too ("### 10000. Restore", a generated plan of 10,000
		// steps), with what idRE reads after it ("10000a", "10000.2").
		id = s[:n] + idRE.FindString("0" + s[n:])[1:]
	}
	letter := false
	if id == "" {
		id = letterIDRE.FindString(s)
		letter = id != ""
	}
	if id == "" {
		return "", "", false
	}
	rest := s[len(id):]
	switch {
	case rest == "":
		if !step {
			return "", "", false
		}
	case strings.ContainsRune(".):", rune(rest[0])):
		rest = rest[1:]
		if rest != "" && !startsSpace(rest) {
			return "", "", false
		}
	case startsSpace(rest):
		if !step && (letter || !(loose && strings.Contains(id, "."))) {
			// "8a - Backup" is fine too; "2024 review" is not a step.
			t := strings.TrimLeftFunc(rest, unicode.IsSpace)
			if !strings.HasPrefix(t, "- ") && !strings.HasPrefix(t, "– ") && !strings.HasPrefix(t, "— ") {
				return "", "", false
			}
		}
	case step && (strings.HasPrefix(rest, "—") || strings.HasPrefix(rest, "–")):
	default:
		return "", "", false
	}
	return id, cleanTitle(rest), true
}

// leadingDigits counts the ASCII digits s starts with.
func leadingDigits(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}

// cleanTitle trims the separators left between an ID and its title.
func cleanTitle(rest string) string {
	t := strings.TrimSpace(rest)
	return strings.TrimSpace(strings.TrimLeft(t, "-–—:"))
}

func startsSpace(s string) bool {
	for _, r := range s {
		return unicode.IsSpace(r)
	}
	return false
}

// rollbackRE says whether a heading names a rollback phase.
var rollbackRE = lazyre.New(`(?i)\b(roll[\s_-]?(?:s|ed|ing)?[\s_-]?back|back[\s_-]?out|revert)`)

// notRollbackRE is a rollback word that says what something is for rather
// than that it is the way back: "Backup untracked files required for
// rollback", "before reverting", "without a rollback".
var notRollbackRE = lazyre.New(`(?i)\b(?:for|before|after|without|during|until|from|of|enable|enables|allow|allows|allowing|possible|safe|safety|test|testing|prepare|preparing)\s+(?:a\s+|the\s+|any\s+)?$`)

// IsRollbackHeading reports whether a heading's text marks a rollback
// phase: rollback / roll back / backout / back out / revert, in any case,
// unless the word only says what something is for ("Backup untracked files
// required for rollback").
func IsRollbackHeading(text string) bool {
	for _, loc := range rollbackRE.FindAllStringIndex(text, 4) {
		if !notRollbackRE.MatchString(text[:loc[0]]) {
			return true
		}
	}
	return false
}

// Slug is the lower-case, dash-separated form of a phase name, used to
// qualify repeated step IDs ("procedure/1"). It keeps letters and digits of
// any script and is at most 40 bytes, cut between words.
func Slug(name string) string { return slugN(name, 40) }

// StepSlug is the ID of a step written without one: the slug of its title
// ("Stop the service" → "stop-the-service"), at most 48 bytes, cut between
// words, so that it reads as the title does and survives edits elsewhere in
// the file. "" when the title has no letters or digits.
func StepSlug(title string) string { return slugN(title, 48) }

func slugN(name string, max int) string {
	var words []string
	var w strings.Builder
	flush := func() {
		if w.Len() > 0 {
			words = append(words, w.String())
			w.Reset()
		}
	}
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			w.WriteRune(r)
			continue
		}
		flush()
	}
	flush()
	var b strings.Builder
	for _, x := range words {
		n := b.Len() + len(x)
		if b.Len() > 0 {
			n++
		}
		if n > max {
			if b.Len() == 0 {
				// One long word: cut it at a rune boundary.
				for _, r := range x {
					if b.Len()+len(string(r)) > max {
						break
					}
					b.WriteRune(r)
				}
			}
			break
		}
		if b.Len() > 0 {
			b.WriteByte('-')
		}
		b.WriteString(x)
	}
	return b.String()
}
