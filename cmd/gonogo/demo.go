package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"mvdan.cc/sh/v3/syntax"

	"github.com/gonogo-dev/gonogo/dashboard"
	"github.com/gonogo-dev/gonogo/dashboard/model"
	"github.com/gonogo-dev/gonogo/dashboard/report"
	"github.com/gonogo-dev/gonogo/plans/examples"
)

// demoPlanPath is where the sandbox keeps the example plan, relative to
// the sandbox's root.
const demoPlanPath = "docs/plans/migrate.md"

func newDemoCmd(ios *IOStreams, getenv func(string) string) *cobra.Command {
	var (
		once   bool
		format = report.Text
		keep   bool
		rec    string
	)
	cmd := &cobra.Command{
		Use:   "demo [--once]",
		Short: "Run gonogo on a throwaway sandbox: the ChromaDB → pgvector migration whose rollback cannot work",
		Long: `demo builds a throwaway git repository under the temp folder — a committed
README and app, an UNTRACKED config_chromadb.py and no backup of it — with the
example migration plan, then opens the board on it (or, with --once, prints the
snapshot). Rollback step 23 restores config_chromadb.py from git and from a
backup, neither of which exists, so the rollback gate is NO-GO. The demo
prints the commands that would fix it, so you can try them in another pane
and watch the board turn GO.

The sandbox is removed when the demo ends (also on Ctrl-C) unless --keep.
demo exits 0 when it ran, whatever the verdict: the verdict is in the output.`,
		Example: `  gonogo demo
  gonogo demo --once
  gonogo demo --record /tmp/demo.gonogo.jsonl   # the board's changes, as JSON lines
  go run ./cmd/gonogo demo`,
		Args:          cobra.NoArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rec != "" {
				if err := openRecord(rec); err != nil {
					return usageErr(err)
				}
			}
			if !once && !ios.IsTTY {
				return usageErr(errors.New("stdout is not a terminal: use --once (gonogo demo --once) to print the demo's snapshot, or run it in a terminal for the live board"))
			}
			ctx := cmd.Context()
			dir, err := buildSandbox(ctx)
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("demo: cannot build the sandbox: %w", err)}
			}
			if !keep {
				defer os.RemoveAll(dir)
			}
			plan := filepath.Join(dir, demoPlanPath)
			printDemoIntro(ios, dir, plan, keep)

			sess, err := model.NewSession(model.Options{Plan: plan, Env: demoEnv(getenv, dir)})
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("demo: the embedded plan does not load (a bug, please report it): %w", err)}
			}
			if once {
				_, err := answerOnce(ctx, ios, sess, format, rec)
				return err
			}
			if ios.InTTY {
				fmt.Fprint(ios.ErrOut, "Press Enter to open the board (q quits it and removes the sandbox)… ")
				waitEnter(ctx, ios.In)
			}
			return showBoard(ctx, ios, sess, dashboard.Options{Interval: defaultDemoInterval}, rec)
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "print the sandbox's snapshot once instead of opening the board")
	cmd.Flags().Var(&format, "format", "`FORMAT` of --once: "+formatList(report.Formats()))
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the sandbox after the demo, to play with it")
	cmd.Flags().StringVar(&rec, "record", "", "append JSON snapshots to `FILE`, one a line, as gonogo --record does: --once its answer, the board its first check and every change")
	return cmd
}

// waitEnter returns when a line is read from in or ctx ends.
func waitEnter(ctx context.Context, in io.Reader) {
	read := make(chan struct{})
	go func() {
		bufio.NewReader(in).ReadString('\n')
		close(read)
	}()
	select {
	case <-read:
	case <-ctx.Done():
	}
}

// defaultDemoInterval is the demo board's refresh: quick, so a fix made
// in another pane shows at once.
const defaultDemoInterval = 2 * time.Second

// demoEnv answers $DEMO_ROOT with the sandbox, everything else from the
// real environment.
func demoEnv(getenv func(string) string, dir string) func(string) string {
	return func(k string) string {
		if k == "DEMO_ROOT" {
			return dir
		}
		return getenv(k)
	}
}

