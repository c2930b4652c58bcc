package plans

import (
	"encoding/hex"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func init() {
	registerKind(spec.KindBackup, kindDef{
		attrs: []string{"of", "sha256", "min_size", "max_age"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			p := &spec.BackupParams{}
			pn.sp.Target = ExpandEnv(pn.target, d.env)
			p.Path = d.resolve(pn.target)
			if n := pn.attr("of"); n != nil {
				if s, ok := d.text(n, "of", "the path of the file this is a backup of"); ok {
					p.Of = d.resolve(s)
				}
			}
			if n := pn.attr("sha256"); n != nil {
				if s, ok := d.text(n, "sha256", "a SHA-256 digest"); ok {
					s = strings.ToLower(strings.TrimSpace(s))
					if b, err := hex.DecodeString(s); err != nil || len(b) != 32 {
						d.errorf(n, "sha256", "expected 64 hex digits as sha256sum prints them, got %q", s)
					} else {
						p.SHA256 = s
					}
				}
			}
			if n := pn.attr("min_size"); n != nil {
				p.MinSize, _ = d.size(n, "min_size")
			}
			if n := pn.attr("max_age"); n != nil {
				p.MaxAge, _ = d.duration(n, "max_age")
			}
			return p
		},
	})
}
