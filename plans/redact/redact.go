// Package redact hides secrets in every string gonogo shows or records:
// passwords in DSNs and URLs, tokens in URL userinfo, auth headers and
// bearer tokens, key=value pairs whose key names a secret
// (AWS_SECRET_ACCESS_KEY=…, pass=…, "token": "…"), private-key blocks,
// and tokens recognised by their well-known prefixes (ghp_, glpat-,
// xoxb-, sk-, AKIA…, AIza…). It is a leaf that every stage uses — the
// plan reader for what it quotes from a plan, the probes for their
// messages, the model for everything a snapshot carries, the command for
// what it prints on stderr — so no view can print a secret.
//
// The rules are in the spirit of secret scanners such as gitleaks, written
// for gonogo's texts: each keeps what a person needs to see which secret
// was there (the key, the scheme and host, the token's prefix) and puts
// "***" where the secret was. A rule runs only on a string that holds one
// of its keywords, so most messages cost a few substring checks.
package redact

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
)

// Mask replaces a secret.
const Mask = "***"

// rule is one redaction: a pattern whose second submatch group is the
// secret (the first is what stays shown), and the keywords (lower case) one of which a string must hold for the
// rule to apply at all. A rule only finds where secrets are; apply masks
// what all rules found at once.
type rule struct {
	name     string
	keywords []string
	re       *lazyre.Regexp
	// spans, when set, is used instead of re: it reports the
	// secrets of s, as byte ranges, to add.
	spans func(s string, add func(i, j int))
}

// tokenRule is a token recognised by its prefix: prefix is kept (it says
// what the token was), what matches rest becomes Mask.
func tokenRule(name, prefix, rest string, keywords ...string) rule {
	return rule{name: name, keywords: keywords, re: lazyre.New(`\b(` + prefix + `)(` + rest + `)`)}
}

// privateKey is a -----BEGIN … PRIVATE KEY----- … -----END … PRIVATE
// KEY----- block; one cut off (no END) is hidden to the end of the string.
// It is masked before the other rules look, as a whole block: its body is
// base64 that other rules would take apart.
var privateKey = lazyre.New(`(?s)(-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----).*?(?:(-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----)|\z)`)

// maskPrivateKeys replaces each private-key block's body by Mask.
func maskPrivateKeys(s string) string {
	return replaceFunc(privateKey, s, func(s string, m []int) string {
		end := "-----END PRIVATE KEY-----"
		if m[4] >= 0 {
			end = s[m[4]:m[5]]
		}
		return s[m[2]:m[3]] + " " + Mask + " " + end
	})
}

