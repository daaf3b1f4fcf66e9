package lint

import (
	"path"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// DocumentOptions is what CheckDocument needs to know about the repository.
type DocumentOptions struct {
	Config         config.Config
	Severities     *severity.Set // nil: the built-in definitions
	SeveritiesFrom string
	Now            time.Time
}

// CheckDocument runs the single-document rules on one document (path is its repository path),
// with the levels of the repository's config: what `incidentctl lint <path>` reports for it,
// without the rules that compare documents. Write commands run it before they build on a
// document. The error is only for a config that does not compile.
func CheckDocument(p string, src []byte, o DocumentOptions) ([]Finding, error) {
	policy, err := NewPolicy(o.Config.Lint)
	if err != nil {
		return nil, err
	}
	c := &checker{policy: policy, severities: o.Severities, sevFrom: o.SeveritiesFrom, now: o.Now,
		incidents: path.Clean(o.Config.Incidents), secrets: policy.Secrets(), fields: o.Config.Fields}
	if err := c.fillDefaults(); err != nil {
		return nil, err
	}
	_, fs := c.checkDocument(p, src)
	var out []Finding
	for _, f := range fs {
		if f.Severity = policy.Level(f.Rule); f.Severity != Off {
			out = append(out, f)
		}
	}
	SortFindings(out)
	return out, nil
}
