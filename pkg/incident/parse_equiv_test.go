package incident

import (
	"reflect"
	"testing"
)

// sameParse reports a difference between the fast body parser and the full one.
func sameParse(t *testing.T, name string, src []byte) {
	t.Helper()
	a, errA := Parse(name, src)
	b, errB := parseWith(fullParser, name, src)
	if (errA == nil) != (errB == nil) || errA != nil && errA.Error() != errB.Error() {
		t.Fatalf("%s: errors differ: %v / full parser: %v", name, errA, errB)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("%s: documents differ:\n%+v\nfull parser:\n%+v", name, a, b)
	}
}

// Documents that stress what inline parsing could touch: check boxes after code spans, links,
// raw HTML, emphasis and escapes, tables with code and escaped pipes, lazy continuation lines,
// nested lists, link reference definitions in every section.
var trickyBodies = []string{
	"## Status\n\n| Field | Value |\n| --- | --- |\n| `a|b` | c \\| d |\n| [x] | <b>y</b> |\n\n## Action list\n\n- [ ] plain\n- `code` [ ] not a box\n- [x] checked *em* <!-- required: SEV1 -->\n- [link](http://x) [ ] no\n- <span>[ ]</span> no\n- \\[ ] escaped\n- [ ]\n- [X] upper\n  - [ ] nested <!-- due: 5m -->\n- [ ] two\nlines lazily\n\n[ref]: http://example.com\n\n## Log\n\n- 2026-11-23T10:02:00+09:00 [alice] **bold** `code` [link][ref] <br>\n- 2026-11-23T10:03:00+09:00 [bob] see <http://x.y/>\n  continued\n\n[other]: /url \"title\"\n",
	"## Status\n\n## Action list\n\n* [ ] star\n+ [x] plus\n1. [ ] ordered\n\n- [ ]tight\n-   [ ]  spaced\n- [\t] tab\n\n## Log\n\n- 2026-11-23T10:02:00Z [a] x\n\n- 2026-11-23T10:04:00Z [a] loose\n",
	"## Status\n| a |\n|---|\n## Action list\n> - [ ] in a quote\n```\n- [ ] in code\n```\n    - [ ] indented code\n<div>\n- [ ] html\n</div>\n\n## Log\n- 2026-11-23T10:02:00Z [a] `x` *y* _z_ ~~w~~ [q](r \"s\")\n",
	"## Status\n\n## Action list\n\n- ![img](x.png) [ ] image first\n- [ ] [link] after box\n- [ ][ref]\n- [x]: a definition-like item\n\n[ref]: x\n\n## Log\n",
}

func TestBodyParserAgrees(t *testing.T) {
	var docs [][]byte
	eachCorpusDoc(t, func(_ string, b []byte) { docs = append(docs, b) })
	const fm = "---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n\n"
	for _, body := range trickyBodies {
		docs = append(docs, []byte(fm+body))
	}
	if len(docs) < 7 {
		t.Fatalf("only %d documents", len(docs))
	}
	for i, d := range docs {
		sameParse(t, "doc"+string(rune('a'+i)), d)
	}
}

func FuzzBodyParser(f *testing.F) {
	seedDocs(f)
	for _, b := range trickyBodies {
		f.Add([]byte("---\nid: x\ntitle: t\nseverity: S\nstatus: s\ndeclared_at: 2026-11-23T10:02:00Z\n---\n" + b))
	}
	f.Fuzz(func(t *testing.T, src []byte) { sameParse(t, "f.md", src) })
}

// appendMarkers finds what markerRE finds.
func FuzzMarkers(f *testing.F) {
	for _, s := range []string{
		"Page <!-- required: SEV1 SEV2 --> <!-- due: 5m SEV1 -->",
		"<!--required:x-->", "<!-- due:   -->", "<!-- a : b --->", "<!-- <!-- due: 1m -->", "<!-- x: a\nb -->",
		"<!-- x: a -- > -->", "<!--\t_x_ :\f v \r-->tail<!-- y:z-->", "<!-- X: upper -->", "<!-- : no name -->",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := markerRE.FindAllStringSubmatchIndex(s, -1)
		got := appendMarkers(nil, s)
		if len(got) != len(want) {
			t.Fatalf("%q: %d markers, regexp finds %d", s, len(got), len(want))
		}
		for i, m := range want {
			g := got[i]
			if g.start != m[0] || g.end != m[1] || g.name != s[m[2]:m[3]] || g.value != s[m[4]:m[5]] {
				t.Fatalf("%q: marker %d = %+v, regexp: %v", s, i, g, m)
			}
		}
	})
}
