package incident

import (
	"bytes"
	"unicode/utf8"
)

// ParseStages are the steps of ParseMeta one by one, for BenchmarkParseMetaStages: each
// returns a function doing only that step on src, with what the earlier steps computed ready.
func ParseStages(src []byte) (names []string, stages []func()) {
	lines := newLineIndex(src)
	fm, err := splitFrontMatter("x.md", src, lines)
	if err != nil {
		panic(err)
	}
	y := src[fm.yamlStart:fm.closeLine]
	add := func(name string, f func()) { names, stages = append(names, name), append(stages, f) }
	add("utf8", func() { _ = utf8.Valid(src) })
	add("nul", func() { _ = bytes.IndexByte(src, 0) })
	add("conflict", func() { _ = conflictMarkerLine(src, lines) })
	add("lines", func() { _ = newLineIndex(src) })
	add("fastYAML", func() { _, _ = fastYAML(y) })
	add("split", func() { _, _ = splitFrontMatter("x.md", src, lines) })
	add("decodeMeta", func() {
		var m Meta
		_, _ = decodeMeta("x.md", fm, &m)
	})
	add("body", func() {
		d := &Document{Path: "x.md", Src: src, lines: lines, table: span{-1, -1}, metaOnly: true, fm: fm}
		_ = d.parseBody()
	})
	return names, stages
}
