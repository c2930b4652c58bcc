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
