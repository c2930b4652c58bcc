package textfmt

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/rivo/uniseg"
)

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		n           int64
		long, short string
	}{
		{0, "0 B", "0B"},
		{48, "48 B", "48B"},
		{1023, "1023 B", "1023B"},
		{1024, "1.0 KiB", "1.0K"},
		{1536, "1.5 KiB", "1.5K"},
		{64 << 10, "64.0 KiB", "64K"},
		{1 << 20, "1.0 MiB", "1.0M"},
		{3*1<<30 + 1<<29, "3.5 GiB", "3.5G"},
		{120 << 30, "120.0 GiB", "120G"},
		{1<<20 - 1, "1.0 MiB", "1.0M"}, // not "1024.0 KiB"
		{1 << 40, "1.0 TiB", "1.0T"},
	} {
		if got := Bytes(tt.n); got != tt.long {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.long)
		}
		if got := BytesShort(uint64(tt.n)); got != tt.short {
			t.Errorf("BytesShort(%d) = %q, want %q", tt.n, got, tt.short)
		}
	}
	if got := Bytes(-2048); got != "-2.0 KiB" {
		t.Errorf("Bytes(-2048) = %q", got)
	}
}

func TestAges(t *testing.T) {
	for _, tt := range []struct {
		d           time.Duration
		long, short string
	}{
		{-time.Second, "0s (in the future: check the clock)", "0s"},
		{45 * time.Second, "45s", "45s"},
		{12*time.Minute + 30*time.Second, "12m", "12m"},
		{5*time.Hour + 3*time.Minute, "5h3m", "5h"},
		{3 * time.Hour, "3h", "3h"},
		{52 * time.Hour, "2d4h", "2d"},
	} {
		if got := Age(tt.d); got != tt.long {
			t.Errorf("Age(%s) = %q, want %q", tt.d, got, tt.long)
		}
		if got := AgeShort(tt.d); got != tt.short {
			t.Errorf("AgeShort(%s) = %q, want %q", tt.d, got, tt.short)
		}
	}
}

func TestDurations(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Second:         "5s",
		1549 * time.Millisecond: "1.5s",
		300 * time.Millisecond:  "300ms",
		1234 * time.Microsecond: "1ms",
		700 * time.Microsecond:  "700µs",
		2 * time.Minute:         "2m0s",
	} {
		if got := Duration(d); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
	for ms, want := range map[float64]string{0.42: "0.4ms", 9.96: "10.0ms", 12.4: "12ms", 999: "999ms", 1300: "1.3s"} {
		if got := Millis(ms); got != want {
			t.Errorf("Millis(%v) = %q, want %q", ms, got, want)
		}
	}
}

func TestLines(t *testing.T) {
	if got := OneLine("  a\n\tb\r\n  c  "); got != "a b c" {
		t.Errorf("OneLine = %q", got)
	}
	if got := OneLine(" plain "); got != "plain" {
		t.Errorf("OneLine = %q", got)
	}
	if got := FirstLine("\n  \n  first  \nsecond"); got != "first" {
		t.Errorf("FirstLine = %q", got)
	}
	for _, tt := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"a longer title than fits", 10, "a longer …"},
		{"two\nlines", 20, "two lines"},
		{"日本語のタイトル", 7, "日本語…"}, // wide runes count two columns
		{"e\u0301te\u0301 longer", 4, "e\u0301te\u0301…"},
		{"anything", 0, "anything"},
	} {
		if got := Clip(tt.s, tt.n); got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.s, tt.n, got, tt.want)
		}
		if got := Clip(tt.s, tt.n); tt.n > 0 && Width(got) > tt.n {
			t.Errorf("Clip(%q, %d) is %d columns wide", tt.s, tt.n, Width(got))
		}
	}
	if got := Pad("ab", 4) + "|"; got != "ab  |" {
		t.Errorf("Pad = %q", got)
	}
	if Plural(1, "error") != "1 error" || Plural(0, "warning") != "0 warnings" || Plural(3, "step") != "3 steps" {
		t.Error("Plural")
	}
}

func TestSuggest(t *testing.T) {
	if d := Distance("kitten", "sitting"); d != 3 {
		t.Errorf("Distance = %d, want 3", d)
	}
	if d := Distance("état", "etat"); d != 1 {
		t.Errorf("Distance counts runes: got %d, want 1", d)
	}
	candidates := []string{"state", "repo", "name", "severity", "timeout"}
	for got, want := range map[string]string{
		"stat":     "state",
		"STATE":    "state",
		"timout":   "timeout",
		"severty":  "severity",
		"xyz":      "",
		"a":        "",
		"location": "",
	} {
		if c := Closest(got, candidates); c != want {
			t.Errorf("Closest(%q) = %q, want %q", got, c, want)
		}
	}
	if s := DidYouMean("stat", candidates); s != ` (did you mean "state"?)` {
		t.Errorf("DidYouMean = %q", s)
	}
	if s := DidYouMean("zzz", candidates); s != "" {
		t.Errorf("DidYouMean = %q, want nothing", s)
	}
}

