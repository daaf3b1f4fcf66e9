package incident

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestInlineMarkdown(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"error rate 30% on checkout-api", "error rate 30% on checkout-api"},
		{"postmortem: https://wiki.example.com/pm/261123", "postmortem: <https://wiki.example.com/pm/261123>"},
		{"see https://example.com/e.", "see <https://example.com/e>."},
		{"(https://example.com/d) ok", "(<https://example.com/d>) ok"},
		{"https://en.wikipedia.org/wiki/Foo_(bar) and", "<https://en.wikipedia.org/wiki/Foo_(bar)> and"},
		{`"https://example.com/q?a=1&b=2", then`, `"<https://example.com/q?a=1&b=2>", then`},
		{"HTTPS://EXAMPLE.COM/g x", "<HTTPS://EXAMPLE.COM/g> x"},
		{"決済はhttps://example.com/jaで止まる", "決済は<https://example.com/jaで止まる>"},
		{"a_https://example.com/u x", "a_<https://example.com/u> x"},
		{"grafana http://grafana.internal:3000/d/abc?from=now-1h", "grafana <http://grafana.internal:3000/d/abc?from=now-1h>"},
		{"www.example.com/path here", "<http://www.example.com/path> here"},
		{"mail bob@example.com now", "mail <bob@example.com> now"},
		{"xmpp:foo@bar.com x", "xmpp:<foo@bar.com> x"},
		{"ask @alice and bob@slack", "ask @alice and bob@slack"},
		{"not a link: xhttps://example.com", "not a link: xhttps://example.com"},
		{"https:// alone", "https:// alone"},
		// Already links, or code: unchanged.
		{"see <https://example.com/a>.", "see <https://example.com/a>."},
		{"mail <bob@example.com>", "mail <bob@example.com>"},
		{"code `https://example.com/b` here", "code `https://example.com/b` here"},
		{"code ``a ` https://x.com`` here", "code ``a ` https://x.com`` here"},
		{"unclosed ` https://x.com", "unclosed ` <https://x.com>"},
		{"link [x](https://example.com/c) ok", "link [x](https://example.com/c) ok"},
		{"link [https://x.com](https://x.com) ok", "link [https://x.com](https://x.com) ok"},
		{"[not a link] https://x.com", "[not a link] <https://x.com>"},
		{"two https://a.com and https://b.com.", "two <https://a.com> and <https://b.com>."},
		{"see https://status.example.com; commander", "see <https://status.example.com>; commander"},
		{"url with >https://a.com>b", "url with ><https://a.com>>b"},
	} {
		if got := InlineMarkdown(tt.in); got != tt.want {
			t.Errorf("InlineMarkdown(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if got := InlineMarkdown(tt.want); got != tt.want {
			t.Errorf("not idempotent: InlineMarkdown(%q) = %q", tt.want, got)
		}
	}
}

// The log line, the Status table and the title heading write links as autolinks.
func TestDocumentWritesAutolinks(t *testing.T) {
	m := Meta{ID: "261123-k7xqm", Title: "Checkout down, see https://status.example.com", Severity: "SEV2", Status: StatusInvestigating,
		Commander: "alice", Impact: "details: https://grafana.example.com/d/1", DeclaredAt: time.Date(2026, 11, 23, 10, 2, 0, 0, time.FixedZone("", 9*3600))}
	first := LogEntry{At: m.DeclaredAt, Author: "alice", Text: "Declared; runbook https://wiki.example.com/rb"}
	d, err := New("incidents/2026/11/261123-k7xqm-x.md", m, "", first)
	if err != nil {
		t.Fatal(err)
	}
	src := string(d.Src)
	for _, want := range []string{
		"\n# Checkout down, see <https://status.example.com>\n",
		"| Impact | details: <https://grafana.example.com/d/1> |\n",
		"[alice] Declared; runbook <https://wiki.example.com/rb>\n",
		"\ntitle: Checkout down, see https://status.example.com\n", // front matter keeps the text as typed
	} {
		if !strings.Contains(src, want) {
			t.Errorf("document lacks %q:\n%s", want, src)
		}
	}
	d, err = d.AppendLog(LogEntry{At: m.DeclaredAt.Add(time.Minute), Author: "bob", Text: "postmortem: https://wiki.example.com/pm"})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Log[len(d.Log)-1].Text; got != "postmortem: https://wiki.example.com/pm" {
		t.Errorf("log text read back: %q", got)
	}
}

// EscapeText: links as autolinks (a www. link as a Markdown link), the rest escaped; read
// back as typed.
func TestEscapeText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"postmortem: https://wiki.example.com/pm_1", "postmortem: <https://wiki.example.com/pm_1>"},
		{"see <https://x.com/a>, *now*", "see \\<<https://x.com/a>>, \\*now\\*"},
		{"runbook www.example.com/a_b_ now", "runbook [www.example.com/a_b](http://www.example.com/a_b)\\_ now"},
		{"ask ops@example.com.", "ask <ops@example.com>."},
		{"no links, 50% *faster*", "no links, 50% \\*faster\\*"},
	} {
		got := EscapeText(tt.in)
		if got != tt.want {
			t.Errorf("EscapeText(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		if back := UnescapeInline(got); back != tt.in {
			t.Errorf("UnescapeInline(EscapeText(%q)) = %q", tt.in, back)
		}
	}
}

func FuzzEscapeTextRoundTrip(f *testing.F) {
	for _, s := range []string{"postmortem: https://x.com/a.", "www.x.com/a_b", "a@b.co", "`https://x`", "[a](https://b)", "<https://x>", "\\https://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || OneLine(s) != s || ControlAt(s) >= 0 {
			return
		}
		if back := UnescapeInline(EscapeText(s)); back != s {
			t.Fatalf("%q → %q → %q", s, EscapeText(s), back)
		}
	})
}

func FuzzInlineMarkdown(f *testing.F) {
	for _, s := range []string{"postmortem: https://x.com/a.", "www.x.com", "a@b.co", "`https://x`", "[a](https://b)", "<https://x>", "(https://x.com/a_(b))"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return
		}
		out := InlineMarkdown(s)
		if again := InlineMarkdown(out); again != out {
			t.Fatalf("not idempotent: %q → %q → %q", s, out, again)
		}
		// Only insertions: the text as typed is still there, in order.
		j := 0
		for i := 0; i < len(out) && j < len(s); i++ {
			if out[i] == s[j] {
				j++
			}
		}
		if j != len(s) {
			t.Fatalf("%q → %q dropped text", s, out)
		}
	})
}
