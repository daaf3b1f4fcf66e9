package gfm

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// escapedPipeCellListKey is the parser context's list of cells with an escaped pipe inside a
// code span. It must exist before any parser context does (a context holds a slot per key
// made so far): the one thing done at init, a counter incremented.
var escapedPipeCellListKey = parser.NewContextKey()

type escapedPipeCell struct {
	Cell        *ast.TableCell
	Pos         []int
	Transformed bool
}

func isTableDelim(bs []byte) bool {
	if w, _ := util.IndentWidth(bs, 0); w > 3 {
		return false
	}
	allSep := true
	for _, b := range bs {
		if b != '-' {
			allSep = false
		}
		if !(util.IsSpace(b) || b == '-' || b == '|' || b == ':') {
			return false
		}
	}
	return !allSep
}

// delimAlignment is the alignment of one column of a delimiter row, as goldmark's four
// patterns `^\s*\:\-+\s*$` (left), `^\s*\-+\:\s*$` (right), `^\s*\:\-+\:\s*$` (center) and
// `^\s*\-+\s*$` (none) read it; ok is false when none matches.
func delimAlignment(col []byte) (a ast.Alignment, ok bool) {
	t := trimSpace(col)
	left := len(t) > 0 && t[0] == ':'
	if left {
		t = t[1:]
	}
	right := len(t) > 0 && t[len(t)-1] == ':'
	if right {
		t = t[:len(t)-1]
	}
	if len(t) == 0 {
		return 0, false
	}
	for _, b := range t {
		if b != '-' {
			return 0, false
		}
	}
	switch {
	case left && right:
		return ast.AlignCenter, true
	case left:
		return ast.AlignLeft, true
	case right:
		return ast.AlignRight, true
	}
	return ast.AlignNone, true
}

type tableParagraphTransformer struct{}

// NewTableParagraphTransformer returns a ParagraphTransformer that makes tables of paragraphs.
func NewTableParagraphTransformer() parser.ParagraphTransformer { return tableParagraphTransformer{} }

func (b tableParagraphTransformer) Transform(node *gast.Paragraph, reader text.Reader, pc parser.Context) {
	ppos := node.Pos()
	lines := node.Lines()
	if lines.Len() < 2 {
		return
	}
	for i := 1; i < lines.Len(); i++ {
		alignments := b.parseDelimiter(lines.At(i), reader)
		if alignments == nil {
			continue
		}
		header := b.parseRow(lines.At(i-1), alignments, true, reader, pc)
		if header == nil || len(alignments) != header.ChildCount() {
			return
		}
		table := ast.NewTable()
		table.Alignments = alignments
		table.SetPos(ppos)
		table.AppendChild(table, ast.NewTableHeader(header))
		for j := i + 1; j < lines.Len(); j++ {
			table.AppendChild(table, b.parseRow(lines.At(j), alignments, false, reader, pc))
		}
		node.Lines().SetSliced(0, i-1)
		node.Parent().InsertAfter(node.Parent(), node, table)
		if node.Lines().Len() == 0 {
			node.Parent().RemoveChild(node.Parent(), node)
		} else {
			last := node.Lines().At(i - 2)
			last.Stop = last.Stop - 1 // trim the last newline
			node.Lines().Set(i-2, last)
		}
	}
}

func (b tableParagraphTransformer) parseRow(segment text.Segment, alignments []ast.Alignment, isHeader bool, reader text.Reader, pc parser.Context) *ast.TableRow {
	npos := segment
	source := reader.Source()
	segment = segment.TrimLeftSpace(source)
	segment = segment.TrimRightSpace(source)
	line := segment.Value(source)
	pos := 0
	limit := len(line)
	row := ast.NewTableRow(alignments)
	row.SetPos(npos.Start)
	if len(line) > 0 && line[pos] == '|' {
		pos++
	}
	if len(line) > 0 && line[limit-1] == '|' {
		limit--
	}
	i := 0
	for ; pos < limit; i++ {
		alignment := ast.AlignNone
		if i >= len(alignments) {
			if !isHeader {
				return row
			}
		} else {
			alignment = alignments[i]
		}

		var escapedCell *escapedPipeCell
		node := ast.NewTableCell()
		node.SetPos(npos.Start + pos - npos.Padding)
		node.Alignment = alignment
		hasBacktick := false
		closure := pos
		for ; closure < limit; closure++ {
			if line[closure] == '`' {
				hasBacktick = true
			}
			if line[closure] == '|' {
				if closure == 0 || line[closure-1] != '\\' {
					break
				} else if hasBacktick {
					if escapedCell == nil {
						escapedCell = &escapedPipeCell{node, []int{}, false}
						key := escapedPipeCellListKey
						escapedList := pc.ComputeIfAbsent(key, func() any { return []*escapedPipeCell{} }).([]*escapedPipeCell)
						escapedList = append(escapedList, escapedCell)
						pc.Set(key, escapedList)
					}
					escapedCell.Pos = append(escapedCell.Pos, segment.Start+closure-1)
				}
			}
		}
		seg := text.NewSegment(segment.Start+pos, segment.Start+closure)
		seg = seg.TrimLeftSpace(source)
		seg = seg.TrimRightSpace(source)
		node.Lines().Append(seg)
		row.AppendChild(row, node)
		pos = closure + 1
	}
	for ; i < len(alignments); i++ {
		row.AppendChild(row, ast.NewTableCell())
	}
	return row
}

