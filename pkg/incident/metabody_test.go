package incident

import (
	"os"
	"strings"
	"testing"
)

const metaBodyFM = "---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n"

// metaBodyCases: bodies metaBodyOK must answer for (true) or leave to parseBody (false).
var metaBodyCases = []struct {
	name string
	body string
	ok   bool
}{
	{"the three sections", "\n# T\n\n## Status\n\n## Action list\n\n## Log\n", true},
	{"no final newline", "## Status\n## Action list\n## Log", true},
	{"any case", "## status\n## ACTION LIST\n## log\n", true},
	{"Japanese", "## ステータス\n## アクションリスト\n## ログ\n", true},
	{"spaces around the name", "##   Status   \n## Action list\n## Log\n", true},
	{"other headings", "# T\n## Status\n### Log\n## Notes\n## Action list\n#### x\n## Log\n", true},
	{"lists, tables, markers", "## Status\n\n| a | b |\n| --- | --- |\n\n## Action list\n\n- [ ] a <!-- required: SEV1 -->\n  - [x] b\n\n## Log\n\n- 2026-11-23T10:02:00Z [a] `x` <b>y</b>\n", true},
	{"code in a list item closed by the heading", "## Status\n- ```\n## Action list\n## Log\n", true},
	{"code in a quote closed by the heading", "## Status\n> ```\n## Action list\n## Log\n", true},
	{"indented code ended by the heading", "## Status\n\n    ```\n## Action list\n## Log\n", true},
	{"a paragraph interrupted", "## Status\ntext\n## Action list\nmore\n## Log\n", true},
	{"hash without a space", "## Status\n##Log\n## Action list\n## Log\n", true},
	{"setext heading is no section", "## Status\nLog\n---\n## Action list\n## Log\n", true},
	{"a section missing", "## Status\n## Log\n", false},
	{"a section twice", "## Status\n## Action list\n## Log\n## Log\n", false},
	{"a section twice, other case", "## Status\n## Action list\n## Log\n## LOG\n", false},
	{"top-level fence", "## Status\n```\n## Action list\n```\n## Log\n", false},
	{"tilde fence", "## Status\n~~~\n## Action list\n~~~\n## Log\n", false},
	{"indented fence", "## Status\n   ```\n## Action list\n## Log\n", false},
	{"HTML comment", "## Status\n<!--\n## Action list\n-->\n## Log\n", false},
	{"HTML block", "## Status\n<div>\n## Action list\n</div>\n\n## Log\n", false},
	{"indented heading", "## Status\n ## Action list\n## Log\n", false},
	{"closing sequence", "## Status\n## Action list ##\n## Log\n", false},
	{"tab", "## Status\n## Action list\n## Log\t\n", false},
	{"CR", "## Status\r\n## Action list\r\n## Log\r\n", false},
	{"backtick paragraph", "## Status\n`x` y\n## Action list\n## Log\n", false},
	{"empty", "", false},
}

func TestMetaBodyOK(t *testing.T) {
	for _, c := range metaBodyCases {
		t.Run(c.name, func(t *testing.T) {
			src := []byte(metaBodyFM + c.body)
			if got := checkMetaBody(t, src); got != c.ok {
				t.Fatalf("metaBodyOK = %v, want %v\n%s", got, c.ok, c.body)
			}
		})
	}
}

// checkMetaBody fails t when metaBodyOK answers true for a document whose body parseBody
// (with the scanner, and with goldmark's full parser) finds wrong; it returns the answer.
func checkMetaBody(t *testing.T, src []byte) bool {
	t.Helper()
	lines := newLineIndex(src)
	fm, err := splitFrontMatter("f.md", src, lines)
	if err != nil {
		return false
	}
	if !metaBodyOK(src, fm.end, lines) {
		return false
	}
	for _, p := range []struct {
		name string
		f    func() error
	}{
		{"scanner", func() error {
			d := &Document{Path: "f.md", Src: src, lines: lines, fm: fm, table: span{-1, -1}, metaOnly: true}
			return d.parseBody()
		}},
		{"goldmark", func() error {
			saved := bodyParserOverride
			bodyParserOverride = fullParser
			defer func() { bodyParserOverride = saved }()
			d := &Document{Path: "f.md", Src: src, lines: lines, fm: fm, table: span{-1, -1}, metaOnly: true}
			return d.parseBody()
		}},
	} {
		if err := p.f(); err != nil {
			t.Fatalf("metaBodyOK says the body reads, parseBody (%s) says %v:\n%q", p.name, err, src[fm.end:])
		}
	}
	return true
}

// FuzzMetaBody: whenever metaBodyOK answers true, parseBody finds nothing wrong with the body,
// with the scanner and with goldmark's full parser.
func FuzzMetaBody(f *testing.F) {
	for _, c := range metaBodyCases {
		f.Add(c.body)
	}
	for _, b := range trickyBodies {
		f.Add(b)
	}
	for _, p := range []string{"testdata/hand-edited.md", "testdata/hand-edited.after.md", "testdata/new.golden.md"} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if _, body, ok := strings.Cut(string(src[3:]), "\n---\n"); ok {
			f.Add(body)
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		checkMetaBody(t, []byte(metaBodyFM+body))
	})
}
