// Package serve answers the plan's questions over HTTP for the systems a
// team already runs: /healthz for load balancers, Consul and Nomad checks
// (200 GO, 429 UNKNOWN, 503 NO-GO), /v1/snapshot for scripts and
// /metrics for Prometheus.
//
// It drives the same session as the board, on the board's schedule: a
// check at start, then one every interval, never one per request. Requests
// only read the last complete snapshot, so a slow probe never slows an
// answer, and a thousand scrapes cost no probe run.
package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/gonogo-dev/gonogo/dashboard/metrics"
	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// Source is what serve needs of a plan session (*model.Session): checks,
// and a reload when the plan files change.
type Source interface {
	Check(ctx context.Context, o model.CheckOptions) *model.Snapshot
	Reload() error
	Files() []string
}

var _ Source = (*model.Session)(nil)

// Options configure a Server.
type Options struct {
	// Interval between checks; 0 means 5s, as on the board. A probe's own
	// interval: is honoured by the session (only due probes re-run).
	Interval time.Duration
	// Plan is the plan's path, for the metrics' plan label.
	Plan string
	// Log receives one line per event worth a log (start, a change of the
	// verdict, the rollback gate or the next step, a failed reload, the
	// drain); nil discards them.
	Log io.Writer
	// OnSnapshot, when set, sees every complete snapshot, one call at a
	// time, on the checking goroutine (gonogo serve --record uses it). An
	// error is logged.
	OnSnapshot func(*model.Snapshot) error
	// Drain bounds how long a shutdown waits for requests in flight; 0
	// means 5s.
	Drain time.Duration
}

// DefaultInterval is the check interval when Options.Interval is 0.
const DefaultInterval = 5 * time.Second

// Server holds the last snapshot and answers requests from it.
type Server struct {
	src  Source
	opts Options

	snap      atomic.Pointer[model.Snapshot]
	snapJSON  atomic.Pointer[[]byte] // snap as /v1/snapshot sends it, encoded once per check
	collector *metrics.Collector
	registry  *prometheus.Registry
	checks    atomic.Uint64 // completed checks, for /healthz's body and tests

	logMu sync.Mutex
}

// New makes a server for src; nothing runs until Serve.
func New(src Source, opts Options) *Server {
	if opts.Interval <= 0 {
		opts.Interval = DefaultInterval
	}
	if opts.Drain <= 0 {
		opts.Drain = 5 * time.Second
	}
	s := &Server{src: src, opts: opts, collector: metrics.NewCollector(opts.Plan)}
	s.registry = prometheus.NewRegistry()
	s.registry.MustRegister(s.collector,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return s
}

// Checks is the number of checks completed so far.
func (s *Server) Checks() uint64 { return s.checks.Load() }

func (s *Server) logf(format string, args ...any) {
	if s.opts.Log == nil {
		return
	}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	fmt.Fprintf(s.opts.Log, "gonogo serve: "+format+"\n", args...)
}

// Serve answers on ln and checks the plan until ctx ends (gonogo serve:
// SIGTERM or SIGINT), then drains: it stops accepting, lets requests in
// flight finish (up to Options.Drain), stops the check loop and returns
// nil. An error is a listener that failed.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	// conns tracks connections that have not sent a request yet: a drain
	// closes them at once instead of waiting for them (net/http waits up
	// to 5 s for a first request on a fresh connection).
	var conns sync.Map // net.Conn → http.ConnState
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ConnState: func(c net.Conn, st http.ConnState) {
			if st == http.StateClosed || st == http.StateHijacked {
				conns.Delete(c)
			} else {
				conns.Store(c, st)
			}
		},
	}
	loopCtx, stopLoop := context.WithCancel(ctx)
	defer stopLoop()
	loopDone := make(chan struct{})
	go func() {
		defer close(loopDone)
		s.loop(loopCtx)
	}()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()

	var err error
	select {
	case <-ctx.Done():
		s.logf("stopping: draining requests in flight (up to %s)", s.opts.Drain)
	case err = <-served:
	}
	dctx, cancel := context.WithTimeout(context.Background(), s.opts.Drain)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- srv.Shutdown(dctx) }()
	conns.Range(func(c, st any) bool {
		if st.(http.ConnState) == http.StateNew {
			c.(net.Conn).Close()
		}
		return true
	})
	if serr := <-shut; serr != nil {
		// Requests still running after the drain time are cut off: the
		// process is going away either way.
		s.logf("requests still running after %s were cut off", s.opts.Drain)
		srv.Close()
	}
	stopLoop()
	<-loopDone
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// loop checks at once, then every interval; a tick that finds the last
// check still running is skipped (a check never overlaps another). Before
// each tick it reloads the plan when its files changed.
func (s *Server) loop(ctx context.Context) {
	stamps := s.stamps()
	s.check(ctx, true)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if now := s.stamps(); now != stamps {
			stamps = now
			if err := s.src.Reload(); err != nil {
				s.logf("the plan did not reload, still checking the last good version: %v", err)
			} else {
				s.logf("the plan changed: reloaded")
				s.check(ctx, true)
				continue
			}
		}
		s.check(ctx, false)
	}
}

