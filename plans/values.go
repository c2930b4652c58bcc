package plans

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// decoder turns the YAML of a probe block or sidecar into ProbeSpecs. It
// never stops at the first problem: every error is collected, located by
// file and line, so an operator fixes a block in one pass.
type decoder struct {
	file     string
	lineBase int // added to yaml line numbers: the fence line of a block, 0 for a sidecar
	root     string
	env      func(string) string
	source   spec.Source
	errs     *ErrorList
}

// line is the line in d.file of node n.
func (d *decoder) line(n *yaml.Node) int {
	if n == nil {
		return d.lineBase
	}
	return d.lineBase + n.Line
}

// errorf records an error at node n about field.
func (d *decoder) errorf(n *yaml.Node, field, format string, args ...any) {
	*d.errs = append(*d.errs, &Diag{File: d.file, Line: d.line(n), Field: field, Msg: fmt.Sprintf(format, args...)})
}

// resolve makes a path target absolute against the root.
func (d *decoder) resolve(p string) string { return ResolvePath(d.root, p, d.env) }

// describe names a YAML node's shape for messages ("a list", "a map").
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a map"
	case yaml.AliasNode:
		return "an alias"
	}
	if n.Tag == "!!null" {
		return "nothing"
	}
	return strconv.Quote(n.Value)
}

// scalar returns the text of a scalar node, or records that field expected
// one.
func (d *decoder) scalar(n *yaml.Node, field, want string) (string, bool) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		d.errorf(n, field, "expected %s, got %s", want, describe(n))
		return "", false
	}
	return n.Value, true
}

// text decodes a non-empty string attribute.
func (d *decoder) text(n *yaml.Node, field, want string) (string, bool) {
	s, ok := d.scalar(n, field, want)
	if ok && strings.TrimSpace(s) == "" {
		d.errorf(n, field, "expected %s, got an empty value", want)
		return "", false
	}
	return s, ok
}

// boolean decodes true/false (yes/no and on/off are accepted too).
func (d *decoder) boolean(n *yaml.Node, field string) (bool, bool) {
	s, ok := d.scalar(n, field, "true or false")
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	d.errorf(n, field, "expected true or false, got %q", s)
	return false, false
}

// integer decodes a whole number.
func (d *decoder) integer(n *yaml.Node, field string) (int, bool) {
	s, ok := d.scalar(n, field, "a whole number")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		d.errorf(n, field, "expected a whole number, got %q", s)
		return 0, false
	}
	return v, true
}

// number decodes a non-negative number, as for a load average.
func (d *decoder) number(n *yaml.Node, field string) (float64, bool) {
	s, ok := d.scalar(n, field, "a number")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		d.errorf(n, field, "expected a number like 4 or 2.5, got %q", s)
		return 0, false
	}
	return v, true
}

// percent decodes 0..100, written 90 or "90%".
func (d *decoder) percent(n *yaml.Node, field string) (float64, bool) {
	s, ok := d.scalar(n, field, "a percentage like 90 or 90%")
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || v < 0 || v > 100 || math.IsNaN(v) {
		d.errorf(n, field, "expected a percentage from 0 to 100 like 90 or 90%%, got %q", s)
		return 0, false
	}
	return v, true
}

// duration decodes a Go duration that carries a unit ("5s", "4h", "1h30m").
// A bare number is an error: "5" could mean seconds or minutes, and a tired
// reader should not have to guess.
func (d *decoder) duration(n *yaml.Node, field string) (time.Duration, bool) {
	const want = "a duration with a unit, like 5s"
	s, ok := d.scalar(n, field, want)
	if !ok {
		return 0, false
	}
	s = strings.TrimSpace(s)
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		d.errorf(n, field, "expected %s or 4h, got %q without a unit", want, s)
		return 0, false
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		d.errorf(n, field, "expected %s or 4h, got %q", want, s)
		return 0, false
	}
	if v <= 0 {
		d.errorf(n, field, "expected a positive duration like 5s, got %q", s)
		return 0, false
	}
	return v, true
}

