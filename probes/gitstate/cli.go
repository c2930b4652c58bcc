package gitstate

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// The git CLI is the fallback for repositories the native reader does
// not read: SHA-256 objects, a split or sparse index, an extension or
// index version it does not know, objects go-git cannot find. It is run
// read-only — --no-optional-locks and GIT_OPTIONAL_LOCKS=0 keep git
// status from refreshing the index, fsmonitor is off, and only commands
// that never write are used (rev-parse, symbolic-ref, ls-files, ls-tree,
// status) — without a terminal, in a session of its own that is killed
// whole at the check's deadline, with its output capped and every path
// after "--" as a literal pathspec.

// cliOutputCap bounds what one git command may print (ls-files -s of a
// 100k-file repository is about 10 MB).
const cliOutputCap = 512 << 20

// cliArgs come before every command.
var cliArgs = []string{"--no-optional-locks", "--literal-pathspecs", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false"}

// gitEnv is the environment without what would point git at another
// repository, index or config, and with what keeps it read-only and
// silent.
func gitEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "GIT_") && k != "GIT_CONFIG_NOSYSTEM" && k != "GIT_CONFIG_GLOBAL" && k != "GIT_CONFIG_SYSTEM" {
			continue
		}
		if k == "LC_ALL" || k == "LANG" || k == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "GIT_OPTIONAL_LOCKS=0", "GIT_TERMINAL_PROMPT=0", "GIT_LITERAL_PATHSPECS=1", "LC_ALL=C")
}

// errNoGit is returned when the git CLI is not installed.
var errNoGit = errors.New("git is not installed")

// runGit runs git in dir and returns its standard output. A non-zero exit
// is an error carrying the first line of its standard error.
func runGit(ctx context.Context, dir string, args ...string) ([]byte, error) {
	path, err := exec.LookPath("git")
	if err != nil {
		return nil, errNoGit
	}
	cmd := exec.CommandContext(ctx, path, append(slices.Clone(cliArgs), args...)...)
	cmd.Dir = dir
	cmd.Env = gitEnv()
	// No controlling terminal (git can never prompt), and a process group
	// of its own that is killed whole.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	cmd.Cancel = func() error { return killGroup(cmd) }
	cmd.WaitDelay = time.Second
	var stderr cappedBuffer
	stderr.max = 4 << 10
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	b, rerr := io.ReadAll(io.LimitReader(out, cliOutputCap+1))
	if len(b) > cliOutputCap {
		_ = killGroup(cmd)
		_ = cmd.Wait()
		return nil, fmt.Errorf("git %s printed more than %d bytes", args[0], cliOutputCap)
	}
	werr := cmd.Wait()
	_ = killGroup(cmd) // anything it left behind ends with it
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if werr != nil {
		msg, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n")
		return nil, fmt.Errorf("git %s: %v: %s", args[0], werr, msg)
	}
	if rerr != nil {
		return nil, rerr
	}
	return b, nil
}

// killGroup kills the process group of a started command.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return err
	}
	return nil
}

// cappedBuffer keeps the first max bytes written to it.
type cappedBuffer struct {
	bytes.Buffer
	max int
}

func (c *cappedBuffer) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// hashFromHex reads an object id printed by git. SHA-256 ids are kept
// truncated to their first 20 bytes: enough to tell two objects apart,
// which is all they are used for here (messages show the hex).
func hashFromHex(s string) (plumbing.Hash, error) {
	if len(s) != 40 && len(s) != 64 {
		return plumbing.ZeroHash, fmt.Errorf("%q is not an object id", clip(s))
	}
	var h plumbing.Hash
	if _, err := hex.Decode(h[:], []byte(s[:40])); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("%q is not an object id", clip(s))
	}
	return h, nil
}

