// Package lazyre is a regular expression compiled on first use.
//
// gonogo's packages hold a few hundred package-level patterns (the plan
// reader's words and headings, the inference's command shapes, the
// redaction rules). Compiled by regexp.MustCompile in package variables
// they cost every process — gonogo --help, a --once run over a plan that
// needs a tenth of them — about a third of its start-up time, plus the
// garbage that brings the first collection forward. A Regexp here is
// only its pattern until a method is called; then it is compiled once
// (safe for concurrent use) and every later call goes straight to the
// compiled *regexp.Regexp.
//
// A pattern that does not compile panics on first use instead of at
// start-up: All lists every Regexp made, so a test can compile them all
// (see CompileAll) and a bad pattern still fails the build's tests.
package lazyre

import (
	"regexp"
	"sync"
	"sync/atomic"
)

// Regexp is a pattern compiled on first use. Its methods are those of
// *regexp.Regexp that gonogo uses; Get returns the compiled form for the
// rest.
type Regexp struct {
	pattern string
	once    sync.Once
	re      atomic.Pointer[regexp.Regexp]
	pre     prefixes // for MayMatchAt0 (prefix.go)
}

// registry is every Regexp made by New, for CompileAll.
var registry struct {
	sync.Mutex
	all []*Regexp
}

// New returns a Regexp for pattern, not compiled yet. Meant for package
// variables, in place of regexp.MustCompile.
func New(pattern string) *Regexp {
	r := &Regexp{pattern: pattern}
	registry.Lock()
	registry.all = append(registry.all, r)
	registry.Unlock()
	return r
}

// Get returns the compiled regexp, compiling it on the first call. It
// panics, as regexp.MustCompile does, when the pattern does not compile.
func (r *Regexp) Get() *regexp.Regexp {
	if re := r.re.Load(); re != nil {
		return re
	}
	r.once.Do(func() { r.re.Store(regexp.MustCompile(r.pattern)) })
	return r.re.Load()
}

// Compiled reports whether the pattern has been compiled (a test's view
// of what a run needed).
func (r *Regexp) Compiled() bool { return r.re.Load() != nil }

// CompileAll compiles every Regexp made so far and returns the patterns
// that do not compile, with their errors; tests call it so that a typo in
// a pattern fails them rather than the first run that needs it.
func CompileAll() map[string]error {
	registry.Lock()
	all := append([]*Regexp(nil), registry.all...)
	registry.Unlock()
	bad := map[string]error{}
	for _, r := range all {
		if _, err := regexp.Compile(r.pattern); err != nil {
			bad[r.pattern] = err
			continue
		}
		r.Get()
	}
	return bad
}

// Count returns how many Regexps were made and how many are compiled.
func Count() (made, compiled int) {
	registry.Lock()
	all := append([]*Regexp(nil), registry.all...)
	registry.Unlock()
	for _, r := range all {
		if r.Compiled() {
			compiled++
		}
	}
	return len(all), compiled
}

// String returns the source text of the pattern, without compiling it.
func (r *Regexp) String() string { return r.pattern }

// MatchString reports whether s contains a match.
func (r *Regexp) MatchString(s string) bool { return r.Get().MatchString(s) }

// Match reports whether b contains a match.
func (r *Regexp) Match(b []byte) bool { return r.Get().Match(b) }

// FindString returns the leftmost match in s.
func (r *Regexp) FindString(s string) string { return r.Get().FindString(s) }

// FindStringIndex returns the position of the leftmost match in s.
func (r *Regexp) FindStringIndex(s string) []int { return r.Get().FindStringIndex(s) }

// FindStringSubmatch returns the leftmost match in s and its submatches.
func (r *Regexp) FindStringSubmatch(s string) []string { return r.Get().FindStringSubmatch(s) }

// FindStringSubmatchIndex returns the positions of the leftmost match in
// s and its submatches.
func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	return r.Get().FindStringSubmatchIndex(s)
}

// FindAllString returns up to n successive matches in s (all if n < 0).
func (r *Regexp) FindAllString(s string, n int) []string { return r.Get().FindAllString(s, n) }

// FindAllStringIndex returns the positions of up to n successive matches.
func (r *Regexp) FindAllStringIndex(s string, n int) [][]int {
	return r.Get().FindAllStringIndex(s, n)
}

// FindAllStringSubmatch returns up to n successive matches and their
// submatches.
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.Get().FindAllStringSubmatch(s, n)
}

// FindAllStringSubmatchIndex returns the positions of up to n successive
// matches and their submatches.
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return r.Get().FindAllStringSubmatchIndex(s, n)
}

// ReplaceAllString replaces the matches in src by repl, expanding $1 ….
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.Get().ReplaceAllString(src, repl)
}

// ReplaceAllLiteralString replaces the matches in src by repl as is.
func (r *Regexp) ReplaceAllLiteralString(src, repl string) string {
	return r.Get().ReplaceAllLiteralString(src, repl)
}

// ReplaceAllStringFunc replaces the matches in src by what f returns.
func (r *Regexp) ReplaceAllStringFunc(src string, f func(string) string) string {
	return r.Get().ReplaceAllStringFunc(src, f)
}

// Split slices s around the matches (see regexp.Regexp.Split).
func (r *Regexp) Split(s string, n int) []string { return r.Get().Split(s, n) }

// SubexpIndex returns the index of the group called name, -1 if none.
func (r *Regexp) SubexpIndex(name string) int { return r.Get().SubexpIndex(name) }

// NumSubexp returns the number of groups.
func (r *Regexp) NumSubexp() int { return r.Get().NumSubexp() }

// All returns every Regexp made so far (for tests that check a property
// of all the patterns a program holds).
func All() []*Regexp {
	registry.Lock()
	defer registry.Unlock()
	return append([]*Regexp(nil), registry.all...)
}
