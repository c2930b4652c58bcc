package redact

import (
	"fmt"
	"strings"
	"testing"
)

func TestString(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"postgres://app:s3cr3t@db:5432/rag", "postgres://app:***@db:5432/rag"},
		{"connect postgresql://app:p%40ss@10.0.0.5/rag?sslmode=disable failed", "connect postgresql://app:***@10.0.0.5/rag?sslmode=disable failed"},
		{"GET https://bob:hunter2@example.com/x", "GET https://bob:***@example.com/x"},
		{"https://example.com/x?token=abc123&page=2", "https://example.com/x?token=***&page=2"},
		{"https://example.com/x?a=1&access_token=abc", "https://example.com/x?a=1&access_token=***"},
		{"PGPASSWORD=hunter2 psql -h db", "PGPASSWORD=*** psql -h db"},
		{"psql 'host=db password=hunter2 user=app'", "psql 'host=db password=*** user=app'"},
		{`export DB_PASSWORD="a b c"`, `export DB_PASSWORD=***`},
		{"curl -H 'Authorization: Bearer eyJhbGciOi.x.y' https://api", "curl -H 'Authorization: Bearer ***' https://api"},
		{"Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic ***"},
		{"X-Api-Key: 0123456789", "X-Api-Key: ***"},
		{`{"password": "hunter2", "user": "app"}`, `{"password": "***", "user": "app"}`},
		{"token: abc", "token: ***"},
		{"mysql -u root -phunter2 db", "mysql -u root -p*** db"},
		// Nothing secret: unchanged.
		{"config_chromadb.py is untracked: commit it or back it up", "config_chromadb.py is untracked: commit it or back it up"},
		{"https://example.com:8443/health answered 200 OK", "https://example.com:8443/health answered 200 OK"},
		{"port 127.0.0.1:5432 is open", "port 127.0.0.1:5432 is open"},
	}
	for _, tt := range tests {
		got := String(tt.in)
		if got != tt.want {
			t.Errorf("String(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		for _, secret := range []string{"s3cr3t", "hunter2", "abc123", "eyJhbGciOi", "dXNlcjpwYXNz", "0123456789"} {
			if strings.Contains(tt.in, secret) && strings.Contains(got, secret) {
				t.Errorf("String(%q) leaks %q: %q", tt.in, secret, got)
			}
		}
	}
}

func FuzzString(f *testing.F) {
	f.Add("postgres://u:secret@h/db password=x")
	f.Fuzz(func(t *testing.T, s string) {
		out := String(s)
		if String(out) != out {
			t.Errorf("Redact is not idempotent on %q: %q then %q", s, out, String(out))
		}
	})
}

// The redaction cache gives the same answers as the rules applied directly, also past
// its bound.
func TestRedactCache(t *testing.T) {
	for i := range maxCache + 10 {
		s := fmt.Sprintf("postgres://u:pw%d@db/app try %d", i, i)
		for range 2 {
			if got, want := String(s), apply(s); got != want {
				t.Fatalf("String(%q) = %q, want %q", s, got, want)
			}
		}
	}
	if n := len(cache.m); n > maxCache {
		t.Errorf("cache holds %d entries, bound %d", n, maxCache)
	}
}
