// Package gitconfig reads git's configuration the way git does: every file git would read for
// a repository, in git's order (system, global, repository, worktree, GIT_CONFIG_COUNT), with
// include.path and includeIf followed where they appear, so that the last value of a key wins
// exactly as in git. It also adds settings to the repository's config under config.lock. git
// documents the files and the syntax in Documentation/git-config.txt ("CONFIGURATION FILE",
// "Includes", "Conditional includes"); wildmatch.go follows wildmatch.c.
package gitconfig

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/gcfg"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/smallfile"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// Value is one "section.subsection.key = value" line. Section and key
// are lower-cased (git treats them case-insensitively); the subsection keeps
// its case.
type Value struct {
	Section, Subsection, Key, Value string
}

// Set is every value of every config file git would read, in the order
// git reads them: for single-valued keys the last one wins.
type Set struct {
	values []Value

	home   string // for ~/ in include paths and gitdir: patterns
	gitDir string // this working tree's git dir, for includeIf "gitdir:"
	branch string // current branch, for includeIf "onbranch:"
}

// maxIncludeDepth is git's limit on nested include.path.
const maxIncludeDepth = 10

// All returns every value, in git's order.
func (c *Set) All() []Value { return c.values }

// Get returns the last value of section.key (subsection empty), or "".
func (c *Set) Get(section, key string) string {
	v := ""
	for _, cv := range c.values {
		if cv.Section == section && cv.Subsection == "" && cv.Key == key {
			v = cv.Value
		}
	}
	return v
}

// readFile reads one config file, following include.path and includeIf as it
// goes so that the order of values is exactly git's. A missing file is not an
// error (git ignores missing config and include files).
//
// It uses gcfg's callback reader: the same parser go-git's config decoder
// (plumbing/format/config) is built on, but one that reports values in file
// order, which include.path needs: values after an [include] must override
// the included ones, values before it must not.
func (c *Set) readFile(path string, depth int) error {
	if depth > maxIncludeDepth {
		return usererr.New(nil, nil,
			"git config include.path nests more than %d levels deep at %s; check for an include loop", maxIncludeDepth, path)
	}
	data, err := smallfile.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) && depth > 0 {
		return nil
	}
	if err != nil {
		return usererr.New(nil, err, "cannot read the git config file %s: %v", path, err)
	}
	return c.parse(path, data, depth)
}

func (c *Set) parse(path string, data []byte, depth int) (err error) {
	// gcfg panics on a few malformed escapes its scanner lets through.
	defer func() {
		if p := recover(); p != nil {
			err = configSyntaxError(path, fmt.Errorf("%v", p))
		}
	}()
	dir := filepath.Dir(path)
	cb := func(section, subsection, key, value string, blank bool) error {
		if key == "" {
			return nil // a section header
		}
		cv := Value{
			Section:    strings.ToLower(section),
			Subsection: subsection,
			Key:        strings.ToLower(key),
			Value:      value,
		}
		c.values = append(c.values, cv)
		if cv.Key != "path" {
			return nil
		}
		switch {
		case cv.Section == "include" && cv.Subsection == "":
			return c.include(cv.Value, dir, depth)
		case cv.Section == "includeif" && c.condition(cv.Subsection, dir):
			return c.include(cv.Value, dir, depth)
		}
		return nil
	}
	if err := gcfg.ReadWithCallback(bytes.NewReader(data), cb); err != nil {
		var ue *usererr.Error
		if errors.As(err, &ue) {
			return err
		}
		return configSyntaxError(path, err)
	}
	return nil
}

func configSyntaxError(path string, err error) error {
	return usererr.New(nil, err,
		"the git config file %s cannot be read: %v; fix it (`git config --file %s --list` shows the problem)", path, err, path)
}

// include reads an included file: relative paths are relative to the
// directory of the including file, "~/" is the home directory.
func (c *Set) include(path, dir string, depth int) error {
	if path == "" {
		return nil
	}
	path = c.expandHome(path)
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	return c.readFile(path, depth+1)
}

