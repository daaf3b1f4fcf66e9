package workspace

import (
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// InputError is a value the user typed that is not valid: an unknown severity or status, an
// empty title, an action number out of range, an ID that names no incident. The CLI exits 2
// for it, as for any wrong command line (README, "Exit codes"); other failures exit 1.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }

// Unwrap gives the cause, so that a catalogue message is still printed in the reader's
// language and errors.Is sees through it.
func (e *InputError) Unwrap() error { return e.Err }

// invalid marks err as the user's input being wrong (nil stays nil).
func invalid(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}

// NothingToChangeError: what was asked for is how the incident already is (an action already
// checked, the severity it already has). Nothing is committed; the CLI reports it and exits 0,
// as asking twice for the same state is not a failure.
type NothingToChangeError struct {
	Doc    *incident.Document // the incident as it is
	Reason string             // why, in a few words ("action 1 is already checked")
}

func (e *NothingToChangeError) Error() string { return ErrNothingToChange.Error() + ": " + e.Reason }

// Is makes errors.Is(err, ErrNothingToChange) hold.
func (e *NothingToChangeError) Is(target error) bool { return target == ErrNothingToChange }

// nothingError is a catalogue message saying why nothing changes: errors.Is(err,
// ErrNothingToChange) holds, and the CLI prints it in the reader's language (its text is the
// message's, which begins "nothing to change: ").
func nothingError(e *i18n.Error) error { return &nothingErr{e} }

type nothingErr struct{ msg *i18n.Error }

func (e *nothingErr) Error() string        { return e.msg.Error() }
func (e *nothingErr) Unwrap() error        { return e.msg }
func (e *nothingErr) Is(target error) bool { return target == ErrNothingToChange }
