package plans

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"

	"github.com/gonogo-dev/gonogo/plans/lazyre"
	"github.com/gonogo-dev/gonogo/plans/spec"
	"github.com/gonogo-dev/gonogo/plans/textfmt"
)

// LoadOptions say how to read a plan.
type LoadOptions struct {
	// Root is the folder relative probe paths resolve against; "" means
	// discover it: the top of the git work tree holding the plan, else the
	// plan's folder.
	Root string
	// Probes is the path of a sidecar YAML file with probe blocks keyed by
	// step ID (--probes FILE); "" means none.
	Probes string
	// Env looks up environment variables for ~ and $VAR in probe targets;
	// nil means os.Getenv.
	Env func(string) string
}

// MaxPlanSize and MaxSidecarSize bound the plan and sidecar files gonogo
// reads. A runbook is text — the largest real ones are a few hundred KiB —
// so a bigger file is almost surely the wrong one (a log, a dump, a
// binary), and reading and analysing it would cost time and memory for
// nothing. A sidecar holds only probe blocks and is capped lower.
const (
	MaxPlanSize    = 16 << 20
	MaxSidecarSize = 4 << 20
)

// Load reads the plan file (and the sidecar of opts.Probes, if any),
// resolves the root, and parses both. A plan with problems yields an
// ErrorList holding every problem found (plan and sidecar together); a file
// that cannot be read yields an error naming it. Warnings, such as repeated
// step IDs, are in Plan.Warnings.
func Load(path string, opts LoadOptions) (*Plan, error) {
	return LoadContext(context.Background(), path, opts)
}

// LoadContext is Load that stops when ctx is done, with ctx's error: a
// plan of megabytes takes seconds to read, and Ctrl-C (or a newer edit of
// the plan on the board) must not wait for it.
func LoadContext(ctx context.Context, path string, opts LoadOptions) (*Plan, error) {
	src, err := ReadFile(path, "plan", MaxPlanSize)
	if err != nil {
		return nil, err
	}
	root, err := resolveRoot(path, opts.Root)
	if err != nil {
		return nil, err
	}
	plan, perr := ParseContext(ctx, path, src, root, opts)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if opts.Probes == "" {
		return plan, perr
	}
	side, err := ReadFile(opts.Probes, "probes file", MaxSidecarSize)
	if err != nil {
		return nil, err
	}
	var errs ErrorList
	if perr != nil {
		var el ErrorList
		if !errors.As(perr, &el) {
			return nil, perr
		}
		errs = append(errs, el...)
		// A plan with errors still has the steps it found; check the
		// sidecar against them so all problems come out at once.
		plan = partial(ctx, path, src, root, opts)
	}
	if serr := ApplySidecar(plan, opts.Probes, side, opts); serr != nil {
		var el ErrorList
		if !errors.As(serr, &el) {
			return nil, serr
		}
		errs = append(errs, el...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return plan, nil
}

// ReadFile reads a plan or sidecar file — what names it in messages
// ("plan", "probes file") — of at most max bytes, with an error that names
// the file and says what to do.
//
// The file is opened without blocking (O_NONBLOCK, O_NOCTTY) and refused
// unless fstat says it is a regular file: a FIFO, a socket or a device in
// place of the plan would otherwise block the open or the read forever —
// past SIGINT, and on the board past q — or never end (/dev/zero). The
// check is on the open file, so a plan swapped for one between a check
// and the read cannot slip through. Everything that reads the plan file
// reads it here.
func ReadFile(path, what string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s %s: %w", what, path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot read %s %s: %w", what, path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("cannot read %s %s: it is a folder; give the Markdown file", what, path)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("cannot read %s %s: it is %s, not a regular file; give the file itself (gonogo reads only regular files)", what, path, textfmt.FileKind(st.Mode()))
	}
	if st.Size() > max {
		return nil, tooLarge(path, what, st.Size(), max)
	}
	src, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s %s: %w", what, path, err)
	}
	if int64(len(src)) > max { // it grew while we read it
		return nil, tooLarge(path, what, int64(len(src)), max)
	}
	return src, nil
}

// tooLarge is the error for a file over its size cap.
func tooLarge(path, what string, size, max int64) error {
	return fmt.Errorf("%s %s is %s (%d bytes), more than the %d MiB gonogo reads for a %s: is it the right file? (a runbook is text; split a plan this large, or point gonogo at the plan itself)",
		what, path, textfmt.Bytes(size), size, max>>20, what)
}

// resolveRoot is the absolute root: explicit, else the top of the git work
// tree holding the plan (found by looking for .git, without running git),
// else the plan's folder.
func resolveRoot(planPath, explicit string) (string, error) {
	if explicit != "" {
		abs, err := filepath.Abs(explicit)
		if err != nil {
			return "", fmt.Errorf("root %s: %w", explicit, err)
		}
		st, err := os.Stat(abs)
		if err != nil {
			return "", fmt.Errorf("root %s: %w", explicit, err)
		}
		if !st.IsDir() {
			return "", fmt.Errorf("root %s is not a folder", explicit)
		}
		return abs, nil
	}
	abs, err := filepath.Abs(planPath)
	if err != nil {
		return "", fmt.Errorf("plan %s: %w", planPath, err)
	}
	dir := filepath.Dir(abs)
	if top := FindWorkTree(dir); top != "" {
		return top, nil
	}
	return dir, nil
}

