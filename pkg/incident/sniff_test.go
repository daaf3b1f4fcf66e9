package incident

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSniffStatus(t *testing.T) {
	const fm = "id: 190326-fq47y\ntitle: email-relay drops messages\nseverity: SEV3\nstatus: resolved\ncommander: trent\nroles:\n  comms: bob\n  scribe: 'it''s me'\nimpact: about 1440 customers affected\nannouncement: \"\"\ndeclared_at: 2019-03-26T10:22:10+02:00\nresolution: \"\"\n"
	for _, c := range []struct {
		name, src, status string
		ok                bool
	}{
		{"resolved", "---\n" + fm + "---\n# x\n", "resolved", true},
		{"open", "---\n" + strings.Replace(fm, "status: resolved", "status: mitigated", 1) + "---\n", "mitigated", true},
		{"broken body", "---\n" + fm + "---\n\x00<<<<<<< ours\n", "resolved", true},
		{"prefix without the closing fence", "---\n" + fm, "", false},
		{"no status", "---\nid: x\n---\n", "", false},
		{"unknown status", "---\nstatus: done\n---\n", "", false},
		{"quoted status", "---\nstatus: \"resolved\"\n---\n", "", false},
		{"status with a comment", "---\nstatus: resolved # yes\n---\n", "", false},
		{"duplicate status", "---\nstatus: resolved\nstatus: investigating\n---\n", "", false},
		{"duplicate key", "---\nstatus: resolved\nid: a\nid: b\n---\n", "", false},
		{"nested status", "---\nroles:\n  status: resolved\n---\n", "", false},
		{"indented status", "---\nid: x\n status: resolved\n---\n", "", false},
		{"BOM", "\ufeff---\nstatus: resolved\n---\n", "", false},
		{"CRLF", "---\r\nstatus: resolved\r\n---\r\n", "", false},
		{"fence with spaces", "---\nstatus: resolved\n--- \n", "", false},
		{"conflict marker", "---\n<<<<<<< ours\nstatus: resolved\n=======\nstatus: investigating\n>>>>>>> theirs\n---\n", "", false},
		{"flow mapping", "---\nstatus: resolved\nroles: {comms: bob}\n---\n", "", false},
		{"anchor", "---\nstatus: resolved\nid: &a x\n---\n", "", false},
		{"tag", "---\nstatus: resolved\nid: !!str x\n---\n", "", false},
		{"block scalar", "---\nimpact: |\nstatus: resolved\n---\n", "", false},
		{"multi-line plain", "---\nimpact: a\n  b\nstatus: resolved\n---\n", "", false},
		{"multi-line quoted", "---\nimpact: \"a\nstatus: resolved\"\n---\n", "", false},
		{"escape", "---\nimpact: \"a\\\"\nstatus: resolved\n---\n", "", false},
		{"comment", "---\n# status: investigating\nstatus: resolved\n---\n", "", false},
		{"blank line", "---\nstatus: resolved\n\n---\n", "", false},
		{"tab", "---\nstatus:\tresolved\n---\n", "", false},
		{"mapping in a value", "---\nstatus: resolved\ntitle: a: b\n---\n", "", false},
		{"document end", "---\nstatus: resolved\n...\n---\n", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			st, ok := SniffStatus([]byte(c.src))
			if st != c.status || ok != c.ok {
				t.Fatalf("SniffStatus = %q, %v; want %q, %v", st, ok, c.status, c.ok)
			}
			checkSniff(t, []byte(c.src))
		})
	}
}

// TestSniffStatusTestdata: the documents incidentctl writes are sniffed, with ParseMeta's status.
func TestSniffStatusTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.md")
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := ParseMeta(f, src)
		if err != nil {
			continue
		}
		st, ok := SniffStatus(src)
		if !strings.HasPrefix(f, "testdata/hand-edited") && !ok { // hand-edited has comments and blank lines: parsed in full
			t.Errorf("%s: not sniffed", f)
		}
		if ok && st != d.Meta.Status {
			t.Errorf("%s: sniffed %q, ParseMeta %q", f, st, d.Meta.Status)
		}
	}
}

// checkSniff is the differential check: whenever SniffStatus answers, the front matter is valid
// YAML (as splitFrontMatter and yaml.v3 read it) whose top-level status is the answer, ParseMeta
// agrees when it parses the document, and every prefix of src gives the same answer or none.
func checkSniff(t *testing.T, src []byte) {
	t.Helper()
	st, ok := SniffStatus(src)
	if !ok {
		if st != "" {
			t.Fatalf("SniffStatus = %q without ok", st)
		}
		return
	}
	fm, err := splitFrontMatter("x.md", src, newLineIndex(src))
	if err != nil {
		t.Fatalf("sniffed %q but splitFrontMatter fails: %v\n%q", st, err, src)
	}
	if ks, found := fm.key(KeyStatus); !found || ks.value.Kind != yaml.ScalarNode || ks.value.Tag != "!!str" || ks.value.Value != st {
		t.Fatalf("sniffed %q, front matter has %+v\n%q", st, ks.value, src)
	}
	root, err := decodeYAML("x.md", src[:fm.end])
	if err != nil {
		t.Fatalf("sniffed %q but yaml.v3 fails: %v\n%q", st, err, src)
	}
	n := 0
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Value == KeyStatus {
			n++
			if v := root.Content[i+1]; v.Kind != yaml.ScalarNode || v.Tag != "!!str" || v.Value != st {
				t.Fatalf("sniffed %q, yaml.v3 has %+v\n%q", st, v, src)
			}
		}
	}
	if n != 1 {
		t.Fatalf("sniffed %q, yaml.v3 has %d status keys\n%q", st, n, src)
	}
	if d, err := ParseMeta("x.md", src); err == nil && d.Meta.Status != st {
		t.Fatalf("sniffed %q, ParseMeta %q\n%q", st, d.Meta.Status, src)
	}
	for i := 0; i < len(src); i++ {
		if s, ok := SniffStatus(src[:i]); ok && s != st {
			t.Fatalf("prefix %d sniffed %q, the whole %q", i, s, st)
		}
	}
}

func FuzzSniffStatus(f *testing.F) {
	for _, s := range frontMatterSeeds {
		f.Add([]byte("---\n" + s + "---\n# x\n"))
		f.Add([]byte("---\nstatus: resolved\n" + s + "---\n"))
		f.Add([]byte("---\n" + s + "status: resolved\n---\n"))
	}
	files, _ := filepath.Glob("testdata/*.md")
	for _, name := range files {
		if src, err := os.ReadFile(name); err == nil {
			f.Add(src)
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkSniff(t, src)
	})
}
