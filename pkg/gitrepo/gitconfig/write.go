package gitconfig

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
)

// Setting is one "section.subsection.key = value" of the repository's config.
type Setting struct {
	Section, Subsection, Key, Value string
}

// Name is the setting as `git config` spells it: merge.incidentctl.driver.
func (s Setting) Name() string {
	if s.Subsection == "" {
		return s.Section + "." + s.Key
	}
	return s.Section + "." + s.Subsection + "." + s.Key
}

// Ensure makes sure the repository's own config (<CommonDir>/config, the file
// `git config` without --global writes) has each setting. A setting it already has with
// exactly that value is left alone; a missing one is added (appended under config.lock, so
// comments and layout stay as they are); one set to another value is left as the user set it
// and returned in differing. The config cannot be committed, so every clone needs this once.
func Ensure(gitDir, commonDir string, settings []Setting) (added, differing []Setting, err error) {
	path := filepath.Join(commonDir, "config")
	cfg := &Set{home: os.Getenv("HOME"), gitDir: gitDir}
	if err := cfg.readFile(path, 0); err != nil {
		return nil, nil, err
	}
	var missing []Setting
	for _, s := range settings {
		found, same := false, false
		for _, v := range cfg.values {
			if v.Section == strings.ToLower(s.Section) && v.Subsection == s.Subsection && v.Key == strings.ToLower(s.Key) {
				found, same = true, v.Value == s.Value // the last value wins, as in git
			}
		}
		switch {
		case !found:
			missing = append(missing, s)
		case !same:
			differing = append(differing, s)
		}
	}
	if len(missing) == 0 {
		return nil, differing, nil
	}

	lock, err := lockfile.Take(path)
	if err != nil {
		return nil, nil, err
	}
	defer lock.Release()
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, usererr.New(nil, err, "cannot read the git config %s: %v", path, err)
	}
	var b strings.Builder
	b.Write(old)
	if len(old) > 0 && old[len(old)-1] != '\n' {
		b.WriteByte('\n')
	}
	header := ""
	for _, s := range missing {
		h := "[" + s.Section + "]"
		if s.Subsection != "" {
			h = "[" + s.Section + " " + quoteConfig(s.Subsection) + "]"
		}
		if h != header {
			b.WriteString(h + "\n")
			header = h
		}
		b.WriteString("\t" + s.Key + " = " + quoteConfig(s.Value) + "\n")
	}
	if err := lock.Write([]byte(b.String())); err != nil {
		return nil, nil, err
	}
	if err := lock.Commit(); err != nil {
		return nil, nil, err
	}
	return missing, differing, nil
}

// quoteConfig writes a value (or subsection name) in double quotes with git's escapes, which
// is always valid and keeps characters like ';' and '#' from starting a comment.
func quoteConfig(v string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(v) + `"`
}
