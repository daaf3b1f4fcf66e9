package incident

import (
	"fmt"
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

// plainScalarsByNodes is what PlainScalars reports, read from the nodes KeyOrder and KeyNode
// give (the way lint read them before PlainScalars).
func plainScalarsByNodes(d *Document) []string {
	var out []string
	for _, k := range d.KeyOrder() {
		v, ok := d.KeyNode(k)
		if !ok || v == nil {
			continue
		}
		subs, nodes := []string{""}, []*yaml.Node{v}
		if v.Kind == yaml.MappingNode {
			subs, nodes = nil, nil
			for i := 0; i+1 < len(v.Content); i += 2 {
				subs, nodes = append(subs, v.Content[i].Value), append(nodes, v.Content[i+1])
			}
		}
		for i, n := range nodes {
			if n.Kind == yaml.ScalarNode && n.Style == 0 {
				out = append(out, fmt.Sprintf("%s|%s|%s|%d:%d", k, subs[i], n.Value, n.Line, n.Column))
			}
		}
	}
	return out
}

// TestPlainScalarsAndValuePos: on every front matter of the test data (and a few with nested
// mappings and odd values), read by the fast decoder and by yaml.v3, PlainScalars reports what
// the value nodes say, and KeyValuePos is each key's value node's position.
func TestPlainScalarsAndValuePos(t *testing.T) {
	fms := append(corpusFrontMatters(t),
		"id: x\nroles:\n  comms: no\n  lead: \"yes\"\n  x: 1e3\nimpact: on\n",
		"id: x\nroles: {}\nextra: [a, b]\nother: 0x1f\n",
		"id: x # a comment\nroles:\n  a: Off\nempty:\n",
	)
	checked := 0
	for _, y := range fms {
		src := []byte("---\n" + y + "---\n\n# T\n\n## Status\n\n## Action list\n\n## Log\n")
		for _, fast := range []bool{true, false} {
			fastFrontMatter = fast
			d, err := Parse("incidents/x.md", src)
			fastFrontMatter = true
			if err != nil {
				continue
			}
			checked++
			var got []string
			d.PlainScalars(func(key, sub, value string, line, col int) {
				got = append(got, fmt.Sprintf("%s|%s|%s|%d:%d", key, sub, value, line, col))
			})
			if want := plainScalarsByNodes(d); !slices.Equal(got, want) {
				t.Errorf("fast=%v, front matter %q:\nPlainScalars %q\nnodes        %q", fast, y, got, want)
			}
			for _, k := range d.KeyOrder() {
				v, _ := d.KeyNode(k)
				l, c := d.KeyValuePos(k)
				if l != v.Line+1 || c != max(v.Column, 1) {
					t.Errorf("fast=%v, %q: KeyValuePos(%s) = %d:%d, the node is at %d:%d", fast, y, k, l, c, v.Line+1, v.Column)
				}
			}
			if l, c := d.KeyValuePos("no-such-key"); l != 0 || c != 0 {
				t.Errorf("KeyValuePos of a missing key = %d:%d", l, c)
			}
		}
	}
	if checked < 50 {
		t.Fatalf("only %d documents parsed", checked)
	}
}
