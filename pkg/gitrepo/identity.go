package gitrepo

import (
	"os"
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
	cfg, err := r.config()
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
	userName, userEmail := cfg.Get("user", "name"), cfg.Get("user", "email")
	author = Signature{
		Name:  pick(os.Getenv("GIT_AUTHOR_NAME"), cfg.Get("author", "name"), userName),
		Email: pick(os.Getenv("GIT_AUTHOR_EMAIL"), cfg.Get("author", "email"), userEmail, os.Getenv("EMAIL")),
		When:  now,
	}
	committer = Signature{
		Name:  pick(os.Getenv("GIT_COMMITTER_NAME"), cfg.Get("committer", "name"), userName),
		Email: pick(os.Getenv("GIT_COMMITTER_EMAIL"), cfg.Get("committer", "email"), userEmail, os.Getenv("EMAIL")),
		When:  now,
	}
	if author.Name == "" || author.Email == "" || committer.Name == "" || committer.Email == "" {
		return Signature{}, Signature{}, noIdentityError()
	}
	return author, committer, nil
}
