package incident

import "testing"

// BenchmarkFrontMatter decodes a front matter as the CLI writes it (split, node tree, Meta):
// /fast with the fast decoder, /yaml.v3 with adrg/frontmatter and yaml.v3 as before it.
func BenchmarkFrontMatter(b *testing.B) {
	src := []byte("---\n" + frontMatterSeeds[0] + "---\n\n# T\n")
	lines := newLineIndex(src)
	for _, fast := range []bool{true, false} {
		name := "fast"
		if !fast {
			name = "yaml.v3"
		}
		b.Run(name, func(b *testing.B) {
			fastFrontMatter = fast
			defer func() { fastFrontMatter = true }()
			for b.Loop() {
				fm, err := splitFrontMatter("x.md", src, lines)
				if err != nil {
					b.Fatal(err)
				}
				var m Meta
				if _, err := decodeMeta("x.md", fm, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
