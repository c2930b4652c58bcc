// Package textfmt is how gonogo writes numbers and text for people: sizes,
// ages, durations, one-line and width-clipped text, plurals, and "did you
// mean" suggestions. Every stage uses it — the plan reader for its errors,
// the probes for their messages, the views for their columns — so a size
// or an age reads the same everywhere. It is a leaf: nothing of gonogo's.
package textfmt

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rivo/uniseg"
)

// Bytes is a size in binary units, as a message says it: "48 B", "1.5 KiB",
// "3.2 GiB" — the units a plan writes (512MiB, 10GiB).
func Bytes(n int64) string {
	if n < 0 {
		return "-" + Bytes(-n)
	}
	v, unit := scale(uint64(n))
	if unit == 0 {
		return fmt.Sprintf("%d B", n)
	}
	return fmt.Sprintf("%.1f %ciB", v, unit)
}

// BytesShort is a size for a narrow column, as `df -h` prints it: "48B",
// "1.5K", "3.2G", "120G" (one decimal below 10).
func BytesShort(n uint64) string {
	v, unit := scale(n)
	if unit == 0 {
		return fmt.Sprintf("%dB", n)
	}
	if v < 10 {
		return fmt.Sprintf("%.1f%c", v, unit)
	}
	return fmt.Sprintf("%.0f%c", v, unit)
}

// scale divides n by 1024 until it is below 1024 and names the unit: 0 for
// bytes, else K, M, G, T, P or E.
func scale(n uint64) (float64, byte) {
	const k = 1024
	if n < k {
		return float64(n), 0
	}
	v, i := float64(n), -1
	for v >= k && i < 5 {
		v /= k
		i++
	}
	if v >= 1023.95 && i < 5 { // would print as 1024.0: say 1.0 of the next unit
		v /= k
		i++
	}
	return v, "KMGTPE"[i]
}

// Age is how old something is, to the minute: "45s", "12m", "5h3m",
// "2d4h". A negative age (a clock set back, a file from the future) says so.
func Age(d time.Duration) string {
	if d < 0 {
		return "0s (in the future: check the clock)"
	}
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		h := int(d.Hours())
		m := int(d.Minutes()) - 60*h
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	}
	days := int(d.Hours()) / 24
	return fmt.Sprintf("%dd%dh", days, int(d.Hours())-24*days)
}

// AgeShort is an age in one unit for a narrow column: "12s", "4m", "3h",
// "2d". A negative age is "0s".
func AgeShort(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}

// Duration is a timeout or an interval, rounded for people: "5s", "1.5s",
// "300ms", "2m0s".
func Duration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= 100*time.Millisecond:
		return d.Round(10 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	default:
		return d.String()
	}
}

// Millis is how long a check took, from milliseconds: "0.4ms", "12ms",
// "1.3s".
func Millis(ms float64) string {
	switch {
	case ms < 10:
		return fmt.Sprintf("%.1fms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0fms", ms)
	}
	return fmt.Sprintf("%.1fs", ms/1000)
}

// OneLine folds s onto one line: every run of white space, line ends
// included, becomes one space, and the ends are trimmed. Errors from
// libraries and commands carry newlines; a row or a log entry is one line.
func OneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n\t") && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// FirstLine is the first line of s that is not blank, trimmed.
func FirstLine(s string) string {
	for l := range strings.SplitSeq(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

// Width is the number of terminal columns s takes (wide runes count two,
// combining marks none).
func Width(s string) int {
	if printableASCII(s) {
		return len(s)
	}
	return uniseg.StringWidth(s)
}

// printableASCII reports whether s is all printable ASCII (space to ~),
// where every byte is a grapheme cluster one column wide: Width and Fits
// then need no grapheme segmentation, which was most of the text report's
// time on a plan of 10,000 steps (IDs, titles and phases are mostly
// ASCII).
func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return false
		}
	}
	return true
}

// Fits reports whether s takes at most n columns: Width(s) <= n. It stops
// at the first grapheme cluster past n, so asking it of a long text costs
// about n clusters, not the text: folding or clipping a 1 MB message one
// line at a time stays linear in its length (Width on what is left, line
// after line, made it quadratic).
func Fits(s string, n int) bool {
	if n >= 0 && printableASCII(s[:min(len(s), n+1)]) {
		// Printable ASCII up to a byte past n: n clusters of one
		// column, and another of at least one when s goes on.
		return len(s) <= n
	}
	w, state := 0, -1
	for s != "" {
		var cw int
		_, s, cw, state = uniseg.FirstGraphemeClusterInString(s, state)
		if w += cw; w > n {
			return false
		}
	}
	return true
}

