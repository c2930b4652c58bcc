package plans

import (
	"os"
	"path/filepath"
	"strings"
)

// ResolvePath expands a leading ~ (from HOME) and $VAR / ${VAR} in p, then
// makes it absolute against base, which must itself be absolute. Variables
// that env reports empty are left as written, so a typo stays visible in
// messages instead of silently becoming "/". env nil means os.Getenv.
//
// Probe targets use it with base = the plan's root; inference uses it with
// base = root or the folder of a preceding `cd`.
func ResolvePath(base, p string, env func(string) string) string {
	p = ExpandEnv(p, env)
	if p == "" {
		return filepath.Clean(base)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p)
}

// ExpandEnv expands a leading ~ or ~/ to HOME and $VAR / ${VAR} from env
// (nil = os.Getenv). Unset or empty variables are left as written.
func ExpandEnv(s string, env func(string) string) string {
	if env == nil {
		env = os.Getenv
	}
	if s == "~" || strings.HasPrefix(s, "~/") {
		if home := env("HOME"); home != "" {
			s = home + s[1:]
		}
	}
	if !strings.Contains(s, "$") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			b.WriteByte(s[i])
			continue
		}
		name, width := "", 0
		if s[i+1] == '{' {
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				b.WriteByte(s[i])
				continue
			}
			name, width = s[i+2:i+2+end], end+3
			if !isEnvName(name) {
				b.WriteByte(s[i])
				continue
			}
		} else {
			j := i + 1
			for j < len(s) && isEnvByte(s[j], j == i+1) {
				j++
			}
			name, width = s[i+1:j], j-i
		}
		if name == "" {
			b.WriteByte(s[i])
			continue
		}
		if v := env(name); v != "" {
			b.WriteString(v)
		} else {
			b.WriteString(s[i : i+width])
		}
		i += width - 1
	}
	return b.String()
}

func isEnvName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if !isEnvByte(name[i], i == 0) {
			return false
		}
	}
	return true
}

func isEnvByte(c byte, first bool) bool {
	switch {
	case c == '_', c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		return true
	case c >= '0' && c <= '9':
		return !first
	}
	return false
}
