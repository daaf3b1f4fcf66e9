package lint

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// declaredField reports whether the unknown key on line is one of the declared fields.
func (c *checker) declaredField(d *incident.Document, line int) bool {
	for k := range c.fields {
		if d.KeyLine(k) == line {
			return true
		}
	}
	return false
}

// checkFields checks the values of the team's own front-matter keys against their declared
// types (the field rule). A document without the key is fine: fields are optional.
func (c *checker) checkFields(f *finder, d *incident.Document) {
	for _, key := range sortedFields(c.fields) {
		def := c.fields[key]
		v, ok := d.Custom(key)
		if !ok || v.Tag == "!!null" {
			continue
		}
		if msg := fieldProblem(key, def, v); msg != "" {
			f.add(v.Line, v.Col, RuleField, msg)
		}
	}
}

// fieldProblem says what is wrong with a field's value, "" when nothing.
func fieldProblem(key string, def config.Field, v incident.CustomValue) string {
	want := map[string]string{
		config.FieldText:   "lint.field.want_text",
		config.FieldNumber: "lint.field.want_number",
		config.FieldBool:   "lint.field.want_bool",
		config.FieldTime:   "lint.field.want_time",
		config.FieldList:   "lint.field.want_list",
	}[def.Type]
	bad := func(got string) string {
		return i18n.Text("lint.field.type", "Key", key, "Want", i18n.Text(want), "File", config.FileName, "Got", got)
	}
	isScalar := v.Tag != "!!seq" && v.Tag != "!!map"
	switch def.Type {
	case config.FieldText:
		if !isScalar || strings.Contains(v.Scalar, "\n") {
			return bad(describe(v))
		}
	case config.FieldNumber:
		if _, err := strconv.ParseFloat(v.Scalar, 64); !isScalar || err != nil || v.Tag == "!!str" {
			return bad(describe(v))
		}
	case config.FieldBool:
		if v.Tag != "!!bool" {
			return bad(describe(v))
		}
	case config.FieldTime:
		if _, err := time.Parse(time.RFC3339, v.Scalar); !isScalar || err != nil {
			return bad(describe(v))
		}
	case config.FieldList:
		if !v.ListOK {
			return bad(describe(v))
		}
	}
	if len(def.Values) == 0 {
		return ""
	}
	values := v.List
	if def.Type == config.FieldText {
		values = []string{v.Scalar}
	}
	for _, x := range values {
		if !slices.Contains(def.Values, x) {
			return i18n.Text("lint.field.value", "Key", key, "Value", strconv.Quote(x), "Allowed", strings.Join(def.Values, ", "), "File", config.FileName)
		}
	}
	return ""
}

func describe(v incident.CustomValue) string {
	switch v.Tag {
	case "!!seq":
		return i18n.Text("lint.field.got_list")
	case "!!map":
		return i18n.Text("lint.field.got_mapping")
	}
	return strconv.Quote(v.Scalar)
}

func sortedFields(m map[string]config.Field) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
