package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestPrometheusScrapesServe: a real Prometheus, on a free loopback port
// with its own config and data folder, scrapes a real gonogo serve; its
// HTTP API shows the verdict series, and the series change when the
// sandbox does (config_chromadb.py committed: NO-GO → GO).
func TestPrometheusScrapesServe(t *testing.T) {
	prometheus, _ := gonogotest.Prometheus(t)
	dir := seedSandbox(t, seedPlan)
	g, gURL := serveSandbox(t, dir, "--interval", "200ms", "docs/plan.md")

	work := t.TempDir()
	rules, err := filepath.Abs("../../dashboard/metrics/gonogo-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`global:
  scrape_interval: 250ms
  scrape_timeout: 200ms
  evaluation_interval: 250ms
rule_files:
  - %s
scrape_configs:
  - job_name: gonogo
    static_configs:
      - targets: ['%s']
`, rules, strings.TrimPrefix(gURL, "http://"))
	gonogotest.WriteFile(t, filepath.Join(work, "prometheus.yml"), config)
	addr := freePort(t)
	p := startProcess(t, work, prometheus, os.Environ(),
		"--config.file="+filepath.Join(work, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(work, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn")
	api := "http://" + addr

	// query asks Prometheus for the value of one series, "" when absent.
	query := func(q string) string {
		resp, err := http.Get(api + "/api/v1/query?query=" + url.QueryEscape(q))
		if err != nil { // not listening yet
			return ""
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var r struct {
			Data struct {
				Result []struct {
					Value [2]any `json:"value"`
				} `json:"result"`
			} `json:"data"`
		}
		if resp.StatusCode != 200 || json.Unmarshal(b, &r) != nil || len(r.Data.Result) != 1 {
			return ""
		}
		v, _ := r.Data.Result[0].Value[1].(string)
		return v
	}
	waitQuery := func(q, want string) {
		t.Helper()
		got := ""
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if got = query(q); got == want {
				return
			}
			select {
			case <-p.done:
				t.Fatalf("prometheus exited: %v\n%s", p.err, p.stderr())
			default:
			}
		}
		t.Fatalf("Prometheus never answered %s = %s (last %q)\nprometheus stderr:\n%s\ngonogo stderr:\n%s", q, want, got, p.stderr(), g.stderr())
	}

	waitQuery(`up{job="gonogo"}`, "1")
	waitQuery(`gonogo_verdict{job="gonogo",plan="plan",verdict="NO-GO"}`, "1")
	waitQuery(`gonogo_rollback_gate{gate="NO-GO"}`, "1")
	waitQuery(`gonogo_step_status{step="23",status="NO-GO",rollback="true"}`, "1")

	gonogotest.Git(t, dir, "add", "config_chromadb.py")
	gonogotest.Git(t, dir, "commit", "-q", "-m", "track config_chromadb.py")
	waitQuery(`gonogo_verdict{job="gonogo",plan="plan",verdict="GO"}`, "1")
	waitQuery(`gonogo_verdict{job="gonogo",plan="plan",verdict="NO-GO"}`, "0")
	waitQuery(`gonogo_rollback_gate{gate="GO"}`, "1")
	// The shipped rules loaded into this Prometheus and none is firing now.
	waitQuery(`count(ALERTS{alertstate="firing"}) or vector(0)`, "0")
	code, body := httpGet(t, api+"/api/v1/rules")
	if code != 200 || !strings.Contains(body, `"GonogoRollbackNoGo"`) {
		t.Errorf("the rules did not load: %d %s", code, body)
	}

	p.cmd.Process.Signal(syscall.SIGTERM)
	p.exit()
	g.cmd.Process.Signal(syscall.SIGTERM)
	if code := g.exit(); code != 128+int(syscall.SIGTERM) {
		t.Errorf("gonogo serve exit %d", code)
	}
}
