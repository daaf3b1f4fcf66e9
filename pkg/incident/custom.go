package incident

import (
	"slices"

	"go.yaml.in/yaml/v3"
)

// CustomValue is the value of a front-matter key the format does not know: one of the team's
// own fields (fields: in .incidentctl.yaml). The format keeps such keys as they are; lint
// checks them against their declared type, and the views show them.
type CustomValue struct {
	Line, Col int    // where the value starts, counted in the whole file
	Tag       string // the YAML type: !!str, !!int, !!float, !!bool, !!timestamp, !!null, !!seq, !!map
	Scalar    string // a single value, as written
	List      []string
	ListOK    bool // a list of single values (List holds them)
}

// Custom returns the value under a key the format does not know; ok is false when the document
// has no such key, or the key is one of the format's own.
func (d *Document) Custom(key string) (v CustomValue, ok bool) {
	if d.fm == nil || slices.Contains(KnownKeys, key) {
		return v, false
	}
	ks, found := d.fm.key(key)
	if !found {
		return v, false
	}
	n := ks.value
	v = CustomValue{Line: n.Line + 1, Col: n.Column, Tag: n.ShortTag()}
	switch n.Kind {
	case yaml.ScalarNode:
		v.Scalar = n.Value
	case yaml.SequenceNode:
		v.ListOK = true
		v.List = []string{}
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				v.ListOK = false
				break
			}
			v.List = append(v.List, c.Value)
		}
	}
	return v, true
}
