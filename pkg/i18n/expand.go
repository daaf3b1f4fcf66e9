package i18n

import (
	"reflect"
	"strconv"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Every message of the catalogues is plain text with {{.Name}} actions, and most runs print a
// few of them: making go-i18n's bundle for them (the plural rules of every language it knows,
// ~1,000 allocations) and a text/template of each cost more than the rest of a write's
// printing. expand gives what go-i18n would for such a message when every argument it names is
// a string, a boolean or an integer, and picks the plural form of a count the way the
// languages incidentctl speaks do; anything else (another action, a missing or nil argument,
// a value of another type, a form the message lacks) is left to go-i18n.
// TestExpandAgreesWithGoI18n holds the two to the same text for every message.

// expand localizes lc from the printer's own catalogue without go-i18n, when it can.
func (lb *langBundle) expand(lc *goi18n.LocalizeConfig) (string, bool) {
	f := lb.files[len(lb.files)-1] // English, or the language's own catalogue after it
	m, ok := f.cat.message(lc.MessageID)
	if !ok || m.LeftDelim != "" || m.RightDelim != "" {
		return "", false
	}
	data, _ := lc.TemplateData.(map[string]any)
	text := m.Other
	if lc.PluralCount == nil {
		if m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != "" {
			return "", false
		}
	} else {
		n, ok := signed(lc.PluralCount)
		if !ok || data == nil || strings.HasPrefix(n, "-") {
			return "", false
		}
		switch base, _ := f.tag.Base(); base.String() {
		case string(English): // one: i = 1 and v = 0
			if n == "1" {
				text = m.One
			}
		case string(Japanese): // other only
		default:
			return "", false
		}
	}
	if text == "" {
		return "", false
	}
	return fill(text, data)
}

// fill replaces each {{.Name}} of text with the string of data[Name].
func fill(text string, data map[string]any) (string, bool) {
	var b strings.Builder
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			if b.Len() == 0 {
				return text, true
			}
			b.WriteString(text)
			return b.String(), true
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return "", false
		}
		name, ok := fieldName(text[i+2 : i+j])
		if !ok {
			return "", false
		}
		v, ok := value(data[name])
		if !ok {
			return "", false
		}
		if b.Len() == 0 {
			b.Grow(len(text) + 32)
		}
		b.WriteString(text[:i])
		b.WriteString(v)
		text = text[i+j+2:]
	}
}

// fieldName reads the inside of an action that names one field, " .Name " (spaces allowed
// around it, not the trim markers).
func fieldName(action string) (string, bool) {
	s := strings.Trim(action, " ")
	if len(s) < 2 || s[0] != '.' {
		return "", false
	}
	s = s[1:]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return "", false
		}
	}
	return s, true
}

// value is what text/template prints for v, for the types it prints the way strconv does.
func value(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	}
	return integer(v)
}

// signed is the decimal text of a count go-i18n takes: an integer of a signed type.
func signed(v any) (string, bool) {
	switch v.(type) {
	case int, int8, int16, int32, int64:
		return integer(v)
	}
	return "", false
}

// integer is the decimal text of a value of one of Go's own integer types (a named type may
// print itself otherwise: time.Month, say).
func integer(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	if !rv.IsValid() || rv.Type().PkgPath() != "" {
		return "", false
	}
	switch rv.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.FormatUint(rv.Uint(), 10), true
	}
	return "", false
}
