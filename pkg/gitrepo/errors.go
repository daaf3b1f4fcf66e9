package gitrepo

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns is a full English sentence
// meant for the user; these sentinels let callers branch with errors.Is without
// parsing text.
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
	// ErrBranchMoved: the branch no longer points at CommitRequest.Parent.
	ErrBranchMoved = errors.New("branch moved")
	// ErrNoIdentity: no author/committer name or e-mail is configured.
	ErrNoIdentity = errors.New("no git identity")
)

// userError carries a complete sentence for the user, an optional sentinel
// for errors.Is, and an optional lower-level cause for errors.Unwrap.
type userError struct {
	msg      string
	sentinel error
	cause    error
}

func (e *userError) Error() string { return e.msg }

// Unwrap exposes both the sentinel and the cause (Go 1.20 multi-unwrap), so
// errors.Is works for either.
func (e *userError) Unwrap() []error {
	var errs []error
	if e.sentinel != nil {
		errs = append(errs, e.sentinel)
	}
	if e.cause != nil {
		errs = append(errs, e.cause)
	}
	return errs
}

func newUserError(sentinel, cause error, format string, args ...any) error {
	return &userError{msg: fmt.Sprintf(format, args...), sentinel: sentinel, cause: cause}
}

// LockedError reports a lock file held by somebody else. Path is the lock
// file's absolute path.
type LockedError struct {
	Path string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("another git process seems to be running in this repository (%s exists); "+
		"wait for it to finish, or remove the file if it crashed", e.Path)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }
