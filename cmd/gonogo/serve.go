package main

import (
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/serve"
)

// defaultListen is serve's address: loopback only, so nothing is
// reachable from another host unless --listen says so.
const defaultListen = "127.0.0.1:9644"

func newServeCmd(ios *IOStreams, getenv func(string) string) *cobra.Command {
	f := &flags{}
	var (
		listen      string
		allowRemote bool
	)
	cmd := &cobra.Command{
		Use:   "serve [flags] PLAN.md",
		Short: "Answer over HTTP: /healthz, /v1/snapshot and /metrics for Prometheus",
		Long: `serve checks the plan on the board's schedule (at start, then every --interval)
and answers from the last check, never running a probe per request:

  /healthz            200 GO, 429 UNKNOWN, 503 NO-GO (Consul, Nomad and load
                      balancers read these as passing, warning, critical),
                      with a one-line reason; ?step=ID gates one step
  /v1/snapshot        the JSON snapshot, as gonogo --once --format json
  /metrics            Prometheus gauges: verdict, rollback gate, step
                      statuses, probe durations, last check, build info

It listens on 127.0.0.1:9644 unless --listen says otherwise, and refuses an
address other hosts can reach without --allow-remote. Edits to the plan are
picked up at the next check. SIGTERM or Ctrl-C drains requests in flight and
exits 143 or 130 (128 + the signal, as every gonogo command).`,
		Example: `  gonogo serve docs/plans/migrate.md
  curl -fsS http://127.0.0.1:9644/healthz?step=23
  gonogo serve --listen 0.0.0.0:9644 --allow-remote --interval 15s docs/plans/migrate.md`,
		Args:          planArg,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.interval <= 0 {
				return usageErr(fmt.Errorf("--interval %s: want a positive duration such as 5s", f.interval))
			}
			if f.timeout < 0 {
				return usageErr(fmt.Errorf("--timeout %s: want a positive duration such as 30s", f.timeout))
			}
			if err := serve.CheckListen(listen, allowRemote); err != nil {
				return usageErr(err)
			}
			sess, err := model.NewSession(f.sessionOptions(args[0], getenv))
			if err != nil {
				return planError(err)
			}
			if err := checkRecord(f.record); err != nil {
				return err
			}
			ln, err := net.Listen("tcp", listen)
			if err != nil {
				return usageErr(fmt.Errorf("--listen %s: %v (is another gonogo serve running there? pick another port with --listen)", listen, err))
			}
			opts := serve.Options{Interval: f.interval, Plan: args[0], Log: ios.ErrOut}
			if f.record != "" {
				opts.OnSnapshot = (&boardRecord{path: f.record}).onSnapshot
			}
			fmt.Fprintf(ios.ErrOut, "gonogo serve: http://%s/healthz for %s, checked every %s (Ctrl-C or SIGTERM stops)\n", ln.Addr(), args[0], f.interval)
			if err := serve.New(sess, opts).Serve(cmd.Context(), ln); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&listen, "listen", defaultListen, "`HOST:PORT` to answer on")
	fl.BoolVar(&allowRemote, "allow-remote", false, "allow a --listen address other hosts can reach (put a firewall or an authenticating proxy in front)")
	fl.DurationVar(&f.interval, "interval", serve.DefaultInterval, "how often probes are re-checked, unless a step sets its own interval")
	fl.DurationVar(&f.timeout, "timeout", 0, "bound on each check, e.g. 30s: probes that have not answered by then are errors")
	fl.StringVar(&f.root, "root", "", "resolve relative probe paths against `DIR` (default: the git work tree holding the plan, else its folder)")
	fl.StringVar(&f.probes, "probes", "", "sidecar YAML `FILE` with probe blocks keyed by step ID")
	fl.BoolVar(&f.noExec, "no-exec", false, "never run command probes (they show as skip)")
	fl.BoolVar(&f.noInfer, "no-infer", false, "only use explicit and sidecar probes")
	fl.StringArrayVar(&f.steps, "step", nil, "narrow the verdict to this step `ID` (repeatable)")
	fl.StringVar(&f.at, "at", "", "the step `ID` you are at: it becomes the next step")
	fl.StringVar(&f.record, "record", "", "append the JSON snapshot to `FILE` for the first check and every change")
	cmd.Flags().SortFlags = false
	return cmd
}
