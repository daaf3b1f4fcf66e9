package secret

import (
	"regexp"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestCorpus is the figure the secret policy promises: every credential shape of the corpus
// caught, no look-alike flagged. testdata/corpus.txtar holds fake values of real shapes
// (secret/<rule>/<name>) and text that must not be flagged (lookalike/<name>).
func TestCorpus(t *testing.T) {
	ar, err := txtar.ParseFile("testdata/corpus.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var tried, caught, looks, flagged int
	rules := map[string]bool{}
	for _, f := range ar.Files {
		text := string(f.Data)
		fs := Scan(text)
		kind, rest, _ := strings.Cut(f.Name, "/")
		switch kind {
		case "secret":
			tried++
			rule, _, _ := strings.Cut(rest, "/")
			rules[rule] = true
			ok := false
			for _, x := range fs {
				ok = ok || x.Rule == rule
			}
			if !ok {
				t.Errorf("%s: not caught (findings %+v)", f.Name, fs)
				continue
			}
			caught++
			if red := Redact(text); Contains(red) {
				t.Errorf("%s: Redact leaves a credential: %q", f.Name, red)
			}
		case "lookalike":
			looks++
			if len(fs) > 0 {
				flagged++
				t.Errorf("%s: flagged %+v in %q", f.Name, fs, text)
			}
		default:
			t.Errorf("%s: neither secret/ nor lookalike/", f.Name)
		}
	}
	t.Logf("secret corpus: caught %d of %d credentials (%d shapes); flagged %d of %d look-alikes", caught, tried, len(rules), flagged, looks)
	if tried < 30 || looks < 30 {
		t.Fatalf("the corpus has %d credentials and %d look-alikes; it needs at least 30 of each", tried, looks)
	}
	for _, r := range Rules() {
		if !rules[r.ID] {
			t.Errorf("detector %s has no case in the corpus", r.ID)
		}
	}
}

func mustCompile(t *testing.T, exprs ...string) []*regexp.Regexp {
	t.Helper()
	var out []*regexp.Regexp
	for _, e := range exprs {
		out = append(out, regexp.MustCompile(e))
	}
	return out
}