// loadCLI reads HEAD and the index through the git CLI (under g.mu).
func (g *Repo) loadCLI(ctx context.Context, why string) error {
	g.cli, g.cliWhy = true, why
	g.headTree, g.storer = nil, nil
	out, err := runGit(ctx, g.root, "symbolic-ref", "-q", "HEAD")
	target := strings.TrimSpace(string(out))
	if err != nil {
		target = "" // detached (exit 1), or git could not tell
	}
	g.head = headRef{target: target}
	out, err = runGit(ctx, g.root, "rev-parse", "-q", "--verify", "HEAD^{commit}")
	switch hexID := strings.TrimSpace(string(out)); {
	case err == nil:
		if g.head.hash, err = hashFromHex(hexID); err != nil {
			return err
		}
		g.headHex = hexID
	case errors.Is(err, errNoGit), ctx.Err() != nil:
		return err
	case target != "":
		g.head.unborn = true
	default:
		return fmt.Errorf("reading HEAD of %s with git: %w", g.root, err)
	}
	out, err = runGit(ctx, g.root, "ls-files", "-s", "-z")
	if err != nil {
		return fmt.Errorf("reading the index of %s with git: %w", g.root, err)
	}
	idx := &indexFile{}
	for _, rec := range bytes.Split(out, []byte{0}) {
		if len(rec) == 0 {
			continue
		}
		// "<mode> SP <object> SP <stage> TAB <file>"
		meta, name, ok := bytes.Cut(rec, []byte{'\t'})
		f := strings.Fields(string(meta))
		if !ok || len(f) != 3 {
			return fmt.Errorf("git ls-files printed %q", clip(string(rec)))
		}
		mode, err1 := strconv.ParseUint(f[0], 8, 32)
		h, err2 := hashFromHex(f[1])
		stage, err3 := strconv.Atoi(f[2])
		if err1 != nil || err2 != nil || err3 != nil {
			return fmt.Errorf("git ls-files printed %q", clip(string(rec)))
		}
		if stage != 0 {
			idx.conflicted = append(idx.conflicted, string(name))
			continue
		}
		idx.entries = append(idx.entries, indexEntry{name: string(name), mode: uint32(mode), hash: h})
	}
	slices.SortFunc(idx.entries, func(a, b indexEntry) int { return strings.Compare(a.name, b.name) })
	slices.Sort(idx.conflicted)
	idx.conflicted = slices.Compact(idx.conflicted)
	g.idx = idx
	return nil
}

// statusRecord is one record of git status --porcelain=v2.
type statusRecord struct {
	kind byte // '1' changed, 'u' unmerged, '?' untracked
	x, y byte // index and work tree status, '.' for unchanged
	path string
}

// cliStatus runs git status on the path rel ("" = everything) and
// returns its records.
func (g *Repo) cliStatus(ctx context.Context, rel, untracked string) ([]statusRecord, error) {
	args := []string{"status", "--porcelain=v2", "-z", "--no-renames", "--untracked-files=" + untracked, "--ignored=no"}
	if rel != "" {
		args = append(args, "--", rel)
	}
	out, err := runGit(ctx, g.root, args...)
	if err != nil {
		return nil, err
	}
	var recs []statusRecord
	for _, rec := range strings.Split(string(out), "\x00") {
		if rec == "" {
			continue
		}
		var n int // fields before the path
		switch rec[0] {
		case '1':
			n = 8
		case '2':
			n = 9 // not printed with --no-renames; its original path follows
		case 'u':
			n = 10
		case '?', '!':
			n = 1
		default:
			continue
		}
		f := strings.SplitN(rec, " ", n+1)
		if len(f) != n+1 {
			return nil, fmt.Errorf("git status printed %q", clip(rec))
		}
		r := statusRecord{kind: rec[0], path: f[n], x: '.', y: '.'}
		if n > 1 && len(f[1]) == 2 {
			r.x, r.y = f[1][0], f[1][1]
		}
		recs = append(recs, r)
	}
	return recs, nil
}

// cliTreeEntry is what git ls-tree says of rel in rev: found, and whether
// it is a folder.
func (g *Repo) cliTreeEntry(ctx context.Context, rev, rel string) (found, isDir bool, err error) {
	out, err := runGit(ctx, g.root, "ls-tree", "-z", "--full-tree", rev, "--", rel)
	if err != nil {
		return false, false, err
	}
	for _, rec := range strings.Split(string(out), "\x00") {
		meta, name, ok := strings.Cut(rec, "\t")
		if !ok || name != rel {
			continue
		}
		f := strings.Fields(meta)
		return true, len(f) == 3 && f[1] == "tree", nil
	}
	return false, false, nil
}