func (c *Set) expandHome(p string) string {
	if p == "~" {
		return c.home
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok && c.home != "" {
		return filepath.Join(c.home, rest)
	}
	return p
}

// condition evaluates an includeIf condition. Supported: gitdir:, gitdir/i:
// and onbranch:. Others (hasconfig:) are false, as git treats unknown ones.
func (c *Set) condition(cond, configDir string) bool {
	switch {
	case strings.HasPrefix(cond, "gitdir:"):
		return c.matchGitDir(strings.TrimPrefix(cond, "gitdir:"), configDir, false)
	case strings.HasPrefix(cond, "gitdir/i:"):
		return c.matchGitDir(strings.TrimPrefix(cond, "gitdir/i:"), configDir, true)
	case strings.HasPrefix(cond, "onbranch:"):
		pattern := strings.TrimPrefix(cond, "onbranch:")
		if c.branch == "" || pattern == "" {
			return false
		}
		if strings.HasSuffix(pattern, "/") {
			pattern += "**"
		}
		return wildmatch(pattern, c.branch, false)
	}
	return false
}

// matchGitDir implements git's gitdir: rules: "~/" is the home directory,
// "./" the directory of the config file; a pattern that is not anchored gets
// "**/" in front; a trailing "/" gets "**" (everything inside). The pattern is
// matched against the git dir as found and with symbolic links resolved.
func (c *Set) matchGitDir(pattern, configDir string, icase bool) bool {
	if c.gitDir == "" || pattern == "" {
		return false
	}
	switch {
	case strings.HasPrefix(pattern, "~/"):
		if c.home == "" {
			return false
		}
		pattern = filepath.ToSlash(c.home) + pattern[1:]
	case strings.HasPrefix(pattern, "./"):
		if configDir == "" {
			return false
		}
		pattern = filepath.ToSlash(configDir) + pattern[1:]
	case !strings.HasPrefix(pattern, "/") && !filepath.IsAbs(pattern):
		pattern = "**/" + pattern
	}
	if strings.HasSuffix(pattern, "/") {
		pattern += "**"
	}
	candidates := []string{filepath.ToSlash(c.gitDir)}
	if real, err := filepath.EvalSymlinks(c.gitDir); err == nil && real != c.gitDir {
		candidates = append(candidates, filepath.ToSlash(real))
	}
	for _, text := range candidates {
		if wildmatch(pattern, text, icase) {
			return true
		}
	}
	return false
}

// envBool reads a boolean environment variable the way git does.
func envBool(name string) bool { return ParseBool(os.Getenv(name)) }

// ParseBool reads a git boolean: yes/on/true/1 (or any non-zero number).
func ParseBool(v string) bool {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "", "0", "false", "no", "off":
		return false
	case "1", "true", "yes", "on":
		return true
	}
	n, err := strconv.Atoi(v)
	return err == nil && n != 0
}

// Load reads every config file git would read for the repository whose working tree has the
// git dir gitDir (commonDir: the shared one) and is on branch (for includeIf "onbranch:"; ""
// when detached).
func Load(gitDir, commonDir, branch string) (*Set, error) {
	cfg := &Set{home: os.Getenv("HOME"), gitDir: gitDir, branch: branch}

	if !envBool("GIT_CONFIG_NOSYSTEM") {
		system := os.Getenv("GIT_CONFIG_SYSTEM")
		if system == "" {
			system = "/etc/gitconfig"
		}
		if err := cfg.readFile(system, 0); err != nil {
			return nil, err
		}
	}

	if global := os.Getenv("GIT_CONFIG_GLOBAL"); global != "" {
		if err := cfg.readFile(cfg.expandHome(global), 0); err != nil {
			return nil, err
		}
	} else {
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && cfg.home != "" {
			xdg = filepath.Join(cfg.home, ".config")
		}
		if xdg != "" {
			if err := cfg.readFile(filepath.Join(xdg, "git", "config"), 0); err != nil {
				return nil, err
			}
		}
		if cfg.home != "" {
			if err := cfg.readFile(filepath.Join(cfg.home, ".gitconfig"), 0); err != nil {
				return nil, err
			}
		}
	}

	repoStart := len(cfg.values)
	if err := cfg.readFile(filepath.Join(commonDir, "config"), 0); err != nil {
		return nil, err
	}
	worktreeConfig := false
	for _, v := range cfg.values[repoStart:] {
		if v.Section == "extensions" && v.Key == "worktreeconfig" {
			worktreeConfig = ParseBool(v.Value)
		}
	}
	if worktreeConfig {
		if err := cfg.readFile(filepath.Join(gitDir, "config.worktree"), 0); err != nil {
			return nil, err
		}
	}

	// `git -c` style settings passed through the environment.
	if n := os.Getenv("GIT_CONFIG_COUNT"); n != "" {
		count, _ := strconv.Atoi(n)
		for i := 0; i < count; i++ {
			key := os.Getenv("GIT_CONFIG_KEY_" + strconv.Itoa(i))
			section, rest, ok := strings.Cut(key, ".")
			if !ok {
				continue
			}
			sub := ""
			if j := strings.LastIndexByte(rest, '.'); j >= 0 {
				sub, rest = rest[:j], rest[j+1:]
			}
			cfg.values = append(cfg.values, Value{
				Section: strings.ToLower(section), Subsection: sub,
				Key: strings.ToLower(rest), Value: os.Getenv("GIT_CONFIG_VALUE_" + strconv.Itoa(i)),
			})
		}
	}
	return cfg, nil
}
