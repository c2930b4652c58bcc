package gitstate

import (
	"bytes"
	"context"
	"path/filepath"
	"strconv"
	"strings"

	gitconfig "github.com/go-git/go-git/v5/plumbing/format/config"
)

// repoConfig is what the engine takes from the repository's config.
type repoConfig struct {
	ignoreMode   bool   // core.fileMode=false: the exec bit is not compared
	trustCtime   bool   // core.trustCtime (true)
	checkStat    bool   // core.checkStat is not "minimal": inode, uid, gid are compared
	excludesFile string // core.excludesFile set in this repository
	// unsupported names what the engine does not read natively (SHA-256
	// objects, reftable, an extension it does not know); "" when none.
	unsupported string
}

// knownExtensions are the repository extensions the native reader
// handles (extensions.worktreeConfig only adds config.worktree).
var knownExtensions = map[string]bool{"noop": true, "noop-v1": true, "worktreeconfig": true, "preciousobjects": true, "partialclone": true}

// readRepoConfig reads config of the common dir and, with
// extensions.worktreeConfig, the worktree's config.worktree.
func readRepoConfig(ctx context.Context, gitDir, commonDir string) repoConfig {
	c := repoConfig{trustCtime: true, checkStat: true}
	var worktreeConfig bool
	apply := func(path string) {
		b, err := readBounded(ctx, path, capText, true)
		if err != nil {
			return
		}
		cfg := gitconfig.New()
		if err := gitconfig.NewDecoder(bytes.NewReader(b)).Decode(cfg); err != nil {
			return
		}
		core := cfg.Section("core")
		if v := core.Option("filemode"); v != "" {
			c.ignoreMode = !gitBool(v)
		}
		if v := core.Option("trustctime"); v != "" {
			c.trustCtime = gitBool(v)
		}
		if v := core.Option("checkstat"); v != "" {
			c.checkStat = !strings.EqualFold(v, "minimal")
		}
		if v := core.Option("excludesfile"); v != "" {
			c.excludesFile = v
		}
		if version, _ := strconv.Atoi(core.Option("repositoryformatversion")); version > 1 {
			c.unsupported = "core.repositoryformatversion " + strconv.Itoa(version)
		}
		for _, o := range cfg.Section("extensions").Options {
			key := strings.ToLower(o.Key)
			switch {
			case key == "worktreeconfig":
				worktreeConfig = gitBool(o.Value)
			case key == "objectformat" && strings.EqualFold(o.Value, "sha1"):
			case key == "objectformat":
				c.unsupported = "objects in " + o.Value
			case key == "refstorage" && strings.EqualFold(o.Value, "files"):
			case !knownExtensions[key]:
				c.unsupported = "extensions." + o.Key
			}
		}
	}
	apply(filepath.Join(commonDir, "config"))
	if worktreeConfig {
		apply(filepath.Join(gitDir, "config.worktree"))
	}
	return c
}

// gitBool reads a git config boolean (true, yes, on, 1; an empty value
// set as "key" alone is true, but go-git reports it as "").
func gitBool(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "yes", "on", "1":
		return true
	}
	if n, err := strconv.Atoi(v); err == nil {
		return n != 0
	}
	return false
}