func (b tableParagraphTransformer) parseDelimiter(segment text.Segment, reader text.Reader) []ast.Alignment {
	line := segment.Value(reader.Source())
	if !isTableDelim(line) {
		return nil
	}
	cols := bytes.Split(line, []byte{'|'})
	if util.IsBlank(cols[0]) {
		cols = cols[1:]
	}
	if len(cols) > 0 && util.IsBlank(cols[len(cols)-1]) {
		cols = cols[:len(cols)-1]
	}
	var alignments []ast.Alignment
	for _, col := range cols {
		a, ok := delimAlignment(col)
		if !ok {
			return nil
		}
		alignments = append(alignments, a)
	}
	return alignments
}

type tableASTTransformer struct{}

// NewTableASTTransformer returns the ASTTransformer that tables need (escaped pipes inside
// code spans of cells).
func NewTableASTTransformer() parser.ASTTransformer { return tableASTTransformer{} }

func (tableASTTransformer) Transform(node *gast.Document, reader text.Reader, pc parser.Context) {
	key := escapedPipeCellListKey
	lst := pc.Get(key)
	if lst == nil {
		return
	}
	pc.Set(key, nil)
	for _, v := range lst.([]*escapedPipeCell) {
		if v.Transformed {
			continue
		}
		_ = gast.Walk(v.Cell, func(n gast.Node, entering bool) (gast.WalkStatus, error) {
			if !entering || n.Kind() != gast.KindCodeSpan {
				return gast.WalkContinue, nil
			}
			for c := n.FirstChild(); c != nil; {
				next := c.NextSibling()
				if c.Kind() != gast.KindText {
					c = next
					continue
				}
				parent := c.Parent()
				ts := &c.(*gast.Text).Segment
				n := c
				for _, v := range lst.([]*escapedPipeCell) {
					for _, pos := range v.Pos {
						if ts.Start <= pos && pos < ts.Stop {
							segment := n.(*gast.Text).Segment
							n1 := gast.NewRawTextSegment(segment.WithStop(pos))
							n2 := gast.NewRawTextSegment(segment.WithStart(pos + 1))
							parent.InsertAfter(parent, n, n1)
							parent.InsertAfter(parent, n1, n2)
							parent.RemoveChild(parent, n)
							n = n2
							v.Transformed = true
						}
					}
				}
				c = next
			}
			return gast.WalkContinue, nil
		})
	}
}

// The attributes each element of a table may have, as goldmark's extension allows them; made
// when a table node first has attributes (never, unless the parser reads attributes).
var (
	tableAttributeFilter = sync.OnceValue(func() util.BytesFilter {
		return html.GlobalAttributeFilter.ExtendString(`align,bgcolor,border,cellpadding,cellspacing,frame,rules,summary,width`)
	})
	tableHeaderAttributeFilter = sync.OnceValue(func() util.BytesFilter {
		return html.GlobalAttributeFilter.ExtendString(`align,bgcolor,char,charoff,valign`)
	})
	tableRowAttributeFilter  = tableHeaderAttributeFilter
	tableCellAttributeFilter = sync.OnceValue(func() util.BytesFilter {
		return html.GlobalAttributeFilter.ExtendString(`abbr,align,axis,bgcolor,char,charoff,colspan,headers,height,rowspan,scope,valign,width`)
	})
)

