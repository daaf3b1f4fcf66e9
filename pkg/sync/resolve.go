package sync

import (
	"errors"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/merge"
)

// resolver joins files both sides changed: incident documents field by field, anything else
// is a conflict for the user. The decisions people should hear about go to notes, as
// "<path>: <decision>".
func resolver(incidentsDir string, opts merge.Options, notes *[]string) gitrepo.Resolver {
	return func(path string, base, ours, theirs []byte) ([]byte, error) {
		if !isIncidentDocument(incidentsDir, path) {
			return nil, i18n.Errorf("sync.conflict.not_a_document", "Dir", strings.TrimSuffix(incidentsDir, "/"))
		}
		out, ns, err := merge.Merge(path, base, ours, theirs, opts)
		for _, n := range ns {
			*notes = append(*notes, path+": "+n)
		}
		return out, err
	}
}

// ConflictError: changes on both sides that sync cannot join. Nothing was changed locally or
// on the remote.
type ConflictError struct {
	Tracking, Branch string
	Files            []gitrepo.FileConflict
}

func (e *ConflictError) Error() string { return e.Localize(i18n.For(i18n.English)) }

// Localize says what conflicts and what to do, in p's language.
func (e *ConflictError) Localize(p *i18n.Printer) string {
	var b strings.Builder
	b.WriteString(p.T("sync.conflict.head", "Tracking", e.Tracking))
	prose, other := false, false
	for _, f := range e.Files {
		var c *merge.Conflict
		if errors.As(f.Err, &c) {
			prose = true
			b.WriteString("\n  " + p.T("sync.conflict.file", "Path", f.Path, "Conflict", c.Where(p)))
			continue
		}
		other = true
		b.WriteString("\n  " + p.T("sync.conflict.file", "Path", f.Path, "Conflict", f.Err))
	}
	b.WriteString("\n" + p.T("sync.conflict.nothing_changed", "Branch", e.Branch, "Tracking", e.Tracking))
	if prose {
		b.WriteString("\n" + p.T("sync.conflict.prose_advice", "Tracking", e.Tracking))
	}
	if other {
		b.WriteString("\n" + p.T("sync.conflict.other_advice", "Tracking", e.Tracking))
	}
	return b.String()
}

// Unwrap exposes each file's error (errors.As finds a *merge.Conflict).
func (e *ConflictError) Unwrap() []error {
	out := make([]error, len(e.Files))
	for i, f := range e.Files {
		out[i] = f.Err
	}
	return out
}

// integrateError turns gitrepo's integration errors into sync's messages.
func integrateError(err error, res *Result, tracking string) error {
	var conflict *gitrepo.ConflictError
	var local *gitrepo.LocalChangesError
	switch {
	case errors.As(err, &conflict):
		return &ConflictError{Tracking: tracking, Branch: res.Branch, Files: conflict.Files}
	case errors.As(err, &local):
		return i18n.Errorf("sync.local_changes", "Tracking", tracking, "Paths", strings.Join(local.Paths, ", "),
			"Count", len(local.Paths), "Branch", res.Branch)
	}
	return err
}

// unreachable classifies a failure to talk to the remote.
func unreachable(remote string, err error) error { return unreachableWith(remote, err, "") }

// unreachableWith is unreachable with the tokens that were set but not sent (gitrepo.AuthFor).
func unreachableWith(remote string, err error, withheld string) error {
	var re *gitrepo.RemoteError
	switch {
	case errors.As(err, &re) && re.Auth() && withheld != "":
		return &UnreachableError{Remote: remote, Err: i18n.Errorf("sync.credentials_withheld", "Remote", remote, "URL", re.URL, "Error", re.Err.Error(), "Withheld", withheld)}
	case errors.As(err, &re) && re.Auth():
		return &UnreachableError{Remote: remote, Err: i18n.Errorf("sync.credentials", "Remote", remote, "URL", re.URL, "Error", re.Err.Error())}
	case errors.As(err, &re) && strings.HasPrefix(re.Op, "fetch"):
		return &UnreachableError{Remote: remote, Err: i18n.Errorf("sync.cannot_reach", "Remote", remote, "URL", re.URL, "Error", re.Err.Error())}
	case errors.As(err, &re):
		return &UnreachableError{Remote: remote, Err: re}
	case errors.Is(err, gitrepo.ErrNoRemote):
		return &UnreachableError{Remote: remote, Err: err}
	}
	return err
}
