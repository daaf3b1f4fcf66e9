package site

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/incidentctl/incidentctl/pkg/markdown/gfm"
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
	// GitHub's extensions as goldmark's extension package has them (pkg/markdown/gfm: the same
	// HTML, without compiling its regular expressions at every start of the program).
	ext := []goldmark.Extender{gfm.Strikethrough, gfm.Linkify}
	escaped := goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapeRaw{}, 100)))
	// A postmortem's HTML comments are its template's prompts to the writers: invisible
	// wherever Markdown is read, so invisible here too. Any other raw HTML shows as text.
	documents := goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapeRaw{dropComments: true}, 100)))
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
		block: goldmark.New(goldmark.WithExtensions(append(ext, gfm.Table, gfm.TaskList)...), documents),
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

// Document renders a whole Markdown document (a postmortem's body) to go under the page's own
// heading: a level-1 heading that opens the document is returned as its title instead, and any
// other level-1 heading becomes level 2, so the page has one h1.
func (md *markdown) Document(src []byte) (title string, html template.HTML) {
	doc := md.block.Parser().Parse(text.NewReader(src))
	if h, ok := doc.FirstChild().(*ast.Heading); ok && h.Level == 1 {
		title = strings.TrimSpace(plainText(h, src))
		doc.RemoveChild(doc, h)
	}
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && h.Level == 1 {
			h.Level = 2
		}
	}
	md.buf.Reset()
	if err := md.block.Renderer().Render(&md.buf, src, doc); err != nil {
		return title, template.HTML("<pre>" + template.HTMLEscapeString(string(src)) + "</pre>")
	}
	return title, template.HTML(md.buf.String())
}

// plainText is the text of a node's inline content, without its markup.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text:
			b.Write(t.Value(src))
			if t.SoftLineBreak() || t.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
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

// escapeRaw writes raw HTML (inline tags and HTML blocks) as escaped text; with dropComments,
// an HTML comment alone (nothing before or after it) is left out.
type escapeRaw struct{ dropComments bool }

// onlyComment reports whether raw HTML is one comment and nothing else.
func onlyComment(b []byte) bool {
	b = bytes.TrimSpace(b)
	return bytes.HasPrefix(b, []byte("<!--")) && bytes.HasSuffix(b, []byte("-->")) && bytes.Index(b[4:], []byte("-->")) == len(b)-7
}

func (e escapeRaw) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			if e.dropComments {
				var all []byte
				for i := 0; i < segs.Len(); i++ {
					s := segs.At(i)
					all = append(all, s.Value(src)...)
				}
				if onlyComment(all) {
					return ast.WalkSkipChildren, nil
				}
			}
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
			if e.dropComments {
				var all []byte
				for i := 0; i < b.Lines().Len(); i++ {
					l := b.Lines().At(i)
					all = append(all, l.Value(src)...)
				}
				if b.HasClosure() {
					all = append(all, b.ClosureLine.Value(src)...)
				}
				if onlyComment(all) {
					return ast.WalkSkipChildren, nil
				}
			}
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
