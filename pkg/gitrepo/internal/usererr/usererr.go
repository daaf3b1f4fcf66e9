// Package usererr is the error type every part of pkg/gitrepo returns: a complete English
// sentence for the user (what happened, where, what to do), an optional sentinel for errors.Is,
// and an optional lower-level cause. The sentinels live here so that every room of pkg/gitrepo
// can return them and the facade re-exports one value of each.
package usererr

import (
	"errors"
	"fmt"
)

// Sentinel errors, re-exported by pkg/gitrepo; callers branch with errors.Is without parsing
// text.
var (
	// ErrNotRepository: Open found no .git in the directory or any parent.
	ErrNotRepository = errors.New("not a git repository")
	// ErrUnsupportedRepository: the repository uses a git extension or format
	// that go-git (and so incidentctl) cannot read or write safely.
	ErrUnsupportedRepository = errors.New("unsupported git repository format")
	// ErrDetachedHead: Commit refuses to move a detached HEAD.
	ErrDetachedHead = errors.New("HEAD is detached")
	// ErrLocked: a git lock file (index.lock, HEAD.lock, <ref>.lock) exists.
	ErrLocked = errors.New("git lock file exists")
	// ErrBranchMoved: the branch no longer points at the commit the change was computed from.
	ErrBranchMoved = errors.New("branch moved")
	// ErrNoIdentity: no author/committer name or e-mail is configured.
	ErrNoIdentity = errors.New("no git identity")
	// ErrNoRemote: the repository has no remote of the requested name.
	ErrNoRemote = errors.New("no such remote")
	// ErrPushRejected: the remote refused the push because its branch moved on (somebody else
	// pushed first). Fetch, integrate and push again.
	ErrPushRejected = errors.New("push rejected")
)

// Error carries a complete sentence for the user, an optional sentinel
// for errors.Is, and an optional lower-level cause for errors.Unwrap.
type Error struct {
	msg      string
	sentinel error
	cause    error
}

func (e *Error) Error() string { return e.msg }

// Unwrap exposes both the sentinel and the cause (Go 1.20 multi-unwrap), so
// errors.Is works for either.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.sentinel != nil {
		errs = append(errs, e.sentinel)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

// New formats the sentence; sentinel and cause may be nil.
func New(sentinel, cause error, format string, args ...any) error {
	return &Error{msg: fmt.Sprintf(format, args...), sentinel: sentinel, cause: cause}
}
