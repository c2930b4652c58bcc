package redact

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// stringCases are texts and what String makes of them.
var stringCases = []struct {
	in, want string
}{
	{"postgres://app:s3cr3t@db:5432/rag", "postgres://app:***@db:5432/rag"},
	{"connect postgresql://app:p%40ss@10.0.0.5/rag?sslmode=disable failed", "connect postgresql://app:***@10.0.0.5/rag?sslmode=disable failed"},
	{"GET https://bob:hunter2@example.com/x", "GET https://bob:***@example.com/x"},
	{"redis://:a/b+c=@cache:6379/0", "redis://:***@cache:6379/0"},
	{"https://example.com/x?token=abc123&page=2", "https://example.com/x?token=***&page=2"},
	{"https://example.com/x?a=1&access_token=abc", "https://example.com/x?a=1&access_token=***"},
	{"https://bucket.s3.amazonaws.com/k?X-Amz-Credential=AKIDX&X-Amz-Signature=f00d", "https://bucket.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***"},
	{"PGPASSWORD=hunter2 psql -h db", "PGPASSWORD=*** psql -h db"},
	{"psql 'host=db password=hunter2 user=app'", "psql 'host=db password=*** user=app'"},
	{`export DB_PASSWORD="a b c"`, `export DB_PASSWORD=***`},
	{"curl -H 'Authorization: Bearer eyJhbGciOi.x.y' https://api", "curl -H 'Authorization: Bearer ***' https://api"},
	{"Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"},
	{"X-Api-Key: 0123456789", "X-Api-Key: ***"},
	{`{"password": "hunter2", "user": "app"}`, `{"password": "***", "user": "app"}`},
	{"token: abc", "token: ***"},
	{"mysql -u root -phunter2 db", "mysql -u root -p*** db"},

	// What the hostile review planted.
	{"export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "export AWS_SECRET_ACCESS_KEY=***"},
	{"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = ***"},
	{"PRIVATE_KEY=abcdef0123", "PRIVATE_KEY=***"},
	{"pass=hunter2 ./deploy", "pass=*** ./deploy"},
	{"passwd: hunter2", "passwd: ***"},
	{"DB_PASS=hunter2", "DB_PASS=***"},
	{"MYSQL_PWD=hunter2 mysql", "MYSQL_PWD=*** mysql"},
	{"git clone https://0123456789abcdef0123456789abcdef01234567@github.com/org/app.git", "git clone https://***@github.com/org/app.git"},
	{"Deploy with token ghp_0123456789abcdefghijABCDEFGHIJ012345", "Deploy with token ghp_***"},
	{"Bearer abcdef.ghijkl-mnop", "Bearer ***"},
	{"kubectl create secret generic db --from-literal=password=hunter2", "kubectl create secret generic db --from-literal=password=***"},
	// A value that is itself a pair whose value is quoted (found by FuzzString).
	{"pAss= PGPASSWORD='quoted secret 9' 0", "pAss= *** 0"},
	{"pass=x:'a b' next", "pass=*** next"},
	{"curl -u admin:hunter2 https://ci/api", "curl -u admin:*** https://ci/api"},
	{"docker login -u bot -p hunter2 registry", "docker login -u bot -p *** registry"},
	{"vault login --token s3cr3t-value", "vault login --token ***"},
	{"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY----- *** -----END RSA PRIVATE KEY-----"},
	{"key: -----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXk", "key: -----BEGIN OPENSSH PRIVATE KEY----- *** -----END PRIVATE KEY-----"},
	{"https://hooks.slack.com/services/T000/B000/XXXXXXXX", "https://hooks.slack.com/services/***"},
	{"client_secret=GOCSPX-abcdefghijklmnopqrstuvwx", "client_secret=***"},
	// A variable reference says where the secret comes from: shown.
	{"PGPASSWORD=$PGPASS psql", "PGPASSWORD=$PGPASS psql"},
	{"curl https://api/x?token=${API_TOKEN}", "curl https://api/x?token=${API_TOKEN}"},

	// Nothing secret: unchanged.
	{"config_chromadb.py is untracked: commit it or back it up", "config_chromadb.py is untracked: commit it or back it up"},
	{"https://example.com:8443/health answered 200 OK", "https://example.com:8443/health answered 200 OK"},
	{"port 127.0.0.1:5432 is open", "port 127.0.0.1:5432 is open"},
	{"git clone git@github.com:org/app.git", "git clone git@github.com:org/app.git"},
	{"postgresql://advisor@db/app", "postgresql://advisor@db/app"},
	{"PWD=/srv/app make", "PWD=/srv/app make"},
	{"disk /dev/sda1 has 10 GiB free; task-runner is active", "disk /dev/sda1 has 10 GiB free; task-runner is active"},
	{"sudo -u postgres psql -c 'select 1'", "sudo -u postgres psql -c 'select 1'"},
	{"unit postgresql@14-main is active (running)", "unit postgresql@14-main is active (running)"},
	{"cannot read /etc/app/secret.conf: permission denied", "cannot read /etc/app/secret.conf: permission denied"},
	{"open token.txt: no such file or directory", "open token.txt: no such file or directory"},
	{"backup /srv/api_key: does not exist", "backup /srv/api_key: does not exist"},
	{"open server.key: permission denied", "open server.key: permission denied"},
	{"spring.datasource.password: hunter2", "spring.datasource.password: ***"},
	// A key whose last segment alone names the secret (IsSecretName's
	// secretLastSegments): each must also be a keyword of the rules.
	{"WIFI_PSK=hunter2 nmcli", "WIFI_PSK=*** nmcli"},
	{`{"psk": "hunter2"}`, `{"psk": "***"}`},
	{"MYSQL_PWD=hunter2", "MYSQL_PWD=***"},
	{"BASIC.AUTH=hunter2", "BASIC.AUTH=***"},
	{"app_creds=hunter2", "app_creds=***"},
	{"req_sig=f00d", "req_sig=***"},
}

func TestString(t *testing.T) {
	for _, tt := range stringCases {
		got := String(tt.in)
		if got != tt.want {
			t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if again := String(got); again != got {
			t.Errorf("not idempotent: %q then %q", got, again)
		}
	}
}

// planted are secrets in the forms they take in plans, commands and
// messages: each holds value, which must never come out of String.
var planted = []struct{ text, value string }{
	{"AWS_SECRET_ACCESS_KEY=%s", "wJalrXUtnFEMIK7MDENGbPxRfiCYzz"},
	{"aws_secret_access_key = %s", "Zq8YhJ2kLmNoPqRsTuVwXyZ01234"},
	{"export PRIVATE_KEY=%s", "pkValue9x8y7z6w5"},
	{"pass=%s", "hunter2hunter2"},
	{"passwd=%s", "letMeIn42x"},
	{"PGPASSWORD='%s'", "quoted secret 9"},
	{`{"client_secret": "%s"}`, "cs_9f8e7d6c5b4a"},
	{"postgres://app:%s@db:5432/rag", "dsnPw0rd77"},
	{"https://%s@github.com/org/app.git", "0123456789abcdef0123456789abcdef01234567"},
	{"Authorization: Bearer %s", "eyJhbGciOiJIUzI1NiJ9abc"},
	{"curl -H 'PRIVATE-TOKEN: %s' https://gitlab", "privTokenValue123"},
	{"--password %s", "optPw0rd11"},
	{"--api-key=%s", "apiKeyValue55"},
	{"?access_token=%s&x=1", "qsTok3nValue"},
	{"token %s", "ghp_0123456789abcdefghijABCDEFGHIJ012345"},
	{"use %s now", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz"},
	{"glpat %s", "glpat-abcdefghij0123456789"},
	{"slack %s", "xoxb-123456789012-1234567890123-abcdefghijklmnop"},
	{"openai %s", "sk-proj-abcdefghij0123456789ABCDEFGH"},
	{"aws id %s", "AKIAIOSFODNN7EXAMPL3"},
	{"google %s", "AIzaSyA-abcdefghijklmnopqrstuvwxyz012345"},
	{"npm %s", "npm_abcdefghijklmnopqrstuvwxyz0123456789"},
	{"jwt %s", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlMTIz"},
	{"-----BEGIN EC PRIVATE KEY-----\n%s\n-----END EC PRIVATE KEY-----", "MHcCAQEEIBkeyBodyLine"},
}

// TestPlantedSecrets: every planted form is hidden, alone and between
// other text.
func TestPlantedSecrets(t *testing.T) {
	for _, p := range planted {
		for _, ctx := range []string{"%s", "step 3: %s (then restart)", "line 12: `%s`", "a\n%s\nb"} {
			in := fmt.Sprintf(ctx, fmt.Sprintf(p.text, p.value))
			if out := String(in); strings.Contains(out, p.value) {
				t.Errorf("String(%q) = %q: leaks %q", in, out, p.value)
			}
		}
	}
}

// maxFuzzInput bounds one fuzz input: the time and memory of one run stay
// small (the rules are regular expressions, linear in the input), while
// every rule can still be reached.
const maxFuzzInput = 64 << 10

// FuzzString: whatever surrounds a planted secret, String hides it — the
// output holds the secret's value no more often than the text around it
// did — String is idempotent, the output grows at most by the masks, and
// one input takes bounded time and memory.
func FuzzString(f *testing.F) {
	f.Add("postgres://u:secret@h/db password=x", 0, "")
	f.Add("step ", 3, " then restart")
	f.Add("x=\"", 1, "\"")
	f.Add("https://", 8, "/path")
	f.Add("-----BEGIN RSA PRIVATE KEY-----", 23, "")
	f.Fuzz(func(t *testing.T, before string, which int, after string) {
		if len(before)+len(after) > maxFuzzInput {
			t.Skip("input over the fuzz bound")
		}
		p := planted[(which%len(planted)+len(planted))%len(planted)]
		in := before + " " + fmt.Sprintf(p.text, p.value) + " " + after
		out := bounded(t, in)
		if got, had := strings.Count(out, p.value), strings.Count(before+" "+after, p.value); got > had {
			t.Errorf("String(%q) leaks %q: %q", in, p.value, out)
		}
		if again := bounded(t, out); again != out {
			t.Errorf("String is not idempotent on %q: %q then %q", in, out, again)
		}
		// Each mask replaces at least one byte: at most two bytes more per
		// byte of input, plus a private key's END line.
		if len(out) > 3*len(in)+64 {
			t.Errorf("String(%d bytes) made %d bytes", len(in), len(out))
		}
	})
}

// bounded runs the rules on one input within gonogotest's bounds: 64
// bytes allocated per input byte plus 1 MiB.
func bounded(t *testing.T, in string) string {
	t.Helper()
	var out string
	gonogotest.Bounded(t, len(in), 1<<20, 64, func() { out = apply(in) })
	return out
}

// TestIsSecretName: key names that name a secret, in every spelling, and
// some that do not.
func TestIsSecretName(t *testing.T) {
	for _, n := range []string{"AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", "PGPASSWORD", "PRIVATE_KEY", "pass", "passwd",
		"DB_PASS", "MYSQL_PWD", "api-key", "apiKey", "access_token", "client_secret", "X-Amz-Signature", "--password", "GITHUB_TOKEN",
		"basic.auth", "AccountKey", "credentials", "passphrase"} {
		if !IsSecretName(n) {
			t.Errorf("IsSecretName(%q) = false", n)
		}
	}
	for _, n := range []string{"PWD", "user", "host", "bypass", "compass_dir", "primary_key", "path", "file", "state", "keyboard", "monkey_patch"} {
		if IsSecretName(n) {
			t.Errorf("IsSecretName(%q) = true", n)
		}
	}
}

// The redaction cache gives the same answers as the rules applied
// directly, also past its bound; it holds at most two generations of
// maxCacheBytes; a string in use survives the generations turning over,
// and one no longer asked for is gone after two.
func TestRedactCache(t *testing.T) {
	text := func(i int) string { return fmt.Sprintf("postgres://u:pw%d@db/app try %d", i, i) }
	const hot = "token=abc123 keeps being asked for"
	n := 3 * maxCacheBytes / (len(text(0)) + entryOverhead)
	for i := range n {
		s := text(i)
		for range 2 {
			if got, want := String(s), apply(s); got != want {
				t.Fatalf("String(%q) = %q, want %q", s, got, want)
			}
		}
		if String(hot) != apply(hot) {
			t.Fatalf("String(%q) = %q", hot, String(hot))
		}
		cache.Lock()
		held := cache.bytes
		cache.Unlock()
		if held > maxCacheBytes {
			t.Fatalf("the current generation holds %d bytes, bound %d", held, maxCacheBytes)
		}
	}
	cache.Lock()
	defer cache.Unlock()
	if _, ok := cache.cur[hot]; !ok {
		t.Errorf("a string asked for all along is not in the current generation")
	}
	_, inCur := cache.cur[text(0)]
	_, inPrev := cache.prev[text(0)]
	if inCur || inPrev {
		t.Errorf("the first string, not asked for since %d others, is still held", n)
	}
}

// BenchmarkApply is the cost of the rules on typical messages, without
// the cache: what a message seen for the first time costs.
func BenchmarkApply(b *testing.B) {
	msgs := []string{
		"config_chromadb.py is untracked: commit it or back it up",
		"/tmp/config_chromadb.py.bak exists (28 B, modified 3m ago) and matches config_chromadb.py (sha256 3f9a…)",
		"`pg_isready -h 127.0.0.1 -p 5432` exited 0",
		"https://example.com:8443/health answered 200 OK, body matches /ok/",
		"PGPASSWORD=hunter2 psql -h db -U app -c 'select 1' postgres://app:pw@db/app",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			apply(m)
		}
	}
}

// contextFragments are pieces of the texts secrets stand in: keys and
// options that name a secret, quotes, separators, URL parts, key blocks.
// Put two of them before a planted secret, the rules must still hide it:
// a rule that takes a key name for the value of an option before it
// ("--password DB_PASSWORD=x") must not keep the key's own value from
// being masked.
var contextFragments = []string{
	"", "pass=", "pass= ", "pAss:", "token: ", "x=", "'", `"`, "--password", "--password=", "-u", "curl -u",
	"mysql -p", "login -p", "-p", "--token", "Authorization: ", "Bearer", "X-Api-Key:", `key="`, "pass='", "pass='a",
	"a=b", `{"token":`, `"pw": "`, "k: |", `DB_PASS="`, "0", "=", ":", "&", "?", "//", "https://", "postgres://u:",
	"u:", "@", "a:b@", `\`, "$", "${", "pass=$", "-----BEGIN RSA PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----",
}

// TestPlantedAfterEveryPairOfFragments: every planted secret after every
// pair of context fragments, and before a few endings, is hidden, and a
// second pass changes nothing.
func TestPlantedAfterEveryPairOfFragments(t *testing.T) {
	n, failed := 0, 0
	for _, a := range contextFragments {
		for _, b := range contextFragments {
			for _, after := range []string{"", "'", "0", "@h"} {
				for _, p := range planted {
					before := a + " " + b
					in := before + " " + fmt.Sprintf(p.text, p.value) + " " + after
					out := apply(in)
					n++
					if strings.Count(out, p.value) > strings.Count(before+" "+after, p.value) {
						if failed++; failed <= 20 {
							t.Errorf("apply(%q) leaks %q: %q", in, p.value, out)
						}
					} else if again := apply(out); again != out {
						if failed++; failed <= 20 {
							t.Errorf("apply is not idempotent on %q: %q then %q", in, out, again)
						}
					}
				}
			}
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d texts failed", failed, n)
	}
}
