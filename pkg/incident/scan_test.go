package incident

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// referenceParser is bodyParser under another name: parsing with it keeps the scanner out, so
// the whole document is read by goldmark.
var referenceParser = newBodyParser()

// scanFrontMatter heads every body the scanner tests parse.
const scanFrontMatter = "---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n"

// scanDiff reads a body with the scanner and with goldmark. It reports whether the scanner
// accepted the body and, when it did, any difference between the block structures and between
// the parsed documents (or errors).
func scanDiff(body []byte) (scanned bool, diff string) {
	return scanDiffDoc(append([]byte(scanFrontMatter), body...), len(scanFrontMatter))
}

// scanDiffDoc is scanDiff for a whole document whose body starts at base.
func scanDiffDoc(src []byte, base int) (scanned bool, diff string) {
	body := string(src[base:])
	d := &Document{Src: src, lines: newLineIndex(src), fm: &frontMatter{end: base}}
	var fast, byLines, ref bodyBlocks
	scanned = scanBody(body, base, &fast, nil)
	if scanBody(body, base, &byLines, d.lines.starts) != scanned {
		return true, "the scanner accepts the body with the line index and not without, or the other way"
	}
	if !scanned {
		return false, ""
	}
	d.goldmarkBlocks(body, &ref)
	fast.lines, byLines.lines = nil, nil // scratch space
	if !reflect.DeepEqual(fast, ref) {
		return true, fmt.Sprintf("block structures differ:\nscanner:  %+v\ngoldmark: %+v", fast, ref)
	}
	if !reflect.DeepEqual(byLines, ref) {
		return true, fmt.Sprintf("block structures differ:\nscanner with the line index:  %+v\ngoldmark: %+v", byLines, ref)
	}
	a, errA := Parse("f.md", src)
	b, errB := parseWith(referenceParser, "f.md", src)
	if fmt.Sprint(errA) != fmt.Sprint(errB) {
		return true, fmt.Sprintf("errors differ: %v / goldmark: %v", errA, errB)
	}
	if !reflect.DeepEqual(a, b) {
		return true, fmt.Sprintf("documents differ:\n%+v\ngoldmark:\n%+v", a, b)
	}
	return true, ""
}

// scannerBodies are bodies at the edges of what the scanner reads itself, and just past them.
var scannerBodies = []string{
	"# T\n\n## Status\n\n| Field | Value |\n| --- | --- |\n| a | b |\n\n## Action list\n\n- [ ] a <!-- required: SEV1 -->\n- [x] b <!-- due: 5m SEV1 -->\n\n## Log\n\n- 2026-11-23T10:02:00+09:00 [alice] x\n",
	"## Status\n| a |\n|---|\n## Action list\n- [ ] a\n## Log\n- 2026-11-23T10:02:00+09:00 [a] b",
	"## Status\ntext\n| a | b |\n| - | - |\n| c |\nmore\n\n## Action list\n## Log\n",
	"## Status\n| a | b | c |\n| - | - |\n\n| a |\n|:-:|-:|\n## Action list\n## Log\n",
	"## Status\n| a \\| b |\n|---|\n## Action list\n## Log\n",
	"## Status\nx\ny\n|-|\n## Action list\n## Log\n",
	"## Status\n| a |\n| -- |\n| --- |\n## Action list\n## Log\n",
	"## Status\n|\n|-|\n||\n|-|\n## Action list\n## Log\n",
	"## Action list\n\n- [ ] one\n  continued\nlazily\n- [x]tight\n- [X] upper\n  - [ ] nested\n    - [ ] deeper\n  text in the item\n\n  a second paragraph [ ] not a box\n- plain\n* [ ] other bullet\n\n## Status\n## Log\n",
	"## Action list\n- [ ] a\n  - b\n  lazy into b\n- [ ] c\n\n\n- [ ] after blank lines\n\n   after blank, indented 3\n## Log\n## Status\n",
	"## Log\n\n- 2026-11-23T10:02:00Z [a] x\n\n- 2026-11-23T10:04:00Z [a] loose\n  continued\n- 2026-11-23T10:01:00Z [a] early\n- no time\n* 2026-11-23T10:05:00Z [b] other list\nlazy\n\nprose\n- 2026-11-23T10:06:00Z [c] third list\n## Status\n## Action list\n",
	"## Status\n#hashtag\n####### seven\n### Three\n##\n## Action list\n# Title\n## Log\n## Log #\n",
	"## Status\n## Action list\n- [ ]: x\n## Log\n",
	"## Status\n## Action list\n- [link](x) y\n## Log\n",
	"## Status\n## Action list\n- [ ] a\n  | b |\n  |---|\n## Log\n",
	"## Status\n## Action list\n- [ ] a\n  <!-- due: 5m -->\n## Log\n",
	"## Status\n## Action list\n- [ ] a\n---\n## Log\n",
	"## Status\n## Action list\nfoo\n===\n## Log\n",
	"## Status\n## Action list\n```\n## Log\n```\n## Log\n",
	"## Status\n## Action list\n    - [ ] code\n## Log\n",
	"## Status\n## Action list\n> - [ ] quoted\n## Log\n",
	"## Status\n## Action list\n1. [ ] ordered\n+ [ ] plus\n## Log\n",
	"## Status\n## Action list\n- [ ] a\n\t- [ ] tab\n## Log\n",
	"## Status\r\n## Action list\r\n## Log\r\n",
	"## Status\n## Action list\n [x] indented\n - [ ] one space\n## Log\n",
	"## Status\n## Action list\n-  [ ] two spaces\n- \n-\n## Log\n",
	"## Status\n## Action list\n[ref]: /url\n## Log\n",
	"## Status\n## Action list\n- [ ] a\n  ## heading in an item\n## Log\n",
	"  ## Status\n## Action list\n## Log\n",
	"## Status \n## Action   list\n## LOG\n",
	"## Status\n## Action list\n- [ ] a \u00a0\n  \u00a0b\u2028c  <!-- required: SEV1 --> d\n## Log\n- 2026-11-23T10:02:00Z [a]  spaced   text\u00a0\n\u00a0\n",
}

