package probes

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// ignoreRule is one line of an ignore file, with where it came from so a
// message can say which rule ignores a path.
type ignoreRule struct {
	pat  gitignore.Pattern
	src  string // "build/.gitignore:3"
	text string // the line as written
}

// smallFiles caches the text of small files (ignore files, git config) by
// path, keyed on their stat, so a check re-reads only what changed.
var smallFiles = struct {
	sync.Mutex
	m map[string]cachedText
}{m: map[string]cachedText{}}

type cachedText struct {
	stamp string
	text  []byte
}

// readSmall returns the content of path, or nil when it does not exist or
// cannot be read (an unreadable ignore file is ignored, as git does with a
// warning).
func readSmall(path string) []byte {
	stamp := statStamp(path)
	if stamp == "-" {
		return nil
	}
	smallFiles.Lock()
	c, ok := smallFiles.m[path]
	smallFiles.Unlock()
	if ok && c.stamp == stamp {
		return c.text
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	smallFiles.Lock()
	smallFiles.m[path] = cachedText{stamp: stamp, text: b}
	smallFiles.Unlock()
	return b
}

// parseIgnore reads the rules of one ignore file whose patterns apply
// below domain (the folder holding it, as path parts).
func parseIgnore(path, label string, domain []string) []ignoreRule {
	b := readSmall(path)
	if b == nil {
		return nil
	}
	var out []ignoreRule
	for i, line := range bytes.Split(b, []byte("\n")) {
		s := strings.TrimSuffix(string(line), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		pat := s
		if strings.HasPrefix(pat, `\#`) || strings.HasPrefix(pat, `\!`) {
			pat = pat[1:]
		}
		out = append(out, ignoreRule{
			pat:  gitignore.ParsePattern(pat, domain),
			src:  label + ":" + strconv.Itoa(i+1),
			text: s,
		})
	}
	return out
}

// homeDir is $HOME, or "" when unset.
func homeDir() string {
	h, _ := os.UserHomeDir()
	return h
}

// globalExcludesFile is git's core.excludesFile — from the system, global
// (XDG and ~/.gitconfig) and repository config, the last one set wins —
// else $XDG_CONFIG_HOME/git/ignore, else ~/.config/git/ignore.
func globalExcludesFile(commonDir string) string {
	home := homeDir()
	xdg := os.Getenv("XDG_CONFIG_HOME")
	if xdg == "" && home != "" {
		xdg = filepath.Join(home, ".config")
	}
	var configs []string
	configs = append(configs, "/etc/gitconfig")
	if xdg != "" {
		configs = append(configs, filepath.Join(xdg, "git", "config"))
	}
	if home != "" {
		configs = append(configs, filepath.Join(home, ".gitconfig"))
	}
	configs = append(configs, filepath.Join(commonDir, "config"))
	file := ""
	for _, c := range configs {
		b := readSmall(c)
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

// ignoreRulesFor gathers, in increasing priority, the rules that can
// apply to rel: the global excludes file, info/exclude, then the
// .gitignore of the root and of every folder on the way down to rel.
func (g *gitRepo) ignoreRulesFor(parts []string) []ignoreRule {
	var rules []ignoreRule
	if gx := globalExcludesFile(g.commonDir); gx != "" {
		rules = append(rules, parseIgnore(gx, gx, nil)...)
	}
	rules = append(rules, parseIgnore(filepath.Join(g.commonDir, "info", "exclude"), ".git/info/exclude", nil)...)
	for i := 0; i < len(parts); i++ {
		dir := parts[:i]
		label := strings.Join(append(append([]string{}, dir...), ".gitignore"), "/")
		path := filepath.Join(append([]string{g.root}, append(append([]string{}, dir...), ".gitignore")...)...)
		rules = append(rules, parseIgnore(path, label, dir)...)
	}
	return rules
}

// ignoredBy says whether rel (slash path, isDir for a folder) is ignored,
// and by which rule. As in git, a path under an ignored folder is ignored
// whatever a later "!" rule says.
func (g *gitRepo) ignoredBy(rel string, isDir bool) (bool, *ignoreRule) {
	parts := strings.Split(rel, "/")
	return ignoredWith(g.ignoreRulesFor(parts), parts, isDir)
}

// ignoredWith decides ignoredBy with rules already gathered for parts.
func ignoredWith(rules []ignoreRule, parts []string, isDir bool) (bool, *ignoreRule) {
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
