package spec

import (
	"fmt"
	"strings"
)

// unitNameMax is systemd's UNIT_NAME_MAX less its terminating NUL: the
// longest unit name systemd accepts.
const unitNameMax = 255

// unitTypes are the unit types systemd knows: the suffix after the last
// dot of a full unit name.
var unitTypes = map[string]bool{
	"service": true, "socket": true, "device": true, "mount": true, "automount": true,
	"swap": true, "target": true, "path": true, "timer": true, "slice": true, "scope": true,
}

// CheckUnitName says why name is not a unit name a systemd probe may pass
// to systemctl, or returns nil. The rules are systemd's own
// (unit_name_is_valid): at most 255 bytes; a prefix of letters, digits and
// ":-_.\", then an optional "@instance" (which may also hold "@"), then a
// type suffix such as ".service". A name without a known type suffix is
// read as systemctl reads it, with ".service" added ("postgresql").
//
// One rule is stricter than systemd's: the name may not start with "-"
// unless its prefix is "-" alone, the escaped root path ("-.mount",
// "-.slice"). Every other such name is an attempt to pass systemctl an
// option ("-Hhost" would make it ssh to host), and refusing it here keeps
// that out even where an argument list forgot its "--".
func CheckUnitName(name string) error {
	if name == "" {
		return fmt.Errorf("the unit name is empty")
	}
	full := name
	if dot := strings.LastIndexByte(name, '.'); dot < 0 || !unitTypes[name[dot+1:]] {
		full = name + ".service" // as systemctl mangles a bare name
	}
	if len(full) > unitNameMax {
		return fmt.Errorf("unit name %q is %d bytes long, more than the %d systemd allows", clipName(name), len(full), unitNameMax)
	}
	dot := strings.LastIndexByte(full, '.')
	prefix, _, _ := strings.Cut(full[:dot], "@")
	if prefix == "" {
		return fmt.Errorf("%q is not a systemd unit name: nothing before the \"@\" or the type suffix", name)
	}
	if strings.HasPrefix(prefix, "-") && prefix != "-" {
		return fmt.Errorf("%q is not a systemd unit name gonogo will check: it starts with \"-\", so systemctl would read it as an option", clipName(name))
	}
	for i := 0; i < dot; i++ {
		c := full[i]
		if !unitNameChar(c) {
			return fmt.Errorf("%q is not a systemd unit name: %q is not allowed in one (only letters, digits and :-_.\\@)", clipName(name), rune(c))
		}
	}
	return nil
}

// unitNameChar reports whether c may stand in a unit name before its type
// suffix (systemd's VALID_CHARS_WITH_AT).
func unitNameChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte(":-_.\\@", c) >= 0
}

// clipName keeps a hostile name short in a message.
func clipName(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}
