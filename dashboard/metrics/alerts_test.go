package metrics

import (
	"os"
	"os/exec"
	"regexp"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gonogo-dev/gonogo/plans/gonogotest"
)

// TestAlertRules: the shipped rules load (promtool check rules) and fire
// as their test case says (promtool test rules) — a NO-GO host, a rollback
// that cannot run, an UNKNOWN, a stale and a missing host.
func TestAlertRules(t *testing.T) {
	_, promtool := gonogotest.Prometheus(t)
	for _, args := range [][]string{
		{"check", "rules", "gonogo-alerts.yml"},
		{"test", "rules", "testdata/alerts.test.yml"},
	} {
		out, err := exec.Command(promtool, args...).CombinedOutput()
		if err != nil {
			t.Errorf("promtool %v: %v\n%s", args, err, out)
		}
	}
}

// TestAlertRulesNameOurMetrics: every gonogo_ series the rules query is
// one the collector draws, so a rename cannot leave the rules silent.
func TestAlertRulesNameOurMetrics(t *testing.T) {
	b, err := os.ReadFile("gonogo-alerts.yml")
	if err != nil {
		t.Fatal(err)
	}
	ch := make(chan *prometheus.Desc, 32)
	NewCollector("plan.md").Describe(ch)
	close(ch)
	known := map[string]bool{}
	nameRE := regexp.MustCompile(`fqName: "([a-z_]+)"`)
	for d := range ch {
		known[nameRE.FindStringSubmatch(d.String())[1]] = true
	}
	used := regexp.MustCompile(`\bgonogo_[a-z_]+\b`).FindAllString(string(b), -1)
	if len(used) == 0 {
		t.Fatal("the rules query no gonogo_ series")
	}
	for _, name := range used {
		if !known[name] {
			t.Errorf("the rules query %s, which the collector does not draw (it draws %v)", name, known)
		}
	}
}
