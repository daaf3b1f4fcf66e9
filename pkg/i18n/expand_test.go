package i18n

import (
	"regexp"
	"testing"
	"time"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// expand gives exactly what go-i18n gives, for every message of every language, with every
// argument a message names given (as text, as integers of several types, as a boolean, as a
// named integer type with a String method), with
// one missing, and with counts of each plural form; and it does the work for nearly all of
// them, so the bundle is not made on the way.
func TestExpandAgreesWithGoI18n(t *testing.T) {
	action := regexp.MustCompile(`\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}`)
	for _, l := range Langs {
		whole := goi18n.NewBundle(language.English)
		whole.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
		var ids []string
		names := map[string]bool{}
		for _, c := range []Lang{English, l} {
			name := "catalog/" + string(c) + ".yaml"
			data, err := catalogFile(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range action.FindAllSubmatch(data, -1) {
				names[string(m[1])] = true
			}
			mf, err := whole.ParseMessageFileBytes(data, name)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mf.Messages {
				ids = append(ids, m.ID)
			}
		}
		if len(names) < 20 {
			t.Fatalf("%s: only %d argument names found in the catalogues", l, len(names))
		}
		loc := goi18n.NewLocalizer(whole, string(l), string(English))
		p := freshPrinter(t, l)
		values := []func(name string, i int) any{
			func(name string, i int) any { return "«" + name + "» {{.X}} 障害 " + string(rune('a'+i%26)) },
			func(_ string, i int) any { return i },
			func(_ string, i int) any { return int64(-i) },
			func(_ string, i int) any { return uint8(i) },
			func(_ string, i int) any { return i%2 == 0 },
			func(_ string, i int) any { return time.Month(1 + i%12) }, // a named integer that prints itself
		}
		expanded, asked := 0, 0
		for _, id := range ids {
			for vi, val := range values {
				counts, drops := []any{nil, 0, 1, 2, int64(1), uint(1), -1, "1", 1.0}, []string{"", "File"}
				if vi > 0 { // the other types of value with and without a count
					counts, drops = []any{nil, 1}, []string{""}
				}
				for _, count := range counts {
					for _, drop := range drops {
						data := map[string]any{}
						i := 0
						for n := range names {
							if n != drop {
								data[n] = val(n, i)
							}
							i++
						}
						if count != nil {
							data["Count"] = count
						}
						lc := &goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count}
						want, wantErr := loc.Localize(lc)
						if _, ok := p.lb.expand(lc); ok {
							expanded++
						}
						if vi == 0 && drop == "" && count == nil {
							asked++
						}
						got, gotErr := p.lookup(lc)
						if got != want || (gotErr == nil) != (wantErr == nil) {
							t.Errorf("%s %s (count %#v, value %d, without %q): got %q (%v), want %q (%v)",
								l, id, count, vi, drop, got, gotErr, want, wantErr)
						}
					}
				}
			}
		}
		if expanded < asked {
			t.Errorf("%s: expand localized %d of the cases, fewer than the %d messages", l, expanded, asked)
		}
	}
}

// A run that prints only such messages never makes go-i18n's bundle.
func TestExpandLeavesBundleUnmade(t *testing.T) {
	p := freshPrinter(t, English)
	made := false
	b := p.lb.bundle
	p.lb.bundle = func() *goi18n.Bundle { made = true; return b() }
	if got := p.T("lang.unknown", "Flag", "fr", "Known", "en, ja"); got != "--lang fr: incidentctl speaks en, ja" {
		t.Errorf("T = %q", got)
	}
	if made {
		t.Error("the bundle was made for a message expand reads")
	}
	if got := p.T("lang.unknown", "Flag", 1.5, "Known", "en, ja"); got != "--lang 1.5: incidentctl speaks en, ja" || !made {
		t.Errorf("T with a float = %q (bundle made: %v): want go-i18n's text", got, made)
	}
}