// TestPrintable: what would act on a terminal is shown as an escape;
// everything else, tabs and newlines included, is kept.
func TestPrintable(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, ✓ ünïcode 日本", "plain text, ✓ ünïcode 日本"},
		{"tab\tand\nnewline", "tab\tand\nnewline"},
		{"503 \x1b]0;owned\x07Service Unavailable", `503 \x1b]0;owned\x07Service Unavailable`},
		{"\x1b[2J\x1b[Hcleared", `\x1b[2J\x1b[Hcleared`},
		{"over\rwrite", `over\x0dwrite`},
		{"del\x7f", `del\x7f`},
		{"c1 \u009b31m red", `c1 \u009b31m red`},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`},
		{"isolate \u2066x\u2069", `isolate \u2066x\u2069`},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Printable(tt.in); got != tt.want {
			t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := Printable(tt.want); got != tt.want {
			t.Errorf("Printable is not idempotent on %q: %q", tt.want, got)
		}
	}
}

// TestFits checks Fits against Width on every budget around each text's
// width: wide runes, combining marks, emoji sequences and flags included.
func TestFits(t *testing.T) {
	for _, s := range []string{"", "a", "abc", "日本語", "e\u0301te\u0301", "👩‍👩‍👧 ok", "🇫🇷🇩🇪", "tab\there", strings.Repeat("x", 300)} {
		w := Width(s)
		for n := max(0, w-3); n <= w+3; n++ {
			if got, want := Fits(s, n), w <= n; got != want {
				t.Errorf("Fits(%q, %d) = %v, want %v (width %d)", s, n, got, want, w)
			}
		}
	}
}

// Distance agrees with the textbook recursion on names shorter and longer
// than its stack buffers, and compares short names without allocating.
func TestDistanceBuffers(t *testing.T) {
	ref := func(a, b []rune) int {
		// Row by row, all in fresh slices: the plain definition.
		d := make([][]int, len(a)+1)
		for i := range d {
			d[i] = make([]int, len(b)+1)
			d[i][0] = i
		}
		for j := range d[0] {
			d[0][j] = j
		}
		for i := 1; i <= len(a); i++ {
			for j := 1; j <= len(b); j++ {
				c := 1
				if a[i-1] == b[j-1] {
					c = 0
				}
				d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			}
		}
		return d[len(a)][len(b)]
	}
	long := strings.Repeat("backup-é", 12) // 96 runes
	for _, c := range [][2]string{
		{"", ""}, {"", "abc"}, {"abc", ""}, {"app-12.py", "app-21.py"},
		{long, long[:len(long)-3]}, {long, "app.py"}, {"app.py", long}, {long + "x", "y" + long},
		{strings.Repeat("a", 64), strings.Repeat("a", 63) + "b"}, {strings.Repeat("ä", 65), strings.Repeat("ä", 64)},
	} {
		if got, want := Distance(c[0], c[1]), ref([]rune(c[0]), []rune(c[1])); got != want {
			t.Errorf("Distance(%q, %q) = %d, want %d", c[0], c[1], got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { Distance("config_chromadb.py", "config-chroma.py.bak") }); n != 0 {
		t.Errorf("Distance of two short names allocates %v times", n)
	}
}

// TestDistancesAgreeWithDistance: on random names (ASCII, some with
// multi-byte runes, some longer than 64 bytes), Distances.To is Distance.
func TestDistancesAgreeWithDistance(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "b", "c", "-", ".", "p", "y", "1", "2", "é", "ü", "日"}
	word := func() string {
		var b strings.Builder
		n := r.IntN(14)
		if r.IntN(20) == 0 {
			n = 60 + r.IntN(10) // around the 64-byte word
		}
		for range n {
			if r.IntN(8) == 0 {
				b.WriteString(alphabet[r.IntN(len(alphabet))])
			} else {
				b.WriteString(alphabet[r.IntN(8)])
			}
		}
		return b.String()
	}
	fast := 0
	for range 20000 {
		a := word()
		d := NewDistances(a)
		if d.fast {
			fast++
		}
		for range 4 {
			b := word()
			if got, want := d.To(b), Distance(a, b); got != want {
				t.Fatalf("NewDistances(%q).To(%q) = %d, want %d", a, b, got, want)
			}
		}
	}
	if fast < 5000 {
		t.Errorf("only %d names took the bit-parallel path: the comparison is too thin", fast)
	}
}

// TestWidthAndFitsASCIIPathAgreeWithUniseg: Width and Fits answer as
// grapheme segmentation does on random texts of printable ASCII mixed with
// what combines with or follows it (combining marks, variation selectors,
// zero-width joiners, keycaps, wide and control characters).
func TestWidthAndFitsASCIIPathAgreeWithUniseg(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	extra := []string{"\u0301", "\ufe0f", "\u200d", "\u20e3", "日", "👍", "\t", "\r\n", "\x1b", "\u00ad", "\u0600"}
	text := func() string {
		var b strings.Builder
		for range r.IntN(20) {
			if r.IntN(6) == 0 {
				b.WriteString(extra[r.IntN(len(extra))])
			} else {
				b.WriteByte(byte(0x20 + r.IntN(0x5f)))
			}
		}
		return b.String()
	}
	ascii := 0
	for range 50000 {
		s := text()
		if printableASCII(s) {
			ascii++
		}
		if got, want := Width(s), uniseg.StringWidth(s); got != want {
			t.Fatalf("Width(%q) = %d, uniseg says %d", s, got, want)
		}
		for n := -1; n <= 22; n++ {
			if got, want := Fits(s, n), uniseg.StringWidth(s) <= n || s == "" && n < 0; got != want {
				t.Fatalf("Fits(%q, %d) = %v, want %v", s, n, got, want)
			}
		}
	}
	if ascii < 5000 {
		t.Errorf("only %d texts of printable ASCII: the fast path is hardly compared", ascii)
	}
}
