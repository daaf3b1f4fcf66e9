package site

import (
	"strings"
	"testing"
)

func TestMarkdownEscapesRawHTML(t *testing.T) {
	md := newMarkdown()
	for _, c := range []struct{ in, want, not string }{
		{`<script>alert("x")</script> in the log`, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; in the log", "<script"},
		{`<img src=x onerror=alert(1)>`, "&lt;img src=x onerror=alert(1)&gt;", "<img"},
		{`[click](javascript:alert(1))`, `<a href="">click</a>`, "javascript:"},
		{`**rolled back** deploy 1234`, "<strong>rolled back</strong> deploy 1234", ""},
		{`# not a heading`, "# not a heading", "<h1"},
		{`1. not a list`, "1. not a list", "<ol"},
		{`see https://status.example.com/x`, `<a href="https://status.example.com/x">https://status.example.com/x</a>`, ""},
	} {
		got := string(md.Inline(c.in))
		if !strings.Contains(got, c.want) || c.not != "" && strings.Contains(got, c.not) {
			t.Errorf("Inline(%q) = %q, want %q without %q", c.in, got, c.want, c.not)
		}
	}
	title, h := md.Document([]byte("# Postmortem: *Checkout*\n\n<div onclick=x>\n<script>x()</script>\n</div>\n\ntext <b>bold</b> <!-- a prompt -->\n\n" +
		"<!-- Two or three sentences. -->\n\n<!-- x --> <img src=x onerror=alert(1)> <!-- y -->\n\n# Another top heading\n\n| a | b |\n| --- | --- |\n| <i>c</i> | [x](javascript:alert(1)) |\n"))
	got := string(h)
	if title != "Postmortem: Checkout" {
		t.Errorf("Document's title = %q", title)
	}
	for _, bad := range []string{"<script", "<div", "<b>", "<img", "<i>", "<h1", "javascript:", "a prompt", "Two or three"} {
		if strings.Contains(got, bad) {
			t.Errorf("Document has %q:\n%s", bad, got)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "&lt;b&gt;bold&lt;/b&gt;", "&lt;img src=x onerror=alert(1)&gt;", "<h2>Another top heading</h2>", "<table>", "&lt;i&gt;c&lt;/i&gt;"} {
		if !strings.Contains(got, want) {
			t.Errorf("Document lacks %q:\n%s", want, got)
		}
	}
}

// The fast path for plain texts must give exactly what goldmark gives.
func TestPlainMatchesGoldmark(t *testing.T) {
	md := newMarkdown()
	texts := []string{
		"error rate 30% on checkout-api", `said "rollback"`, "status investigating → identified",
		"handoff: commander alice → bob. Briefing: rollback running. Status: SEV1 identified, declared 10:02; impact: 30% fail",
		"Declared SEV2: Checkout API returns 500s; commander alice", "p99 = 2.3s (was 0.4s) + 5 % 'ok'",
		"日本語のログ", "a - b", "a: b", "x=1; y=2", "{braces} (parens) $dollar ^caret",
	}
	for _, s := range texts {
		if !plain(s) {
			t.Errorf("%q not plain", s)
			continue
		}
		fast := string(md.Inline(s))
		md.buf.Reset()
		if err := md.inline.Convert([]byte(s), &md.buf); err != nil {
			t.Fatal(err)
		}
		slow := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(md.buf.String()), "<p>"), "</p>")
		if fast != slow {
			t.Errorf("%q: fast %q, goldmark %q", s, fast, slow)
		}
	}
}

func FuzzPlainMatchesGoldmark(f *testing.F) {
	for _, s := range []string{"error rate 30%", "a \"b\" c", "x.y:z", "1. x", "- x", "+ x", "= x", "---"} {
		f.Add(s)
	}
	md := newMarkdown()
	f.Fuzz(func(t *testing.T, s string) {
		if !plain(s) {
			return
		}
		fast := string(md.Inline(s))
		md.buf.Reset()
		if err := md.inline.Convert([]byte(s), &md.buf); err != nil {
			t.Fatal(err)
		}
		slow := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(md.buf.String()), "<p>"), "</p>")
		if fast != slow {
			t.Errorf("%q: fast %q, goldmark %q", s, fast, slow)
		}
	})
}
