package probes

import (
	"regexp"
	"strings"
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

// Redact removes secrets from s: passwords in DSNs/URLs
// (postgres://u:SECRET@h, https://u:SECRET@h), password=… / PGPASSWORD=… /
// token=… pairs, Authorization: Bearer … / X-Api-Key headers and ?token=
// query parameters. Every message of this package goes through it, and
// other packages use it on anything they print.
func Redact(s string) string {
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
