package plans

import (
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/spec"
)

var httpStatusRE = lazyre.New(`^[1-5](xx|[0-9][0-9])$`)

func init() {
	registerKind(spec.KindHTTP, kindDef{
		attrs: []string{"status", "body", "headers", "insecure"},
		decode: func(d *decoder, pn *probeNode) spec.Params {
			// The URL is expanded for the request, but Target keeps the
			// text as written: a $TOKEN in a URL must not reach the output.
			raw := ExpandEnv(pn.target, d.env)
			u, err := url.Parse(raw)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				d.errorf(pn.targetNode, "http", "expected a URL like http://127.0.0.1:8080/health, got %q", pn.target)
				return nil
			}
			p := &spec.HTTPParams{URL: raw, Status: "2xx"}
			if n := pn.attr("status"); n != nil {
				if s, ok := d.text(n, "status", "a status like 200 or 2xx"); ok {
					s = strings.ToLower(strings.TrimSpace(s))
					if !httpStatusRE.MatchString(s) {
						d.errorf(n, "status", "expected a status like 200, 204 or 2xx, got %q", s)
					}
					p.Status = s
				}
			}
			if n := pn.attr("body"); n != nil {
				p.Body, _ = d.lineRegex(n, "body")
			}
			if n := pn.attr("insecure"); n != nil {
				p.Insecure, _ = d.boolean(n, "insecure")
			}
			if n := pn.attr("headers"); n != nil {
				if n.Kind != yaml.MappingNode {
					d.errorf(n, "headers", "expected a map of header names to values, got %s", describe(n))
				} else {
					p.Headers = map[string]string{}
					for i := 0; i+1 < len(n.Content); i += 2 {
						k, v := n.Content[i], n.Content[i+1]
						if val, ok := d.scalar(v, "headers."+k.Value, "a header value"); ok {
							p.Headers[k.Value] = ExpandEnv(val, d.env)
						}
					}
				}
			}
			return p
		},
	})
}
