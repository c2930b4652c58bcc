package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
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
app, an UNTRACKED config_chromadb.py and no backup of it — with a sandbox
version of the example migration plan, then opens the board on it (or, with
--once, prints the snapshot). Rollback step 23 restores config_chromadb.py
from git or from a backup, neither of which exists, so the verdict is NO-GO.
The demo prints the commands that fix it and the plan's next steps; run them
in another pane and watch the board turn GO and the next step move. It needs
git and nothing else: no sudo, systemd or database.

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

			sess, err := model.NewSession(model.Options{Plan: plan, Env: getenv})
			if err != nil {
				return &exitError{code: exitUsage, err: fmt.Errorf("demo: the embedded plan does not load (a bug, please report it): %w", err)}
			}
			if err := checkRecord(rec); err != nil {
				return err
			}
			if once {
				_, err := answerOnce(ctx, ios, sess, format, rec)
				return err
			}
			if rec == "" {
				// x signs steps off: the demo keeps them in the sandbox.
				rec = filepath.Join(dir, demoRecordPath)
			}
			if ios.InTTY {
				fmt.Fprint(ios.ErrOut, "Press Enter to open the board (q quits it and removes the sandbox)… ")
				waitEnter(ctx, ios.In)
			}
			opts := dashboard.Options{Interval: defaultDemoInterval, User: user(getenv), Notes: demoNotes(dir)}
			return showBoard(ctx, ios, sess, opts, rec)
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "print the sandbox's snapshot once instead of opening the board")
	cmd.Flags().Var(&format, "format", "`FORMAT` of --once: "+formatList(report.Formats()))
	cmd.Flags().BoolVar(&keep, "keep", false, "keep the sandbox after the demo, to play with it")
	cmd.Flags().StringVar(&rec, "record", "", "append JSON snapshots to `FILE`, one a line, as gonogo --record does: --once its answer, the board its first check, every change and every sign-off (default: a file in the sandbox)")
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

// demoRecordPath is where the demo board keeps its record (and so the
// sign-offs of x) without --record, relative to the sandbox.
const demoRecordPath = ".gonogo/record.jsonl"

// printDemoIntro says where the sandbox is, why the verdict is NO-GO, the
// commands that fix it, and how to carry out the plan's first steps: the
// whole story, in the order it happens on the board. Commands stand on
// lines of their own after "  $ ", to be copied (and read by the demo's
// end-to-end test, which follows them).
func printDemoIntro(ios *IOStreams, dir, plan string, keep bool) {
	w := ios.ErrOut
	fmt.Fprintf(w, "gonogo demo: a throwaway sandbox is at %s\n", dir)
	fmt.Fprintf(w, "  plan: %s\n", plan)
	fmt.Fprintf(w, "The verdict is NO-GO: rollback step 23 restores config_chromadb.py with git checkout,\n")
	fmt.Fprintf(w, "but the file was never committed, and no step backs it up.\n")
	fmt.Fprintf(w, "1. Fix it in another shell, and the verdict turns GO:\n")
	for _, c := range demoFixCommands(dir) {
		fmt.Fprintf(w, "  $ %s\n", c)
	}
	fmt.Fprintf(w, "2. Then carry out the plan and watch the next step move: step 1 is done by hand,\n")
	fmt.Fprintf(w, "   so select it on the board and press x to sign it off; step 3 makes the export\n")
	fmt.Fprintf(w, "   that rollback step 24 restores (PENDING until then):\n")
	for _, c := range demoStepCommands() {
		fmt.Fprintf(w, "  $ %s\n", c)
	}
	if keep {
		fmt.Fprintf(w, "The sandbox stays after the demo (--keep): rm -rf %s\n\n", shellQuote(dir))
	} else {
		fmt.Fprintf(w, "The sandbox is removed when the demo ends.\n\n")
	}
}

// demoNotes are the intro's instructions in short, kept on the board above
// the steps: by then the board covers the terminal the intro was printed
// to.
func demoNotes(dir string) []string {
	return []string{
		"demo — 1. in another shell: " + strings.Join(demoFixCommands(dir), " && "),
		"2. x signs step 1 off; step 3: " + strings.Join(demoStepCommands(), " && "),
	}
}

