package gfm

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// goldmark's own patterns (extension/linkify.go, table.go, tasklist.go v1.8.7): the reference
// the hand-written matchers must agree with. Compiled here, in the tests only.
var (
	refURL      = regexp.MustCompile(`^(?:http|https|ftp)://[-a-zA-Z0-9@:%._\+~#=]{1,256}\.[a-z]+(?::\d+)?(?:[/#?][-a-zA-Z0-9@:%_+.~#$!?&/=\(\);,'">\^{}\[\]` + "`" + `]*)?`)
	refWWW      = regexp.MustCompile(`^www\.[-a-zA-Z0-9@:%._\+~#=]{1,256}\.[a-z]+(?:[/#?][-a-zA-Z0-9@:%_\+.~#!?&/=\(\);,'">\^{}\[\]` + "`" + `]*)?`)
	refCheckBox = regexp.MustCompile(`^\[([\sxX])\]\s*`)
	refLeft     = regexp.MustCompile(`^\s*\:\-+\s*$`)
	refRight    = regexp.MustCompile(`^\s*\-+\:\s*$`)
	refCenter   = regexp.MustCompile(`^\s*\:\-+\:\s*$`)
	refNone     = regexp.MustCompile(`^\s*\-+\s*$`)
)

// samples are inputs at the edges of what the extensions read.
var samples = []string{
	"", "plain text", "# Title\n\npara ~~gone~~ and ~one~ and ~~~three~~~",
	"| a | b |\n| --- | :-: |\n| 1 | 2 |\n| 3 |\n| 4 | 5 | 6 |",
	"|a|b|\n|:--|--:|\n|`x \\| y`|z|", "a | b\n-|-\nc | d", "| a |\n| - |", "| a | b |\n| - |\n| c |",
	"text\n| a |\n|---|\n| b |\n\nmore", "| a |\n|:-:|-:|", "|\n|-|", "x\n|-|\n", "| a |\n| -- |\n| --- |",
	"|a\\|b|\n|---|", "|`a\\|b` c `d\\|e`|\n|---|\n|`\\|`|", "| a |\n|  :---:  |\n", "| a |\n| ::- |", "| a |\n| :: |",
	"- [ ] open\n- [x] done\n- [X] Done\n- [ ]no space\n- [y] not\n- text [ ] later\n  - [ ] nested",
	"1. [ ] one\n2. [x] two", "- [\t] tab\n- [ ]\n- []", "* [x]   spaced",
	"see http://example.com/a?b=c&d=e. and https://x.org:8080/p(q) (http://a.bc/d) www.example.com/x, ftp://f.io",
	"mail alice@example.com, bob@ex.co. or _x@y.z_ and foo@bar, x@y.z- and a@b.c_", "www.x.y www.x www.-.ab www.a.b$c",
	"http://a.b:12x http://a.b: http://a.bC http://A.b http://a..b http://.a http://a.b/&amp; http://a.b/&x;y",
	"*http://a.bc* ~http://a.bc~ (www.ab.cd) [http://a.bc](http://x.yz) <http://a.bc> `http://a.bc`",
	"https://ex.com/" + strings.Repeat("a", 300) + " http://" + strings.Repeat("b", 260) + ".com/x",
	"http://" + strings.Repeat("c.", 140) + "com", "https://example.com/path_(wiki)?q=1#frag!",
	"~~a\nb~~ ~~ a ~~ x~~y~~z", "> - [ ] quoted\n>\n> | a |\n> |---|", "<!-- c -->\n<div>x</div> http://a.bc",
}

func reference(exts ...goldmark.Extender) goldmark.Markdown {
	return goldmark.New(goldmark.WithExtensions(exts...))
}

// engines are goldmark with goldmark's extensions and with these, configured alike.
func engines() [][2]goldmark.Markdown {
	return [][2]goldmark.Markdown{
		{reference(extension.Table, extension.TaskList, extension.Strikethrough, extension.Linkify),
			goldmark.New(goldmark.WithExtensions(Table, TaskList, Strikethrough, Linkify))},
		{reference(extension.Strikethrough, extension.Linkify), goldmark.New(goldmark.WithExtensions(Strikethrough, Linkify))},
		{goldmark.New(goldmark.WithExtensions(extension.Table, extension.TaskList), goldmark.WithRendererOptions(html.WithXHTML())),
			goldmark.New(goldmark.WithExtensions(Table, TaskList), goldmark.WithRendererOptions(html.WithXHTML()))},
	}
}

// bodyParsers are the block parser pkg/incident reads bodies with, on each side.
func bodyParsers() [2]parser.Parser {
	mk := func(box parser.InlineParser, tp parser.ParagraphTransformer, at parser.ASTTransformer) parser.Parser {
		return parser.NewParser(
			parser.WithBlockParsers(parser.DefaultBlockParsers()...),
			parser.WithInlineParsers(util.Prioritized(box, 0)),
			parser.WithParagraphTransformers(append(parser.DefaultParagraphTransformers(), util.Prioritized(tp, 200))...),
			parser.WithASTTransformers(util.Prioritized(at, 0)),
		)
	}
	return [2]parser.Parser{
		mk(extension.NewTaskCheckBoxParser(), extension.NewTableParagraphTransformer(), extension.NewTableASTTransformer()),
		mk(NewTaskCheckBoxParser(), NewTableParagraphTransformer(), NewTableASTTransformer()),
	}
}

