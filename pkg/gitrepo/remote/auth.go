package remote

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
	"github.com/go-git/go-git/v5/plumbing/transport/ssh"
)

// Credentials. A token from the environment is sent only over HTTPS, and only to the hosts it
// is for: GITHUB_TOKEN and GH_TOKEN to github.com, GITLAB_TOKEN to gitlab.com, INCIDENTCTL_TOKEN
// to no host until one is configured (.incidentctl.yaml, sync.credentials). A URL that carries
// its own user and password uses those. git's credential helpers are not run (go-git does not
// support them).

// tokenVariables are read in this order for HTTPS remotes; the username goes with the token
// (GitHub accepts any username with a token as the password, GitLab wants "oauth2" for OAuth
// tokens and accepts it for personal access tokens).
var tokenVariables = []struct{ name, user string }{
	{"INCIDENTCTL_TOKEN", "x-access-token"},
	{"GITHUB_TOKEN", "x-access-token"},
	{"GH_TOKEN", "x-access-token"},
	{"GITLAB_TOKEN", "oauth2"},
}

// TokenHosts maps a token's environment variable to the hosts it may be sent to. An entry is a
// host name ("github.com", any port), a host and port ("git.example.com:8443"), or "*." and a
// domain ("*.example.com": its subdomains).
type TokenHosts map[string][]string

// DefaultTokenHosts is where each token goes when the configuration does not say.
var DefaultTokenHosts = TokenHosts{
	"GITHUB_TOKEN": {"github.com"},
	"GH_TOKEN":     {"github.com"},
	"GITLAB_TOKEN": {"gitlab.com"},
}

// hostsFor is configured's list for a variable when it names one, else the default.
func (configured TokenHosts) hostsFor(name string) []string {
	if hosts, ok := configured[name]; ok {
		return hosts
	}
	return DefaultTokenHosts[name]
}

func hostMatches(entry, host, port string) bool {
	entry = strings.ToLower(strings.TrimSpace(entry))
	host = strings.ToLower(host)
	if h, p, ok := strings.Cut(entry, ":"); ok {
		return h == host && p == port
	}
	if dom, ok := strings.CutPrefix(entry, "*."); ok {
		return strings.HasSuffix(host, "."+dom)
	}
	return entry != "" && entry == host
}

// AuthFor picks the credentials the user already has for a remote URL: for HTTPS a token from
// the environment whose hosts (TokenHosts, the defaults where configured says nothing) include
// the URL's host, unless the URL carries its own; ssh-agent for SSH (or an unencrypted default
// key when no agent runs). Local paths, file:// and git:// need none. withheld says which tokens
// are set but were not used for this URL, and why (for the message when the remote refuses).
func AuthFor(url string, configured TokenHosts) (auth transport.AuthMethod, withheld string, err error) {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return nil, "", nil // let the transport report the bad URL
	}
	switch ep.Protocol {
	case "http", "https":
		if ep.User != "" || ep.Password != "" {
			return nil, "", nil
		}
		var held []string
		for _, v := range tokenVariables {
			t := os.Getenv(v.name)
			if t == "" {
				continue
			}
			if ep.Protocol == "http" {
				held = append(held, fmt.Sprintf("%s is set but not sent to %s: tokens go only over HTTPS", v.name, Redact(url)))
				continue
			}
			hosts := configured.hostsFor(v.name)
			ok := false
			for _, h := range hosts {
				if hostMatches(h, ep.Host, fmt.Sprint(ep.Port)) {
					ok = true
					break
				}
			}
			if !ok {
				where := "is sent to no host until its hosts are listed"
				if len(hosts) > 0 {
					where = "goes only to " + strings.Join(hosts, ", ") + " unless more hosts are listed"
				}
				held = append(held, fmt.Sprintf("%s is set but not sent to %s: it %s under sync: credentials: %s: in .incidentctl.yaml",
					v.name, ep.Host, where, v.name))
				continue
			}
			return &http.BasicAuth{Username: v.user, Password: t}, "", nil
		}
		return nil, strings.Join(held, "; "), nil
	case "ssh":
		user := ep.User
		if user == "" {
			user = "git"
		}
		if os.Getenv("SSH_AUTH_SOCK") != "" {
			a, err := ssh.NewSSHAgentAuth(user)
			return a, "", err
		}
		if home, err := os.UserHomeDir(); err == nil {
			for _, name := range []string{"id_ed25519", "id_ecdsa", "id_rsa"} {
				if a, err := ssh.NewPublicKeysFromFile(user, filepath.Join(home, ".ssh", name), ""); err == nil {
					return a, "", nil
				}
			}
		}
		return nil, "", nil
	}
	return nil, "", nil
}

// KnownTokens lists the token variables, for configuration checks.
func KnownTokens() []string {
	out := make([]string, len(tokenVariables))
	for i, v := range tokenVariables {
		out[i] = v.name
	}
	sort.Strings(out)
	return out
}

// userinfo matches the user information of a URL in text: scheme://user[:password]@.
var userinfo = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.-]*://)([^/@\s:'"]*)(:[^/@\s'"]*)?@`)
})

// Redact hides the secrets of every URL in s: a password becomes "***", and so does the user of
// an http(s) URL without a password (a token often sits there: https://<token>@host).
func Redact(s string) string {
	return userinfo().ReplaceAllStringFunc(s, func(m string) string {
		sub := userinfo().FindStringSubmatch(m)
		scheme, user, pass := sub[1], sub[2], sub[3]
		switch {
		case pass != "":
			return scheme + user + ":***@"
		case strings.HasPrefix(strings.ToLower(scheme), "http") && user != "":
			return scheme + "***@"
		}
		return m
	})
}

// redactedError hides URL secrets in an error's text and keeps it for errors.Is/As.
type redactedError struct{ err error }

func (e redactedError) Error() string { return Redact(e.err.Error()) }
func (e redactedError) Unwrap() error { return e.err }