// Clip puts s on one line of at most n columns, ending in "…" when it had
// to cut. Grapheme clusters are never split.
func Clip(s string, n int) string {
	s = OneLine(s)
	if n <= 0 || Fits(s, n) {
		return s
	}
	var b strings.Builder
	w := 0
	g := uniseg.NewGraphemes(s)
	for g.Next() {
		cw := g.Width()
		if w+cw > n-1 {
			break
		}
		b.WriteString(g.Str())
		w += cw
	}
	b.WriteString("…")
	return b.String()
}

// Pad right-pads s with spaces to n columns.
func Pad(s string, n int) string {
	if w := Width(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s
}

// Plural is the count and the word, with an s when the count is not one:
// "1 error", "3 warnings".
func Plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// Distance is the Levenshtein edit distance between a and b, in runes.
// Names up to 64 runes are compared in buffers on the stack: the findings
// pass compares up to 64 names for every missing file it hints at, and a
// plan of thousands of them spent more on these slices than on comparing.
func Distance(a, b string) int {
	var bufA, bufB [64]rune
	var bufPrev, bufCur [65]int
	ra, rb := appendRunes(bufA[:0], a), appendRunes(bufB[:0], b)
	prev, cur := bufPrev[:0], bufCur[:0]
	if len(rb)+1 > len(bufPrev) {
		prev, cur = make([]int, 0, len(rb)+1), make([]int, 0, len(rb)+1)
	}
	prev, cur = prev[:len(rb)+1], cur[:len(rb)+1]
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Distances measures the edit distance from one name to many: the
// findings pass compares a missing file's name with up to 64 names the
// plan makes, for every missing file, and a plan of thousands spent more
// time there than in reading the plan. For an ASCII name of at most 64
// bytes it uses the bit-parallel algorithm of Myers (1999) in Hyyrö's
// form for edit distance, one machine word per column of the table
// instead of a cell; other names fall back to Distance.
type Distances struct {
	from string
	peq  [128]uint64 // bit i set: from[i] is that byte
	fast bool
}

// NewDistances prepares the distances from from.
func NewDistances(from string) *Distances {
	d := &Distances{from: from}
	if len(from) == 0 || len(from) > 64 || !isASCII(from) {
		return d
	}
	d.fast = true
	for i := 0; i < len(from); i++ {
		d.peq[from[i]] |= 1 << i
	}
	return d
}

// To is Distance(from, to).
func (d *Distances) To(to string) int {
	if !d.fast || !isASCII(to) {
		return Distance(d.from, to)
	}
	m := len(d.from)
	pv, mv := ^uint64(0), uint64(0)
	last := uint64(1) << (m - 1)
	score := m
	for j := 0; j < len(to); j++ {
		eq := d.peq[to[j]]
		xv := eq | mv
		xh := (((eq & pv) + pv) ^ pv) | eq
		ph := mv | ^(xh | pv)
		mh := pv & xh
		if ph&last != 0 {
			score++
		} else if mh&last != 0 {
			score--
		}
		ph = ph<<1 | 1
		mh <<= 1
		pv = mh | ^(xv | ph)
		mv = ph & xv
	}
	return score
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// appendRunes appends the runes of s to buf.
func appendRunes(buf []rune, s string) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// Closest is the candidate nearest to s by edit distance (case-folded),
// or "" when none is close enough to be a plausible typo: at most 2 edits
// (3 for words longer than 6), and fewer edits than s has letters.
func Closest(s string, candidates []string) string {
	best, bestD := "", 1<<30
	ls := strings.ToLower(s)
	for _, c := range candidates {
		if d := Distance(ls, strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	limit := 2
	if len([]rune(s)) > 6 {
		limit = 3
	}
	if bestD <= limit && bestD < len([]rune(s)) {
		return best
	}
	return ""
}

// DidYouMean is ` (did you mean "x"?)` when x is a plausible typo of got,
// else "".
func DidYouMean(got string, candidates []string) string {
	if c := Closest(got, candidates); c != "" {
		return ` (did you mean "` + c + `"?)`
	}
	return ""
}

// Printable makes s safe to print on a terminal, in a log or a ticket:
// every character that would act on a terminal instead of showing is
// replaced by a visible escape — C0 controls but tab and newline ("\x1b",
// "\x0d"), DEL, C1 controls ("\u009b", a CSI to some terminals), the
// bidirectional overrides and isolates that reorder what follows
// ("\u202e"), and bytes that are not UTF-8 ("\xff"). A text from the
// world — an HTTP reason phrase, a symlink target, a command's output, a
// file name, the plan itself — then can neither move the cursor, retitle
// or clear the terminal, nor hide what follows it. Text that needs none
// of this is returned as is.
func Printable(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || ActsOnTerminal(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
				fmt.Fprintf(&b, `\x%02x`, c)
			} else {
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, c)
		case ActsOnTerminal(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// actsOnTerminal reports whether r, above ASCII, is a C1 control or a
// bidirectional control.
func ActsOnTerminal(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f: // C1 controls: CSI, OSC, …
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
