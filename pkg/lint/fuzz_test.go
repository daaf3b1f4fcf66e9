package lint

import (
	"os"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// FuzzLint: whatever the bytes of a document and of its base version, lint reports findings,
// never panics, and every finding has a rule, a message and a position inside the file.
func FuzzLint(f *testing.F) {
	for _, p := range []string{"../incident/testdata/hand-edited.md", "../incident/testdata/hand-edited.after.md", "../incident/testdata/new.golden.md"} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src, src)
	}
	f.Add([]byte(validDoc), []byte(replace(validDoc, "error rate 12%", "error rate 15%")))
	f.Add([]byte(resolved(validDoc)), []byte(replace(resolved(validDoc), "resolved_at: 2026-11-23T10:40:00+09:00", "resolved_at: null")))
	f.Add([]byte(validDoc), []byte(validDoc+"- 2026-11-23T10:05:00+09:00 [x] token: "+fake("", 32, hexDigits)+"\n"))
	f.Add([]byte("---\ntitle: \"x\n---\n"), []byte("---\n---\n"))
	f.Add([]byte(""), []byte("\xff\x00"))
	c := testChecker(f, config.Lint{})
	f.Fuzz(func(t *testing.T, base, cur []byte) {
		d, fs := c.checkDocument(validPath, cur)
		if bd, err := incident.Parse(validPath, base); err == nil && d != nil {
			fd := &finder{path: validPath}
			compareDocuments(fd, c.secrets, bd, d, "abc1234")
			fs = append(fs, fd.out...)
		}
		lines := strings.Count(string(cur), "\n") + 1
		for _, x := range fs {
			if _, ok := ruleByID(x.Rule); !ok || x.Message == "" {
				t.Fatalf("finding with an unknown rule or no message: %+v", x)
			}
			if x.Line < 1 || x.Line > lines || x.Col < 1 {
				t.Fatalf("finding outside the file (%d lines): %+v", lines, x)
			}
		}
	})
}
