// Package report renders a model.Snapshot for people and scripts: a text
// table for a terminal or a log, JSON (the README's contract) and Markdown
// for a ticket, and the same formats for `gonogo lint`. One file per
// format, each registering itself; every renderer writes to an io.Writer
// and never looks at the terminal itself — the caller decides on colour
// and width. Renderers only draw: every status, tally and label comes from
// the snapshot's own methods in dashboard/model.
package report

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// Format names an output format: the value of --format.
type Format string

// The formats every command knows. More register themselves from their
// own files.
const (
	Text     Format = "text"
	JSON     Format = "json"
	Markdown Format = "markdown"
)

// Options decide how a report looks. The caller (main) decides them from
// the real terminal; renderers never look at it.
type Options struct {
	// Color turns ANSI colours on (text only). Status words are printed
	// either way, so a report reads the same in monochrome.
	Color bool
	// Width is the terminal width in columns; longer lines are folded or
	// cut with "…". 0 means no limit (a pipe, a log file).
	Width int
	// ASCII draws with plain ASCII marks instead of symbols and box
	// characters (text only), for a terminal whose locale is not UTF-8.
	// The words are the same.
	ASCII bool
}

// renderer is what one format can draw.
type renderer struct {
	// snapshot draws the answer of --once (and of demo --once).
	snapshot func(w io.Writer, s *model.Snapshot, o Options) error
	// lint draws `gonogo lint`'s report; nil when the format has none.
	lint func(w io.Writer, s *model.Snapshot, o Options) error
	// raw is set for a format that makes text from the world safe itself
	// (JSON escapes it, the same data); every other format draws the
	// snapshot made printable.
	raw bool
}

var renderers = map[Format]renderer{}

// register adds a format; called from init in the format's file.
func register(f Format, r renderer) {
	if _, dup := renderers[f]; dup {
		panic("report: format registered twice: " + string(f))
	}
	renderers[f] = r
}

// Formats lists the formats Write accepts, sorted, for help texts.
func Formats() []Format {
	out := make([]Format, 0, len(renderers))
	for f := range renderers {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// LintFormats lists the formats WriteLint accepts, sorted.
func LintFormats() []Format {
	var out []Format
	for _, f := range Formats() {
		if renderers[f].lint != nil {
			out = append(out, f)
		}
	}
	return out
}

// ParseFormat checks a --format value, saying which formats exist (with a
// "did you mean") when it names none of them.
func ParseFormat(s string) (Format, error) {
	if _, ok := renderers[Format(s)]; ok {
		return Format(s), nil
	}
	names := formatNames(Formats())
	return "", fmt.Errorf("unknown format %q: want one of %s%s", s, strings.Join(names, ", "), textfmt.DidYouMean(s, names))
}

func formatNames(fs []Format) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = string(f)
	}
	return out
}

// Set makes *Format a flag value (pflag.Value), so --format is checked
// while the command line is parsed.
func (f *Format) Set(s string) error {
	v, err := ParseFormat(s)
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// String is the format's name.
func (f *Format) String() string { return string(*f) }

// Type names the flag's value in help texts.
func (f *Format) Type() string { return "format" }

// Write draws the snapshot in format f.
func Write(w io.Writer, s *model.Snapshot, f Format, o Options) error {
	r, ok := renderers[f]
	if !ok {
		_, err := ParseFormat(string(f))
		return err
	}
	if !r.raw {
		s = printable(s)
	}
	return buffered(w, func(w io.Writer) error { return r.snapshot(w, s, o) })
}

// WriteLint draws `gonogo lint`'s report of the snapshot in format f.
func WriteLint(w io.Writer, s *model.Snapshot, f Format, o Options) error {
	r, ok := renderers[f]
	if !ok || r.lint == nil {
		return fmt.Errorf("lint has no %q format: want one of %s", f, strings.Join(formatNames(LintFormats()), ", "))
	}
	if !r.raw {
		s = printable(s)
	}
	return buffered(w, func(w io.Writer) error { return r.lint(w, s, o) })
}

// buffered runs render on a buffer in front of w and flushes it: the
// writers emit a report line by line, and on a 10,000-step plan the text
// report's 25,000 lines were as many write system calls to stdout. The
// first error, of a write or of the flush, is the one returned.
func buffered(w io.Writer, render func(io.Writer) error) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	err := render(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// headline is the verdict's one-line meaning.
func headline(s *model.Snapshot) string {
	switch s.Verdict {
	case model.GateGo:
		if s.NextStep == "" {
			return "nothing stands in the way"
		}
		return "you may run step " + s.NextStep
	case model.GateNoGo:
		return "stop: something stands in the way"
	case model.GateUnknown:
		return "could not check everything: some probes could not answer"
	case "":
		return "not decided yet: the first check is still running"
	}
	return ""
}

// printable is the snapshot with every text from the world made safe for
// a terminal (textfmt.Printable): a control sequence in an HTTP reason
// phrase, a symlink target, a command's output, a file name or the plan
// shows as an escape, it does not act. Write and WriteLint hand this copy
// to every format but the raw ones; the shared snapshot is left as it is.
func printable(s *model.Snapshot) *model.Snapshot {
	return s.MapTexts(textfmt.Printable)
}
