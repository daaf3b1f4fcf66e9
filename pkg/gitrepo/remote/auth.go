package remote

import (
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// tokenVariables are read in this order for HTTPS remotes; the username goes with the token
// (GitHub accepts any username with a token as the password, GitLab wants "oauth2" for OAuth
// tokens and accepts it for personal access tokens).
var tokenVariables = []struct{ name, user string }{
	{"INCIDENTCTL_TOKEN", "x-access-token"},
	{"GITHUB_TOKEN", "x-access-token"},
	{"GH_TOKEN", "x-access-token"},
	{"GITLAB_TOKEN", "oauth2"},
}

// AuthFor picks the credentials the user already has for a remote URL: a token from the
// environment for HTTPS (unless the URL carries its own), ssh-agent for SSH (or an
// unencrypted default key when no agent runs). Local paths, file:// and git:// need none.
// go-git does not run git's credential helpers.
func AuthFor(url string) (transport.AuthMethod, error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, nil // let the transport report the bad URL
	}
	switch ep.Protocol {
	case "http", "https":
		if ep.User != "" || ep.Password != "" {
			return nil, nil
		}
		for _, v := range tokenVariables {
			if t := os.Getenv(v.name); t != "" {
				return &http.BasicAuth{Username: v.user, Password: t}, nil
			}
		}
		return nil, nil
	case "ssh":
		user := ep.User
		if user == "" {
			user = "git"
		}
		if os.Getenv("SSH_AUTH_SOCK") != "" {
			return ssh.NewSSHAgentAuth(user)
		}
		if home, err := os.UserHomeDir(); err == nil {
			for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
				if a, err := ssh.NewPublicKeysFromFile(user, filepath.Join(home, ".ssh", name), ""); err == nil {
					return a, nil
				}
			}
		}
		return nil, nil
	}
	return nil, nil
}
