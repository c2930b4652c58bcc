package gitstate

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// IgnoreRule is one line of an ignore file, with where it came from so a
// message can say which rule ignores a path.
type IgnoreRule struct {
	Src  string // "build/.gitignore:3", ".git/info/exclude:1", or the global file's path and line
	Text string // the line as written
	pat  gitignore.Pattern
}

// smallFiles caches the text of small files (ignore files, git config) by
// path, keyed on their stat, so a check re-reads only what changed. One
// is held by each Cache and shared by its repositories (the global
// excludes file and ~/.gitconfig are the same for all of them).
type smallFiles struct {
	mu sync.Mutex
	m  map[string]cachedText
}

type cachedText struct {
	stamp string
	text  []byte
}

// read returns the content of path, or nil when it does not exist or
// cannot be read (an unreadable ignore file is ignored, as git does with a
// warning): a file over limit bytes, not a regular file, or a symlink
// when follow is false.
func (c *smallFiles) read(ctx context.Context, path string, follow bool, limit int64) []byte {
	stamp := statStamp(path)
	if stamp == "-" {
		return nil
	}
	if !follow {
		stamp += "|nofollow"
	}
	c.mu.Lock()
	e, ok := c.m[path+"\x00"+strconv.FormatBool(follow)]
	c.mu.Unlock()
	if ok && e.stamp == stamp {
		return e.text
	}
	b, err := readBounded(ctx, path, limit, follow)
	if err != nil {
		b = nil // remembered too: a FIFO is not opened again until it changes
		if ctx.Err() != nil {
			return nil
		}
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]cachedText{}
	}
	if len(c.m) > 4096 {
		clear(c.m)
	}
	c.m[path+"\x00"+strconv.FormatBool(follow)] = cachedText{stamp: stamp, text: b}
	c.mu.Unlock()
	return b
}

// parseIgnore reads the rules of one ignore file whose patterns apply
// below domain (the folder holding it, as path parts).
// Ignore files in the work tree are read without following a symlink, as
// git does; info/exclude and the global excludes file are followed.
func (g *Repo) parseIgnore(ctx context.Context, path, label string, domain []string, follow bool) []IgnoreRule {
	b := g.cache.files.read(ctx, path, follow, capIgnore)
	if b == nil {
		return nil
	}
	var out []IgnoreRule
	for i, line := range bytes.Split(b, []byte("\n")) {
		s := strings.TrimSuffix(string(line), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		pat := s
		if strings.HasPrefix(pat, `\#`) || strings.HasPrefix(pat, `\!`) {
			pat = pat[1:]
		}
		out = append(out, IgnoreRule{
			pat:  gitignore.ParsePattern(pat, domain),
			Src:  label + ":" + strconv.Itoa(i+1),
			Text: s,
		})
	}
	return out
}

// configFiles are the config files that can set core.excludesFile, in
// increasing priority: system, global (XDG and ~/.gitconfig), repository.
func (g *Repo) configFiles() []string {
	configs := []string{"/etc/gitconfig"}
	if xdg := xdgConfig(); xdg != "" {
		configs = append(configs, filepath.Join(xdg, "git", "config"))
	}
	if home := homeDir(); home != "" {
		configs = append(configs, filepath.Join(home, ".gitconfig"))
	}
	return append(configs, filepath.Join(g.commonDir, "config"))
}

// xdgConfig is $XDG_CONFIG_HOME, else ~/.config.
func xdgConfig() string {
	if x := os.Getenv("XDG_CONFIG_HOME"); x != "" {
		return x
	}
	if home := homeDir(); home != "" {
		return filepath.Join(home, ".config")
	}
	return ""
}

// homeDir is $HOME, or "" when unset.
func homeDir() string {
	h, _ := os.UserHomeDir()
	return h
}

// globalExcludesFile is git's core.excludesFile — from the system, global
// (XDG and ~/.gitconfig) and repository config, the last one set wins —
// else $XDG_CONFIG_HOME/git/ignore, else ~/.config/git/ignore.
func (g *Repo) globalExcludesFile(ctx context.Context) string {
	home := homeDir()
	xdg := xdgConfig()
	file := ""
	for _, c := range g.configFiles() {
		b := g.cache.files.read(ctx, c, true, capText)
		if b == nil {
			continue
		}
		cfg := gitconfig.New()
		if err := gitconfig.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
			continue
		}
		if v := cfg.Section("core").Option("excludesfile"); v != "" {
			file = v
		}
	}
	if file == "" {
		if xdg == "" {
			return ""
		}
		return filepath.Join(xdg, "git", "ignore")
	}
	if rest, ok := strings.CutPrefix(file, "~/"); ok && home != "" {
		file = filepath.Join(home, rest)
	}
	return file
}

// baseRules are the rules that apply everywhere (the global excludes
// file, info/exclude), with a key that changes when a file they come from
// (or a config naming the global file) changes.
func (g *Repo) baseRules(ctx context.Context) ([]IgnoreRule, string) {
	var rules []IgnoreRule
	var key strings.Builder
	for _, c := range g.configFiles() {
		key.WriteString(statStamp(c) + "|")
	}
	if gx := g.globalExcludesFile(ctx); gx != "" {
		rules = append(rules, g.parseIgnore(ctx, gx, gx, nil, true)...)
		key.WriteString(gx + ":" + statStamp(gx) + "|")
	}
	ex := filepath.Join(g.commonDir, "info", "exclude")
	rules = append(rules, g.parseIgnore(ctx, ex, ".git/info/exclude", nil, true)...)
	key.WriteString(statStamp(ex))
	return rules, key.String()
}

// ignoreRulesFor gathers, in increasing priority, the rules that can
// apply to the path parts: the global excludes file, info/exclude, then
// the .gitignore of the root and of every folder on the way down.
func (g *Repo) ignoreRulesFor(ctx context.Context, parts []string) []IgnoreRule {
	var rules []IgnoreRule
	if gx := g.globalExcludesFile(ctx); gx != "" {
		rules = append(rules, g.parseIgnore(ctx, gx, gx, nil, true)...)
	}
	rules = append(rules, g.parseIgnore(ctx, filepath.Join(g.commonDir, "info", "exclude"), ".git/info/exclude", nil, true)...)
	for i := 0; i < len(parts); i++ {
		dir := parts[:i]
		label := strings.Join(append(append([]string{}, dir...), ".gitignore"), "/")
		path := filepath.Join(append([]string{g.root}, append(append([]string{}, dir...), ".gitignore")...)...)
		rules = append(rules, g.parseIgnore(ctx, path, label, dir, false)...)
	}
	return rules
}

// ignoredBy says whether rel (slash path, isDir for a folder) is ignored,
// and by which rule. As in git, a path under an ignored folder is ignored
// whatever a later "!" rule says.
func (g *Repo) ignoredBy(ctx context.Context, rel string, isDir bool) (bool, *IgnoreRule) {
	parts := strings.Split(rel, "/")
	return ignoredWith(g.ignoreRulesFor(ctx, parts), parts, isDir)
}

// ignoredWith decides ignoredBy with rules already gathered for parts.
func ignoredWith(rules []IgnoreRule, parts []string, isDir bool) (bool, *IgnoreRule) {
	for i := 1; i <= len(parts); i++ {
		sub := parts[:i]
		dir := i < len(parts) || isDir
		for j := len(rules) - 1; j >= 0; j-- {
			m := rules[j].pat.Match(sub, dir)
			if m == gitignore.NoMatch {
				continue
			}
			if m == gitignore.Exclude {
				return true, &rules[j]
			}
			break
		}
	}
	return false, nil
}