// FindWorkTree returns the nearest folder at or above dir that holds a
// .git folder or file (a work tree, a linked worktree or a submodule), or
// "" when there is none. It never runs git.
func FindWorkTree(dir string) string {
	for d := filepath.Clean(dir); ; {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return ""
		}
		d = parent
	}
}

// Parse parses a plan already read into src. file names it in messages and
// in Plan.File; root must be absolute. It does not read opts.Probes (Load
// does; see ApplySidecar). Errors come as an ErrorList with every problem
// of the file, sorted by line.
func Parse(file string, src []byte, root string, opts LoadOptions) (*Plan, error) {
	return ParseContext(context.Background(), file, src, root, opts)
}

// ParseContext is Parse that stops when ctx is done, with ctx's error.
func ParseContext(ctx context.Context, file string, src []byte, root string, opts LoadOptions) (*Plan, error) {
	p, errs := parse(ctx, file, src, root, opts)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if len(errs) == 0 && opts.Probes == "" {
		// With a sidecar, ApplySidecar checks the captures of both.
		errs = checkCaptures(planProbes(p))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return p, nil
}

// partial parses and returns the plan even when it has errors.
func partial(ctx context.Context, file string, src []byte, root string, opts LoadOptions) *Plan {
	p, _ := parse(ctx, file, src, root, opts)
	return p
}

// parse reads src into a plan. When ctx is done it stops early and what
// it returns is incomplete: the callers then return ctx's error instead.
func parse(ctx context.Context, file string, src []byte, root string, opts LoadOptions) (*Plan, ErrorList) {
	plan := &Plan{File: file, Root: root}
	if !utf8.Valid(src) {
		off := 0
		for off < len(src) {
			r, size := utf8.DecodeRune(src[off:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			off += size
		}
		line := bytes.Count(src[:off], []byte("\n")) + 1
		return plan, ErrorList{{File: file, Line: line,
			Msg: "is not UTF-8 text: save the plan as UTF-8 (iconv -f latin1 -t utf-8 can convert it)"}}
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	src = blankFrontMatter(src)
	src, regions := preprocess(src)
	mp := &mdParser{
		ctx:     ctx,
		file:    file,
		src:     src,
		opts:    opts,
		plan:    plan,
		regions: regions,
		spans:   map[*ast.CodeSpan]bool{},
	}
	for i, r := range regions {
		m := r.end
		if i > 0 && mp.maxEnd[i-1] > m {
			m = mp.maxEnd[i-1]
		}
		mp.maxEnd = append(mp.maxEnd, m)
	}
	mp.lines = append(mp.lines, 0)
	for i, c := range src {
		if c == '\n' {
			mp.lines = append(mp.lines, i+1)
		}
	}
	mp.decoder = decoder{file: file, root: root, env: opts.Env, source: spec.Explicit}
	doc := parseMarkdown(src)
	heads, blocks := 0, 0
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		mp.nodes = append(mp.nodes, n)
		switch n.(type) {
		case *ast.Heading:
			heads++
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			blocks++
		}
	}
	// Sized for the top-level headings and blocks (nested blocks and
	// pseudo-headings add a few): a plan of 10,000 steps grew both maps
	// through a dozen rehashes.
	mp.heads = make(map[ast.Node]*hinfo, heads)
	mp.blocks = make(map[ast.Node]*blockInfo, blocks)
	mp.buildOutline()
	mp.read()
	sort.SliceStable(mp.errs, func(i, j int) bool { return mp.errs[i].Line < mp.errs[j].Line })
	return plan, mp.errs
}

var frontKeyRE = lazyre.New(`^(?:[A-Za-z_"'][\w."' -]*\s*[:=]|\[)`)

// blankFrontMatter replaces a leading YAML (---) or TOML (+++) front matter
// block with empty lines, so it is never read as steps and line numbers
// stay those of the file. An unclosed block is left alone.
func blankFrontMatter(src []byte) []byte {
	var fence string
	switch {
	case bytes.HasPrefix(src, []byte("---\n")), bytes.HasPrefix(src, []byte("---\r\n")):
		fence = "---"
	case bytes.HasPrefix(src, []byte("+++\n")), bytes.HasPrefix(src, []byte("+++\r\n")):
		fence = "+++"
	default:
		return src
	}
	lines := bytes.SplitAfter(src, []byte("\n"))
	// Front matter opens with a key ("title: …", "title = …"); a plan
	// that merely starts with a thematic break does not.
	for _, l := range lines[1:] {
		if t := bytes.TrimSpace(l); len(t) > 0 {
			if !frontKeyRE.Match(t) {
				return src
			}
			break
		}
	}
	for i := 1; i < len(lines); i++ {
		t := string(bytes.TrimRight(lines[i], " \t\r\n"))
		if t == fence || (fence == "---" && t == "...") {
			out := make([]byte, 0, len(src))
			for j := 0; j <= i; j++ {
				out = append(out, '\n')
			}
			for _, l := range lines[i+1:] {
				out = append(out, l...)
			}
			return out
		}
	}
	return src
}
