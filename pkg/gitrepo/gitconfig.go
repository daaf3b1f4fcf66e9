package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/gcfg"
)

// configValue is one "section.subsection.key = value" line. Section and key
// are lower-cased (git treats them case-insensitively); the subsection keeps
// its case.
type configValue struct {
	section, subsection, key, value string
}

// configSet is every value of every config file git would read, in the order
// git reads them: for single-valued keys the last one wins.
type configSet struct {
	values []configValue

	home   string // for ~/ in include paths and gitdir: patterns
	gitDir string // this working tree's git dir, for includeIf "gitdir:"
	branch string // current branch, for includeIf "onbranch:"
}

// maxIncludeDepth is git's limit on nested include.path.
const maxIncludeDepth = 10

// get returns the last value of section.key (subsection empty), or "".
func (c *configSet) get(section, key string) string {
	v := ""
	for _, cv := range c.values {
		if cv.section == section && cv.subsection == "" && cv.key == key {
			v = cv.value
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
func (c *configSet) readFile(path string, depth int) error {
	if depth > maxIncludeDepth {
		return newUserError(nil, nil,
			"git config include.path nests more than %d levels deep at %s; check for an include loop", maxIncludeDepth, path)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, os.ErrPermission) && depth > 0 {
		return nil
	}
	if err != nil {
		return newUserError(nil, err, "cannot read the git config file %s: %v", path, err)
	}
	return c.parse(path, data, depth)
}

func (c *configSet) parse(path string, data []byte, depth int) (err error) {
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
		cv := configValue{
			section:    strings.ToLower(section),
			subsection: subsection,
			key:        strings.ToLower(key),
			value:      value,
		}
		c.values = append(c.values, cv)
		if cv.key != "path" {
			return nil
		}
		switch {
		case cv.section == "include" && cv.subsection == "":
			return c.include(cv.value, dir, depth)
		case cv.section == "includeif" && c.condition(cv.subsection, dir):
			return c.include(cv.value, dir, depth)
		}
		return nil
	}
	if err := gcfg.ReadWithCallback(bytes.NewReader(data), cb); err != nil {
		var ue *userError
		if errors.As(err, &ue) {
			return err
		}
		return configSyntaxError(path, err)
	}
	return nil
}

func configSyntaxError(path string, err error) error {
	return newUserError(nil, err,
		"the git config file %s cannot be read: %v; fix it (`git config --file %s --list` shows the problem)", path, err, path)
}

// include reads an included file: relative paths are relative to the
// directory of the including file, "~/" is the home directory.
func (c *configSet) include(path, dir string, depth int) error {
	if path == "" {
		return nil
	}
	path = c.expandHome(path)
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	return c.readFile(path, depth+1)
}

func (c *configSet) expandHome(p string) string {
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
func (c *configSet) condition(cond, configDir string) bool {
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
func (c *configSet) matchGitDir(pattern, configDir string, icase bool) bool {
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
func envBool(name string) bool { return parseBool(os.Getenv(name)) }

// parseBool reads a git boolean: yes/on/true/1 (or any non-zero number).
func parseBool(v string) bool {
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "", "0", "false", "no", "off":
		return false
	case "1", "true", "yes", "on":
		return true
	}
	n, err := strconv.Atoi(v)
	return err == nil && n != 0
}
