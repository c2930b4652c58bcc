package probes

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

func init() { register(spec.KindHTTP, checkHTTP) }

// webClients are the HTTP clients of a Runner: one verifying TLS, one not
// (insecure: true). Neither follows redirects nor keeps connections, so
// every check sees the server as it is now.
type webClients struct {
	once             sync.Once
	secure, insecure *http.Client
}

// client returns the client for the probe's TLS choice.
func (w *webClients) client(insecure bool) *http.Client {
	w.once.Do(func() {
		mk := func(skip bool) *http.Client {
			tr := http.DefaultTransport.(*http.Transport).Clone()
			tr.DisableKeepAlives = true
			tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: skip} //nolint:gosec // only when the probe says insecure: true
			return &http.Client{
				Transport: tr,
				CheckRedirect: func(*http.Request, []*http.Request) error {
					return http.ErrUseLastResponse
				},
			}
		}
		w.secure, w.insecure = mk(false), mk(true)
	})
	if insecure {
		return w.insecure
	}
	return w.secure
}

// checkHTTP answers an http probe: GET the URL with the given headers,
// compare the status (a 3xx is reported with its Location, not
// followed) and search the first OutputCap bytes of the body.
func checkHTTP(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.HTTPParams) (Status, string) {
	st, msg := getHTTP(ctx, r, sp, p)
	return st, hideExpansions(sp.Target, p.URL, msg)
}

// getHTTP is checkHTTP before the variables' values are hidden again.
func getHTTP(ctx context.Context, r *Runner, sp *spec.Probe, p *spec.HTTPParams) (Status, string) {
	accept, err := parseStatusSpec(p.Status)
	if err != nil {
		return Error, err.Error()
	}
	// Messages name the URL as the plan wrote it: a $TOKEN in it is
	// expanded for the request only (README, "Paths").
	show := sp.Target
	if show == "" {
		show = p.URL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL, nil)
	if err != nil {
		return Error, fmt.Sprintf("bad URL %s: %v", show, rootCause(err))
	}
	req.Header.Set("User-Agent", "gonogo")
	for k, v := range p.Headers {
		if strings.EqualFold(k, "Host") {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := r.web.client(p.Insecure).Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Error, ctx.Err().Error()
		}
		return httpErr(show, err)
	}
	defer resp.Body.Close()
	code := resp.StatusCode
	if !accept(code) {
		want := p.Status
		if want == "" {
			want = "2xx"
		}
		if code >= 300 && code < 400 {
			loc := resp.Header.Get("Location")
			if loc == "" {
				loc = "(no Location header)"
			}
			return Fail, fmt.Sprintf("%s answered %s, redirecting to %s (redirects are not followed), expected %s: probe the final URL", show, resp.Status, loc, want)
		}
		return Fail, fmt.Sprintf("%s answered %s, expected %s: see the service's log (curl -i %s shows the answer)", show, resp.Status, want, show)
	}
	if p.Body != nil {
		lr := &io.LimitedReader{R: resp.Body, N: int64(r.opts.OutputCap)}
		body, err := io.ReadAll(lr)
		if err != nil && ctx.Err() != nil {
			return Error, ctx.Err().Error()
		}
		if !matchText(p.Body, body) {
			more := ""
			if lr.N == 0 {
				more = fmt.Sprintf(" (read the first %s only)", textfmt.Bytes(int64(r.opts.OutputCap)))
			}
			if err != nil {
				more += fmt.Sprintf(" (reading the body failed: %v)", err)
			}
			return Fail, fmt.Sprintf("%s answered %s but the body has no match for /%s/%s: curl %s shows what it says", show, resp.Status, pattern(p.Body), more, show)
		}
		return OK, fmt.Sprintf("%s answered %s, body matches /%s/", show, resp.Status, pattern(p.Body))
	}
	return OK, fmt.Sprintf("%s answered %s", show, resp.Status)
}

// urlVar is a variable reference in a URL as written: $NAME or ${NAME}.
var urlVar = regexp.MustCompile(`\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\})`)

// hideExpansions puts back, in msg, the variable references of the URL as
// written wherever their values appear — also where the server echoes one
// (a Location header, an error page): the value of each variable is read
// off expanded by matching the literal text around it. Values shorter
// than 4 bytes are left: they would match ordinary text.
func hideExpansions(written, expanded, msg string) string {
	if written == expanded || !strings.Contains(written, "$") {
		return msg
	}
	refs := urlVar.FindAllStringIndex(written, -1)
	// Adjacent references ("${A}${B}") are one run: their values cannot be
	// told apart, so the run is hidden as a whole.
	var runs [][2]int
	for _, ref := range refs {
		if n := len(runs); n > 0 && runs[n-1][1] == ref[0] {
			runs[n-1][1] = ref[1]
		} else {
			runs = append(runs, [2]int{ref[0], ref[1]})
		}
	}
	pos, last := 0, 0
	for i, run := range runs {
		lit := written[last:run[0]]
		if !strings.HasPrefix(expanded[pos:], lit) {
			return msg // the expansion is not what we think: leave it
		}
		pos += len(lit)
		next := written[run[1]:]
		if i+1 < len(runs) {
			next = written[run[1]:runs[i+1][0]]
		}
		end := len(expanded)
		if next != "" {
			j := strings.Index(expanded[pos:], next)
			if j < 0 {
				return msg
			}
			end = pos + j
		}
		if val := expanded[pos:end]; len(val) >= 4 {
			msg = strings.ReplaceAll(msg, val, written[run[0]:run[1]])
		}
		pos, last = end, run[1]
	}
	return msg
}

// httpErr turns a transport error into a result: a refused connection or
// a bad certificate does not hold (Fail); anything else means we cannot
// tell (Error).
func httpErr(url string, err error) (Status, string) {
	var uerr x509.UnknownAuthorityError
	var herr x509.HostnameError
	var cerr x509.CertificateInvalidError
	var verr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &uerr), errors.As(err, &herr), errors.As(err, &cerr), errors.As(err, &verr):
		return Fail, fmt.Sprintf("%s: TLS certificate not accepted (%v): fix the certificate, or set insecure: true if this is expected", url, rootCause(err))
	case errors.Is(err, syscall.ECONNREFUSED):
		return Fail, fmt.Sprintf("%s refuses connections: start the service (ss -ltnp shows what listens)", url)
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return Error, fmt.Sprintf("cannot resolve the host of %s: %v: check the name (getent hosts)", url, dnsErr)
	}
	return Error, fmt.Sprintf("cannot GET %s: %v", url, rootCause(err))
}

// rootCause strips the url.Error wrapping that repeats the URL.
func rootCause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// parseStatusSpec reads the accepted status: "2xx" (default), "200",
// "3xx", or a comma list of either ("200,204", "2xx,304").
func parseStatusSpec(s string) (func(int) bool, error) {
	if strings.TrimSpace(s) == "" {
		s = "2xx"
	}
	var accept []func(int) bool
	for _, part := range strings.Split(s, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if len(part) == 3 && strings.HasSuffix(part, "xx") && part[0] >= '1' && part[0] <= '5' {
			class := int(part[0]-'0') * 100
			accept = append(accept, func(c int) bool { return c >= class && c < class+100 })
			continue
		}
		n, err := strconv.Atoi(part)
		if err != nil || n < 100 || n > 599 {
			return nil, fmt.Errorf("http status %q is not a status code (200) or class (2xx)", part)
		}
		accept = append(accept, func(c int) bool { return c == n })
	}
	return func(c int) bool {
		for _, a := range accept {
			if a(c) {
				return true
			}
		}
		return false
	}, nil
}