// printDemoIntro says where the sandbox is and what would turn step 23 GO.
func printDemoIntro(ios *IOStreams, dir, plan string, keep bool) {
	w := ios.ErrOut
	fmt.Fprintf(w, "gonogo demo: a throwaway sandbox is at %s\n", dir)
	fmt.Fprintf(w, "  plan:   %s\n", plan)
	fmt.Fprintf(w, "  state:  config_chromadb.py is untracked (never committed), and no backup of it exists\n")
	fmt.Fprintf(w, "  so rollback step 23 (git checkout HEAD -- config_chromadb.py, or cp from the backup) cannot work: NO-GO.\n")
	fmt.Fprintf(w, "  (the plan's /backup folder is moved into the sandbox: %s)\n", filepath.Join(dir, "backup"))
	fmt.Fprintf(w, "To turn step 23 GO, run in another shell (the commit alone is enough; the backup gives rollback a second way):\n")
	for _, c := range demoFixCommands(dir) {
		fmt.Fprintf(w, "  %s\n", c)
	}
	if keep {
		fmt.Fprintf(w, "The sandbox stays after the demo (--keep): rm -rf %s\n\n", dir)
	} else {
		fmt.Fprintf(w, "The sandbox is removed when the demo ends.\n\n")
	}
}

// demoFixCommands are the exact commands that make rollback step 23 of the
// example plan GO in the sandbox at dir. Either of its two ways of restoring
// the file (git, or the backup) is enough; the commands give it both, as the
// seed's review recommends.
func demoFixCommands(dir string) []string {
	return []string{
		"cd " + shellQuote(dir),
		"git add config_chromadb.py",
		`git commit -m "chore: track config_chromadb.py for rollback safety"`,
		"mkdir -p backup && cp -p config_chromadb.py backup/config_chromadb.py",
	}
}

// buildSandbox makes the demo's git repository under os.TempDir with the
// git CLI: a committed README, app and plan, and an untracked
// config_chromadb.py. It is the demo's own repository, never the user's.
func buildSandbox(ctx context.Context) (dir string, err error) {
	dir, err = os.MkdirTemp("", "gonogo-demo-")
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	files := map[string]string{
		"README.md":  "# reddit-credit-advisor\n\nRAG pipeline answering credit questions from Reddit threads.\n",
		".gitignore": ".env\nchroma_db/\nlogs/\n",
		"pipeline.py": `"""RAG pipeline: retrieve similar threads, then answer."""
from config import store


def answer(question: str) -> str:
    hits = store().search(question, k=5)
    return "\n".join(h.text for h in hits)
`,
		"config.py":                "from config_chromadb import client as store  # noqa: F401\n",
		"config_pgvector.py":       "DSN = \"postgresql://advisor@127.0.0.1:5432/credit_advisor\"\n",
		"migrate_to_pgvector.py":   "\"\"\"Load a ChromaDB JSONL export into pgvector.\"\"\"\n",
		".env":                     "VECTOR_STORE=chroma\n",
		"chroma_db/chroma.sqlite3": "SQLite format 3\x00 (demo data)\n",
		demoPlanPath:               demoPlan(dir),
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return dir, err
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			return dir, err
		}
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"add", ".gitignore", "README.md", "pipeline.py", "config.py", "config_pgvector.py", "migrate_to_pgvector.py", demoPlanPath},
		{"commit", "-q", "-m", "RAG pipeline on ChromaDB; migration plan"},
	} {
		if err := git(ctx, dir, args...); err != nil {
			return dir, err
		}
	}
	// Written after the commit: the file the seed's review found untracked.
	untracked := `"""ChromaDB failover logic: the rollback path needs this file."""
import chromadb

CHROMA_PATH = "data/chroma"


def client():
    return chromadb.PersistentClient(path=CHROMA_PATH)
`
	if err := os.WriteFile(filepath.Join(dir, "config_chromadb.py"), []byte(untracked), 0o644); err != nil {
		return dir, err
	}
	return dir, nil
}

// demoPlan is the example plan with its /backup folder moved into the
// sandbox at dir, so that the demo's fix needs no root and leaves nothing
// behind.
func demoPlan(dir string) string {
	return strings.ReplaceAll(string(examples.MigrationPlan), " /backup/", " "+filepath.Join(dir, "backup")+"/")
}

// git runs the git CLI in dir with a fixed identity, so the sandbox builds
// on a machine without a git configuration.
func git(ctx context.Context, dir string, args ...string) error {
	full := append([]string{"-c", "user.name=gonogo demo", "-c", "user.email=demo@gonogo.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)
	cmd := exec.CommandContext(ctx, "git", full...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("the demo needs the git CLI: install git (apt-get install git) and run it again")
		}
		return fmt.Errorf("git %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs it, as the shell
// parser gonogo reads plans with would read it back.
func shellQuote(s string) string {
	q, err := syntax.Quote(s, syntax.LangPOSIX)
	if err != nil { // a NUL or invalid UTF-8: no quoting can carry it
		return strconv.Quote(s)
	}
	return q
}