func TestScannerAgrees(t *testing.T) {
	var bodies [][]byte
	files, _ := filepath.Glob("testdata/*.md")
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := Parse(f, b)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, b[d.fm.end:])
	}
	for _, b := range append(scannerBodies, trickyBodies...) {
		bodies = append(bodies, []byte(b))
	}
	scanned := 0
	for i, b := range bodies {
		ok, diff := scanDiff(b)
		if diff != "" {
			t.Fatalf("body %d %q: %s", i, b, diff)
		}
		if ok {
			scanned++
		}
	}
	// The testdata documents (prose, nested notes, continuation lines) are read by the
	// scanner; the tricky bodies mostly are not.
	if scanned < len(files)+10 {
		t.Errorf("the scanner read only %d of %d bodies", scanned, len(bodies))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		d, _ := Parse(f, b)
		if ok, _ := scanDiff(b[d.fm.end:]); !ok {
			t.Errorf("%s: the scanner declines it", f)
		}
	}
}

// FuzzBodyScanner: wherever the scanner accepts a body, it finds what goldmark finds.
func FuzzBodyScanner(f *testing.F) {
	for _, p := range []string{"testdata/hand-edited.md", "testdata/hand-edited.after.md", "testdata/new.golden.md"} {
		src, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		_, body, _ := strings.Cut(string(src[4:]), "\n---\n")
		f.Add([]byte(body))
	}
	for _, b := range append(scannerBodies, trickyBodies...) {
		f.Add([]byte(b))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !utf8.Valid(body) || strings.IndexByte(string(body), 0) >= 0 {
			return // Parse refuses these before reading the body
		}
		if _, diff := scanDiff(body); diff != "" {
			t.Fatalf("%q: %s", body, diff)
		}
	})
}

func TestAppendSevs(t *testing.T) {
	for _, v := range []string{"", " ", ",", "SEV1", "SEV1 SEV2", " SEV1,,SEV2 , SEV3 ", "a\u00a0b", "é,ü"} {
		want := strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' })
		got := appendSevs(nil, v)
		if len(got) != len(want) || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%q: %q, want %q", v, got, want)
		}
	}
}

func TestLineIndex(t *testing.T) {
	for _, s := range []string{"", "\n", "a", "a\n", "a\nb", "\n\n", "ab\n\ncd\n", "x\ny\nz"} {
		var want []int
		want = append(want, 0)
		for i := 0; i < len(s); i++ {
			if s[i] == '\n' && i+1 < len(s) {
				want = append(want, i+1)
			}
		}
		l := newLineIndex([]byte(s))
		if !reflect.DeepEqual(l.starts, want) {
			t.Errorf("%q: starts %v, want %v", s, l.starts, want)
		}
		for off := 0; off <= len(s); off++ {
			n := 0
			for n < len(want) && want[n] <= off {
				n++
			}
			if got := l.lineOf(off); got != n {
				t.Errorf("%q: lineOf(%d) = %d, want %d", s, off, got, n)
			}
		}
	}
}

// delimiterColumnsBySplit is delimiterColumns as it was written first, with strings.Split.
func delimiterColumnsBySplit(line string) int {
	if !isTableDelim(line) {
		return 0
	}
	cols := strings.Split(line, "|")
	if strings.Trim(cols[0], " ") == "" {
		cols = cols[1:]
	}
	if len(cols) > 0 && strings.Trim(cols[len(cols)-1], " ") == "" {
		cols = cols[:len(cols)-1]
	}
	for _, c := range cols {
		c = strings.Trim(c, " ")
		c = strings.TrimPrefix(c, ":")
		c = strings.TrimSuffix(c, ":")
		if c == "" || strings.Trim(c, "-") != "" {
			return 0
		}
	}
	return len(cols)
}

// TestDelimiterColumns: every line of up to 7 bytes from "|-: x" counts the same columns as
// with strings.Split.
func TestDelimiterColumns(t *testing.T) {
	const alphabet = "|-: x"
	var gen func(prefix string, n int)
	gen = func(prefix string, n int) {
		if got, want := delimiterColumns(prefix), delimiterColumnsBySplit(prefix); got != want {
			t.Fatalf("delimiterColumns(%q) = %d, want %d", prefix, got, want)
		}
		if n == 0 {
			return
		}
		for i := 0; i < len(alphabet); i++ {
			gen(prefix+alphabet[i:i+1], n-1)
		}
	}
	gen("", 7)
	for _, l := range []string{"| --- | --- |", "|:---:|---:|", "--- | ---", "| --- | |", "| --- | :: |"} {
		if got, want := delimiterColumns(l), delimiterColumnsBySplit(l); got != want {
			t.Fatalf("delimiterColumns(%q) = %d, want %d", l, got, want)
		}
	}
}
