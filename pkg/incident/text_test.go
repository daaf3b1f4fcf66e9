package incident

import (
	"bytes"
	"html"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	yaml11 "gopkg.in/yaml.v2"
)

var gfm = goldmark.New(goldmark.WithExtensions(extension.GFM))

var tagRE = regexp.MustCompile(`<[^>]*>`)

// rendered is the text a reader sees for Markdown md: GFM's HTML without tags, entities decoded.
func rendered(t *testing.T, md string) string {
	t.Helper()
	var out bytes.Buffer
	if err := gfm.Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(html.UnescapeString(tagRE.ReplaceAllString(out.String(), "")))
}

var hostileTexts = []string{
	"<blank>", "restart <svc> now", "<script>alert(1)</script>", "*not bold*", "_not italic_", "a_b_c stays",
	"__init__.py failed", "`not code`", "[not a link](https://example.com)", "![not an image](x.png)",
	"&amp; stays &amp;", "&copy; 2026", "C:\\Windows\\Temp\\x", "trailing backslash \\", "~~not struck~~",
	"50% of checkout * fails", "https://example.com/_next/static?a=1&b=2_c", "see www.example.com/a_b_",
	"a | b | c", "1. not a list", "# not a heading", "> not a quote", "x <!-- not a comment -->",
	"emoji 🔥 and 日本語_テキスト", "a\\*b", "\\<blank\\>", "set <host> to [primary](https://db/x) & restart_all",
	"(https://example.com/a_b_) and https://x.example/<y>", "mailto:a_b@example.com_", "x://y_z", "ftp://h/_x_ *y*",
}

// TestEscapeInlineRenders: what a log entry or a Status cell shows, rendered, is what was typed.
func TestEscapeInlineRenders(t *testing.T) {
	for _, s := range hostileTexts {
		esc := EscapeInline(s)
		if got := UnescapeInline(esc); got != s {
			t.Errorf("UnescapeInline(EscapeInline(%q)) = %q", s, got)
		}
		line := FormatLogLine(LogEntry{At: time.Date(2026, 11, 23, 10, 2, 0, 0, time.UTC), Author: "alice", Text: s})
		if got, want := rendered(t, line), "2026-11-23T10:02:00Z [alice] "+s; got != want {
			t.Errorf("log entry %q renders as %q, want %q", line, got, want)
		}
		if got := rendered(t, "# "+EscapeHeading(s)); got != s {
			t.Errorf("heading %q renders as %q", s, got)
		}
		if got := rendered(t, "| Field | Value |\n| --- | --- |\n| Impact | "+cell(s)+" |\n"); got != "Field\nValue\n\n\n\n\nImpact\n"+s && !strings.HasSuffix(got, "Impact\n"+s) {
			t.Errorf("table cell %q renders as %q", s, got)
		}
	}
	if got := rendered(t, "# Broken build #"); got != "Broken build" {
		t.Fatalf("the test's premise: %q", got) // a closing sequence, which EscapeHeading keeps
	}
	if got := rendered(t, "# "+EscapeHeading("Broken build #")); got != "Broken build #" {
		t.Errorf("heading renders as %q", got)
	}
}

// A log entry written with hostile text reads back as typed.
func TestHostileLogTextRoundTrip(t *testing.T) {
	d := mustParse(t, "testdata/new.golden.md")
	for i, s := range hostileTexts {
		nd, err := d.AppendLog(LogEntry{At: at("10:30").Add(time.Duration(i) * time.Second), Author: "b<o>b_", Text: s})
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		e := nd.Log[len(nd.Log)-1]
		if e.Text != s || e.Author != "b<o>b_" {
			t.Errorf("%q by b<o>b_ reads back as %q by %q", s, e.Text, e.Author)
		}
		d = nd
	}
}

func FuzzEscapeInline(f *testing.F) {
	for _, s := range hostileTexts {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		s = OneLine(s)
		if got := UnescapeInline(EscapeInline(s)); got != s {
			t.Fatalf("UnescapeInline(EscapeInline(%q)) = %q (escaped %q)", s, got, EscapeInline(s))
		}
	})
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{
		"\x1b]0;pwned\a title":             " title",
		"clear\x1b[2Jscreen":               "clearscreen",
		"\x1b[31mred\x1b[0m text":          "red text",
		"bell\a and back\bspace":           "bell and backspace",
		"tab\tand\nnewline":                "tab\tand\nnewline",
		"cr\rline":                         "cr line",
		"c1 \u009b31m csi":                 "c1  csi",
		"bidi \u202eevil\u202c":            "bidi evil",
		"plain text, 日本語":                  "plain text, 日本語",
		"reset \x1bc done":                 "reset  done",
		"osc 8 \x1b]8;;http://x\x1b\\link": "osc 8 link",
	} {
		got, n := Clean(in)
		if got != want {
			t.Errorf("Clean(%q) = %q, want %q", in, got, want)
		}
		if clean := ControlAt(in) < 0; clean != (n == 0) {
			t.Errorf("Clean(%q) removed %d", in, n)
		}
		if ControlAt(got) >= 0 {
			t.Errorf("Clean(%q) = %q still holds a control character", in, got)
		}
	}
	if ControlAt("crlf\r\nline\n") >= 0 || ControlAt("lone\rcr") != 4 {
		t.Errorf("ControlAt: CRLF is fine, a lone CR is not")
	}
}

