package lazyre

import (
	"regexp"
	"slices"
	"sync"
	"testing"
)

// TestSameAsRegexp: each method answers as the compiled regexp does,
// and the pattern is compiled only when a method needs it.
func TestSameAsRegexp(t *testing.T) {
	const pat = `(?i)\b(pass(?:word)?)=(\S+)`
	texts := []string{"", "x", "PASSWORD=hunter2 and pass=x", "password= nothing", "a pass=1 b pass=2 c"}
	lz, re := New(pat), regexp.MustCompile(pat)
	if lz.Compiled() {
		t.Fatal("compiled before use")
	}
	if lz.String() != pat || lz.Compiled() {
		t.Fatal("String compiled the pattern or changed it")
	}
	for _, s := range texts {
		check := func(what string, got, want any) {
			t.Helper()
			if !equal(got, want) {
				t.Errorf("%s(%q) = %v, want %v", what, s, got, want)
			}
		}
		check("MatchString", lz.MatchString(s), re.MatchString(s))
		check("Match", lz.Match([]byte(s)), re.Match([]byte(s)))
		check("FindString", lz.FindString(s), re.FindString(s))
		check("FindStringIndex", lz.FindStringIndex(s), re.FindStringIndex(s))
		check("FindStringSubmatch", lz.FindStringSubmatch(s), re.FindStringSubmatch(s))
		check("FindStringSubmatchIndex", lz.FindStringSubmatchIndex(s), re.FindStringSubmatchIndex(s))
		check("FindAllString", lz.FindAllString(s, -1), re.FindAllString(s, -1))
		check("FindAllStringIndex", lz.FindAllStringIndex(s, -1), re.FindAllStringIndex(s, -1))
		check("FindAllStringSubmatch", lz.FindAllStringSubmatch(s, -1), re.FindAllStringSubmatch(s, -1))
		check("FindAllStringSubmatchIndex", lz.FindAllStringSubmatchIndex(s, -1), re.FindAllStringSubmatchIndex(s, -1))
		check("ReplaceAllString", lz.ReplaceAllString(s, "$1=***"), re.ReplaceAllString(s, "$1=***"))
		check("ReplaceAllLiteralString", lz.ReplaceAllLiteralString(s, "$1"), re.ReplaceAllLiteralString(s, "$1"))
		check("ReplaceAllStringFunc", lz.ReplaceAllStringFunc(s, func(m string) string { return "<" + m + ">" }),
			re.ReplaceAllStringFunc(s, func(m string) string { return "<" + m + ">" }))
		check("Split", lz.Split(s, -1), re.Split(s, -1))
	}
	if !lz.Compiled() || lz.Get() == nil || lz.NumSubexp() != 2 || lz.SubexpIndex("x") != -1 {
		t.Error("not compiled after use")
	}
}

// equal compares the results of two regexp methods.
func equal(a, b any) bool {
	switch a := a.(type) {
	case []string:
		return slices.Equal(a, b.([]string))
	case []int:
		return slices.Equal(a, b.([]int))
	case [][]int:
		return slices.EqualFunc(a, b.([][]int), slices.Equal)
	case [][]string:
		return slices.EqualFunc(a, b.([][]string), slices.Equal)
	}
	return a == b
}

// TestConcurrentFirstUse: goroutines that all use a fresh pattern at once
// get one compiled regexp (go test -race checks the publication).
func TestConcurrentFirstUse(t *testing.T) {
	lz := New(`^a+b$`)
	var wg sync.WaitGroup
	got := make([]*regexp.Regexp, 8)
	for i := range got {
		wg.Go(func() {
			if !lz.MatchString("aaab") {
				t.Error("no match")
			}
			got[i] = lz.Get()
		})
	}
	wg.Wait()
	for _, g := range got {
		if g != got[0] {
			t.Fatal("compiled more than once")
		}
	}
}

// TestCompileAll: a bad pattern is reported, not panicked on, and the
// good ones are compiled.
func TestCompileAll(t *testing.T) {
	good, bad := New(`^ok$`), New(`(unclosed`)
	errs := CompileAll()
	if errs[bad.String()] == nil {
		t.Errorf("CompileAll did not report %q", bad.String())
	}
	if errs[good.String()] != nil || !good.Compiled() {
		t.Errorf("CompileAll did not compile %q", good.String())
	}
	made, compiled := Count()
	if made < 2 || compiled >= made {
		t.Errorf("Count = %d made, %d compiled", made, compiled)
	}
}
