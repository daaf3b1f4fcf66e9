// Package remote talks to git remotes: it fetches one branch into its remote-tracking ref and
// pushes one commit, through go-git's transports (a local path or file:// runs git's own
// upload-pack/receive-pack, which compare-and-swap the remote branch; git://, http(s):// and
// ssh:// are spoken by go-git itself), and picks the credentials the user already has. git
// documents the protocols in Documentation/gitprotocol-pack.txt and gitprotocol-http.txt (and
// the URLs in Documentation/urls.txt); receive-pack's compare-and-swap in
// Documentation/git-receive-pack.txt. Neither Fetch nor Push touches the working tree or the
// local branch: integrating what was fetched is pkg/gitrepo's Integrate.
package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	gogitconfig "github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/transport"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/refs"
)

// Remotes are the remotes of one repository.
type Remotes struct {
	repo      *git.Repository
	root      string // the top of the working tree: relative local URLs start there
	commonDir string
	refs      *refs.Store
	objects   *odb.Store
}

// New returns the remotes of the repository g, whose working tree is at root and whose shared
// git dir is commonDir.
func New(g *git.Repository, root, commonDir string, refs *refs.Store, objects *odb.Store) *Remotes {
	return &Remotes{repo: g, root: root, commonDir: commonDir, refs: refs, objects: objects}
}

// Error is a failure to talk to a remote: it could not be reached, it refused the
// credentials, or the transfer failed. Err is go-git's error.
type Error struct {
	Op     string // "fetch from" or "push to"
	Remote string
	URL    string // with its password (and an http(s) URL's token user) hidden: see Redact
	Err    error
}

func (e *Error) Error() string {
	return Redact(fmt.Sprintf("cannot %s %s (%s): %v", e.Op, e.Remote, e.URL, e.Err))
}

func (e *Error) Unwrap() error { return e.Err }

// Auth reports whether the remote refused our credentials (or wanted some we did not give).
func (e *Error) Auth() bool {
	return errors.Is(e.Err, transport.ErrAuthenticationRequired) ||
		errors.Is(e.Err, transport.ErrAuthorizationFailed)
}

// URL returns the URL of the named remote (the first one, which fetch uses).
func (r *Remotes) URL(name string) (string, error) {
	rem, err := r.remote(name)
	if err != nil {
		return "", err
	}
	return r.resolveURL(rem.Config().URLs[0]), nil
}

// resolveURL makes a relative local path absolute. git resolves it from the top of the working
// tree; go-git would take it from the current directory, which may be a subfolder.
func (r *Remotes) resolveURL(url string) string {
	ep, err := transport.NewEndpoint(url)
	if err != nil || ep.Protocol != "file" || filepath.IsAbs(url) || strings.Contains(url, "://") {
		return url
	}
	return filepath.Join(r.root, url)
}

func (r *Remotes) remote(name string) (*git.Remote, error) {
	rem, err := r.repo.Remote(name)
	if errors.Is(err, git.ErrRemoteNotFound) {
		return nil, usererr.New(usererr.ErrNoRemote, err,
			"this repository has no remote named %q: add it with `git remote add %s <url>`, or name another one (see `git remote -v`)", name, name)
	}
	if err != nil {
		return nil, usererr.New(nil, err, "cannot read the remote %q from the git config: %v", name, err)
	}
	if len(rem.Config().URLs) == 0 || rem.Config().URLs[0] == "" {
		return nil, usererr.New(usererr.ErrNoRemote, nil,
			"the remote %q has no URL: set one with `git remote set-url %s <url>`", name, name)
	}
	return rem, nil
}

// FetchRequest asks for one branch of one remote.
type FetchRequest struct {
	Remote   string
	Branch   string               // the branch on the remote (refs/heads/<Branch>)
	Auth     transport.AuthMethod // nil: none, or what the URL carries
	Progress io.Writer            // the server's progress messages; nil: none
}

