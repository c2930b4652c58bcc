package model

import (
	"strings"

	"github.com/gonogo-dev/gonogo/probes"
)

// The symbols printed beside every status word, shared by all views (the
// text, Markdown and board renderings), so the board and `--once` never
// disagree and a status still reads without colour or to a colour-blind
// person.

// StepSymbol is the symbol of a step status.
func StepSymbol(s StepStatus) string {
	switch s {
	case StepDone:
		return "✓"
	case StepGo:
		return "●"
	case StepNoGo:
		return "✗"
	case StepUnknown:
		return "?"
	case StepManual:
		return "·"
	case StepPending:
		return PendingSymbol
	}
	return "?"
}

// PendingSymbol marks what waits for a step still to come: a PENDING step,
// rollback gate or requirement.
const PendingSymbol = "◔"

// GateSymbol is the symbol of a verdict or rollback gate ("" is a gate not
// decided yet, while the first check runs).
func GateSymbol(g Gate) string {
	switch g {
	case GateGo:
		return "✓"
	case GateNoGo:
		return "✗"
	case GateNone:
		return "–"
	case GatePending:
		return PendingSymbol
	case "":
		return "◌"
	}
	return "?"
}

// ProbeSymbol is the symbol of a probe status.
func ProbeSymbol(s probes.Status) string {
	switch s {
	case probes.OK:
		return "✓"
	case probes.Fail:
		return "✗"
	case probes.Warn:
		return "!"
	case probes.Error:
		return "?"
	case probes.Skip:
		return "-"
	case probes.Pending:
		return "◌"
	}
	return "…"
}

// Tone is the colour family of a status, decided here once for every
// view: the board turns it into a terminal palette colour, the text report
// into an SGR sequence. A tone only adds to the symbol and the word, which
// carry the meaning on their own.
type Tone int

// Tones.
const (
	TonePlain   Tone = iota // no colour: MANUAL, NONE, unknown values
	ToneGood                // GO, ok
	ToneDone                // DONE
	ToneBad                 // NO-GO, fail
	ToneUnsure              // UNKNOWN, warn, error
	ToneQuiet               // checking, skip
	TonePending             // PENDING: amber, like unsure, but it does not block
)

// StepTone is the tone of a step status.
func StepTone(s StepStatus) Tone {
	switch s {
	case StepDone:
		return ToneDone
	case StepGo:
		return ToneGood
	case StepNoGo:
		return ToneBad
	case StepUnknown:
		return ToneUnsure
	case StepPending:
		return TonePending
	}
	return TonePlain
}

// GateTone is the tone of a verdict or rollback gate ("" while the first
// check runs).
func GateTone(g Gate) Tone {
	switch g {
	case GateGo:
		return ToneGood
	case GateNoGo:
		return ToneBad
	case GateUnknown:
		return ToneUnsure
	case GatePending:
		return TonePending
	case "":
		return ToneQuiet
	}
	return TonePlain
}

// ProbeTone is the tone of a probe status.
func ProbeTone(s probes.Status) Tone {
	switch s {
	case probes.OK:
		return ToneGood
	case probes.Fail:
		return ToneBad
	case probes.Warn, probes.Error:
		return ToneUnsure
	case probes.Skip, probes.Pending:
		return ToneQuiet
	}
	return TonePlain
}

// asciiSymbols are the plain-ASCII stand-ins of every symbol and box
// character gonogo prints, for a terminal whose locale is not UTF-8
// (LANG=C): the same words, other marks.
var asciiSymbols = map[rune]string{
	'✓': "+", '✗': "x", '●': "*", '·': ".", '◌': "o", '◔': "~", '⟳': "~",
	'▶': ">", '↺': "<", '–': "-", '—': "-", '…': "...", '→': "->", '←': "<-",
	'▸': ">", '━': "=", '┏': "+", '┓': "+", '┗': "+", '┛': "+", '┃': "|",
	'‘': "'", '’': "'", '“': `"`, '”': `"`, '×': "x", '⚠': "!",
}

var asciiReplacer = func() *strings.Replacer {
	var pairs []string
	for r, s := range asciiSymbols {
		pairs = append(pairs, string(r), s)
	}
	return strings.NewReplacer(pairs...)
}()

// ASCII replaces the symbols gonogo prints with plain ASCII ones; text
// from the plan itself passes unchanged otherwise.
func ASCII(s string) string { return asciiReplacer.Replace(s) }

// ASCIIFallbacks lists the symbols gonogo prints with their ASCII
// stand-ins, for a terminal screen to use where its character set lacks
// them.
func ASCIIFallbacks() map[rune]string {
	out := make(map[rune]string, len(asciiSymbols))
	for r, s := range asciiSymbols {
		out[r] = s
	}
	return out
}
