// Package severity reads the severity definitions (templates/severities.yaml): the levels an
// incident can have, most severe first.
package severity

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Level is one severity.
type Level struct {
	ID          string `yaml:"id" json:"id"`
	Summary     string `yaml:"summary" json:"summary"`
	Description string `yaml:"description" json:"description"`
	Rank        int    `yaml:"-" json:"rank"` // 1 is the most severe
}

// Set is the ordered list of levels.
type Set struct {
	Levels []Level
}

// validID reports an id of the form ^[A-Z][A-Z0-9_-]*$.
func validID(id string) bool {
	for i := 0; i < len(id); i++ {
		if c := id[i]; !(c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '_' || c == '-')) {
			return false
		}
	}
	return id != ""
}

var yamlLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`line (\d+): `) })

// Parse reads a severities file. Errors name the file and line.
func Parse(path string, src []byte) (*Set, error) {
	var doc struct {
		Levels []Level `yaml:"levels"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
		if m := yamlLineRE().FindStringSubmatch(msg); m != nil {
			return nil, fmt.Errorf("%s:%s: %s", path, m[1], strings.Replace(msg, m[0], "", 1))
		}
		return nil, fmt.Errorf("%s: %s", path, msg)
	}
	lineOf := func(i int) int {
		// levels[i]'s line, for messages; 1 when the tree has an unexpected shape. Only an
		// error needs it, so the file is read as a tree only then.
		var node yaml.Node
		_ = yaml.Unmarshal(src, &node)
		if len(node.Content) == 1 && len(node.Content[0].Content) >= 2 {
			if seq := node.Content[0].Content[1]; i < len(seq.Content) {
				return seq.Content[i].Line
			}
		}
		return 1
	}
	if len(doc.Levels) == 0 {
		return nil, fmt.Errorf("%s:1: no severity levels: the file needs a `levels:` list (SEV1, SEV2 ...)", path)
	}
	seen := make(map[string]int, len(doc.Levels)) // id -> index of its first level
	for i := range doc.Levels {
		l := &doc.Levels[i]
		l.Rank = i + 1
		if !validID(l.ID) {
			return nil, fmt.Errorf("%s:%d: severity id %q must be upper-case letters and digits, like SEV1", path, lineOf(i), l.ID)
		}
		if first, dup := seen[l.ID]; dup {
			return nil, fmt.Errorf("%s:%d: severity %s is defined twice (first at line %d)", path, lineOf(i), l.ID, lineOf(first))
		}
		seen[l.ID] = i
	}
	return &Set{Levels: doc.Levels}, nil
}

// IDs lists the level IDs, most severe first.
func (s *Set) IDs() []string {
	ids := make([]string, len(s.Levels))
	for i, l := range s.Levels {
		ids[i] = l.ID
	}
	return ids
}

// Get returns the level with exactly this ID.
func (s *Set) Get(id string) (Level, bool) {
	for _, l := range s.Levels {
		if l.ID == id {
			return l, true
		}
	}
	return Level{}, false
}

// Lookup resolves what a user typed: the ID in any case, or its number ("sev1", "1" -> SEV1).
func (s *Set) Lookup(input string) (Level, error) {
	in := strings.ToUpper(strings.TrimSpace(input))
	if l, ok := s.Get(in); ok {
		return l, nil
	}
	if _, err := strconv.Atoi(in); err == nil {
		for _, l := range s.Levels {
			if strings.TrimLeft(l.ID, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_-") == in {
				return l, nil
			}
		}
	}
	return Level{}, i18n.Errorf("severity.unknown", "Severity", fmt.Sprintf("%q", input), "Known", strings.Join(s.IDs(), ", "))
}

// MoreSevere reports whether severity a is more severe than b (unknown IDs are never more severe).
func (s *Set) MoreSevere(a, b string) bool {
	la, okA := s.Get(a)
	lb, okB := s.Get(b)
	return okA && (!okB || la.Rank < lb.Rank)
}

// AtLeast reports whether severity a is b or more severe.
func (s *Set) AtLeast(a, b string) bool { return a == b || s.MoreSevere(a, b) }
