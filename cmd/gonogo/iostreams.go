package main

import (
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// IOStreams is where a command reads and writes, and what main decided
// once about the real terminal: whether stdout is one, whether to colour,
// how wide it is. Commands never look at os.Stdout themselves, so tests run
// them against buffers (gh's iostreams pattern).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// IsTTY is true when Out is a terminal: the board may draw on it.
	IsTTY bool
	// InTTY is true when In is a terminal: a prompt may wait for Enter.
	InTTY bool
	// Color is true when text output may carry ANSI colours: Out is a
	// terminal and NO_COLOR is unset, or CLICOLOR_FORCE is set.
	Color bool
	// Width is Out's width in columns, 0 when unknown or not a terminal.
	Width int
	// ASCII is true when the locale's character set is not UTF-8
	// (LANG=C): text output then uses ASCII marks, with the same words.
	ASCII bool
}

// SystemIO looks at the process's real streams and environment.
func SystemIO(getenv func(string) string) *IOStreams {
	io := &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	fd := int(os.Stdout.Fd())
	io.IsTTY = term.IsTerminal(fd)
	if io.IsTTY {
		if w, _, err := term.GetSize(fd); err == nil {
			io.Width = w
		}
	}
	io.InTTY = term.IsTerminal(int(os.Stdin.Fd()))
	io.Color = colorWanted(io.IsTTY, getenv)
	io.ASCII = asciiWanted(getenv)
	return io
}

// asciiWanted reports whether the locale's character set is not UTF-8:
// the first of LC_ALL, LC_CTYPE and LANG that is set decides, as in C. None
// set leaves Go's UTF-8.
func asciiWanted(getenv func(string) string) bool {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := strings.ToLower(getenv(k)); v != "" {
			return !strings.Contains(v, "utf-8") && !strings.Contains(v, "utf8")
		}
	}
	return false
}

// colorWanted applies the conventions: NO_COLOR (any value) turns colour
// off, CLICOLOR_FORCE (not "0") turns it on off a terminal, else colour
// follows the terminal.
func colorWanted(tty bool, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" {
		return false
	}
	if v := getenv("CLICOLOR_FORCE"); v != "" && v != "0" {
		return true
	}
	return tty && getenv("TERM") != "dumb"
}
