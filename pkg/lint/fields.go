package lint

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
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
		config.FieldText:   "one line of text",
		config.FieldNumber: "a number, like 42 or 0.5",
		config.FieldBool:   "true or false",
		config.FieldTime:   "a time in RFC 3339 form, like 2026-11-23T10:02:00+09:00",
		config.FieldList:   "a list of texts, like [checkout, payments]",
	}[def.Type]
	bad := func(got string) string {
		return fmt.Sprintf("%s must be %s (fields: in %s), not %s", key, want, config.FileName, got)
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
			return fmt.Sprintf("%s: %q is not one of the allowed values (%s; fields: in %s)", key, x, strings.Join(def.Values, ", "), config.FileName)
		}
	}
	return ""
}

func describe(v incident.CustomValue) string {
	switch v.Tag {
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
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
