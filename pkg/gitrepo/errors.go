package gitrepo

import (
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/lockfile"
)

// Sentinel errors. Every error this package returns is a full English sentence
// meant for the user; these sentinels let callers branch with errors.Is without
// parsing text. They are the values the rooms below return (internal/usererr).
var (
	// ErrNotRepository: Open found no .git in the directory or any parent.
	ErrNotRepository = usererr.ErrNotRepository
	// ErrUnsupportedRepository: the repository uses a git extension or format
	// that go-git (and so incidentctl) cannot read or write safely.
	ErrUnsupportedRepository = usererr.ErrUnsupportedRepository
	// ErrDetachedHead: Commit refuses to move a detached HEAD.
	ErrDetachedHead = usererr.ErrDetachedHead
	// ErrLocked: a git lock file (index.lock, HEAD.lock, <ref>.lock) exists.
	ErrLocked = usererr.ErrLocked
	// ErrBranchMoved: the branch no longer points at CommitRequest.Parent.
	ErrBranchMoved = usererr.ErrBranchMoved
	// ErrNoIdentity: no author/committer name or e-mail is configured.
	ErrNoIdentity = usererr.ErrNoIdentity
	// ErrNoRemote: the repository has no remote of the requested name.
	ErrNoRemote = usererr.ErrNoRemote
	// ErrPushRejected: the remote refused the push because its branch moved on (somebody else
	// pushed first). Fetch, integrate and push again.
	ErrPushRejected = usererr.ErrPushRejected
)

// LockedError reports a lock file held by somebody else. Path is the lock
// file's absolute path.
type LockedError = lockfile.LockedError

// userError is the sentence type every room returns.
type userError = usererr.Error

var newUserError = usererr.New
