package cli

import (
	"errors"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// pkg/gitrepo keeps its own English sentences (it knows nothing of the catalogue, and its
// rooms are being rewritten). A reader in another language gets, for each kind of error a
// responder meets there (told apart by the facade's sentinels), the catalogue's sentence of
// what is wrong and what to do, with git's own sentence under it for the details.
var gitMessages = []struct {
	sentinel error
	id       string
}{
	{gitrepo.ErrNotRepository, "git.not_repository"},
	{gitrepo.ErrUnsupportedRepository, "git.unsupported"},
	{gitrepo.ErrDetachedHead, "git.detached"},
	{gitrepo.ErrLocked, "git.locked"},
	{gitrepo.ErrBranchMoved, "git.branch_moved"},
	{gitrepo.ErrNoIdentity, "git.no_identity"},
	{gitrepo.ErrNoRemote, "git.no_remote"},
	{gitrepo.ErrPushRejected, "git.push_rejected"},
}

func init() { i18n.AddTranslator(gitMessage) }

// gitMessage says a pkg/gitrepo error in p's language.
func gitMessage(p *i18n.Printer, err error) (string, bool) {
	for _, m := range gitMessages {
		if errors.Is(err, m.sentinel) {
			return p.T(m.id) + "\n  " + p.T("git.details", "Details", err.Error()), true
		}
	}
	return "", false
}
