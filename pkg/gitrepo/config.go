package gitrepo

import (
	"strings"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/gitconfig"
)

// ConfigSetting is one "section.subsection.key = value" of the repository's config.
type ConfigSetting = gitconfig.Setting

// EnsureConfig makes sure the repository's own config (<CommonDir>/config, the file
// `git config` without --global writes) has each setting. A setting it already has with
// exactly that value is left alone; a missing one is added (appended under config.lock, so
// comments and layout stay as they are); one set to another value is left as the user set it
// and returned in differing. The config cannot be committed, so every clone needs this once.
func (r *Repo) EnsureConfig(settings []ConfigSetting) (added, differing []ConfigSetting, err error) {
	added, differing, err = gitconfig.Ensure(r.gitDir, r.commonDir, settings)
	r.cfg = nil // read again on the next use: it holds what the file said before
	return added, differing, err
}

// loadConfig reads every config file git would read for this repository.
func (r *Repo) loadConfig() (*gitconfig.Set, error) {
	branch := ""
	if h, err := r.Head(); err == nil {
		branch = h.Branch
	}
	return gitconfig.Load(r.gitDir, r.commonDir, branch)
}

// Upstream returns the remote branch the local branch tracks (branch.<name>.remote and
// branch.<name>.merge), or "" when none is configured.
func (r *Repo) Upstream(branch string) (remote, remoteBranch string, err error) {
	cfg, err := r.loadConfig()
	if err != nil {
		return "", "", err
	}
	for _, v := range cfg.All() {
		if v.Section != "branch" || v.Subsection != branch {
			continue
		}
		switch v.Key {
		case "remote":
			remote = v.Value
		case "merge":
			remoteBranch = strings.TrimPrefix(v.Value, "refs/heads/")
		}
	}
	return remote, remoteBranch, nil
}