// Fetch downloads the remote's branch and records it as refs/remotes/<remote>/<branch>
// (forced, as git fetch does, and under the ref's lock: see fetchStorage). It returns the
// branch's tip; found is false when the remote does not have the branch (or has no commits at
// all). A remote-tracking ref left empty or damaged (by a tool that truncates refs in place and
// was killed) is only a copy of what the remote has: it is removed first, and the fetch writes
// it anew.
func (r *Remotes) Fetch(ctx context.Context, req FetchRequest) (tip plumbing.Hash, found bool, err error) {
	rem, err := r.remote(req.Remote)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	tracking := refs.TrackingRef(req.Remote, req.Branch)
	if err := r.repairTracking(tracking); err != nil {
		return plumbing.ZeroHash, false, err
	}
	spec := gogitconfig.RefSpec(fmt.Sprintf("+%s:%s", plumbing.NewBranchReferenceName(req.Branch), tracking))
	url := r.resolveURL(rem.Config().URLs[0])
	// The remote's config, on our view of the storage: refs written as git writes them
	// (fetchstore.go), objects read and packs stored through odb (faststore.go).
	rem = git.NewRemote(newReadFast(&fetchStorage{Storer: r.repo.Storer, refs: r.refs, commonDir: r.commonDir}, r.objects), rem.Config())
	err = rem.FetchContext(ctx, &git.FetchOptions{
		RemoteName: req.Remote,
		RemoteURL:  url,
		RefSpecs:   []gogitconfig.RefSpec{spec},
		Auth:       req.Auth,
		Progress:   req.Progress,
		Tags:       git.NoTags,
	})
	switch {
	case err == nil, errors.Is(err, git.NoErrAlreadyUpToDate):
	case errors.Is(err, git.NoMatchingRefSpecError{}), errors.Is(err, transport.ErrEmptyRemoteRepository):
		return plumbing.ZeroHash, false, nil
	case errors.Is(err, usererr.ErrLocked):
		return plumbing.ZeroHash, false, err // the tracking ref's lock: the sentence names it
	default:
		return plumbing.ZeroHash, false, &Error{Op: "fetch from", Remote: req.Remote, URL: Redact(url), Err: redactedError{err}}
	}
	return r.refs.Read(tracking)
}

// repairTracking removes the loose file of a remote-tracking ref that holds no ref.
func (r *Remotes) repairTracking(ref plumbing.ReferenceName) error {
	b, err := os.ReadFile(r.refs.Path(ref))
	if err != nil {
		return nil // absent (or a folder): nothing to repair
	}
	line := strings.TrimSpace(string(b))
	if plumbing.IsHash(line) || strings.HasPrefix(line, "ref: ") {
		return nil
	}
	return r.refs.Delete(ref)
}

// PushRequest asks to move the remote's branch to Commit.
type PushRequest struct {
	Remote   string
	Branch   string // the branch on the remote
	Commit   plumbing.Hash
	Auth     transport.AuthMethod
	Progress io.Writer
}

// Push moves the remote's branch to req.Commit, never by force: the tip the remote advertises
// must be in req.Commit's history (checked here), and the remote's receive-pack
// compare-and-swaps its branch from that tip. A remote that moved on gives an error wrapping
// ErrPushRejected. On success refs/remotes/<remote>/<branch> is updated. Only the objects the
// remote lacks are sent, found in time proportional to the change (push.go, pkg/gitrepo/revwalk).
func (r *Remotes) Push(ctx context.Context, req PushRequest) error {
	rem, err := r.remote(req.Remote)
	if err != nil {
		return err
	}
	urls := rem.Config().URLs
	url := r.resolveURL(urls[len(urls)-1]) // git pushes to every URL; go-git and we to the last
	// The commit is pushed by name rather than the local branch, so what lands is exactly the
	// commit the caller integrated, even if the branch moved meanwhile.
	err = r.sendPack(ctx, url, req)
	switch {
	case err == nil:
		r.refs.SetTracking(req.Remote, req.Branch, req.Commit)
		return nil
	case isPushRejection(err):
		return usererr.New(usererr.ErrPushRejected, err,
			"%s rejected the push to %s: somebody else pushed first (%v)", req.Remote, req.Branch, redactedError{err})
	}
	return &Error{Op: "push to", Remote: req.Remote, URL: Redact(url), Err: redactedError{err}}
}

// isPushRejection recognises a lost race, which is reported only as text: our own check
// against the advertised refs ("non-fast-forward update: refs/heads/main"), or receive-pack's
// status for the ref ("command error on refs/heads/main: failed to update ref", "fetch first",
// "cannot lock ref", ...). A refusal by a hook or a protected branch is not a race: it is
// reported as it is.
func isPushRejection(err error) bool {
	msg := err.Error()
	for _, s := range []string{"non-fast-forward", "fetch first", "failed to update ref", "failed to lock", "cannot lock ref", "stale info", "reference already exists"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}