// TestYAML11Quoted: titles a YAML 1.1 reader would take for a boolean or a number are quoted,
// so PyYAML-like readers see the text (gopkg.in/yaml.v2 reads YAML 1.1).
func TestYAML11Quoted(t *testing.T) {
	for _, v := range []string{"yes", "no", "on", "off", "y", "n", "Y", "N", "YES", "No", "Off", "1:20", "12:30:00", "-1:30", "=",
		"true", "null", "~", "0777", "1e3", "2026-11-23"} {
		line := encodeKey("title", stringNode(v))
		var m map[string]interface{}
		if err := yaml11.Unmarshal(line, &m); err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if got, ok := m["title"].(string); !ok || got != v {
			t.Errorf("title %q is written %q, which YAML 1.1 reads as %#v", v, strings.TrimSpace(string(line)), m["title"])
		}
	}
	for _, v := range []string{"yesterday", "on call", "1:2:3:a", "10:02 deploy", "Checkout API returns 500s"} {
		if YAML11Ambiguous(v) {
			t.Errorf("YAML11Ambiguous(%q) = true", v)
		}
	}
}

func TestConflictMarkersRefused(t *testing.T) {
	src, err := os.ReadFile("testdata/new.golden.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(src)
	conflicted := strings.Replace(doc, "- 2026-11-23T10:02:00+09:00 [alice] Declared",
		"<<<<<<< HEAD\n- 2026-11-23T10:05:00+09:00 [alice] ours\n=======\n- 2026-11-23T10:05:00+09:00 [bob] theirs\n>>>>>>> origin/main\n- 2026-11-23T10:02:00+09:00 [alice] Declared", 1)
	_, err = Parse("x.md", []byte(conflicted))
	pe, ok := err.(*ParseError)
	if !ok || pe.Rule != "conflict-marker" || pe.Line != strings.Count(doc[:strings.Index(doc, "- 2026-11-23T10:02")], "\n")+1 {
		t.Fatalf("Parse = %v", err)
	}
	// In the front matter too, and a marker at the end of the file.
	for _, s := range []string{strings.Replace(doc, "severity: SEV2\n", "<<<<<<< ours\nseverity: SEV1\n=======\nseverity: SEV2\n>>>>>>> theirs\n", 1), doc + ">>>>>>>"} {
		if _, err := Parse("x.md", []byte(s)); err == nil || !strings.Contains(err.Error(), "conflict marker") {
			t.Errorf("Parse = %v", err)
		}
	}
	// Markdown that only looks like markers is fine.
	for _, s := range []string{doc + "\nNotes\n=======\n", doc + "\n<<<<<<<< eight\n", doc + "\n text <<<<<<< inline\n"} {
		if _, err := Parse("x.md", []byte(s)); err != nil {
			t.Errorf("Parse: %v", err)
		}
	}
}

// TestLogEnd: a note a person writes right below the last entry is not part of it; a line
// indented under an entry is; new entries go after the note.
func TestLogEnd(t *testing.T) {
	d := mustParse(t, "testdata/new.golden.md")
	src := string(d.Src) + "  still the declaration\nCall the vendor back at 11:00 (carol)\n"
	d, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Log) != 1 || d.Log[0].Text != "Declared SEV2: Checkout API returns 500s\nstill the declaration" { // a multi-line entry
		t.Fatalf("log %+v", d.Log)
	}
	if len(d.Problems) != 1 || d.Problems[0].Rule != "log-note" {
		t.Fatalf("problems %+v", d.Problems)
	}
	nd, err := d.AppendLog(LogEntry{At: at("10:30"), Author: "bob", Text: "rolled back"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(nd.Src), "Call the vendor back at 11:00 (carol)\n- 2026-11-23T10:30:00+09:00 [bob] rolled back\n") {
		t.Fatalf("the new entry is not after the note:\n%s", nd.Src)
	}
	if len(nd.Log) != 2 || nd.Log[0].Text != d.Log[0].Text || nd.Log[1].Text != "rolled back" {
		t.Fatalf("log %+v", nd.Log)
	}
	// A note after a blank line, and the skeleton keeps notes as prose.
	if sk := nd.Skeleton(); !strings.Contains(sk, "Call the vendor back") || strings.Contains(sk, "rolled back") {
		t.Fatalf("skeleton %q", sk)
	}
}
