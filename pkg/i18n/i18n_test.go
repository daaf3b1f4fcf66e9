package i18n

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{
		"ja": Japanese, "ja_JP.UTF-8": Japanese, "ja-JP": Japanese, "ja_JP.eucJP": Japanese, "JA": Japanese,
		"en": English, "en_US.UTF-8": English, "en_GB@euro": English,
		"": "", "C": "", "C.UTF-8": "", "POSIX": "",
	} {
		if got, ok := ParseLang(in); !ok || got != want {
			t.Errorf("ParseLang(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"fr_FR.UTF-8", "de", "xx"} {
		if _, ok := ParseLang(in); ok {
			t.Errorf("ParseLang(%q) accepted", in)
		}
	}
}

func TestChoose(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	for _, c := range []struct {
		flag   string
		env    func(string) string
		config Lang
		want   Lang
	}{
		{"", env(), "", English},
		{"", env(), Japanese, Japanese},
		{"", env("LANG", "ja_JP.UTF-8"), "", Japanese},
		{"", env("LANG", "ja_JP.UTF-8", "LC_MESSAGES", "en_US.UTF-8"), "", English},
		{"", env("LANG", "en_US.UTF-8", "LC_ALL", "ja_JP.UTF-8"), "", Japanese},
		{"", env("LANG", "en_US.UTF-8"), Japanese, English}, // the reader's locale beats the repository's
		{"", env("LANG", "C.UTF-8"), Japanese, Japanese},    // C names no language
		{"", env("LANG", "fr_FR.UTF-8"), Japanese, Japanese},
		{"en", env("LANG", "ja_JP.UTF-8"), Japanese, English},
		{"ja", env(), "", Japanese},
	} {
		got, err := Choose(c.flag, c.env, c.config)
		if err != nil || got != c.want {
			t.Errorf("Choose(%q, …, %q) = %q, %v; want %q", c.flag, c.config, got, err, c.want)
		}
	}
	if _, err := Choose("fr", env(), ""); err == nil || !strings.Contains(err.Error(), "en, ja") {
		t.Errorf("Choose(fr) error = %v", err)
	}
}

func TestPrinter(t *testing.T) {
	en, ja := For(English), For(Japanese)
	if got := en.T("lang.unknown", "Flag", "fr", "Known", "en, ja"); got != "--lang fr: incidentctl speaks en, ja" {
		t.Errorf("en: %q", got)
	}
	if got := ja.T("lang.unknown", "Flag", "fr", "Known", "en, ja"); !strings.Contains(got, "対応している言語") {
		t.Errorf("ja: %q", got)
	}
	if got := ja.T("no.such.message"); got != "no.such.message" {
		t.Errorf("missing message: %q", got)
	}
	if For("") != en || For("xx").Lang() != "xx" {
		t.Errorf("For")
	}
	err := Errorf("lang.unknown", "Flag", "fr", "Known", "en, ja")
	if err.Error() != "--lang fr: incidentctl speaks en, ja" || !strings.Contains(ja.Message(err), "対応") {
		t.Errorf("Error: %q / %q", err.Error(), ja.Message(err))
	}
}

// catalogue reads catalog/<lang>.yaml as ID -> text (plural forms as "ID#form").
func catalogue(t *testing.T, l Lang) map[string]string {
	t.Helper()
	src, err := catalogFile("catalog/" + string(l) + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(src, &raw); err != nil {
		t.Fatalf("%s.yaml: %v", l, err)
	}
	out := map[string]string{}
	for id, v := range raw {
		switch v := v.(type) {
		case string:
			out[id] = v
		case map[string]any:
			for form, text := range v {
				out[id+"#"+form] = text.(string)
			}
		default:
			t.Errorf("%s.yaml: %s: want a text or plural forms, got %T", l, id, v)
		}
	}
	return out
}

var argRE = regexp.MustCompile(`\{\{\s*\.(\w+)`)

func args(s string) []string {
	var out []string
	for _, m := range argRE.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	slices.Sort(out)
	return out
}

// TestCatalogue keeps the catalogues complete and consistent: every language has every English
// message with the same arguments, and nothing English lacks.
func TestCatalogue(t *testing.T) {
	en := catalogue(t, English)
	base := func(k string) string { id, _, _ := strings.Cut(k, "#"); return id }
	enIDs := map[string]bool{}
	for k := range en {
		enIDs[base(k)] = true
	}
	for _, l := range Langs[1:] {
		other := catalogue(t, l)
		otherIDs := map[string]bool{}
		for k, text := range other {
			otherIDs[base(k)] = true
			if !enIDs[base(k)] {
				t.Errorf("%s.yaml has %s, which en.yaml lacks", l, base(k))
				continue
			}
			// Arguments must be the same as the English "other" form (or plain text).
			ref, ok := en[base(k)]
			if !ok {
				ref = en[base(k)+"#other"]
			}
			if a, b := args(text), args(ref); !slices.Equal(a, b) && !(strings.Contains(k, "#") && len(a) < len(b)) {
				t.Errorf("%s.yaml: %s uses %v, en.yaml %v", l, k, a, b)
			}
		}
		for id := range enIDs {
			if !otherIDs[id] {
				t.Errorf("%s.yaml lacks %s", l, id)
			}
		}
	}
}

// callRE finds message IDs in the code: .T("id", .N("id", Errorf("id" and Msg("id".
var callRE = regexp.MustCompile(`(?:\.T|\.N|i18n\.Errorf|i18n\.Text|usageMsg|\bmsg)\("([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)

// TestCodeUsesKnownIDs finds every message ID the Go code names and checks the catalogue has it.
func TestCodeUsesKnownIDs(t *testing.T) {
	root := filepath.Join("..", "..")
	n := 0
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == ".git" || e.Name() == "testdata") {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range callRE.FindAllStringSubmatch(string(src), -1) {
			n++
			if !Has(m[1]) {
				t.Errorf("%s uses message %q, which catalog/en.yaml lacks", path, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d message uses", n)
}

func TestText(t *testing.T) {
	s := Text("lang.unknown", "Flag", "fr", "Known", "en, ja")
	if s != "--lang fr: incidentctl speaks en, ja" || !strings.Contains(For(Japanese).Translate(s), "対応") {
		t.Errorf("Text = %q, Translate = %q", s, For(Japanese).Translate(s))
	}
	if got := For(Japanese).Translate("plain text"); got != "plain text" {
		t.Errorf("Translate(plain) = %q", got)
	}
}

// A name made with Text inside another message is translated with it.
func TestTextInsideMessage(t *testing.T) {
	err := Errorf("input.empty", "What", Text("what.log_text"))
	if got := err.Error(); got != "the log text is empty" {
		t.Errorf("English = %q", got)
	}
	if got := For(Japanese).Message(err); got != "ログの内容 が空です" {
		t.Errorf("Japanese = %q", got)
	}
}
