package gitrepo

import (
	"context"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/remote"
)

// RemoteError is a failure to talk to a remote: it could not be reached, it refused the
// credentials, or the transfer failed.
type RemoteError = remote.Error

// FetchRequest asks for one branch of one remote.
type FetchRequest = remote.FetchRequest

// PushRequest asks to move the remote's branch to Commit.
type PushRequest = remote.PushRequest

// TrackingRef is where a remote's branch is recorded locally: refs/remotes/<remote>/<branch>.
func TrackingRef(remoteName, branch string) plumbing.ReferenceName {
	return refs.TrackingRef(remoteName, branch)
}

// RemoteURL returns the URL of the named remote (the first one, which fetch uses).
func (r *Repo) RemoteURL(name string) (string, error) { return r.remotes.URL(name) }

// TokenHosts maps a token's environment variable (INCIDENTCTL_TOKEN, GITHUB_TOKEN, GH_TOKEN,
// GITLAB_TOKEN) to the hosts it may be sent to; variables it does not name keep
// DefaultTokenHosts.
type TokenHosts = remote.TokenHosts

// DefaultTokenHosts: GITHUB_TOKEN and GH_TOKEN go to github.com, GITLAB_TOKEN to gitlab.com,
// INCIDENTCTL_TOKEN nowhere until configured.
var DefaultTokenHosts = remote.DefaultTokenHosts

// AuthFor picks the credentials the user already has for a remote URL: a token only over HTTPS
// and only to its hosts, ssh-agent for SSH (pkg/gitrepo/remote). withheld says which tokens are
// set but were not used, and why.
func AuthFor(url string, hosts TokenHosts) (auth transport.AuthMethod, withheld string, err error) {
	return remote.AuthFor(url, hosts)
}

// KnownTokens lists the token variables AuthFor reads.
func KnownTokens() []string { return remote.KnownTokens() }

// RedactURLs hides the passwords (and the tokens in the user part of http(s) URLs) of every URL
// in s, for messages and JSON.
func RedactURLs(s string) string { return remote.Redact(s) }

// Fetch downloads the remote's branch and records it as refs/remotes/<remote>/<branch>
// (forced, as git fetch does). It returns the branch's tip; found is false when the remote does
// not have the branch (or has no commits at all).
func (r *Repo) Fetch(ctx context.Context, req FetchRequest) (tip plumbing.Hash, found bool, err error) {
	return r.remotes.Fetch(ctx, req)
}

// Push moves the remote's branch to req.Commit, never by force; a remote that moved on gives
// an error wrapping ErrPushRejected. On success refs/remotes/<remote>/<branch> is updated.
func (r *Repo) Push(ctx context.Context, req PushRequest) error { return r.remotes.Push(ctx, req) }
