package plans

import (
	"fmt"
	"sort"
	"strings"

	"github.com/gonogo-dev/gonogo/plans/spec"
)

// dumpPlan is a stable text form of a parsed plan, for golden files. Paths
// under the root are shown relative to "<root>" so goldens do not depend on
// where the tests run.
func dumpPlan(p *Plan) string {
	var b strings.Builder
	rel := func(s string) string {
		if p.Root != "" && (s == p.Root || strings.HasPrefix(s, p.Root+"/")) {
			return "<root>" + strings.TrimPrefix(s, p.Root)
		}
		return s
	}
	fmt.Fprintf(&b, "title: %q\n", p.Title)
	for _, ph := range p.Phases {
		fmt.Fprintf(&b, "phase %d %q slug=%s rollback=%v\n", ph.Line, ph.Name, ph.Slug, ph.Rollback)
	}
	for _, s := range p.Steps {
		fmt.Fprintf(&b, "\nstep %s key=%s line=%d", s.ID, s.Key, s.Line)
		if s.Generated {
			b.WriteString(" generated")
		}
		if s.Checked {
			b.WriteString(" checked")
		}
		if s.Rollback {
			b.WriteString(" rollback")
		}
		if s.NoInfer {
			b.WriteString(" noinfer")
		}
		if s.Interval > 0 {
			fmt.Fprintf(&b, " interval=%s", s.Interval)
		}
		if s.Parent != "" {
			fmt.Fprintf(&b, " parent=%s", s.Parent)
		}
		fmt.Fprintf(&b, "\n  title: %q\n  phase: %q\n", s.Title, s.Phase)
		for _, sc := range s.Scripts {
			fmt.Fprintf(&b, "  script %d lang=%q", sc.Line, sc.Lang)
			if sc.Lead != "" {
				fmt.Fprintf(&b, " lead=%q", sc.Lead)
			}
			if sc.Alt != "" {
				fmt.Fprintf(&b, " alt=%q@%d", sc.Alt, sc.AltSet)
			}
			if sc.Prompt != "" {
				fmt.Fprintf(&b, " prompt=%q", sc.Prompt)
			}
			if sc.Session != "" {
				fmt.Fprintf(&b, " session=%q", sc.Session)
			}
			b.WriteString(":\n")
			for _, l := range strings.Split(sc.Text, "\n") {
				fmt.Fprintf(&b, "    | %s\n", l)
			}
		}
		for _, c := range s.Commands {
			fmt.Fprintf(&b, "  cmd %d: %s\n", c.Line, c.Text)
		}
		for _, pr := range s.Probes {
			dumpProbe(&b, pr, "  ", rel)
		}
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(&b, "\nwarning line %d %s: %s\n", w.Line, w.Field, w.Msg)
	}
	for _, g := range p.RollbackGaps {
		fmt.Fprintf(&b, "\nrollback gap line %d %s: %s\n", g.Line, g.Field, g.Msg)
	}
	return b.String()
}

func dumpProbe(b *strings.Builder, pr *spec.Probe, indent string, rel func(string) string) {
	fmt.Fprintf(b, "%sprobe %s %s %s %q line=%d", indent, pr.Role, pr.Source, pr.Kind, pr.Target, pr.Line)
	if pr.Name != "" {
		fmt.Fprintf(b, " name=%q", pr.Name)
	}
	if pr.Severity != "" {
		fmt.Fprintf(b, " severity=%s", pr.Severity)
	}
	if pr.Timeout > 0 {
		fmt.Fprintf(b, " timeout=%s", pr.Timeout)
	}
	if pr.Capture != "" {
		fmt.Fprintf(b, " capture=%s", pr.Capture)
	}
	if pr.Params != nil {
		fmt.Fprintf(b, " %s", dumpParams(pr.Params, rel))
	}
	b.WriteByte('\n')
	for _, c := range pr.Children {
		dumpProbe(b, c, indent+"  ", rel)
	}
}

func dumpParams(p spec.Params, rel func(string) string) string {
	var kv []string
	add := func(k string, v any) { kv = append(kv, fmt.Sprintf("%s=%v", k, v)) }
	switch p := p.(type) {
	case *spec.GitParams:
		add("path", rel(p.Path))
		add("state", p.State)
		if p.Repo != "" {
			add("repo", rel(p.Repo))
		}
	case *spec.FileParams:
		add("path", rel(p.Path))
		add("exists", p.Exists)
		if p.MinSize > 0 {
			add("min_size", p.MinSize)
		}
		if p.MaxAge > 0 {
			add("max_age", p.MaxAge)
		}
		if p.Contains != nil {
			add("contains", p.Contains)
		}
		if p.Mode != nil {
			add("mode", fmt.Sprintf("%04o", uint32(*p.Mode)))
		}
		if p.Dir {
			add("dir", true)
		}
	case *spec.BackupParams:
		add("path", rel(p.Path))
		if p.Of != "" {
			add("of", rel(p.Of))
		}
		if p.SHA256 != "" {
			add("sha256", p.SHA256)
		}
		if p.MinSize > 0 {
			add("min_size", p.MinSize)
		}
		if p.MaxAge > 0 {
			add("max_age", p.MaxAge)
		}
	case *spec.HostParams:
		add("target", p.Target)
		if p.Model != nil {
			add("model", p.Model)
		}
		if p.MinCores > 0 {
			add("min_cores", p.MinCores)
		}
		if p.MaxPercent > 0 {
			add("max_percent", p.MaxPercent)
		}
		if p.MinAvailable > 0 {
			add("min_available", p.MinAvailable)
		}
		if p.Path != "" {
			add("path", rel(p.Path))
		}
		if p.MinFree > 0 {
			add("min_free", p.MinFree)
		}
		if p.MaxUsedPercent > 0 {
			add("max_used_percent", p.MaxUsedPercent)
		}
		if p.Max > 0 {
			add("max", p.Max)
		}
	case *spec.ProcessParams:
		add("pattern", p.Pattern)
		add("running", p.Running)
		add("min_count", p.MinCount)
	case *spec.SystemdParams:
		add("unit", p.Unit)
		add("active", p.Active)
	case *spec.PostgresParams:
		kv = append(kv, dumpPostgres(p))
	case *spec.PortParams:
		add("address", p.Address)
		add("open", p.Open)
	case *spec.HTTPParams:
		add("url", p.URL)
		add("status", p.Status)
		if p.Body != nil {
			add("body", p.Body)
		}
		if p.Insecure {
			add("insecure", true)
		}
		var hs []string
		for k := range p.Headers {
			hs = append(hs, k)
		}
		sort.Strings(hs)
		for _, k := range hs {
			add("header."+k, p.Headers[k])
		}
	case *spec.CommandParams:
		add("command", p.Command)
		add("exit", p.Exit)
		if p.Stdout != nil {
			add("stdout", p.Stdout)
		}
		if p.Expect != nil {
			add("expect", p.Expect.String())
		}
		add("dir", rel(p.Dir))
	}
	return strings.Join(kv, " ")
}
