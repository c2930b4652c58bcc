package gitstate

import (
	"context"
	"errors"
	"strings"
	"time"
)

// ReadThroughCLI says whether the repository was last loaded through the
// git CLI, and why.
func (g *Repo) ReadThroughCLI() (bool, string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.cli, g.cliWhy
}

// ForceCLI makes every load go through the git CLI until the returned
// function is called, so the fallback is compared with git on every
// state, not only on the layouts that need it.
func ForceCLI() (restore func()) {
	forceCLI = true
	return func() { forceCLI = false }
}

// SetListingAge changes how old a folder must be before its listing is
// kept, until the returned function is called.
func SetListingAge(d time.Duration) (restore func()) {
	old := listingAge
	listingAge = d
	return func() { listingAge = old }
}

// ListingHits counts the folder listings reused from the cache.
func (g *Repo) ListingHits() int64 { return g.listHits.Load() }

// ResolveRevision loads the repository and resolves rev as a revision
// probe does; native says whether it was read without git rev-parse.
func (g *Repo) ResolveRevision(ctx context.Context, rev string) (hexID string, native bool, err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if err := g.refresh(ctx); err != nil {
		return "", false, err
	}
	if g.cli {
		return "", false, errors.New("loaded through the CLI: " + g.cliWhy)
	}
	rv := rev
	if rest, ok := strings.CutPrefix(rev, "HEAD"); ok && !g.head.unborn && (rest == "" || strings.ContainsAny(rest[:1], "~^")) {
		rv = g.head.hash.String() + rest
	}
	_, native = g.resolveNative(ctx, rv)
	h, err := g.resolveRevision(ctx, rev)
	if err != nil {
		return "", native, err
	}
	return h.String(), native, nil
}
