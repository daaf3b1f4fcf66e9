package i18n

import (
	"slices"
	"strings"
	"testing"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
)

// The catalogues' own reader gives exactly the messages the YAML parser gives.
func TestCatalogueParserAgreesWithYAML(t *testing.T) {
	for _, l := range Langs {
		name := "catalog/" + string(l) + ".yaml"
		data, err := catalogFS.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := parseCatalogue(data)
		if !ok {
			t.Fatalf("%s: outside the part of YAML parseCatalogue reads (it would fall back to the YAML parser, ~10x slower at start-up)", name)
		}
		want := yamlMessages(t, data, name)
		if len(got) != len(want) {
			t.Fatalf("%s: %d messages, the YAML parser reads %d", name, len(got), len(want))
		}
		byID := map[string]*goi18n.Message{}
		for _, m := range want {
			byID[m.ID] = m
		}
		for _, m := range got {
			w := byID[m.ID]
			if w == nil {
				t.Errorf("%s: %s is not a message for the YAML parser", name, m.ID)
				continue
			}
			if *m != *w {
				t.Errorf("%s: %s:\n got %#v\nwant %#v", name, m.ID, *m, *w)
			}
		}
	}
}

func yamlMessages(t *testing.T, data []byte, name string) []*goi18n.Message {
	t.Helper()
	mf, err := goi18n.ParseMessageFileBytes(data, name, map[string]goi18n.UnmarshalFunc{"yaml": yaml.Unmarshal})
	if err != nil {
		t.Fatal(err)
	}
	return mf.Messages
}

// Anything outside that part is left to the YAML parser, never read differently.
func TestCatalogueParserRefusesWhatItDoesNotRead(t *testing.T) {
	for _, src := range []string{
		"a: yes", "a: 12", "a: [x]", "a: x # c", "a: 'it's'", `a: "\u00e9"`, "a: |\n  x",
		"a:\n  one: x", "a:\n  few: x\n  bogus: y", "a b: x", "a:x", "a: *ref", "- x", "a: x: y",
		`a: "open`, "a: -x", "a: null",
	} {
		if _, ok := parseCatalogue([]byte(src)); ok {
			t.Errorf("%q: read, want it left to the YAML parser", src)
		}
	}
	for _, src := range []string{
		"a: plain text", "a: 'it''s'", `a: "say \"hi\"\n\\done"`, "# c\n\na.b_c-d: x\nz:\n  one: o\n  other: p",
		"a: 日本語のテキスト", "a: '{{.X}}: y'",
	} {
		got, ok := parseCatalogue([]byte(src))
		if !ok {
			t.Errorf("%q: refused", src)
			continue
		}
		want := yamlMessages(t, []byte(src), "x.en.yaml")
		slices.SortFunc(want, func(a, b *goi18n.Message) int { return strings.Compare(a.ID, b.ID) })
		slices.SortFunc(got, func(a, b *goi18n.Message) int { return strings.Compare(a.ID, b.ID) })
		if len(got) != len(want) {
			t.Errorf("%q: %d messages, want %d", src, len(got), len(want))
			continue
		}
		for i := range got {
			if *got[i] != *want[i] {
				t.Errorf("%q: got %#v, want %#v", src, *got[i], *want[i])
			}
		}
	}
}

func FuzzCatalogueParser(f *testing.F) {
	f.Add("a: x\nb:\n  one: o\n  other: p\n")
	f.Add(`a: "x\"y"` + "\nb: 'c''d'")
	f.Fuzz(func(t *testing.T, src string) {
		got, ok := parseCatalogue([]byte(src))
		if !ok {
			return
		}
		mf, err := goi18n.ParseMessageFileBytes([]byte(src), "x.en.yaml", map[string]goi18n.UnmarshalFunc{"yaml": yaml.Unmarshal})
		if err != nil {
			t.Fatalf("read %q, but the YAML parser refuses it: %v", src, err)
		}
		want := map[string]goi18n.Message{}
		for _, m := range mf.Messages {
			want[m.ID] = *m
		}
		for _, m := range got {
			if w, found := want[m.ID]; !found || w != *m {
				t.Fatalf("%q: %s read as %#v, the YAML parser reads %#v", src, m.ID, *m, w)
			}
		}
	})
}