// rules each find secrets of one form. They all look at the same text, not
// at each other's output: a rule that took a key name for a value
// ("--password DB_PASSWORD=x") must not hide the key from the rule that
// masks its value.
var rules = []rule{
	// scheme://user:SECRET@host — DSNs and URLs with a password.
	{name: "URL password", keywords: []string{"://"},
		re: lazyre.New(`([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]*:)([^@\s]+)@`)},
	// scheme://TOKEN@host — a token as the user name (git clone
	// https://TOKEN@github.com/…). Short user names (git@, postgres@)
	// are names, not secrets.
	{name: "URL token", keywords: []string{"://"},
		re: lazyre.New(`([A-Za-z][A-Za-z0-9+.-]*://)([^/\s:@*]{16,})@`)},
	// Webhook URLs are secrets as a whole.
	tokenRule("Slack webhook", `hooks\.slack\.com/(?:services|workflows|triggers)/`, `[A-Za-z0-9/_-]+`, "hooks.slack.com"),
	tokenRule("Discord webhook", `discord(?:app)?\.com/api/webhooks/[0-9]+/`, `[A-Za-z0-9_-]+`, "/api/webhooks/"),
	// Authorization: Bearer X / Basic X / Token X, in headers or curl -H.
	{name: "Authorization header", keywords: []string{"authorization"},
		re: lazyre.New(`(?i)(\bauthorization\s*[:=]\s*["']?(?:bearer|basic|token|digest|negotiate|apikey|sso-key)?\s*)([^\s"',;]+)`)},
	// A bearer token anywhere.
	{name: "bearer token", keywords: []string{"bearer"},
		re: lazyre.New(`(?i)(\bbearer\s+)([A-Za-z0-9\-._~+/]+=*)`)},
	// API key, token and cookie headers: the value runs to the line end.
	{name: "secret header", keywords: []string{"key", "token", "cookie", "secret", "auth"},
		re: lazyre.New(`(?i)(\b(?:x-api-key|api-key|apikey|x-auth-token|x-access-token|x-vault-token|private-token|job-token|deploy-token|x-secret|x-functions-key|ocp-apim-subscription-key|cookie|set-cookie)\s*:\s*)([^\r\n"']+)`)},
	// curl -u user:SECRET, --user user:SECRET.
	{name: "user:password option", keywords: []string{"-u"},
		re: lazyre.New(`((?:^|[^A-Za-z0-9_-])(?:-u|--user|--proxy-user)[=\s]+["']?[^\s:"']+:)([^\s"']+)`)},
	// mysql -pSECRET (the password glued to -p).
	{name: "mysql -p", keywords: []string{"mysql"},
		re: lazyre.New(`(\bmysql(?:dump|admin|import|show|check)?\b[^\n]*?\s-p)([^\s-][^\s]*)`)},
	// docker login -p SECRET and its kin.
	{name: "login -p", keywords: []string{"login"},
		re: lazyre.New(`(\blogin\b[^\n]*?\s(?:-p|--password)[=\s]+)([^\s-][^\s]*)`)},
	// --password SECRET, --token SECRET: a secret option's value after a
	// space (after "=" it is a key=value pair, below).
	{name: "secret option", keywords: []string{"pass", "secret", "token", "key", "credential"},
		re: lazyre.New(`(?i)((?:^|[^a-z0-9_-])--?[a-z0-9-]*(?:password|passwd|passphrase|secret|token|api-?key|access-key|private-key|credentials?)\s+)([^\s-][^\s]*)`)},

	// Tokens with well-known prefixes.
	tokenRule("GitHub token", `gh[pousr]_`, `[A-Za-z0-9]{20,}`, "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
	tokenRule("GitHub fine-grained token", `github_pat_`, `[A-Za-z0-9_]{20,}`, "github_pat_"),
	tokenRule("GitLab token", `gl(?:pat|ptt|dt|rt|cbt|ft|imt|oas|soat|agent|ffct)-`, `[A-Za-z0-9_-]{20,}`, "gl"),
	tokenRule("GitLab runner registration token", `GR1348941`, `[A-Za-z0-9_-]{20,}`, "gr1348941"),
	tokenRule("Slack token", `xox[abposrec]-|xapp-`, `[A-Za-z0-9-]{10,}`, "xox", "xapp-"),
	tokenRule("OpenAI/Anthropic key", `sk-(?:proj-|ant-|svcacct-|admin-)?`, `[A-Za-z0-9_-]{20,}`, "sk-"),
	tokenRule("Stripe key", `(?:sk|rk)_(?:live|test)_|whsec_`, `[A-Za-z0-9]{10,}`, "_live_", "_test_", "whsec_"),
	tokenRule("AWS access key ID", `A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA`, `[A-Z0-9]{16}\b`, "a3t", "akia", "asia", "abia", "acca", "agpa", "aida", "aroa", "aipa", "anpa", "anva"),
	tokenRule("Google API key", `AIza`, `[A-Za-z0-9_-]{30,}`, "aiza"),
	tokenRule("Google OAuth", `GOCSPX-|ya29\.`, `[A-Za-z0-9_-]{20,}`, "gocspx-", "ya29."),
	tokenRule("npm token", `npm_`, `[A-Za-z0-9]{30,}`, "npm_"),
	tokenRule("PyPI token", `pypi-`, `[A-Za-z0-9_-]{40,}`, "pypi-"),
	tokenRule("Docker Hub token", `dckr_pat_`, `[A-Za-z0-9_-]{20,}`, "dckr_pat_"),
	tokenRule("Vault token", `hv[sbr]\.`, `[A-Za-z0-9_-]{20,}`, "hvs.", "hvb.", "hvr."),
	tokenRule("Hugging Face token", `hf_`, `[A-Za-z0-9]{30,}`, "hf_"),
	tokenRule("DigitalOcean token", `do[opr]_v1_`, `[a-f0-9]{40,}`, "_v1_"),
	tokenRule("Shopify token", `shp(?:at|ca|pa|ss)_`, `[a-fA-F0-9]{32}`, "shp"),
	tokenRule("SendGrid key", `SG\.`, `[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}`, "sg."),
	tokenRule("Twilio key", `SK`, `[0-9a-f]{32}\b`, "sk"),
	tokenRule("Grafana token", `glc_|glsa_`, `[A-Za-z0-9_+/=-]{30,}`, "glc_", "glsa_"),
	tokenRule("Terraform Cloud token", `[a-zA-Z0-9]{14}\.atlasv1\.`, `[A-Za-z0-9_=-]{30,}`, ".atlasv1."),
	tokenRule("PlanetScale token", `pscale_(?:tkn|pw|oauth)_`, `[A-Za-z0-9_.-]{30,}`, "pscale_"),
	tokenRule("Linear key", `lin_api_`, `[A-Za-z0-9]{30,}`, "lin_api_"),
	tokenRule("RubyGems key", `rubygems_`, `[a-f0-9]{40,}`, "rubygems_"),
	// A JSON Web Token: header.payload.signature, base64url.
	tokenRule("JWT", `eyJ`, `[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`, "eyj"),

	// "password": "…" in JSON.
	{name: "JSON secret", keywords: secretWords, spans: jsonSecrets},
	// KEY=value and key: value, the key naming a secret: password=…,
	// PGPASSWORD=…, AWS_SECRET_ACCESS_KEY=…, pass=…, --token=…,
	// ?access_token=…, secret: …; quoted or not.
	{name: "secret key=value", keywords: secretWords, spans: keyValues},
}

// secretWords are the keywords of the rules that look at key names: a
// string without any of them has no key that names a secret.
var secretWords = []string{"pass", "pw", "secret", "token", "key", "credential", "cred", "auth", "sig", "psk"}

// String removes secrets from s (see the package comment). Results are
// cached: targets, names, commands and most messages repeat on every
// evaluation, and the board evaluates several times a second while a
// check runs. Safe for concurrent use.
func String(s string) string {
	if s == "" {
		return s
	}
	cache.Lock()
	r, ok := cache.cur[s]
	if !ok {
		if r, ok = cache.prev[s]; ok {
			cache.put(s, r) // still in use: keep it for another generation
		}
	}
	cache.Unlock()
	if ok {
		return r
	}
	r = apply(s)
	cache.Lock()
	cache.put(s, r)
	cache.Unlock()
	return r
}

// cache remembers the redacted form of recent strings in two
// generations: when the current one holds maxCacheBytes it becomes the
// previous one and the one before is dropped, so a string in use is kept
// (a hit in the previous generation moves it to the current one) and
// strings that no longer occur (a message with an age in it) go after two
// generations. It is bounded by bytes, not entries: a plan of 10,000 steps
// has some 50,000 texts, each redacted on every evaluation, and a bound of
// 8,192 entries made every one of them a miss.
var cache generations

type generations struct {
	sync.Mutex
	cur, prev map[string]string
	bytes     int // held by cur: keys, values and a map entry's overhead
}

// maxCacheBytes bounds one generation of cache (two are held).
const maxCacheBytes = 4 << 20

// entryOverhead is about what a map entry of two strings costs beyond
// their bytes.
const entryOverhead = 48

// put adds s → r to the current generation; the caller holds the lock.
func (c *generations) put(s, r string) {
	n := len(s) + entryOverhead
	if r != s {
		n += len(r) // an unchanged string shares its bytes with the key
	}
	if c.cur == nil || c.bytes+n > maxCacheBytes {
		c.prev, c.cur, c.bytes = c.cur, make(map[string]string, 256), 0
	}
	c.cur[s] = r
	c.bytes += n
}

// maxPasses bounds apply's passes: masking can join what a secret kept
// apart (a quote it held), and a further pass masks what that reveals.
const maxPasses = 4

// apply hides the secrets of s: the private-key blocks, then what every
// rule finds, masked at once; again until nothing changes.
func apply(s string) string { return applyWith(s, false, nil) }

// applyWith is apply. everyRule runs every rule, whatever its keywords,
// and match, when set, finds a pattern rule's matches in place of its
// lazily compiled pattern: the tests hold the shortcuts to the slow path
// with them.
func applyWith(s string, everyRule bool, match func(rule int, s string) [][]int) string {
	for range maxPasses {
		out := applyOnce(s, everyRule, match)
		if out == s {
			break
		}
		s = out
	}
	return s
}

// span is a secret's byte range [i, j).
type span struct{ i, j int }

// applyOnce masks, in one pass, every secret any rule finds in s.
func applyOnce(s string, everyRule bool, match func(rule int, s string) [][]int) string {
	lower := strings.ToLower(s)
	if everyRule || strings.Contains(lower, "private key") {
		s = maskPrivateKeys(s)
		lower = strings.ToLower(s)
	}
	var found []span
	add := func(i, j int) {
		if j > i && s[i:j] != Mask {
			found = append(found, span{i, j})
		}
	}
	for i := range rules {
		r := &rules[i]
		if !everyRule && !holdsAny(lower, r.keywords) {
			continue
		}
		if r.spans != nil {
			r.spans(s, add)
			continue
		}
		var ms [][]int
		if match != nil {
			ms = match(i, s)
		} else {
			ms = r.re.FindAllStringSubmatchIndex(s, -1)
		}
		for _, m := range ms {
			if m[4] >= 0 {
				add(m[4], m[5]) // group 2: the secret
			}
		}
	}
	if found == nil {
		return s
	}
	slices.SortFunc(found, func(a, b span) int { return cmp.Compare(a.i, b.i) })
	// Overlapping and adjoining ranges are one secret: one mask.
	var b strings.Builder
	last := 0
	cur := found[0]
	for _, f := range found[1:] {
		if f.i <= cur.j {
			cur.j = max(cur.j, f.j)
			continue
		}
		b.WriteString(s[last:cur.i])
		b.WriteString(Mask)
		last, cur = cur.j, f
	}
	b.WriteString(s[last:cur.i])
	b.WriteString(Mask)
	b.WriteString(s[cur.j:])
	return b.String()
}

// holdsAny reports whether s holds one of words.
func holdsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// replaceFunc replaces every match of re in s by f(s, submatch indexes).
func replaceFunc(re *lazyre.Regexp, s string, f func(s string, m []int) string) string {
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		b.WriteString(f(s, m))
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// jsonPair is "key": "value" in JSON.
var jsonPair = lazyre.New(`"([A-Za-z][A-Za-z0-9_.-]*)"\s*:\s*"((?:[^"\\]|\\.)*)"`)

// jsonSecrets adds the values of JSON pairs whose key names a secret.
// Each search starts again at the closing quote of the last value found:
// in a text cut from JSON (`"note": " {"token": "x"}`) that quote may
// open the next key.
func jsonSecrets(s string, add func(i, j int)) {
	for pos := 0; pos < len(s); {
		m := jsonPair.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			return
		}
		ks, ke, vs, ve := pos+m[2], pos+m[3], pos+m[4], pos+m[5]
		if val := s[vs:ve]; IsSecretName(s[ks:ke]) && !isVarRef(val) {
			add(vs, ve)
		}
		pos = ve // the closing quote
	}
}

// keyName finds a key and its separator: "name=", "name: ", "NAME = ".
var keyName = lazyre.New(`\b([A-Za-z][A-Za-z0-9_.-]*)[ \t]*[=:][ \t]*`)

// keyValues adds the value of every key=value or key: value pair whose
// key names a secret. The keys are found one after another (a value may
// hold another pair: --from-literal=password=x), and a value is what
// follows up to a space or a separator (&;,), or a quoted string. A key
// inside a value found ("pass= PGPASSWORD='x y'": the first value stops
// at the quote) extends it to the end of its own value: the whole is the
// secret.
func keyValues(s string, add func(i, j int)) {
	start, last := -1, 0
	for _, m := range keyName.FindAllStringSubmatchIndex(s, -1) {
		if m[0] < last {
			if end := valueEnd(s, m[1]); end > last {
				last = end
			}
			continue
		}
		name := s[m[2]:m[3]]
		if !IsSecretName(name) || fileName(s, m[2], name, s[m[3]:m[1]]) {
			continue
		}
		end := valueEnd(s, m[1])
		val := s[m[1]:end]
		if end == m[1] || val == Mask || isVarRef(val) || strings.HasPrefix(val, "//") || strings.HasPrefix(val, "-----") {
			continue // nothing, already masked, $VAR, a URL's scheme, a key block (its own rule)
		}
		if start >= 0 {
			add(start, last)
		}
		start, last = m[1], end
	}
	if start >= 0 {
		add(start, last)
	}
}

// fileName reports whether the name at i, followed by sep, is a file's
// name in a message ("…/secret.key: permission denied") rather than a key:
// it ends a path, or it is followed by a colon and its last dotted part
// is a file extension rather than a secret word (spring.datasource.password:
// is a key, secret.conf: and server.key: are files).
func fileName(s string, i int, name, sep string) bool {
	if i > 0 && (s[i-1] == '/' || s[i-1] == '\\') {
		return true
	}
	dot := strings.LastIndexByte(name, '.')
	if dot < 0 || !strings.Contains(sep, ":") {
		return false
	}
	ext := strings.ToLower(name[dot+1:])
	return fileExts[ext] || !IsSecretName(ext)
}

// fileExts are extensions of files that hold keys: "server.key:" in a
// message names the file.
var fileExts = map[string]bool{"key": true, "pem": true, "crt": true, "p12": true, "pfx": true, "jks": true, "keystore": true}

// valueEnd is where the value starting at i ends: after its closing quote,
// or at the first space, quote or separator.
func valueEnd(s string, i int) int {
	if i >= len(s) {
		return i
	}
	if q := s[i]; q == '\'' || q == '"' {
		if j := strings.IndexByte(s[i+1:], q); j >= 0 {
			return i + 1 + j + 1
		}
		return len(s) // unclosed: to the end
	}
	for j := i; j < len(s); j++ {
		switch s[j] {
		case ' ', '\t', '\n', '\r', '&', ';', ',', '"', '\'', '<', '>', '|', ')':
			return j
		}
	}
	return len(s)
}

// varRef is a shell or plan variable reference: $NAME or ${NAME}.
var varRef = lazyre.New(`^\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})$`)

// isVarRef reports whether v is only a variable reference, shown as
// written: it says where the secret comes from, not what it is.
func isVarRef(v string) bool {
	return len(v) > 1 && v[0] == '$' && varRef.MatchString(v)
}

// secretSubstrings name a secret wherever they stand in a key.
var secretSubstrings = []string{
	"password", "passwd", "passphrase", "secret", "token", "credential",
	"apikey", "privatekey", "accesskey", "accountkey", "signingkey",
	"encryptionkey", "masterkey", "sessionkey", "authkey", "signature",
}

// secretLastSegments name a secret as the last segment of a key
// (DB_PASS, MYSQL_PWD, PRIVATE_KEY, api-key, basic.auth).
var secretLastSegments = map[string]bool{
	"pass": true, "pwd": true, "pw": true, "key": true, "auth": true,
	"creds": true, "cred": true, "sig": true, "psk": true,
}

// notSecret are keys that match the rules but name no secret.
var notSecret = map[string]bool{
	"pwd": true, "oldpwd": true, // the shell's working folders
	"primary_key": true, "foreign_key": true, "sort_key": true, "partition_key": true,
	"key_id": true, "token_type": true, "auth_method": true,
}

// flattener drops the separators of a name ("db_pass-word" → "dbpassword"),
// built once: IsSecretName runs for every key of every text redacted, and
// building a replacer per call showed as 6 % of the CPU in a profile of a
// 10,000-step run (before the rules were keyword-filtered).
var flattener = strings.NewReplacer("_", "", "-", "", ".", "")

// IsSecretName reports whether a key (an environment variable, an
// option, a JSON or YAML key, a query parameter) names a secret:
// AWS_SECRET_ACCESS_KEY, aws_secret_access_key, PGPASSWORD, PRIVATE_KEY,
// pass, passwd, DB_PASS, api-key, access_token, client_secret, X-Amz-Signature.
func IsSecretName(name string) bool {
	n := strings.ToLower(strings.TrimLeft(name, "-"))
	if n == "" || notSecret[n] {
		return false
	}
	flat := flattener.Replace(n)
	for _, w := range secretSubstrings {
		if strings.Contains(flat, w) {
			return true
		}
	}
	last := n
	if i := strings.LastIndexAny(n, "_-."); i >= 0 {
		last = n[i+1:]
	}
	return secretLastSegments[last]
}
