// Package redact hides secrets — passwords in DSNs and URLs, tokens, auth
// headers, password=… pairs — in every string gonogo shows or records. It is
// a leaf that every stage uses: the plan reader for what it quotes from a
// plan, the probes for their messages, the model for everything a snapshot
// carries, so no view can print a secret.
package redact

import (
	"regexp"
	"strings"
	"sync"
)

// redaction is one rule of Redact: a pattern and its replacement.
type redaction struct {
	re   *regexp.Regexp
	repl string
	// hints: the rule can only match a string whose lower-case form
	// contains one of these, so most messages skip the regexp.
	hints []string
}

// redactions are applied in order. Each keeps the key (so a person still
// sees which secret was there) and replaces the value with "***".
var redactions = []redaction{
	// scheme://user:SECRET@host — DSNs and URLs with a password.
	{regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@`), "${1}***@", []string{"://"}},
	// Authorization: Bearer X / Basic X / Token X, in headers or curl -H.
	{regexp.MustCompile(`(?i)(\bauthorization\s*[:=]\s*["']?(?:bearer|basic|token|digest|negotiate)?\s*)[^\s"',;]+`), "${1}***", []string{"authorization"}},
	// API key and cookie headers.
	{regexp.MustCompile(`(?i)(\b(?:x-api-key|api-key|x-auth-token|x-access-token|private-token|cookie|set-cookie)\s*:\s*)[^\r\n"']+`), "${1}***", []string{"key", "token", "cookie"}},
	// ?token=… &password=… in URLs.
	{regexp.MustCompile(`(?i)([?&;](?:[a-z0-9_.-]*(?:token|secret|password|passwd|pwd|api[_-]?key|apikey|signature|sig|key))=)[^&\s#"']+`), "${1}***", []string{"="}},
	// JSON/YAML "password": "x", token: x.
	{regexp.MustCompile(`(?i)("(?:[a-z0-9_.-]*(?:password|passwd|secret|token|api[_-]?key))"\s*:\s*")[^"]*(")`), "${1}***${2}", []string{"\""}},
	// key=value and key: value pairs: password=…, PGPASSWORD=…, DB_TOKEN=…,
	// --password=…, secret: …, quoted or not.
	{regexp.MustCompile(`(?i)(\b[a-z0-9_.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|credentials?)\b\s*[=:]\s*)(?:'[^']*'|"[^"]*"|[^\s&;,'"]+)`), "${1}***", []string{"pass", "pwd", "secret", "token", "key", "credential"}},
	// --password VALUE / -p VALUE is too ambiguous to guess; mysql -pSECRET is not.
	{regexp.MustCompile(`(\bmysql(?:dump|admin)?\b[^\n]*?\s-p)([^\s-][^\s]*)`), "${1}***", []string{"mysql"}},
}

// String removes secrets from s: passwords in DSNs/URLs
// (postgres://u:SECRET@h, https://u:SECRET@h), password=… / PGPASSWORD=… /
// token=… pairs, Authorization: Bearer … / X-Api-Key headers and ?token=
// query parameters. Results are cached: targets, names, commands and most
// messages repeat on every evaluation, and the board evaluates several
// times a second while a check runs. Safe for concurrent use.
func String(s string) string {
	if s == "" {
		return s
	}
	cache.Lock()
	r, ok := cache.m[s]
	cache.Unlock()
	if ok {
		return r
	}
	r = apply(s)
	cache.Lock()
	if cache.m == nil || len(cache.m) >= maxCache {
		cache.m = make(map[string]string, 256)
	}
	cache.m[s] = r
	cache.Unlock()
	return r
}

// cache remembers the redacted form of recent strings.
var cache struct {
	sync.Mutex
	m map[string]string
}

// maxCache bounds cache; when full it starts over, so strings that no
// longer occur (a message with an age in it) do not pile up.
const maxCache = 1 << 13

// apply runs every rule over s.
func apply(s string) string {
	lower := strings.ToLower(s)
	for _, r := range redactions {
		hinted := false
		for _, h := range r.hints {
			if strings.Contains(lower, h) {
				hinted = true
				break
			}
		}
		if hinted && r.re.MatchString(s) {
			s = r.re.ReplaceAllString(s, r.repl)
			lower = strings.ToLower(s)
		}
	}
	return s
}
