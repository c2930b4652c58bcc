package plans

import (
	"os"
	"strconv"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func init() {
	registerKind(spec.KindFile, kindDef{
		attrs: []string{"exists", "min_size", "max_age", "contains", "mode", "dir", "capture"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			p := &spec.FileParams{Exists: true}
			pn.sp.Target = ExpandEnv(pn.target, d.env)
			p.Path = d.resolve(pn.target)
			if n := pn.attr("exists"); n != nil {
				p.Exists, _ = d.boolean(n, "exists")
			}
			if n := pn.attr("min_size"); n != nil {
				p.MinSize, _ = d.size(n, "min_size")
			}
			if n := pn.attr("max_age"); n != nil {
				p.MaxAge, _ = d.duration(n, "max_age")
			}
			if n := pn.attr("contains"); n != nil {
				p.Contains, _ = d.lineRegex(n, "contains")
			}
			if n := pn.attr("dir"); n != nil {
				p.Dir, _ = d.boolean(n, "dir")
			}
			if n := pn.attr("mode"); n != nil {
				if s, ok := d.text(n, "mode", "an octal mode like 0600"); ok {
					m, err := parseMode(s)
					if err != nil {
						d.errorf(n, "mode", "expected an octal permission mode like 0600 or 0o640, got %q", s)
					} else {
						p.Mode = &m
					}
				}
			}
			if n := pn.attr("capture"); n != nil && (!p.Exists || p.Dir) {
				wants := "no file"
				if p.Dir {
					wants = "a directory"
				}
				d.errorf(n, "capture", "takes a file's line count, and this probe wants %s: drop capture: or the exists:/dir: that rules the count out", wants)
			}
			d.capture(pn)
			return p
		},
	})
}

// parseMode reads permission bits written in octal, with or without a
// leading 0 or 0o: "0600", "0o640", "755".
func parseMode(s string) (os.FileMode, error) {
	t := strings.TrimPrefix(strings.TrimPrefix(strings.TrimSpace(s), "0o"), "0O")
	v, err := strconv.ParseUint(t, 8, 32)
	if err != nil || v > 0o7777 {
		return 0, strconv.ErrSyntax
	}
	return os.FileMode(v), nil
}
