package gitrepo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
)

// ConfigSetting is one "section.subsection.key = value" of the repository's config.
type ConfigSetting struct {
	Section, Subsection, Key, Value string
}

// Name is the setting as `git config` spells it: merge.incidentctl.driver.
func (s ConfigSetting) Name() string {
	if s.Subsection == "" {
		return s.Section + "." + s.Key
	}
	return s.Section + "." + s.Subsection + "." + s.Key
}

// EnsureConfig makes sure the repository's own config (<CommonDir>/config, the file
// `git config` without --global writes) has each setting. A setting it already has with
// exactly that value is left alone; a missing one is added (appended under config.lock, so
// comments and layout stay as they are); one set to another value is left as the user set it
// and returned in differing. The config cannot be committed, so every clone needs this once.
func (r *Repo) EnsureConfig(settings []ConfigSetting) (added, differing []ConfigSetting, err error) {
	path := filepath.Join(r.commonDir, "config")
	cfg := &configSet{home: os.Getenv("HOME"), gitDir: r.gitDir}
	if err := cfg.readFile(path, 0); err != nil {
		return nil, nil, err
	}
	var missing []ConfigSetting
	for _, s := range settings {
		found, same := false, false
		for _, v := range cfg.values {
			if v.section == strings.ToLower(s.Section) && v.subsection == s.Subsection && v.key == strings.ToLower(s.Key) {
				found, same = true, v.value == s.Value // the last value wins, as in git
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

	lock, err := takeLock(path)
	if err != nil {
		return nil, nil, err
	}
	defer lock.release()
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, nil, newUserError(nil, err, "cannot read the git config %s: %v", path, err)
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
	if err := lock.write([]byte(b.String())); err != nil {
		return nil, nil, err
	}
	if err := lock.commit(); err != nil {
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

// Upstream returns the remote branch the local branch tracks (branch.<name>.remote and
// branch.<name>.merge), or "" when none is configured.
func (r *Repo) Upstream(branch string) (remote, remoteBranch string, err error) {
	cfg, err := r.loadConfig()
	if err != nil {
		return "", "", err
	}
	for _, v := range cfg.values {
		if v.section != "branch" || v.subsection != branch {
			continue
		}
		switch v.key {
		case "remote":
			remote = v.value
		case "merge":
			remoteBranch = strings.TrimPrefix(v.value, "refs/heads/")
		}
	}
	return remote, remoteBranch, nil
}