// cliFacts is Facts for a repository read through the git CLI: the index
// listing loaded with HEAD, git ls-tree for the revision, git status for
// what is staged and changed, and the same ignore rules as natively.
func (g *Repo) cliFacts(ctx context.Context, rel, rev string) (*Facts, error) {
	idx, head, headHex := g.idx, g.head, g.headHex
	g.mu.Unlock()

	f := &Facts{Rel: rel, Branch: strings.TrimPrefix(head.target, "refs/heads/")}
	f.Rev = rev != "" && rev != "HEAD"
	f.Unborn = head.unborn && !f.Rev
	switch {
	case f.Rev:
		out, err := runGit(ctx, g.root, "rev-parse", "-q", "--verify", "--end-of-options", rev+"^{commit}")
		if err != nil {
			return nil, fmt.Errorf("revision %q does not resolve in %s (%v): check the name with git rev-parse %s", rev, g.root, err, rev)
		}
		hexID := strings.TrimSpace(string(out))
		f.RevLabel = rev + " (" + hexID[:min(7, len(hexID))] + ")"
		if f.InTree, f.TreeIsDir, err = g.cliTreeEntry(ctx, hexID, rel); err != nil {
			return nil, err
		}
	case head.target == "":
		f.RevLabel = "HEAD (detached at " + headHex[:min(7, len(headHex))] + ")"
		fallthrough
	default:
		if f.RevLabel == "" {
			f.RevLabel = "HEAD"
		}
		if !head.unborn {
			var err error
			if f.InTree, f.TreeIsDir, err = g.cliTreeEntry(ctx, headHex, rel); err != nil {
				return nil, err
			}
		}
	}
	entry := idx.find(rel)
	f.InIndex = entry != nil
	f.Conflicted = idx.isConflicted(rel)
	if entry == nil {
		if f.Submodule = idx.submoduleAbove(rel); f.Submodule != "" {
			return f, nil
		}
	}
	under := idx.under(rel)
	if entry == nil {
		f.DirEntries = len(under)
	}
	recs, err := g.cliStatus(ctx, rel, "no")
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.kind == '?' {
			continue
		}
		if r.path == rel {
			f.Staged = f.Staged || r.x != '.'
			switch r.y {
			case '.':
			case 'D':
				f.Worktree = Deleted
			default:
				f.Worktree = Modified
			}
			continue
		}
		if entry == nil && strings.HasPrefix(r.path, rel+"/") {
			if r.x != '.' {
				f.DirStaged = append(f.DirStaged, r.path)
			}
			if r.y != '.' {
				f.DirChanged = append(f.DirChanged, r.path)
			}
		}
	}
	sort.Strings(f.DirStaged)
	sort.Strings(f.DirChanged)
	f.DirStaged, f.DirChanged = slices.Compact(f.DirStaged), slices.Compact(f.DirChanged)

	full := filepath.Join(g.root, filepath.FromSlash(rel))
	fi, err := os.Lstat(full)
	switch {
	case err == nil:
		f.Exists = true
		f.IsDir = fi.IsDir()
		if fi.Mode()&fs.ModeSymlink != 0 {
			f.Link, _ = os.Readlink(full)
		}
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
	default:
		return nil, fmt.Errorf("cannot read %s: %w", full, err)
	}
	if entry == nil && f.DirEntries == 0 {
		f.Ignored, f.Rule = g.ignoredBy(ctx, rel, f.Exists && f.IsDir)
	}
	return f, nil
}

// cliClean is Clean for a repository read through the git CLI: one git
// status of the folder.
func (g *Repo) cliClean(ctx context.Context, rel string) (*CleanReport, plumbing.Hash, error) {
	idx, head := g.idx, g.head
	g.mu.Unlock()
	rep := &CleanReport{Tracked: len(idx.under(rel))}
	if rel != "" && idx.find(rel) != nil {
		rep.Tracked++
	}
	recs, err := g.cliStatus(ctx, rel, "normal")
	if err != nil {
		return nil, head.hash, err
	}
	for _, r := range recs {
		switch {
		case r.kind == '?':
			rep.Untracked = append(rep.Untracked, r.path)
		case r.kind == 'u':
			rep.Conflicts++
		default:
			if r.x != '.' {
				rep.Staged = append(rep.Staged, r.path)
			}
			if r.y != '.' {
				rep.Modified = append(rep.Modified, r.path)
			}
		}
	}
	sort.Strings(rep.Staged)
	sort.Strings(rep.Modified)
	sort.Strings(rep.Untracked)
	return rep, head.hash, nil
}
