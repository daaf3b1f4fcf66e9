package gfm

import (
	"github.com/yuin/goldmark"
	gast "github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// matchCheckBox is goldmark's `^\[([\sxX])\]\s*` on line: the box's character and the length
// of the match, or ok false.
func matchCheckBox(line []byte) (value byte, n int, ok bool) {
	if len(line) < 3 || line[0] != '[' || line[2] != ']' {
		return 0, 0, false
	}
	value = line[1]
	if !isSpace(value) && value != 'x' && value != 'X' {
		return 0, 0, false
	}
	n = 3
	for n < len(line) && isSpace(line[n]) {
		n++
	}
	return value, n, true
}

type taskCheckBoxParser struct{}

// NewTaskCheckBoxParser returns an InlineParser that reads the check box of a task-list item
// ("- [ ] text"). It must take precedence over parser.LinkParser.
func NewTaskCheckBoxParser() parser.InlineParser { return taskCheckBoxParser{} }

func (taskCheckBoxParser) Trigger() []byte { return []byte{'['} }

func (taskCheckBoxParser) Parse(parent gast.Node, block text.Reader, pc parser.Context) gast.Node {
	// The tree must be List > ListItem (parent.Parent) > TextBlock (parent) > the current line.
	if parent.Parent() == nil || parent.Parent().FirstChild() != parent {
		return nil
	}
	if parent.HasChildren() {
		return nil
	}
	if _, ok := parent.Parent().(*gast.ListItem); !ok {
		return nil
	}
	line, _ := block.PeekLine()
	value, n, ok := matchCheckBox(line)
	if !ok {
		return nil
	}
	block.Advance(n)
	return ast.NewTaskCheckBox(value == 'x' || value == 'X')
}

func (taskCheckBoxParser) CloseBlock(parent gast.Node, pc parser.Context) {}

// TaskCheckBoxHTMLRenderer renders the check boxes of task-list items.
type TaskCheckBoxHTMLRenderer struct {
	html.Config
}

// NewTaskCheckBoxHTMLRenderer returns a TaskCheckBoxHTMLRenderer.
func NewTaskCheckBoxHTMLRenderer(opts ...html.Option) renderer.NodeRenderer {
	return &TaskCheckBoxHTMLRenderer{Config: htmlConfig(opts)}
}

// RegisterFuncs implements renderer.NodeRenderer.
func (r *TaskCheckBoxHTMLRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindTaskCheckBox, r.renderTaskCheckBox)
}

func (r *TaskCheckBoxHTMLRenderer) renderTaskCheckBox(w util.BufWriter, source []byte, node gast.Node, entering bool) (gast.WalkStatus, error) {
	if !entering {
		return gast.WalkContinue, nil
	}
	if node.(*ast.TaskCheckBox).IsChecked {
		_, _ = w.WriteString(`<input checked="" disabled="" type="checkbox"`)
	} else {
		_, _ = w.WriteString(`<input disabled="" type="checkbox"`)
	}
	if r.XHTML {
		_, _ = w.WriteString(" /> ")
	} else {
		_, _ = w.WriteString("> ")
	}
	return gast.WalkContinue, nil
}

type taskList struct{}

// TaskList is the extension for GFM task lists.
var TaskList goldmark.Extender = taskList{}

func (taskList) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(NewTaskCheckBoxParser(), 0)))
	m.Renderer().AddOptions(renderer.WithNodeRenderers(util.Prioritized(NewTaskCheckBoxHTMLRenderer(), 500)))
}