// demoFixCommands are the exact commands that make rollback step 23 of the
// demo plan GO in the sandbox at dir: committing config_chromadb.py gives
// `git checkout HEAD -- config_chromadb.py` something to restore.
func demoFixCommands(dir string) []string {
	return []string{
		"cd " + shellQuote(dir),
		`git add config_chromadb.py && git commit -q -m "track config_chromadb.py for rollback"`,
	}
}

// demoStepCommands carry out step 3 of the demo plan — the export that
// its rollback step 24 restores — in the sandbox, after demoFixCommands'
// cd.
func demoStepCommands() []string {
	return []string{"mkdir -p backup && tar -czf backup/chroma_db.tar.gz chroma_db"}
}

// sandboxDir makes a new folder gonogo-demo-XXXXXXXX (8 hex digits) under
// the temp folder: a name of one length, so that the demo's output folds
// the same way every time (the README shows it).
func sandboxDir() (string, error) {
	for range 100 {
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("gonogo-demo-%08x", rand.Uint32()))
		err := os.Mkdir(dir, 0o700)
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", errors.New("no free name for the sandbox under " + os.TempDir())
}

// pipelineScript stands in for the pipeline's two services in the sandbox:
// it only writes or removes run/pipeline.pid, saying which store config.py
// points at.
const pipelineScript = `#!/bin/sh
# The demo's stand-in for the pipeline's services: it writes or removes
# run/pipeline.pid, nothing else.
cd "$(dirname "$0")/.." || exit 1
case "$1" in
start)
	store=chroma
	grep -q pgvector config.py && store=pgvector
	mkdir -p run && echo "pid $$ store=$store" > run/pipeline.pid ;;
stop)
	rm -f run/pipeline.pid ;;
*)
	echo "usage: bin/pipeline start|stop" >&2; exit 2 ;;
esac
`

// buildSandbox makes the demo's git repository under os.TempDir with the
// git CLI: a committed app, pipeline script and plan, the pipeline
// running (run/pipeline.pid), ChromaDB's data folder, and an untracked
// config_chromadb.py. It is the demo's own repository, never the user's,
// and has its own git identity, so that the printed git commit works on a
// machine without one.
func buildSandbox(ctx context.Context) (dir string, err error) {
	dir, err = sandboxDir()
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
		".gitignore": ".env\nchroma_db/\nrun/\nbackup/\nlogs/\n.gonogo/\n",
		"pipeline.py": `"""RAG pipeline: retrieve similar threads, then answer."""
from config import store


def answer(question: str) -> str:
    hits = store().search(question, k=5)
    return "\n".join(h.text for h in hits)
`,
		"config.py":                "from config_chromadb import client as store  # noqa: F401\n",
		"config_pgvector.py":       "from pgvector_store import client as store  # noqa: F401  (config_pgvector)\n",
		"migrate_to_pgvector.py":   "\"\"\"Load a ChromaDB export into pgvector.\"\"\"\n",
		".env":                     "VECTOR_STORE=chroma\n",
		"chroma_db/chroma.sqlite3": "SQLite format 3\x00 (demo data)\n",
		"run/pipeline.pid":         "pid 4242 store=chroma\n",
		demoPlanPath:               string(examples.DemoPlan),
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
	for _, d := range []string{"bin", filepath.Dir(demoRecordPath)} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return dir, err
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "bin", "pipeline"), []byte(pipelineScript), 0o755); err != nil {
		return dir, err
	}
	for _, args := range [][]string{
		{"init", "-q"},
		{"config", "user.name", "gonogo demo"},
		{"config", "user.email", "demo@gonogo.invalid"},
		{"config", "commit.gpgsign", "false"},
		{"add", ".gitignore", "README.md", "pipeline.py", "config.py", "config_pgvector.py", "migrate_to_pgvector.py", "bin/pipeline", demoPlanPath},
		{"commit", "-q", "-m", "RAG pipeline on ChromaDB; migration plan"},
	} {
		if err := git(ctx, dir, args...); err != nil {
			return dir, err
		}
	}
	// Written after the commit: the file the seed's review found untracked.
	untracked := `"""ChromaDB failover logic: the rollback path needs this file."""
import chromadb

CHROMA_PATH = "chroma_db"


def client():
    return chromadb.PersistentClient(path=CHROMA_PATH)
`
	if err := os.WriteFile(filepath.Join(dir, "config_chromadb.py"), []byte(untracked), 0o644); err != nil {
		return dir, err
	}
	return dir, nil
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
