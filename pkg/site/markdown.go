package site

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// What a responder typed (log texts, impact, announcements, action texts, a postmortem) is
// Markdown, rendered with goldmark. It must never become markup or script on a page that the
// whole company reads: goldmark's safe mode already drops dangerous link targets
// (javascript:, data:, …), and raw HTML — which safe mode would silently omit — is written
// out escaped, so a reader sees exactly the text that was typed.

// markdown renders Markdown for one worker (a goldmark instance is not shared between
// goroutines).
type markdown struct {
	inline goldmark.Markdown // one-line texts: inline syntax only, never a heading or a list
	block  goldmark.Markdown // whole documents (postmortems)
	buf    bytes.Buffer
	// seen keeps texts already rendered: every incident repeats the flow's action texts.
	seen map[string]template.HTML
}

// seenMax bounds the cache of rendered texts.
const seenMax = 2048

func newMarkdown() *markdown {
	ext := []goldmark.Extender{extension.Strikethrough, extension.Linkify}
	escaped := goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapeRaw{}, 100)))
	return &markdown{
		inline: goldmark.New(
			goldmark.WithParser(parser.NewParser(
				parser.WithBlockParsers(util.Prioritized(parser.NewParagraphParser(), 1000)),
				parser.WithInlineParsers(parser.DefaultInlineParsers()...),
				parser.WithParagraphTransformers(parser.DefaultParagraphTransformers()...),
			)),
			goldmark.WithExtensions(ext...),
			escaped,
		),
		block: goldmark.New(goldmark.WithExtensions(append(ext, extension.Table, extension.TaskList)...), escaped),
	}
}

// Inline renders a one-line text without the paragraph around it.
func (md *markdown) Inline(s string) template.HTML {
	if plain(s) {
		return template.HTML(escapeText(s))
	}
	if h, ok := md.seen[s]; ok {
		return h
	}
	md.buf.Reset()
	if err := md.inline.Convert([]byte(s), &md.buf); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	out := bytes.TrimSpace(md.buf.Bytes())
	out = bytes.TrimPrefix(out, []byte("<p>"))
	out = bytes.TrimSuffix(out, []byte("</p>"))
	h := template.HTML(out)
	if md.seen == nil || len(md.seen) >= seenMax {
		md.seen = make(map[string]template.HTML, 256)
	}
	md.seen[s] = h
	return h
}

// Block renders a whole Markdown document.
func (md *markdown) Block(src []byte) template.HTML {
	md.buf.Reset()
	if err := md.block.Convert(src, &md.buf); err != nil {
		return template.HTML("<pre>" + template.HTMLEscapeString(string(src)) + "</pre>")
	}
	return template.HTML(md.buf.String())
}

// plain reports whether goldmark would render s as the same text, escaped: no byte that starts
// Markdown syntax, an entity, an autolink or an e-mail address. Most log texts are plain, and
// skipping the parser for them is most of the site's rendering time.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '!', '&', '~', '@', '|', '#', '\t', '\n', '\r':
			return false
		case ':':
			if strings.HasPrefix(s[i:], "://") {
				return false
			}
		case 'w', 'W':
			if len(s)-i >= 4 && strings.EqualFold(s[i:i+4], "www.") {
				return false
			}
		case ' ':
			if i == 0 || i == len(s)-1 {
				return false
			}
		}
	}
	return true
}

// escapeText escapes what goldmark escapes in text: the quote (the other specials are not
// plain).
func escapeText(s string) string {
	if !strings.Contains(s, `"`) {
		return s
	}
	return strings.ReplaceAll(s, `"`, "&quot;")
}

// escapeRaw writes raw HTML (inline tags and HTML blocks) as escaped text.
type escapeRaw struct{}

func (escapeRaw) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				s := segs.At(i)
				w.Write(util.EscapeHTML(s.Value(src)))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			b := n.(*ast.HTMLBlock)
			w.WriteString("<pre class=\"raw\">")
			for i := 0; i < b.Lines().Len(); i++ {
				l := b.Lines().At(i)
				w.Write(util.EscapeHTML(l.Value(src)))
			}
			if b.HasClosure() {
				w.Write(util.EscapeHTML(b.ClosureLine.Value(src)))
			}
			w.WriteString("</pre>\n")
		}
		return ast.WalkSkipChildren, nil
	})
}

var _ = html.WithUnsafe // safe mode is goldmark's default: never enable WithUnsafe here
