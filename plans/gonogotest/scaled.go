package gonogotest

import (
	"fmt"
	"strings"
)

// ScaledPlan is a plan of n steps, each a heading with the step's number
// and one small bash block: backups, folders, commits and release
// unpacking in the procedure, and a rollback phase (the last tenth) that
// restores those backups and, every tenth rollback step, an untracked
// config_chromadb.py from git. It is the plan the benchmark harness
// (cmd/gonogo-bench) times `--once --no-exec` and `lint` on, so the
// packages' benchmarks of plan size measure the same shape.
func ScaledPlan(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated plan of %d steps\n\n## Procedure\n\n", n)
	rollback := n / 10
	for i := 1; i <= n; i++ {
		if i == n-rollback+1 {
			b.WriteString("## Rollback\n\n")
		}
		if i > n-rollback {
			k := i - (n - rollback) // 1… within the rollback phase
			fmt.Fprintf(&b, "### %d. Restore step %d\n\n```bash\n", i, k)
			if backups := (n - rollback) / 4; k%10 == 0 || backups == 0 {
				b.WriteString("git checkout HEAD -- config_chromadb.py\n")
			} else {
				// A backup an earlier procedure step made (those ≡ 0 mod 4),
				// spread over the whole procedure.
				fmt.Fprintf(&b, "cp backups/app-%d.py app.py\n", 4*(1+(k*37)%backups))
			}
			b.WriteString("```\n\n")
			continue
		}
		fmt.Fprintf(&b, "### %d. Step %d\n\n```bash\n", i, i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "cp app.py backups/app-%d.py\n", i)
		case 1:
			fmt.Fprintf(&b, "mkdir -p out/%d\necho done > out/%d/marker\n", i, i)
		case 2:
			fmt.Fprintf(&b, "git add app.py && git commit -m \"step %d\"\n", i)
		default:
			fmt.Fprintf(&b, "tar -xzf releases/app-%d.tgz -C out\n", i)
		}
		b.WriteString("```\n\n")
	}
	return b.String()
}
