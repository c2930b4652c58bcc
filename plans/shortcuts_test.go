package plans

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// plainPieces are the words, operators and fragments the random blocks of
// TestPlainCommandsAgreeWithParser are made of: plain ones the fast path
// takes, and every kind of thing it must leave to the parser.
var plainPieces = []string{
	"cp", "app.py", "backups/app-4.py", "git", "add", "commit", "-m", `"step 2"`, `'a b'`, `"it's"`, `'say "hi"'`,
	"echo", "done", "mkdir", "-p", "out/1", "tar", "-xzf", "x.tgz", "-C", "--", "HEAD", "~/x", "*.py", "a?b",
	"k=v", "FOO=1", "--opt=a,b:c@d%e+f^g",
	"&&", "||", "|", "&", ">", ">>", "2>", "2>&1", "&>", ">|", "<", "<<EOF", "EOF", ";", ";;",
	"if", "then", "fi", "for", "in", "do", "while", "case", "esac", "time", "!", "{", "}", "[[", "]]", "[", "]",
	"export", "let", "function", "coproc", "select", "until", "elif", "else",
	"$x", "${x}", "$(date)", "`date`", `"$HOME"`, `\`, `a\`, "(", ")", "((", "))", "#", "# note", "x#y",
	`"open`, `'open`, `"a\"b"`, `'!'`, "é", "\t", "", " ", "\f", "\v", "\u00a0", "\u0085", "\r",
}

// randomBlock is up to 5 lines of up to 7 pieces; some lines are comments
// or blank.
func randomBlock(r *rand.Rand) []srcLine {
	n := 1 + r.IntN(5)
	lines := make([]srcLine, n)
	for i := range lines {
		var parts []string
		switch r.IntN(10) {
		case 0:
			parts = []string{"# a comment; with (stuff) $x 'open"}
		case 1:
			parts = nil // blank
		default:
			for range 1 + r.IntN(7) {
				// Mostly plain words, so that many blocks are plain.
				if r.IntN(3) > 0 {
					parts = append(parts, plainPieces[r.IntN(30)])
				} else {
					parts = append(parts, plainPieces[r.IntN(len(plainPieces))])
				}
			}
		}
		sep := " "
		if r.IntN(8) == 0 {
			sep = "" // words run together: "cp>x", "a&&b"
		}
		lines[i] = srcLine{text: strings.Repeat(" ", r.IntN(2)) + strings.Join(parts, sep), line: 10 + 2*i}
	}
	return lines
}

// TestPlainCommandsAgreeWithParser: on random blocks, whenever the fast
// path takes a block, its commands are exactly the parser's. It also
// checks that the fast path takes a fair share of them, and the
// harness's plan blocks, so the comparison is not empty.
func TestPlainCommandsAgreeWithParser(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 10000))
	const blocks = 60000
	taken := 0
	for range blocks {
		lines := randomBlock(r)
		fast, ok := plainCommands(lines)
		if !ok {
			continue
		}
		taken++
		if want := parsedCommands(lines); !reflect.DeepEqual(fast, want) {
			t.Fatalf("block %q:\nfast   %+v\nparser %+v", texts(lines), fast, want)
		}
	}
	if taken < blocks/20 {
		t.Errorf("the fast path took %d of %d random blocks: too few to compare", taken, blocks)
	}
	t.Logf("fast path took %d of %d random blocks", taken, blocks)
	for _, text := range []string{
		"cp app.py backups/app-4.py",
		"mkdir -p out/1\necho done > out/1/marker",
		`git add app.py && git commit -m "step 2"`,
		"tar -xzf releases/app-3.tgz -C out",
		"git checkout HEAD -- config_chromadb.py",
		"# stop it first\nsystemctl stop app\n\ncurl -fsS http://localhost:8080/health | jq .status",
	} {
		var lines []srcLine
		for i, l := range strings.Split(text, "\n") {
			lines = append(lines, srcLine{text: l, line: i + 1})
		}
		fast, ok := plainCommands(lines)
		if !ok {
			t.Errorf("%q: not taken by the fast path", text)
			continue
		}
		if want := parsedCommands(lines); !reflect.DeepEqual(fast, want) {
			t.Errorf("%q:\nfast   %+v\nparser %+v", text, fast, want)
		}
	}
}

// TestPlainCommandsDecline: blocks the parser must read.
func TestPlainCommandsDecline(t *testing.T) {
	for _, text := range []string{
		"cp a b \\\n  c", "if true; then\n  x\nfi", "a &", "a && b &&", "a |", "| a", "FOO=1 run", "> out echo",
		"echo $HOME", "cat <<EOF\nx\nEOF", "echo 'open", `echo "a\"b"`, "x # note", "for f in *; do rm $f; done",
		"echo a; echo b", "{ a; }", "(cd x && make)", "echo a >& b", "echo a &> b", "echo >", "time make", "export X=1",
		"\f # a form feed is a word to the shell", "\u0085 # so is a next-line character", "cp a b\u00a0",
	} {
		var lines []srcLine
		for i, l := range strings.Split(text, "\n") {
			lines = append(lines, srcLine{text: l, line: i + 1})
		}
		if _, ok := plainCommands(lines); ok {
			t.Errorf("%q: taken by the fast path", text)
		}
	}
}

func texts(lines []srcLine) []string {
	var out []string
	for _, l := range lines {
		out = append(out, l.text)
	}
	return out
}

// TestFileLineShortcut: fileLine's shortcut (no =, :, <, > or leading [)
// answers as the five file-line patterns do, on every line of the corpus
// and on random lines made of their pieces.
func TestFileLineShortcut(t *testing.T) {
	full := func(t string) bool {
		return requirementRE.MatchString(t) || dotenvRE.MatchString(t) || propertiesRE.MatchString(t) ||
			iniSectionRE.MatchString(t) || iniKeyRE.MatchString(t)
	}
	var lines []string
	files, _ := filepath.Glob("testdata/corpus/*.md")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(src), "\n") {
			lines = append(lines, strings.TrimSpace(l))
		}
	}
	r := rand.New(rand.NewPCG(5, 6))
	pieces := []string{"a", "Z", "_", "x.y", "-", " ", "=", "==", ">=", "<", ">", ":", "[", "]", "\"v\"", "'v'", "1.2", ";", "$", "*"}
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		lines = append(lines, b.String())
	}
	matched := 0
	for _, l := range lines {
		want := full(l)
		if got := fileLine(l); got != want {
			t.Fatalf("fileLine(%q) = %v, the patterns say %v", l, got, want)
		}
		if want {
			matched++
		}
	}
	if matched < 100 {
		t.Errorf("only %d of %d lines are file lines: the comparison is too thin", matched, len(lines))
	}
}

// TestHeadingShortcuts: isRollbackIntro with its shortcut answers as the
// patterns alone do, and labelRE matches no text without a colon (which
// startsWithVerb then does not ask it about), on every line of the corpus
// (headings and prose alike) and on random texts made of the words the
// patterns look for, in mixed case, with and without non-ASCII letters.
func TestHeadingShortcuts(t *testing.T) {
	rollbackIntro := func(text string) bool {
		t := stripLeadingSymbols(text)
		return IsRollbackHeading(t) || rollbackIntroRE.MatchString(t)
	}
	var texts []string
	files, _ := filepath.Glob("testdata/corpus/*.md")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(src), "\n") {
			texts = append(texts, strings.TrimLeft(strings.TrimSpace(l), "#* "))
		}
	}
	r := rand.New(rand.NewPCG(7, 8))
	pieces := []string{"Roll", "back", "ROLLBACK", "rolling-back", "Back out", "revert", "Fail", "failing back", "If", "when",
		"in case", "it", "goes wrong", "is Broken", "breaks", "misbehaves", "Note", ":", "Step", "12.", " ", "ſ", "K", "é", "🚀", "restart"}
	for range 30000 {
		var b strings.Builder
		for range 1 + r.IntN(6) {
			b.WriteString(pieces[r.IntN(len(pieces))])
			if r.IntN(3) > 0 {
				b.WriteByte(' ')
			}
		}
		texts = append(texts, b.String())
	}
	hits := 0
	for _, text := range texts {
		want := rollbackIntro(text)
		if got := isRollbackIntro(text); got != want {
			t.Fatalf("isRollbackIntro(%q) = %v, the patterns say %v", text, got, want)
		}
		if want {
			hits++
		}
		// startsWithVerb asks labelRE only of a text with a colon.
		if !strings.Contains(text, ":") && labelRE.MatchString(text) {
			t.Fatalf("labelRE matches %q, which has no colon", text)
		}
	}
	if hits < 1000 {
		t.Errorf("only %d texts introduce a rollback: the comparison is too thin", hits)
	}
}

// TestMayMatchAt0IsSound: for every pattern of the packages in this test
// binary, and texts from the corpus, random texts and texts built from
// the pattern's own words, MayMatchAt0 is never false where the pattern
// matches. It also checks the shortcut does rule texts out, for the
// heading pattern it is used for.
func TestMayMatchAt0IsSound(t *testing.T) {
	var texts []string
	files, _ := filepath.Glob("testdata/corpus/*.md")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(string(src), "\n") {
			l = strings.TrimSpace(l)
			texts = append(texts, l, strings.TrimLeft(l, "#*-0123456789. "))
		}
	}
	// Headings the skip-heading pattern matches through its optional
	// parts ("tl;?dr", "q ?& ?a", "anti-?patterns").
	texts = append(texts, "TL;DR", "TLDR", "tldr:", "Q&A", "Q & A", "q &a", "Don'ts", "Donts", "Anti-patterns", "Antipatterns",
		"Wrap-up", "Wrapup", "wrap up", "Goal", "Goals", "Non-goals", "Risks and mitigations", "Related docs", "FAQs", "To do", "ToDo")
	r := rand.New(rand.NewPCG(9, 10))
	all := lazyre.All()
	for _, re := range all {
		// Words of the pattern itself, so its alternatives are met.
		words := strings.FieldsFunc(re.String(), func(c rune) bool { return strings.ContainsRune(`|()?:^$\[]*+{}`, c) })
		for range 40 {
			var b strings.Builder
			for range 1 + r.IntN(3) {
				if len(words) > 0 && r.IntN(3) > 0 {
					w := words[r.IntN(len(words))]
					if r.IntN(2) == 0 {
						w = strings.ToUpper(w[:1]) + w[1:]
					}
					b.WriteString(w)
				} else {
					b.WriteString([]string{" ", "a", "Z", "1", ".", "-", "é", "K", "ſ", "\t", "x"}[r.IntN(11)])
				}
				if r.IntN(2) == 0 {
					b.WriteByte(' ')
				}
			}
			texts = append(texts, b.String())
		}
	}
	anchored, ruledOut := 0, 0
	for _, re := range all {
		known := false
		for _, s := range texts {
			may := re.MayMatchAt0(s)
			if !may {
				known = true
				if re == skipHeadingRE {
					ruledOut++
				}
			}
			if re.MatchStringAt0(s) != re.MatchString(s) {
				t.Fatalf("%s: MatchStringAt0(%q) differs from MatchString", re, s)
			}
			if !may && re.MatchString(s) {
				t.Fatalf("%s matches %q, which MayMatchAt0 ruled out", re, s)
			}
		}
		if known {
			anchored++
		}
	}
	if ruledOut < 1000 || anchored < 10 {
		t.Errorf("the shortcut ruled out %d texts for the skip-heading pattern and worked for %d patterns: too few to trust the test", ruledOut, anchored)
	}
	t.Logf("%d patterns, %d with a working shortcut; %d of %d texts ruled out for the skip-heading pattern", len(all), anchored, ruledOut, len(texts))
}
