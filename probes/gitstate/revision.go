package gitstate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// resolveRevision finds the commit a revision names (the REV of
// `git checkout REV -- F`). The forms plans write — a commit id, a
// branch, tag or remote branch, HEAD, and ~N / ^N / ^{} / ^{commit}
// after any of them — are resolved here, from the refs and objects this
// package reads; anything else (an abbreviated id, ^{/text}, @{…}, a
// ref this reader cannot follow) is asked of git rev-parse, as the CLI
// reader does, so the answer is always git's own.
//
// This replaced go-git's Repository.ResolveRevision: the go-git root
// package links its transports (ssh, http), OpenPGP and their package
// initialisation into every gonogo process, for this one call.
func (g *Repo) resolveRevision(ctx context.Context, rev string) (*plumbing.Hash, error) {
	if rest, ok := strings.CutPrefix(rev, "HEAD"); ok && (rest == "" || strings.ContainsAny(rest[:1], "~^")) {
		if g.head.unborn {
			return nil, fmt.Errorf("branch %s has no commits yet", g.branch())
		}
		rev = g.head.hash.String() + rest
	}
	if err := regularOrAbsent(filepath.Join(g.gitDir, "HEAD"), filepath.Join(g.commonDir, "packed-refs")); err != nil {
		return nil, err
	}
	if h, ok := g.resolveNative(ctx, rev); ok {
		return &h, nil
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	out, err := runGit(ctx, g.root, "rev-parse", "-q", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		if strings.HasSuffix(err.Error(), ": ") { // -q: git says nothing of an unknown name
			err = errors.New("no commit has that name")
		}
		return nil, err
	}
	h, err := hashFromHex(strings.TrimSpace(string(out)))
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// revParseRules are the refs a name may stand for, in the order git
// tries them (git help revisions: <refname>).
var revParseRules = []string{"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"}

// maxPeel bounds the tags followed to a commit and the parents walked.
const maxPeel = 10000

// resolveNative resolves the forms resolveRevision reads itself; ok is
// false for anything else, and for anything that goes wrong, which git
// rev-parse then answers.
func (g *Repo) resolveNative(ctx context.Context, rev string) (h plumbing.Hash, ok bool) {
	base, suffix := rev, ""
	if i := strings.IndexAny(rev, "~^"); i >= 0 {
		base, suffix = rev[:i], rev[i:]
	}
	if base == "" || strings.ContainsAny(base, ":@{}*?[\\ \t\n") {
		return h, false
	}
	if len(base) == 40 {
		if id, err := parseHash(base); err == nil {
			h, ok = id, true
		}
	}
	if !ok {
		for _, rule := range revParseRules {
			name := fmt.Sprintf(rule, base)
			if !validRefName(name) {
				return h, false
			}
			id, found, err := resolveRef(ctx, g.gitDir, g.commonDir, name)
			if err != nil {
				if isDir(g.refPath(name)) {
					continue // refs/remotes/origin: a folder of refs, not one
				}
				return h, false
			}
			if found {
				h, ok = id, true
				break
			}
		}
		if !ok {
			return h, false
		}
	}
	h, body, ok := g.peelCommit(h)
	for ok && suffix != "" {
		op := suffix[0]
		if op != '~' && op != '^' {
			return h, false // ^!, ^@, a stray character: git's
		}
		suffix = suffix[1:]
		if op == '^' && strings.HasPrefix(suffix, "{") {
			end := strings.IndexByte(suffix, '}')
			if end < 0 || (suffix[1:end] != "" && suffix[1:end] != "commit") {
				return h, false // ^{tree}, ^{/text}: git's
			}
			suffix = suffix[end+1:]
			continue // already a commit
		}
		digits := len(suffix) - len(strings.TrimLeft(suffix, "0123456789"))
		n := 1
		if digits > 0 {
			var err error
			if n, err = strconv.Atoi(suffix[:digits]); err != nil || n > maxPeel {
				return h, false
			}
		}
		suffix = suffix[digits:]
		switch {
		case op == '~':
			for range n {
				ps := parents(body)
				if len(ps) == 0 {
					return h, false
				}
				if h, body, ok = g.peelCommit(ps[0]); !ok {
					return h, false
				}
			}
		case n > 0: // ^N: the N-th parent; ^0 is the commit itself
			ps := parents(body)
			if n > len(ps) {
				return h, false
			}
			h, body, ok = g.peelCommit(ps[n-1])
		}
	}
	return h, ok
}

// peelCommit follows annotated tags from h to a commit and returns the
// commit and its content; ok is false for anything but a commit in the
// end, or an object this package cannot read natively.
func (g *Repo) peelCommit(h plumbing.Hash) (plumbing.Hash, []byte, bool) {
	for range 16 {
		t, b, err := g.objects.readNative(h)
		if err != nil {
			return h, nil, false
		}
		switch t {
		case plumbing.CommitObject:
			return h, b, true
		case plumbing.TagObject:
			line, _, _ := bytes.Cut(b, []byte{'\n'})
			hexID, ok := bytes.CutPrefix(line, []byte("object "))
			if !ok {
				return h, nil, false
			}
			if h, err = parseHash(string(hexID)); err != nil {
				return h, nil, false
			}
		default:
			return h, nil, false
		}
	}
	return h, nil, false
}

// parents are the parent ids of a commit object's content, in order: the
// "parent" lines that follow its "tree" line.
func parents(commit []byte) []plumbing.Hash {
	var ps []plumbing.Hash
	for line := range bytes.Lines(commit) {
		line = bytes.TrimSuffix(line, []byte{'\n'})
		if len(line) == 0 {
			break // the headers end
		}
		if hexID, ok := bytes.CutPrefix(line, []byte("parent ")); ok {
			if h, err := parseHash(string(hexID)); err == nil {
				ps = append(ps, h)
			}
		}
	}
	return ps
}

// refPath is where the loose ref name would be.
func (g *Repo) refPath(name string) string {
	dir := g.commonDir
	if perWorktreeRef(name) {
		dir = g.gitDir
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

// isDir reports whether path is a folder (not following a symlink).
func isDir(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir()
}
