package sync

import (
	"errors"
	"fmt"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/merge"
)

// resolver joins files both sides changed: incident documents field by field, anything else
// is a conflict for the user. The decisions people should hear about go to notes, as
// "<path>: <decision>".
func resolver(incidentsDir string, opts merge.Options, notes *[]string) gitrepo.Resolver {
	return func(path string, base, ours, theirs []byte) ([]byte, error) {
		if !isIncidentDocument(incidentsDir, path) {
			return nil, fmt.Errorf("changed on both sides; only incident documents (%s/**/*.md) are merged automatically", strings.TrimSuffix(incidentsDir, "/"))
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

func (e *ConflictError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "cannot sync with %s: changes made on both sides cannot be merged automatically:", e.Tracking)
	prose, other := false, false
	for _, f := range e.Files {
		var c *merge.Conflict
		if errors.As(f.Err, &c) {
			prose = true
			where := "before the first heading"
			if c.Section != "" {
				where = fmt.Sprintf("in section %q", c.Section)
			}
			fmt.Fprintf(&b, "\n  %s: %s %s (line %d of the common version)", f.Path, c.Reason, where, c.Line)
			continue
		}
		other = true
		fmt.Fprintf(&b, "\n  %s: %v", f.Path, f.Err)
	}
	fmt.Fprintf(&b, "\nNothing was changed: your commits stay on %s (git log %s..%s lists them) and nothing was pushed.", e.Branch, e.Tracking, e.Branch)
	if prose {
		fmt.Fprintf(&b, "\nTo resolve text edited on both sides, without conflict markers: look at the remote's version "+
			"(git show %s:<file>), make that section read exactly the same in your copy, commit it (git commit -am \"take %s's text\"), "+
			"and run incidentctl sync: the log, the fields and the checked actions merge on their own. "+
			"Then make your change to the section again, commit and sync.", e.Tracking, e.Tracking)
	}
	if other {
		fmt.Fprintf(&b, "\nTo resolve another file: git merge %s, fix the file, git commit, then incidentctl sync.", e.Tracking)
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
		return fmt.Errorf("cannot sync with %s: the incoming changes touch %s, which %s uncommitted changes here; "+
			"commit them (or move them aside with git stash), then run incidentctl sync again. "+
			"Nothing was changed: your commits stay on %s",
			tracking, strings.Join(local.Paths, ", "), plural(len(local.Paths), "has", "have"), res.Branch)
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
		return &UnreachableError{Remote: remote, Err: fmt.Errorf("%s (%s) refused the credentials (%v): %s",
			remote, re.URL, re.Err, withheld)}
	case errors.As(err, &re) && re.Auth():
		return &UnreachableError{Remote: remote, Err: fmt.Errorf("%s (%s) refused the credentials (%v): for HTTPS set INCIDENTCTL_TOKEN "+
			"(or GITHUB_TOKEN, GH_TOKEN, GITLAB_TOKEN) to a token that may push, and list its host under sync: credentials: "+
			"in .incidentctl.yaml unless it is github.com (GitHub's tokens) or gitlab.com (GitLab's); for SSH load your key into ssh-agent (ssh-add)",
			remote, re.URL, re.Err)}
	case errors.As(err, &re) && strings.HasPrefix(re.Op, "fetch"):
		return &UnreachableError{Remote: remote, Err: fmt.Errorf("cannot reach %s (%s): %v", remote, re.URL, re.Err)}
	case errors.As(err, &re):
		return &UnreachableError{Remote: remote, Err: re}
	case errors.Is(err, gitrepo.ErrNoRemote):
		return &UnreachableError{Remote: remote, Err: err}
	}
	return err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
