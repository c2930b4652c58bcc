package report

import (
	"io"

	"github.com/gonogo-dev/gonogo/dashboard/metrics"
	"github.com/gonogo-dev/gonogo/dashboard/model"
)

// Prometheus is the text exposition format: the gauges of `gonogo serve`'s
// /metrics, for a cron job that feeds node_exporter's textfile collector
// or a push to a Pushgateway.
const Prometheus Format = "prometheus"

func init() {
	register(Prometheus, renderer{
		snapshot: func(w io.Writer, s *model.Snapshot, _ Options) error { return metrics.Write(w, s.Plan, s) },
	})
}
