package cli

import (
	"errors"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// pkg/workspace wraps a drill's catalogue sentence in a sentinel the commands test for ("the
// drill is over: <sentence>"); a reader in another language gets the sentence alone, translated.
func init() { i18n.AddTranslator(drillMessage) }

func drillMessage(p *i18n.Printer, err error) (string, bool) {
	for _, sentinel := range []error{workspace.ErrDrillOver, workspace.ErrBadVariant} {
		if errors.Is(err, sentinel) {
			if s, ok := strings.CutPrefix(err.Error(), sentinel.Error()+": "); ok {
				return p.Translate(s), true
			}
		}
	}
	return "", false
}
