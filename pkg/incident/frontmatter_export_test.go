package incident

import (
	"fmt"
	"reflect"
	"slices"
)

// ParseBothWays parses src once with the fast front-matter decoder and once with yaml.v3 alone
// (for the equivalence test over generated documents, which lives outside the package because
// pkg/synth imports this one). accepted says whether the fast decoder took the front matter.
func ParseBothWays(path string, src []byte) (fast, slow *Document, fastErr, slowErr error, accepted bool) {
	fast, fastErr = Parse(path, src)
	slow, slowErr = parseSlowFrontMatter(path, src)
	if fast != nil {
		_, accepted = fastYAML(src[fast.fm.yamlStart:fast.fm.closeLine])
	}
	return fast, slow, fastErr, slowErr, accepted
}

// MetaBodyTaken says whether ParseMeta reads src's body by its headings alone (metaBodyOK).
func MetaBodyTaken(src []byte) bool {
	lines := newLineIndex(src)
	fm, err := splitFrontMatter("x.md", src, lines)
	return err == nil && metaBodyOK(src, fm.end, lines)
}

// SameParse says how two parses of a document differ ("" when they do not): in every field,
// the front matter compared by its node tree as well as by its nodes (the fast decoder keeps
// the nodes only and builds the tree when asked, yaml.v3 keeps both). Each key's value node,
// as key builds it, must be the tree's.
func SameParse(a, b *Document) string {
	ca, err := canonicalDoc(a)
	if err != "" {
		return err
	}
	cb, err := canonicalDoc(b)
	if err != "" {
		return err
	}
	if !reflect.DeepEqual(ca, cb) {
		return "the documents differ"
	}
	return ""
}

func canonicalDoc(d *Document) (*Document, string) {
	if d == nil || d.fm == nil {
		return d, ""
	}
	c := *d
	fm := *d.fm
	fm.root = d.fm.tree()
	fm.keys = slices.Clone(fm.keys)
	for i := range fm.keys {
		want := fm.root.Content[2*i+1]
		if ks, ok := d.fm.key(fm.keys[i].name); !ok || !reflect.DeepEqual(ks.value, want) {
			return nil, fmt.Sprintf("%s: the value node of %s is not the tree's", d.Path, fm.keys[i].name)
		}
		fm.keys[i].value = want
	}
	c.fm = &fm
	return &c, ""
}
