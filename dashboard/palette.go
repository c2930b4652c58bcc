package dashboard

import (
	"strings"

	"github.com/gdamore/tcell/v2"
	"github.com/rivo/tview"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/probes"
)

// look is how one status is shown: a symbol and a word that carry the
// meaning on their own (monochrome, colour-blind operators, copy-paste),
// and a palette colour that only adds to them.
type look struct {
	Sym   string
	Word  string
	Color tcell.Color
}

// Badge is the symbol and the word, "✗ NO-GO".
func (l look) Badge() string { return l.Sym + " " + l.Word }

// toneColor is the terminal palette colour of a tone: the terminal's own
// 16, so the operator's theme decides the exact shade; tcell.ColorDefault
// (no colour) for plain.
func toneColor(t model.Tone) tcell.Color {
	switch t {
	case model.ToneGood:
		return tcell.ColorGreen // palette 2
	case model.ToneDone:
		return tcell.ColorTeal // palette 6
	case model.ToneBad:
		return tcell.ColorMaroon // palette 1, the terminal's "red"
	case model.ToneUnsure, model.TonePending:
		return tcell.ColorOlive // palette 3, the terminal's "yellow" (amber)
	case model.ToneQuiet:
		return tcell.ColorGray // palette 8
	}
	return tcell.ColorDefault
}

// Colours the board uses outside status looks.
var (
	colNoGo    = toneColor(model.ToneBad)
	colUnknown = toneColor(model.ToneUnsure)
	colQuiet   = toneColor(model.ToneQuiet)
)

// checking is the look of a step or probe that has not answered yet.
var checking = look{model.ProbeSymbol(probes.Pending), "CHECKING", colQuiet}

// refreshMark marks a step or probe whose last answer is shown while a
// check runs it again.
const refreshMark = "⟳"

// stepLook is the look of a step status.
func stepLook(s model.StepStatus) look {
	return look{model.StepSymbol(s), strings.ToUpper(string(s)), toneColor(model.StepTone(s))}
}

// gateLook is the look of the verdict or the rollback gate.
func gateLook(g model.Gate) look {
	l := look{model.GateSymbol(g), string(g), toneColor(model.GateTone(g))}
	if g == "" {
		l.Word = "CHECKING"
	}
	return l
}

// probeLook is the look of a probe: its status, or pending.
func probeLook(p *model.ProbeView) look {
	return look{p.Symbol(), p.Word(), toneColor(p.Tone())}
}

// palette decides once whether colour is on; every style and colour tag
// goes through it so that NO_COLOR yields a board without a single colour
// (attributes such as bold, dim and reverse stay: they are not colour).
type palette struct {
	color bool
}

// fg is a style with foreground c, or the plain style without colour.
func (p palette) fg(c tcell.Color) tcell.Style {
	if !p.color {
		return tcell.StyleDefault
	}
	return tcell.StyleDefault.Foreground(c)
}

// block is the style of a filled status block (the verdict, a highlighted
// row): the status colour as background, or reverse video without colour.
// On red the word is bold bright white; on green and yellow plain black —
// never bold black, which terminals that brighten bold draw dark grey.
func (p palette) block(c tcell.Color) tcell.Style {
	if !p.color || c == tcell.ColorDefault {
		return tcell.StyleDefault.Reverse(true).Bold(true)
	}
	if c == tcell.ColorMaroon {
		return tcell.StyleDefault.Background(c).Foreground(tcell.ColorWhite).Bold(true)
	}
	return tcell.StyleDefault.Background(c).Foreground(tcell.ColorBlack)
}

// tag wraps already escaped text in a tview colour tag, or returns it as is
// without colour.
func (p palette) tag(c tcell.Color, text string) string {
	if !p.color || c == tcell.ColorDefault {
		return text
	}
	return "[" + colorName(c) + "]" + text + "[-]"
}

// colorName is the tview tag name of a palette colour the board uses.
func colorName(c tcell.Color) string {
	switch c {
	case tcell.ColorGreen:
		return "green"
	case tcell.ColorTeal:
		return "teal"
	case tcell.ColorMaroon:
		return "maroon"
	case tcell.ColorOlive:
		return "olive"
	case tcell.ColorGray:
		return "gray"
	case tcell.ColorWhite:
		return "white"
	}
	return "-"
}

// setTheme makes tview draw on the terminal's own background and in its
// own foreground. tview.Styles is global; the board sets it before it builds
// any widget.
func setTheme() {
	d := tcell.ColorDefault
	tview.Styles = tview.Theme{
		PrimitiveBackgroundColor:    d,
		ContrastBackgroundColor:     d,
		MoreContrastBackgroundColor: d,
		BorderColor:                 d,
		TitleColor:                  d,
		GraphicsColor:               d,
		PrimaryTextColor:            d,
		SecondaryTextColor:          d,
		TertiaryTextColor:           d,
		InverseTextColor:            d,
		ContrastSecondaryTextColor:  d,
	}
}