// size decodes a byte count: "10GB", "512MiB", "1.5G", "4096".
func (d *decoder) size(n *yaml.Node, field string) (int64, bool) {
	s, ok := d.scalar(n, field, "a size like 10GB or 512MiB")
	if !ok {
		return 0, false
	}
	v, err := ParseSize(s)
	if err != nil {
		d.errorf(n, field, "expected a size like 10GB or 512MiB, got %q", s)
		return 0, false
	}
	return v, true
}

// regex compiles a regular expression attribute (Go RE2 syntax).
func (d *decoder) regex(n *yaml.Node, field string) (*regexp.Regexp, bool) {
	return d.compile(n, field, "")
}

// lineRegex compiles a regular expression matched against text of several
// lines (command output, file content, an HTTP body) in multi-line mode, so
// that ^ and $ match at line boundaries as they do for grep: an author who
// writes stdout: '^42$' means "a line that is 42", and psql prints "42\n".
func (d *decoder) lineRegex(n *yaml.Node, field string) (*regexp.Regexp, bool) {
	return d.compile(n, field, "(?m)")
}

func (d *decoder) compile(n *yaml.Node, field, flags string) (*regexp.Regexp, bool) {
	s, ok := d.text(n, field, "a regular expression")
	if !ok {
		return nil, false
	}
	re, err := regexp.Compile(flags + s)
	if err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "error parsing regexp: ")
		d.errorf(n, field, "expected a regular expression (Go RE2 syntax): %s", msg)
		return nil, false
	}
	return re, true
}

// sizeUnits maps a lower-case unit to its multiplier. KB, MB, GB, TB are
// decimal (powers of 1000); KiB… and the bare letters K, M, G, T are
// binary (powers of 1024), as df -h and free -h print them.
var sizeUnits = map[string]float64{
	"": 1, "b": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// ParseSize reads a byte size such as "10GB", "512MiB", "1.5G" or "4096".
// KB/MB/GB/TB are powers of 1000; KiB/MiB/GiB/TiB and the bare letters
// K/M/G/T are powers of 1024 (as df -h prints them).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && (t[i] >= '0' && t[i] <= '9' || t[i] == '.') {
		i++
	}
	num, unit := t[:i], strings.ToLower(strings.TrimSpace(t[i:]))
	mult, ok := sizeUnits[unit]
	if num == "" || !ok {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("not a size: %q", s)
	}
	b := v * mult
	if b >= math.MaxInt64 {
		return 0, fmt.Errorf("size too large: %q", s)
	}
	return int64(b), nil
}

// expect decodes a probe's expect attribute (a comparison, a regular
// expression, or a comparison with captured values); nil when absent or
// wrong (the problem is recorded).
func (d *decoder) expect(pn *probeNode) *spec.Expect {
	n := pn.attr("expect")
	if n == nil {
		return nil
	}
	s, ok := d.scalar(n, "expect", `a comparison like ">= 1000" or "== captures.rows"`)
	if !ok {
		return nil
	}
	e, err := spec.ParseExpect(s)
	if err != nil {
		d.errorf(n, "expect", "%v", err)
		return nil
	}
	if len(e.Captures) > 0 {
		pn.sp.ReadsLine = d.line(n)
	}
	return e
}

// capture decodes a probe's capture attribute into its spec. Whether the
// name is unique in the plan, and whether the names expects read are
// captured, is checkCaptures' question: the plan and its sidecar are read
// apart.
func (d *decoder) capture(pn *probeNode) {
	n := pn.attr("capture")
	if n == nil {
		return
	}
	name, ok := d.text(n, "capture", "a name like chroma_rows, read as captures.chroma_rows")
	if !ok {
		return
	}
	name = strings.TrimSpace(name)
	if msg := spec.CheckCaptureName(name); msg != "" {
		d.errorf(n, "capture", "%s", msg)
		return
	}
	pn.sp.Capture, pn.sp.CaptureLine = name, d.line(n)
}