// stamps is the size and modification time of the plan files: a change
// means an edit to reload.
func (s *Server) stamps() string {
	var b strings.Builder
	for _, f := range s.src.Files() {
		if fi, err := os.Stat(f); err == nil {
			fmt.Fprintf(&b, "%s %d %d;", f, fi.Size(), fi.ModTime().UnixNano())
		} else {
			fmt.Fprintf(&b, "%s missing;", f)
		}
	}
	return b.String()
}

// check runs one check and publishes its snapshot.
func (s *Server) check(ctx context.Context, force bool) {
	snap := s.src.Check(ctx, model.CheckOptions{Force: force, DefaultInterval: s.opts.Interval})
	if snap == nil || ctx.Err() != nil {
		return
	}
	var js bytes.Buffer
	if err := report.JSONObject(&js, snap); err != nil {
		s.logf("%v", err)
	}
	b := js.Bytes()
	s.snapJSON.Store(&b)
	old := s.snap.Swap(snap)
	s.collector.Set(snap)
	n := s.checks.Add(1)
	if old == nil {
		s.logf("first check: %s, next step %s, rollback %s", snap.Verdict, orNone(snap.NextStep), snap.Rollback)
	}
	for _, c := range model.Diff(old, snap) {
		switch c.What {
		case model.ChangeVerdict, model.ChangeRollback, model.ChangeNext, model.ChangePlan:
			line := fmt.Sprintf("check %d: %s %s → %s", n, c.What, c.From, c.To)
			if c.Why != "" {
				line += ": " + c.Why
			}
			s.logf("%s", line)
		}
	}
	if s.opts.OnSnapshot != nil {
		if err := s.opts.OnSnapshot(snap); err != nil {
			s.logf("%v", err)
		}
	}
}

// Handler routes /healthz, /v1/snapshot and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /v1/snapshot", s.snapshot)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "gonogo serve\n\n"+
			"  /healthz            200 GO, 429 UNKNOWN, 503 NO-GO, with a one-line reason\n"+
			"  /healthz?step=ID    the same for one step\n"+
			"  /v1/snapshot        the JSON snapshot (gonogo --once --format json)\n"+
			"  /metrics            Prometheus gauges\n")
	})
	return mux
}

// statusOf maps a gate to the status codes Consul, Nomad and load
// balancers read as passing, warning and critical.
func statusOf(g model.Gate) int {
	switch g {
	case model.GateGo:
		return http.StatusOK
	case model.GateNoGo:
		return http.StatusServiceUnavailable
	}
	return http.StatusTooManyRequests
}

// healthz answers with the verdict, or with one step's gate (?step=ID),
// and a one-line reason.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	snap := s.snap.Load()
	if snap == nil {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, "UNKNOWN: the first check is still running\n")
		return
	}
	if ref := r.URL.Query().Get("step"); ref != "" {
		st := snap.Step(ref)
		if st == nil {
			var refs []string
			for i := range snap.Steps {
				refs = append(refs, snap.Steps[i].Ref())
			}
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprintf(w, "no step %q in %s (steps: %s)\n", ref, textfmt.Printable(snap.Plan), textfmt.Printable(strings.Join(refs, ", ")))
			return
		}
		w.WriteHeader(statusOf(st.Gate))
		fmt.Fprintf(w, "%s: %s\n", st.Gate, textfmt.Printable(stepReason(st)))
		return
	}
	w.WriteHeader(statusOf(snap.Verdict))
	reason := snap.Action
	if len(snap.Reasons) > 0 {
		reason = snap.Reasons[0]
		if n := len(snap.Reasons) - 1; n > 0 {
			reason += fmt.Sprintf(" (and %d more)", n)
		}
	}
	fmt.Fprintf(w, "%s: %s\n", snap.Verdict, textfmt.Printable(reason))
}

// stepReason is why one step has its gate: the first requirement that
// stands in the way, else the step's status.
func stepReason(st *model.StepView) string {
	what := "step " + st.Ref()
	if st.Title != "" {
		what += " (" + st.Title + ")"
	}
	if st.Gate != model.GateGo {
		for i := range st.Probes {
			p := &st.Probes[i]
			if p.Role != spec.Done && p.NeedsAttention() {
				return what + ": " + p.Label() + ": " + p.Message
			}
		}
	}
	return what + " is " + string(st.Status)
}

// snapshot writes the JSON snapshot of --once --format json.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Type", "application/json")
	js := s.snapJSON.Load()
	if js == nil {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `{"error": "the first check is still running"}`+"\n")
		return
	}
	w.Write(*js)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// CheckListen refuses an address that other hosts could reach unless
// remote is set: the snapshot names files, steps and hosts, and a plan's
// probes are not for everyone to trigger a view of. Loopback addresses
// and "localhost" are always fine.
func CheckListen(addr string, remote bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %s: expected host:port like 127.0.0.1:9644: %v", addr, err)
	}
	if remote {
		return nil
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	what := host
	if host == "" || host == "0.0.0.0" || host == "::" {
		what = "every interface"
	}
	return fmt.Errorf("--listen %s would answer on %s, not only this host: the snapshot shows the plan's files, steps and hosts to whoever asks. Add --allow-remote to mean it (behind a firewall or a proxy with authentication), or listen on 127.0.0.1", addr, what)
}
