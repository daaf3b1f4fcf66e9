package config

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Field declares one of the team's own front-matter keys (services, customer, region ...):
// lint checks its values, and show, list --json and the board show it.
//
//	fields:
//	  services: list            # the short form: just the type
//	  customer_facing: bool
//	  region: {type: text, values: [eu, us, ap]}
type Field struct {
	Type   string   `yaml:"type"`   // one of FieldTypes
	Values []string `yaml:"values"` // for text and list: the values allowed (none: any)
}

// The types a field may have.
const (
	FieldText   = "text"   // one line of text
	FieldNumber = "number" // an integer or decimal number
	FieldBool   = "bool"   // true or false
	FieldTime   = "time"   // RFC 3339, like declared_at
	FieldList   = "list"   // a list of texts: [checkout, payments]
)

// FieldTypes lists the types, for messages.
var FieldTypes = []string{FieldText, FieldNumber, FieldBool, FieldTime, FieldList}

// UnmarshalYAML takes the short form (a type name) as well as the mapping.
func (f *Field) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		f.Type = n.Value
		return nil
	}
	type plain Field
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*f = Field(p)
	return nil
}

// FieldNames returns the declared fields' keys, sorted.
func (c Config) FieldNames() []string { return sortedKeys(c.Fields) }

// reservedKeys are front-matter keys the format itself uses (pkg/incident's KnownKeys and
// those other features add); a field cannot take one. Kept here as config cannot import the
// format; TestReservedKeys holds it equal to incident.KnownKeys.
var reservedKeys = []string{"id", "title", "severity", "status", "commander", "roles", "impact",
	"announcement", "declared_at", "identified_at", "mitigated_at", "resolved_at", "resolution",
	"template", "kind", "scenario", "scenario_commit", "variant", "facilitator", "speed", "announced_at"}

func checkFields(fields map[string]Field) error {
	for _, k := range sortedKeys(fields) {
		f := fields[k]
		switch {
		case !validName(k):
			return i18n.Errorf("config.fields.bad_key", "File", FileName, "Key", strconv.Quote(k))
		case slices.Contains(reservedKeys, k):
			return i18n.Errorf("config.fields.reserved", "File", FileName, "Key", strconv.Quote(k))
		case !slices.Contains(FieldTypes, f.Type):
			return i18n.Errorf("config.fields.bad_type", "File", FileName, "Key", k, "Type", strconv.Quote(f.Type), "Known", strings.Join(FieldTypes, ", "))
		case len(f.Values) > 0 && f.Type != FieldText && f.Type != FieldList:
			return i18n.Errorf("config.fields.values", "File", FileName, "Key", k)
		}
	}
	return nil
}

func sortedKeys(m map[string]Field) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
