package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// The table names its messages outside a .T call, where TestCodeUsesKnownIDs cannot see them.
func TestGitMessagesKnown(t *testing.T) {
	for _, m := range gitMessages {
		if !i18n.Has(m.id) {
			t.Errorf("gitMessages: %s is not in the catalogue", m.id)
		}
	}
	err := fmt.Errorf("writing: %w", gitrepo.ErrLocked)
	got := i18n.For(i18n.Japanese).Message(err)
	if !strings.Contains(got, "ロック") || !strings.Contains(got, "writing: git lock file exists") {
		t.Errorf("Japanese git error = %q, want the catalogue's sentence and git's details", got)
	}
	if got := i18n.For(i18n.English).Message(err); got != err.Error() {
		t.Errorf("English git error = %q, want git's own sentence %q", got, err.Error())
	}
}
