package plans

import (
	"regexp"
	"strings"
	"unicode"
)

// idRE matches a step ID at the start of a text: 8, 8a, 3.2, 3.2b, 10.1.4.
var idRE = regexp.MustCompile(`^[0-9]{1,4}[a-zA-Z]?(?:\.[0-9]{1,4}[a-zA-Z]?)*`)

var stepWordRE = regexp.MustCompile(`^(?i:step)\s+`)

// splitID reads a step ID off the start of text (a heading, a paragraph's
// first line, a list item, a shell comment) and returns the ID and the rest
// as the title.
//
// The ID must be followed by ".", ")" or ":" and then a space or the end
// ("8a. Backup", "4) Stop", "23: Roll back"), or be introduced by the word
// Step ("Step 23 - Roll back", "Step 7"). With loose set (headings), a
// dotted ID followed by a space also counts ("3.2 Install packages"), as
// numbered section headings are written that way.
func splitID(text string, loose bool) (id, title string, ok bool) {
	s := strings.TrimSpace(text)
	step := false
	if m := stepWordRE.FindString(s); m != "" {
		step, s = true, s[len(m):]
	}
	id = idRE.FindString(s)
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
		if !step && !(loose && strings.Contains(id, ".")) {
			// "8a - Backup" is fine too; "2024 review" is not a step.
			t := strings.TrimLeftFunc(rest, unicode.IsSpace)
			if !strings.HasPrefix(t, "- ") && !strings.HasPrefix(t, "– ") && !strings.HasPrefix(t, "— ") {
				return "", "", false
			}
		}
	default:
		return "", "", false
	}
	title = strings.TrimSpace(rest)
	title = strings.TrimSpace(strings.TrimLeft(title, "-–—:"))
	return id, title, true
}

func startsSpace(s string) bool {
	for _, r := range s {
		return unicode.IsSpace(r)
	}
	return false
}

// rollbackRE says whether a heading names a rollback phase.
var rollbackRE = regexp.MustCompile(`(?i)\b(roll[\s_-]?back|back[\s_-]?out|revert)`)

// IsRollbackHeading reports whether a heading's text marks a rollback
// phase: rollback / roll back / backout / back out / revert, in any case.
func IsRollbackHeading(text string) bool { return rollbackRE.MatchString(text) }

// Slug is the lower-case, dash-separated form of a phase name, used to
// qualify repeated step IDs ("procedure/1") and in generated IDs. It keeps
// letters and digits of any script, at most 40 bytes.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			if b.Len() >= 40 {
				break
			}
			continue
		}
		dash = true
	}
	return b.String()
}
