package probes

import (
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

func httpSpec(url, status string) *spec.Probe {
	return &spec.Probe{Kind: spec.KindHTTP, Target: url, Params: &spec.HTTPParams{URL: url, Status: status}}
}

// neverAnswering starts a server that accepts requests and never answers
// until the test ends.
func neverAnswering(t *testing.T) string {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-stop:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(stop) })
	return srv.URL
}

func TestHTTP(t *testing.T) {
	var landed atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `{"status":"healthy"}`) })
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "db down", 500) })
	mux.HandleFunc("/moved", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/landed", http.StatusFound) })
	mux.HandleFunc("/landed", func(w http.ResponseWriter, r *http.Request) { landed.Add(1); fmt.Fprint(w, "here") })
	mux.HandleFunc("/auth", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t0k" || r.Host != "app.internal" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, "welcome")
	})
	var sent atomic.Int64
	mux.HandleFunc("/flood", func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("x", 32<<10) + "\n")
		for i := 0; i < 1000; i++ { // 32 MB if anyone read it all
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
		fmt.Fprint(w, "THE END")
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	tlsSrv := httptest.NewUnstartedServer(mux)
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	never := neverAnswering(t)

	withBody := func(s *spec.Probe, re string) *spec.Probe {
		s.Params.(*spec.HTTPParams).Body = regexp.MustCompile(re)
		return s
	}
	withHeaders := func(s *spec.Probe, h map[string]string) *spec.Probe {
		s.Params.(*spec.HTTPParams).Headers = h
		return s
	}
	insecure := func(s *spec.Probe) *spec.Probe {
		s.Params.(*spec.HTTPParams).Insecure = true
		return s
	}
	timeout := func(s *spec.Probe, d time.Duration) *spec.Probe { s.Timeout = d; return s }

	tests := []struct {
		name string
		sp   *spec.Probe
		want Status
		msg  string
	}{
		{"2xx default", httpSpec(srv.URL+"/ok", ""), OK, "answered 200 OK"},
		{"exact status", httpSpec(srv.URL+"/fail", "500"), OK, "answered 500"},
		{"500 fails", httpSpec(srv.URL+"/fail", ""), Fail, "answered 500 Internal Server Error, expected 2xx"},
		{"list", httpSpec(srv.URL+"/fail", "200,5xx"), OK, "500"},
		{"redirect not followed", httpSpec(srv.URL+"/moved", ""), Fail, "answered 302 Found, redirecting to /landed (redirects are not followed)"},
		{"redirect expected", httpSpec(srv.URL+"/moved", "3xx"), OK, "302"},
		{"body matches", withBody(httpSpec(srv.URL+"/ok", ""), `"healthy"`), OK, `body matches /"healthy"/`},
		{"body does not match", withBody(httpSpec(srv.URL+"/ok", ""), `degraded`), Fail, "body has no match for /degraded/"},
		{"body capped", withBody(httpSpec(srv.URL+"/flood", ""), `THE END`), Fail, "read the first 64.0 KiB only"},
		{"headers sent", withHeaders(httpSpec(srv.URL+"/auth", ""), map[string]string{"Authorization": "Bearer t0k", "Host": "app.internal"}), OK, "200"},
		{"headers missing", httpSpec(srv.URL+"/auth", ""), Fail, "401"},
		{"tls verified", httpSpec(tlsSrv.URL+"/ok", ""), Fail, "TLS certificate not accepted"},
		{"tls insecure", insecure(httpSpec(tlsSrv.URL+"/ok", "")), OK, "200"},
		{"never answers", timeout(httpSpec(never, ""), 300*time.Millisecond), Error, "timed out after 300ms"},
		{"bad status spec", httpSpec(srv.URL+"/ok", "20x"), Error, `"20x" is not a status code`},
		{"bad url", httpSpec("http://[::1", ""), Error, "bad URL"},
	}
	r := NewRunner(Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantStatus(t, runWith(t, r, tt.sp), tt.want, tt.msg)
		})
	}
	if landed.Load() != 0 {
		t.Errorf("a redirect was followed %d times", landed.Load())
	}
	if s := sent.Load(); s > 8<<20 {
		t.Errorf("the flood handler could write %d bytes: the body was read past the cap", s)
	}
}

// TestHTTPURLShownAsWritten: a variable in the URL is expanded for the
// request only; every message names the URL as the plan wrote it, so the
// token in the variable never reaches the output.
func TestHTTPURLShownAsWritten(t *testing.T) {
	const token = "tok-9f8e7d6c5b4a"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/"+token+"/ok":
			fmt.Fprint(w, "ok")
		case r.URL.Path == "/"+token+"/moved":
			http.Redirect(w, r, "/"+token+"/ok", http.StatusFound)
		default:
			http.Error(w, "nope", http.StatusServiceUnavailable)
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		path   string
		status Status
	}{{"ok", OK}, {"down", Fail}, {"moved", Fail}} {
		written := srv.URL + "/${API_TOKEN}/" + tc.path
		sp := httpSpec(written, "")
		sp.Params.(*spec.HTTPParams).URL = srv.URL + "/" + token + "/" + tc.path
		res := runSpec(t, sp)
		wantStatus(t, res, tc.status, written)
		if strings.Contains(res.Message, token) {
			t.Errorf("%s: the message shows the expanded token: %q", tc.path, res.Message)
		}
	}
	refused := "http://127.0.0.1:1/${API_TOKEN}"
	sp := httpSpec(refused, "")
	sp.Params.(*spec.HTTPParams).URL = "http://127.0.0.1:1/" + token
	if res := runSpec(t, sp); strings.Contains(res.Message, token) || !strings.Contains(res.Message, refused) {
		t.Errorf("refused: %q", res.Message)
	}
}

func TestHideExpansions(t *testing.T) {
	tests := []struct{ written, expanded, msg, want string }{
		{"https://$HOST/x?k=${KEY}", "https://api.example.com/x?k=s3cr3tvalue", "GET https://api.example.com/x?k=s3cr3tvalue failed, key s3cr3tvalue",
			"GET https://$HOST/x?k=${KEY} failed, key ${KEY}"},
		{"http://h/${A}${B}/z", "http://h/aaaabbbb/z", "at /aaaabbbb/z", "at /${A}${B}/z"}, // two in a row: read as one
		{"http://h/${A}", "http://h/ab", "ab here", "ab here"},                             // too short to hide
		{"http://h/x", "http://h/x", "http://h/x", "http://h/x"},
		{"http://h/${A}/y", "http://other/zzzz/y", "zzzz", "zzzz"}, // not an expansion of written: left
	}
	for _, tt := range tests {
		if got := hideExpansions(tt.written, tt.expanded, tt.msg); got != tt.want {
			t.Errorf("hideExpansions(%q, %q, %q) = %q, want %q", tt.written, tt.expanded, tt.msg, got, tt.want)
		}
	}
}
