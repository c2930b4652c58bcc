package infer

import "strings"

// optSpec describes a program's options enough to tell operands from
// option arguments.
type optSpec struct {
	// short lists the one-letter options that take an argument.
	short string
	// long lists the long options (without --) that take an argument
	// when no "=" is given.
	long []string
	// stop ends option parsing at the first operand (sudo, env: what
	// follows is a command with its own options).
	stop bool
	// oldTar allows tar's dashless first word ("xzf").
	oldTar bool
}

// opt is one option as given: name is the letter or the long name.
type opt struct {
	name   string
	arg    value
	hasArg bool
}

// parsed is a command line split into options and operands.
type parsed struct {
	opts []opt
	pos  []value
	// dashdash is the index in pos of the first operand after "--", -1
	// when there was none.
	dashdash int
}

func (p parsed) has(names ...string) bool {
	for _, o := range p.opts {
		for _, n := range names {
			if o.name == n {
				return true
			}
		}
	}
	return false
}

// arg returns the argument of the last of names given.
func (p parsed) arg(names ...string) (value, bool) {
	var v value
	ok := false
	for _, o := range p.opts {
		for _, n := range names {
			if o.name == n && o.hasArg {
				v, ok = o.arg, true
			}
		}
	}
	return v, ok
}

// derive is a value for part of a word, keeping what made the word unusable.
func derive(src value, s string) value {
	d := src
	d.s = s
	d.raw = s
	return d
}

// parseOpts splits args (the words after the program name) GNU-style.
func parseOpts(args []value, sp optSpec) parsed {
	p := parsed{dashdash: -1}
	takesLong := func(n string) bool {
		for _, l := range sp.long {
			if l == n {
				return true
			}
		}
		return false
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		s := a.s
		switch {
		case p.dashdash >= 0 || s == "-" || !strings.HasPrefix(s, "-") || a.dynamic && !strings.HasPrefix(a.raw, "-"):
			if i == 0 && sp.oldTar && s != "" && !strings.HasPrefix(s, "-") && len(p.pos) == 0 {
				// tar xzf ARCHIVE: each letter that takes an argument
				// takes the next word.
				for _, c := range s {
					o := opt{name: string(c)}
					if strings.ContainsRune(sp.short, c) && i+1 < len(args) {
						i++
						o.arg, o.hasArg = args[i], true
					}
					p.opts = append(p.opts, o)
				}
				continue
			}
			p.pos = append(p.pos, a)
			if sp.stop && p.dashdash < 0 {
				p.pos = append(p.pos, args[i+1:]...)
				return p
			}
		case s == "--":
			p.dashdash = len(p.pos)
		case strings.HasPrefix(s, "--"):
			name, val, eq := strings.Cut(s[2:], "=")
			o := opt{name: name}
			if eq {
				o.arg, o.hasArg = derive(a, val), true
			} else if takesLong(name) && i+1 < len(args) {
				i++
				o.arg, o.hasArg = args[i], true
			}
			p.opts = append(p.opts, o)
		default:
			cluster := s[1:]
			for j, c := range cluster {
				o := opt{name: string(c)}
				if strings.ContainsRune(sp.short, c) {
					if rest := cluster[j+len(string(c)):]; rest != "" {
						o.arg, o.hasArg = derive(a, rest), true
					} else if i+1 < len(args) {
						i++
						o.arg, o.hasArg = args[i], true
					}
					p.opts = append(p.opts, o)
					break
				}
				p.opts = append(p.opts, o)
			}
		}
	}
	return p
}
