package incident

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/incidentctl/incidentctl/pkg/internal/testcorpus"
)

// sameMetaParse requires ParseMeta to fail exactly when Parse fails, with the same error, and
// otherwise to give the same front matter.
func sameMetaParse(t *testing.T, name string, src []byte) {
	t.Helper()
	full, ferr := Parse(name, src)
	meta, merr := ParseMeta(name, src)
	if (ferr == nil) != (merr == nil) || ferr != nil && ferr.Error() != merr.Error() {
		t.Fatalf("%s: Parse: %v; ParseMeta: %v", name, ferr, merr)
	}
	if ferr != nil {
		return
	}
	if !reflect.DeepEqual(full.Meta, meta.Meta) || full.Path != meta.Path {
		t.Fatalf("%s: Meta differs:\nParse     %+v\nParseMeta %+v", name, full.Meta, meta.Meta)
	}
}

func TestParseMetaAgrees(t *testing.T) {
	var n int
	eachCorpusDoc(t, func(f string, b []byte) {
		sameMetaParse(t, f, b)
		n++
	})
	const fm = "---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n\n"
	for i, body := range trickyBodies {
		sameMetaParse(t, "tricky"+string(rune('a'+i)), []byte(fm+body))
		n++
	}
	// Documents the action list and the log would complain about, and broken sections.
	for i, body := range []string{
		"## Status\n\n## Action list\n\n- [ ] a <!-- due: soon -->\n\n## Log\n\n- not a time [a] x\n- 2026-11-23T10:02:00Z [a]\n",
		"## Status\n\n## Action list\n\n## Log\n\n## Log\n",
		"## Status\n\n## Log\n",
		"## Status\n\n```\n## Action list\n```\n## Log\n",
	} {
		sameMetaParse(t, "problem"+string(rune('a'+i)), []byte(fm+body))
		n++
	}
	if n < 10 {
		t.Fatalf("only %d documents", n)
	}
}

// FuzzParseMeta: ParseMeta and Parse agree on every input.
func FuzzParseMeta(f *testing.F) {
	seedDocs(f)
	f.Fuzz(func(t *testing.T, src []byte) { sameMetaParse(t, "f.md", src) })
}

// isOneLine is OneLine(s) == s, by its definition.
func FuzzIsOneLine(f *testing.F) {
	for _, s := range []string{"", "a", " a", "a ", "a  b", "one two three four five six", "eight by  tes", "日本 語", "a\u00a0b", "tab\there", "aaaaaaa  bbbbbbbb", "aaaaaaaa bbbbbbbb ", "aaaaaaa\x7fbbbbbbbb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := isOneLine(s), strings.Join(strings.Fields(s), " ") == s; got != want {
			t.Fatalf("isOneLine(%q) = %v, want %v", s, got, want)
		}
	})
}

// controlAtBytes is ControlAt as first written, a rune at a time: the reference.
func controlAtBytes(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && !(c == '\r' && i+1 < len(s) && s[i+1] == '\n') || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isControl(r) {
			return i
		}
		i += n
	}
	return -1
}

func FuzzControlAt(f *testing.F) {
	for _, s := range []string{"", "plain text that is long enough\n", "a\tb\nc\r\nd", "eight!!!\x1b[31m", "12345678\r", "1234567\r\n", "日本語のテキスト\u202e", "abcdefgh\x7f", "abcdefg\u009b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := ControlAt(s), controlAtBytes(s); got != want {
			t.Fatalf("ControlAt(%q) = %d, want %d", s, got, want)
		}
	})
}

// eachCorpusDoc calls fn with every test document: the files of testdata and the inputs of the
// fuzz corpora (a corpus file that is not one []byte input is skipped).
func eachCorpusDoc(t testing.TB, fn func(name string, b []byte)) {
	testcorpus.Each(t, fn, "testdata/*.md", "testdata/fuzz/*/*")
}
