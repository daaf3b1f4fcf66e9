package gitrepo

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Signature is who did something, and when.
type Signature struct {
	Name, Email string
	When        time.Time
}

func noIdentityError() error {
	return newUserError(ErrNoIdentity, nil,
		"no git identity: set it with\n  git config --global user.name \"Your Name\"\n  git config --global user.email you@example.com")
}

// Identity resolves the author and committer the way git does, both with
// time now:
//
//   - GIT_AUTHOR_NAME / GIT_AUTHOR_EMAIL and GIT_COMMITTER_NAME /
//     GIT_COMMITTER_EMAIL win;
//   - then config, last value wins, in git's order: the system file
//     (/etc/gitconfig or $GIT_CONFIG_SYSTEM, skipped with GIT_CONFIG_NOSYSTEM),
//     the global files ($XDG_CONFIG_HOME/git/config or ~/.config/git/config,
//     then ~/.gitconfig; $GIT_CONFIG_GLOBAL replaces both), the repository's
//     config, its config.worktree when extensions.worktreeConfig is on, and
//     GIT_CONFIG_COUNT/GIT_CONFIG_KEY_n/GIT_CONFIG_VALUE_n. include.path and
//     includeIf (gitdir:, gitdir/i:, onbranch:) are followed;
//   - author.name/author.email and committer.name/committer.email override
//     user.name/user.email for their role;
//   - the EMAIL environment variable is the last resort for the e-mail.
//
// Unlike git, there is no guess from the system user name and host name: a
// missing name or e-mail is an error that tells the user how to set it.
func (r *Repo) Identity(now time.Time) (author, committer Signature, err error) {
	cfg, err := r.loadConfig()
	if err != nil {
		return Signature{}, Signature{}, err
	}
	pick := func(values ...string) string {
		for _, v := range values {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	userName, userEmail := cfg.get("user", "name"), cfg.get("user", "email")
	author = Signature{
		Name:  pick(os.Getenv("GIT_AUTHOR_NAME"), cfg.get("author", "name"), userName),
		Email: pick(os.Getenv("GIT_AUTHOR_EMAIL"), cfg.get("author", "email"), userEmail, os.Getenv("EMAIL")),
		When:  now,
	}
	committer = Signature{
		Name:  pick(os.Getenv("GIT_COMMITTER_NAME"), cfg.get("committer", "name"), userName),
		Email: pick(os.Getenv("GIT_COMMITTER_EMAIL"), cfg.get("committer", "email"), userEmail, os.Getenv("EMAIL")),
		When:  now,
	}
	if author.Name == "" || author.Email == "" || committer.Name == "" || committer.Email == "" {
		return Signature{}, Signature{}, noIdentityError()
	}
	return author, committer, nil
}

// loadConfig reads every config file git would read for this repository.
func (r *Repo) loadConfig() (*configSet, error) {
	cfg := &configSet{home: os.Getenv("HOME"), gitDir: r.gitDir}
	if h, err := r.Head(); err == nil {
		cfg.branch = h.Branch
	}

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
	if err := cfg.readFile(filepath.Join(r.commonDir, "config"), 0); err != nil {
		return nil, err
	}
	worktreeConfig := false
	for _, v := range cfg.values[repoStart:] {
		if v.section == "extensions" && v.key == "worktreeconfig" {
			worktreeConfig = parseBool(v.value)
		}
	}
	if worktreeConfig {
		if err := cfg.readFile(filepath.Join(r.gitDir, "config.worktree"), 0); err != nil {
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
			cfg.values = append(cfg.values, configValue{
				section: strings.ToLower(section), subsection: sub,
				key: strings.ToLower(rest), value: os.Getenv("GIT_CONFIG_VALUE_" + strconv.Itoa(i)),
			})
		}
	}
	return cfg, nil
}
