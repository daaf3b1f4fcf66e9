package incident

import (
	"bytes"
	"os"
	"testing"
	"time"
)

func seedDocs(f *testing.F) {
	for _, p := range []string{"testdata/hand-edited.md", "testdata/hand-edited.after.md", "testdata/new.golden.md"} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("---\nid: x\n---\n"))
	f.Add([]byte("---\n---\n## Status\n## Action list\n## Log\n"))
	f.Add([]byte("---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n## Status\n| a |\n|---|\n## Action list\n- [ ] a\n## Log\n- 2026-11-23T10:02:00+09:00 [a] b"))
}

// FuzzParse: any input either parses or is rejected with a ParseError; never a panic. What
// parses can have its Status table regenerated, and the result parses again.
func FuzzParse(f *testing.F) {
	seedDocs(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse("f.md", src)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		if _, err := d.RefreshStatus(); err != nil {
			t.Fatalf("RefreshStatus on a parsed document: %v", err)
		}
	})
}

// FuzzEdit: parse -> edit -> parse keeps every byte outside the edited region: the bytes before
// the insertion point and after it are exactly the original's.
func FuzzEdit(f *testing.F) {
	seedDocs(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse("f.md", src)
		if err != nil {
			return
		}
		e := LogEntry{At: time.Date(2026, 11, 23, 10, 5, 0, 0, time.UTC), Author: "fuzz", Text: "entry"}
		nd, err := d.AppendLog(e)
		if err != nil {
			return // the splice may make a hostile document unparseable; it is refused, not written
		}
		line := []byte(FormatLogLine(e))
		// Exactly one insertion (possibly with separators) turns src into nd.Src.
		if len(nd.Src) <= len(src) {
			t.Fatalf("AppendLog did not grow the document")
		}
		prefix := commonPrefix(src, nd.Src)
		suffix := commonSuffix(src[prefix:], nd.Src[prefix:])
		if prefix+suffix != len(src) {
			t.Fatalf("AppendLog changed bytes outside the insertion: kept %d+%d of %d", prefix, suffix, len(src))
		}
		if !bytes.Contains(nd.Src, bytes.TrimSuffix(line, []byte("\n"))) {
			t.Fatalf("the entry is not in the result")
		}
		// Editing a key touches only that key's lines.
		if nd2, err := d.SetString(KeyImpact, "fuzzed impact"); err == nil {
			if nd2.Meta.Impact != "fuzzed impact" {
				t.Fatalf("impact read back %q", nd2.Meta.Impact)
			}
			body := d.Src[d.fm.end:]
			if !bytes.HasSuffix(nd2.Src, body) {
				t.Fatalf("SetString changed the body")
			}
		}
	})
}

func commonPrefix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

func commonSuffix(a, b []byte) int {
	n := 0
	for n < len(a) && n < len(b) && a[len(a)-1-n] == b[len(b)-1-n] {
		n++
	}
	return n
}
