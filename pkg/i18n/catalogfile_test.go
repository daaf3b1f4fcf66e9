package i18n

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

// The catalogues' own reader gives exactly the messages the YAML parser gives.
func TestCatalogueParserAgreesWithYAML(t *testing.T) {
	for _, l := range Langs {
		name := "catalog/" + string(l) + ".yaml"
		data, err := catalogFile(name)
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

// Messages handed to the bundle one by one when asked for read exactly as from a bundle
// holding the whole catalogue (the YAML parser's), in every language, plural forms included.
func TestMessagesOnDemandAgreeWithWholeCatalogue(t *testing.T) {
	for _, l := range Langs {
		whole := goi18n.NewBundle(language.English)
		whole.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
		var ids []string
		for _, c := range []Lang{English, l} {
			name := "catalog/" + string(c) + ".yaml"
			data, err := catalogFile(name)
			if err != nil {
				t.Fatal(err)
			}
			mf, err := whole.ParseMessageFileBytes(data, name)
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range mf.Messages {
				ids = append(ids, m.ID)
			}
		}
		ids = append(ids, "no.such.message")
		loc := goi18n.NewLocalizer(whole, string(l), string(English))
		p := freshPrinter(t, l)
		for _, id := range ids {
			for _, count := range []any{nil, 1, 2} {
				data := map[string]any{"Count": count, "File": "f.md"}
				got, gotErr := p.lookup(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
				want, wantErr := loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
				if got != want || (gotErr == nil) != (wantErr == nil) {
					t.Errorf("%s %s (count %v): got %q (%v), want %q (%v)", l, id, count, got, gotErr, want, wantErr)
				}
			}
		}
	}
}

// Printers of one language used from several goroutines, each asking for messages not yet
// handed to the bundle (run with -race).
func TestMessagesOnDemandConcurrently(t *testing.T) {
	data, err := catalogFile("catalog/en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	msgs, _ := parseCatalogue(data)
	p := freshPrinter(t, Japanese)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range msgs {
				m := msgs[(i+g*len(msgs)/4)%len(msgs)]
				if s := p.T(m.ID, "Count", 2); s == "" {
					t.Errorf("%s: empty", m.ID)
				}
			}
		}()
	}
	wg.Wait()
}

// freshPrinter is a printer of l whose bundle has been given no message yet.
func freshPrinter(t *testing.T, l Lang) *Printer {
	t.Helper()
	lb := &langBundle{}
	if err := lb.load(l); err != nil {
		t.Fatal(err)
	}
	if len(lb.files) != 2 && l != English {
		t.Fatalf("%s: %d catalogues read on demand, want English and %s", l, len(lb.files), l)
	}
	return newPrinter(l, lb)
}

// nestedErr asks for a message when it is printed, as an *Error inside another message does.
type nestedErr struct {
	p  *Printer
	id string
}

func (e nestedErr) Error() string { return e.p.T(e.id) }

// A message whose argument asks for another message not yet handed to the bundle, while the
// first is being put together: no deadlock, the same text as from the whole catalogue.
func TestMessagesOnDemandNested(t *testing.T) {
	p := freshPrinter(t, English)
	const id = "config.notify.no_kind" // a template: not a plain text
	inner := nestedErr{p, id}
	got := p.T("config.notify.sink", "Sink", "war-room", "Error", inner)
	if want := "notify war-room: " + For(English).T(id); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if s := p.T(id); s != For(English).T(id) {
		t.Errorf("%s: %q", id, s)
	}
}

// plainText's byte loop agrees with the plain definition over runes.
func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"a\nb", "a\tb", "\x7f", "\u0085", "\u2028", "\ufeff", "\uffff", "\ufffd", "日本語", "\xed\xa0\x80", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want := utf8.ValidString(s)
		for _, r := range s {
			if r != '\n' && (r < 0x20 || r >= 0x7f && r <= 0x9f || r == 0x2028 || r == 0x2029 || r == 0xfeff || r >= 0xfffe && r <= 0xffff) {
				want = false
			}
		}
		if got := plainText(s); got != want {
			t.Errorf("plainText(%q) = %v, want %v", s, got, want)
		}
	})
}

// catalogFile is the embedded file catalog/<lang>.yaml.
func catalogFile(name string) ([]byte, error) {
	l := strings.TrimSuffix(strings.TrimPrefix(name, "catalog/"), ".yaml")
	s, ok := catalogueText(Lang(l))
	if !ok {
		return nil, fmt.Errorf("%s: no such catalogue", name)
	}
	return []byte(s), nil
}

// Messages read one at a time from the index are those the whole reading gives, and a message
// outside the part of YAML (or given twice) is not read at all: the YAML parser's reading of the
// whole catalogue answers for it.
func TestIndexedMessagesAgreeWithWholeReading(t *testing.T) {
	for _, l := range Langs {
		data, _ := catalogueText(l)
		all, ok := parseCatalogue([]byte(data))
		if !ok {
			t.Fatalf("%s: outside the part of YAML", l)
		}
		c := indexCatalogue(data)
		if len(c.entries) != len(all) {
			t.Fatalf("%s: %d messages indexed, %d read", l, len(c.entries), len(all))
		}
		for _, w := range all {
			m, ok := c.message(w.ID)
			if !ok || *m != *w {
				t.Errorf("%s %s: got %v %+v, want %+v", l, w.ID, ok, m, *w)
			}
		}
	}
	src := "# c\na: x\nb: |\n  y\nc:\n  one: o\n  other: p\nd: 'q'\nd: r\ne:\n  one: o\nf: \"s\\u00e9\"\ng: t\n"
	c := indexCatalogue(src)
	for id, want := range map[string]string{"a": "x", "b": "", "c": "p", "d": "", "e": "", "f": "", "g": "t", "zz": ""} {
		m, ok := c.message(id)
		if ok != (want != "") || ok && m.Other != want {
			t.Errorf("%s: got %v %+v, want %q", id, ok, m, want)
		}
	}
}
