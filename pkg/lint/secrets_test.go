package lint

import (
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/secret"
)

// Fake credentials, built at run time so that this file itself trips no scanner.
func fake(prefix string, n int, alphabet string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := range n {
		b.WriteByte(alphabet[(i*7+3)%len(alphabet)])
	}
	return b.String()
}

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum       = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexDigits   = "0123456789abcdef"
)

func TestSecretColumnAndAllowList(t *testing.T) {
	key := fake("AKIA", 16, upperDigits)
	src := []byte("---\nid: x\n---\n- 2026-11-23T10:02:00+09:00 [bob] env: AWS_ACCESS_KEY_ID=" + key + "\n")
	c := testChecker(t, config.Lint{})
	f := &finder{path: "x.md"}
	c.scanSecrets(f, src, nil)
	if got := brief(f.out); len(got) != 1 || got[0] != "secret@4:58" {
		t.Fatalf("findings %v, want secret@4:58", got)
	}
	if strings.Contains(f.out[0].Message, key[4:]) || !strings.Contains(f.out[0].Message, "AKIA…, 20 characters") {
		t.Errorf("message %q", f.out[0].Message)
	}
	c = testChecker(t, config.Lint{Allow: []string{"^AKIA" + key[4:8]}})
	f = &finder{path: "x.md"}
	c.scanSecrets(f, src, nil)
	if len(f.out) != 0 {
		t.Fatalf("the allow-list did not apply: %+v", f.out)
	}
}

// A credential split over two lines of a log entry is found, and one a person allowed
// (its fingerprint logged by --allow-secret) is accepted in that document only.
func TestSecretSplitAndAllowedByLog(t *testing.T) {
	key := fake("AKIA", 16, upperDigits)
	doc := validDoc + "- 2026-11-23T10:11:00+09:00 [bob] key AWS_ACCESS_KEY_ID=" + key[:9] + "\n  " + key[9:] + " from the runner\n"
	c := testChecker(t, config.Lint{})
	_, fs := c.checkDocument(validPath, []byte(doc))
	if got := brief(fs); len(got) != 1 || got[0] != "secret@36:57" || !strings.Contains(fs[0].Message, "broken over lines") {
		t.Fatalf("findings %v %+v", brief(fs), fs)
	}
	sf := secret.Scan(doc)
	allowed := doc + "- 2026-11-23T10:12:00+09:00 [bob] " + secret.AllowedEntry(sf[0]) + "\n"
	if _, fs = c.checkDocument(validPath, []byte(allowed)); len(fs) != 0 {
		t.Fatalf("an allowed credential is still reported, or its entry is a finding: %+v", fs)
	}
	// Another document does not inherit the decision.
	other := replace(allowed, secret.AllowedPrefix, "note:")
	if _, fs = c.checkDocument(validPath, []byte(other)); len(fs) != 1 {
		t.Fatalf("findings %+v", fs)
	}
}