// dump writes a tree with everything the nodes hold: kind, position, lines, texts and the
// fields of the extension's nodes.
func dump(n gast.Node, src []byte) string {
	var b strings.Builder
	_ = gast.Walk(n, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
		if !entering {
			b.WriteString(")")
			return gast.WalkContinue, nil
		}
		fmt.Fprintf(&b, "(%s@%d", n.Kind(), n.Pos())
		if n.Type() == gast.TypeBlock {
			for i := 0; i < n.Lines().Len(); i++ {
				s := n.Lines().At(i)
				fmt.Fprintf(&b, " [%d:%d+%d]", s.Start, s.Stop, s.Padding)
			}
		}
		switch n := n.(type) {
		case *gast.Text:
			fmt.Fprintf(&b, " %q soft=%v hard=%v raw=%v", n.Segment.Value(src), n.SoftLineBreak(), n.HardLineBreak(), n.IsRaw())
		case *gast.AutoLink:
			fmt.Fprintf(&b, " %d %q %q", n.AutoLinkType, n.Protocol, n.URL(src))
		case *extast.Table:
			fmt.Fprintf(&b, " %v", n.Alignments)
		case *extast.TableCell:
			fmt.Fprintf(&b, " %v", n.Alignment)
		case *extast.TaskCheckBox:
			fmt.Fprintf(&b, " %v", n.IsChecked)
		}
		return gast.WalkContinue, nil
	})
	return b.String()
}

// compare renders and parses src on both sides and reports the first difference.
func compare(src []byte) string {
	for i, e := range engines() {
		var want, got bytes.Buffer
		errW := e[0].Convert(src, &want)
		errG := e[1].Convert(src, &got)
		if fmt.Sprint(errW) != fmt.Sprint(errG) || want.String() != got.String() {
			return fmt.Sprintf("engine %d: HTML differs:\ngoldmark: %q (%v)\ngfm:      %q (%v)", i, want.String(), errW, got.String(), errG)
		}
		tw := dump(e[0].Parser().Parse(text.NewReader(src)), src)
		tg := dump(e[1].Parser().Parse(text.NewReader(src)), src)
		if tw != tg {
			return fmt.Sprintf("engine %d: trees differ:\ngoldmark: %s\ngfm:      %s", i, tw, tg)
		}
	}
	ps := bodyParsers()
	tw := dump(ps[0].Parse(text.NewReader(src), parser.WithContext(parser.NewContext())), src)
	tg := dump(ps[1].Parse(text.NewReader(src), parser.WithContext(parser.NewContext())), src)
	if tw != tg {
		return fmt.Sprintf("body parser: trees differ:\ngoldmark: %s\ngfm:      %s", tw, tg)
	}
	return ""
}

func TestSameHTMLAndTreesAsGoldmark(t *testing.T) {
	for _, s := range samples {
		if d := compare([]byte(s)); d != "" {
			t.Errorf("%q: %s", s, d)
		}
	}
}

// matchersAgree checks every hand-written matcher against goldmark's pattern at every offset
// of s.
func matchersAgree(t *testing.T, s []byte) {
	t.Helper()
	for i := 0; i <= len(s); i++ {
		line := s[i:]
		want := -1
		if m := refURL.FindIndex(line); m != nil {
			want = m[1]
		}
		if got := matchURL(line); got != want {
			t.Fatalf("url %q: %d, want %d", line, got, want)
		}
		want = -1
		if m := refWWW.FindIndex(line); m != nil {
			want = m[1]
		}
		if got := matchWWW(line); got != want {
			t.Fatalf("www %q: %d, want %d", line, got, want)
		}
		m := refCheckBox.FindSubmatchIndex(line)
		v, n, ok := matchCheckBox(line)
		if ok != (m != nil) || ok && (n != m[1] || v != line[m[2]]) {
			t.Fatalf("check box %q: %q %d %v, want %v", line, v, n, ok, m)
		}
		for j := i; j <= len(s); j++ {
			col := s[i:j]
			a, ok := delimAlignment(col)
			var want extast.Alignment
			wok := true
			switch {
			case refLeft.Match(col):
				want = extast.AlignLeft
			case refRight.Match(col):
				want = extast.AlignRight
			case refCenter.Match(col):
				want = extast.AlignCenter
			case refNone.Match(col):
				want = extast.AlignNone
			default:
				wok = false
			}
			if ok != wok || ok && a != want {
				t.Fatalf("delimiter %q: %v %v, want %v %v", col, a, ok, want, wok)
			}
		}
	}
}

func TestMatchersAgreeWithGoldmarksPatterns(t *testing.T) {
	for _, s := range append(samples, ":-:", " :--: ", "\f-\r", "\v-", "-:-", ":", "::", "[\f]\r\n x", "[\v]") {
		if len(s) > 400 {
			s = s[:400]
		}
		matchersAgree(t, []byte(s))
	}
}

func FuzzMatchers(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, s []byte) {
		if len(s) > 300 {
			s = s[:300]
		}
		matchersAgree(t, s)
	})
}

func FuzzSameAsGoldmark(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		if d := compare(src); d != "" {
			t.Fatalf("%q: %s", src, d)
		}
	})
}