// TableHTMLRenderer renders tables (alignment as a style attribute, or as an align attribute
// in XHTML, as goldmark's default does).
type TableHTMLRenderer struct {
	html.Config
}

// NewTableHTMLRenderer returns a TableHTMLRenderer.
func NewTableHTMLRenderer(opts ...html.Option) renderer.NodeRenderer {
	return &TableHTMLRenderer{Config: htmlConfig(opts)}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *TableHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindTable, r.renderTable)
	reg.Register(ast.KindTableHeader, r.renderTableHeader)
	reg.Register(ast.KindTableRow, r.renderTableRow)
	reg.Register(ast.KindTableCell, r.renderTableCell)
}

func (r *TableHTMLRenderer) renderTable(w util.BufWriter, source []byte, n gast.Node, entering bool) (gast.WalkStatus, error) {
	if entering {
		openTag(w, n, "table", tableAttributeFilter())
	} else {
		_, _ = w.WriteString("</table>\n")
	}
	return gast.WalkContinue, nil
}

// openTag writes <tag attributes…> and a newline: the opening of a table, its head or a row.
func openTag(w util.BufWriter, n gast.Node, tag string, filter util.BytesFilter) {
	_, _ = w.WriteString("<" + tag)
	if n.Attributes() != nil {
		html.RenderAttributes(w, n, filter)
	}
	_, _ = w.WriteString(">\n")
}

func (r *TableHTMLRenderer) renderTableHeader(w util.BufWriter, source []byte, n gast.Node, entering bool) (gast.WalkStatus, error) {
	if entering {
		openTag(w, n, "thead", tableHeaderAttributeFilter())
		_, _ = w.WriteString("<tr>\n") // the header's <tr> has no node of its own
	} else {
		_, _ = w.WriteString("</tr>\n")
		_, _ = w.WriteString("</thead>\n")
		if n.NextSibling() != nil {
			_, _ = w.WriteString("<tbody>\n")
		}
	}
	return gast.WalkContinue, nil
}

func (r *TableHTMLRenderer) renderTableRow(w util.BufWriter, source []byte, n gast.Node, entering bool) (gast.WalkStatus, error) {
	if entering {
		openTag(w, n, "tr", tableRowAttributeFilter())
	} else {
		_, _ = w.WriteString("</tr>\n")
		if n.Parent().LastChild() == n {
			_, _ = w.WriteString("</tbody>\n")
		}
	}
	return gast.WalkContinue, nil
}

func (r *TableHTMLRenderer) renderTableCell(w util.BufWriter, source []byte, node gast.Node, entering bool) (gast.WalkStatus, error) {
	n := node.(*ast.TableCell)
	tag := "td"
	if n.Parent().Kind() == ast.KindTableHeader {
		tag = "th"
	}
	if entering {
		_, _ = fmt.Fprintf(w, "<%s", tag)
		if n.Alignment != ast.AlignNone {
			if r.XHTML {
				if _, ok := n.AttributeString("align"); !ok { // an align attribute given wins
					_, _ = fmt.Fprintf(w, ` align="%s"`, n.Alignment.String())
				}
			} else {
				v, ok := n.AttributeString("style")
				var cob util.CopyOnWriteBuffer
				if ok {
					switch v := v.(type) {
					case []byte:
						cob = util.NewCopyOnWriteBuffer(v)
					case string:
						cob = util.NewCopyOnWriteBuffer([]byte(v))
					}
					cob.AppendByte(';')
				}
				cob.AppendString(fmt.Sprintf("text-align:%s", n.Alignment.String()))
				n.SetAttributeString("style", cob.Bytes())
			}
		}
		if n.Attributes() != nil {
			html.RenderAttributes(w, n, tableCellAttributeFilter()) // the same for <td> and <th>
		}
		_ = w.WriteByte('>')
	} else {
		_, _ = fmt.Fprintf(w, "</%s>\n", tag)
	}
	return gast.WalkContinue, nil
}

type table struct{}

// Table is the extension for GFM tables.
var Table goldmark.Extender = table{}

func (table) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(
		parser.WithParagraphTransformers(util.Prioritized(NewTableParagraphTransformer(), 200)),
		parser.WithASTTransformers(util.Prioritized(NewTableASTTransformer(), 0)),
	)
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(NewTableHTMLRenderer(), 500)))
}
