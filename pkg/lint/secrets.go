package lint

import (
	"fmt"
	"slices"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/secret"
)

// Incident documents get pasted logs, and every clone keeps every version: a credential that
// reaches the default branch has spread. The secret rule is the last gate before that; the
// detectors live in pkg/secret, which every write command runs before it commits.

// scanSecrets reports the credentials in src. Those a person kept with --allow-secret (the
// document's log names their fingerprints) are accepted; d is nil when the document does not
// parse.
func (c *checker) scanSecrets(f *finder, src []byte, d *incident.Document) {
	fs := c.secrets.ScanBytes(src)
	if len(fs) == 0 {
		return
	}
	var allowed map[string]bool
	if d != nil {
		texts := make([]string, len(d.Log))
		for i, e := range d.Log {
			texts[i] = e.Text
		}
		allowed = secret.AllowedFingerprints(texts)
	}
	lines := lineStarts(src)
	for _, s := range fs {
		if allowed[s.Fingerprint] {
			continue
		}
		line, col := lineCol(lines, s.Start)
		f.add(line, col, RuleSecret, SecretMessage(s))
	}
}

// SecretMessage says what a finding of the secret rule is and what to do about it.
func SecretMessage(s secret.Finding) string {
	what := s.What
	if s.Split {
		what += ", broken over lines"
	}
	return fmt.Sprintf("this looks like %s (%s): remove it, and revoke or rotate the credential, since every clone keeps the history; if it is not a secret, add a regular expression matching it to lint.allow in .incidentctl.yaml",
		what, s.Masked)
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineCol turns a byte offset into a 1-based line and byte column.
func lineCol(starts []int, off int) (int, int) {
	i, _ := slices.BinarySearch(starts, off+1)
	return i, off - starts[i-1] + 1
}
