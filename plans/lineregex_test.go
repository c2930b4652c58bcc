package plans

import (
	"testing"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// TestLineRegexes: patterns matched against several lines of text (command
// output, file content, HTTP bodies) treat ^ and $ as line boundaries, as
// grep does; the CPU model and process patterns match one string and keep
// plain RE2 semantics.
func TestLineRegexes(t *testing.T) {
	p := mustParse(t, "### 1. Step\n\n```gonogo\nrequires:\n"+
		"  - command: psql -tAc 'select 42'\n    stdout: '^42$'\n"+
		"  - file: app.conf\n    contains: '^listen = 8000$'\n"+
		"  - http: http://127.0.0.1:8000/health\n    body: '^ok$'\n"+
		"```\n")
	text := map[spec.Kind]string{
		spec.KindCommand: "42\n",
		spec.KindFile:    "# app\nlisten = 8000\nworkers = 4\n",
		spec.KindHTTP:    "ok\n",
	}
	for _, sp := range p.Steps[0].Probes {
		var got bool
		switch q := sp.Params.(type) {
		case *spec.CommandParams:
			got = q.Stdout.MatchString(text[sp.Kind])
			if q.Stdout.MatchString("420\n") {
				t.Errorf("stdout '^42$' must not match the line 420")
			}
		case *spec.FileParams:
			got = q.Contains.MatchString(text[sp.Kind])
		case *spec.HTTPParams:
			got = q.Body.MatchString(text[sp.Kind])
		}
		if !got {
			t.Errorf("%s pattern does not match a line of %q", sp.Kind, text[sp.Kind])
		}
	}
}
