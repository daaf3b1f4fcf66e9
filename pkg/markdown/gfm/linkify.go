package gfm

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// goldmark's linkify finds bare links with two regular expressions (linkify_test.go has them):
//
//	url: ^(?:http|https|ftp)://D{1,256}\.[a-z]+(?::\d+)?(?:[/#?]P*)?
//	www: ^www\.D{1,256}\.[a-z]+(?:[/#?]W*)?
//
// with D the characters of a host ([-a-zA-Z0-9@:%._\+~#=]), P those of a path
// ([-a-zA-Z0-9@:%_+.~#$!?&/=\(\);,'">\^{}\[\]`]) and W the same without '$'. The matchers below
// find exactly the leftmost-first match the regexp package finds: the longest run of D (at most
// 256) that is followed by a dot and a lowercase letter, every lowercase letter after it, a
// port if ':' and a digit follow, and a path if one of / # ? follows.

// Byte classes of the patterns above.
const (
	classHost = 1 << iota
	classPath
	classWWWPath
)

// linkClass is a table of the classes, built by the compiler (no init).
var linkClass = [256]uint8{
	'-': classHost | classPath | classWWWPath, '@': classHost | classPath | classWWWPath,
	':': classHost | classPath | classWWWPath, '%': classHost | classPath | classWWWPath,
	'.': classHost | classPath | classWWWPath, '_': classHost | classPath | classWWWPath,
	'+': classHost | classPath | classWWWPath, '~': classHost | classPath | classWWWPath,
	'#': classHost | classPath | classWWWPath, '=': classHost | classPath | classWWWPath,
	'$': classPath, '!': classPath | classWWWPath, '?': classPath | classWWWPath,
	'&': classPath | classWWWPath, '/': classPath | classWWWPath, '(': classPath | classWWWPath,
	')': classPath | classWWWPath, ';': classPath | classWWWPath, ',': classPath | classWWWPath,
	'\'': classPath | classWWWPath, '"': classPath | classWWWPath, '>': classPath | classWWWPath,
	'^': classPath | classWWWPath, '{': classPath | classWWWPath, '}': classPath | classWWWPath,
	'[': classPath | classWWWPath, ']': classPath | classWWWPath, '`': classPath | classWWWPath,
	'0': all, '1': all, '2': all, '3': all, '4': all, '5': all, '6': all, '7': all, '8': all, '9': all,
	'a': all, 'b': all, 'c': all, 'd': all, 'e': all, 'f': all, 'g': all, 'h': all, 'i': all,
	'j': all, 'k': all, 'l': all, 'm': all, 'n': all, 'o': all, 'p': all, 'q': all, 'r': all,
	's': all, 't': all, 'u': all, 'v': all, 'w': all, 'x': all, 'y': all, 'z': all,
	'A': all, 'B': all, 'C': all, 'D': all, 'E': all, 'F': all, 'G': all, 'H': all, 'I': all,
	'J': all, 'K': all, 'L': all, 'M': all, 'N': all, 'O': all, 'P': all, 'Q': all, 'R': all,
	'S': all, 'T': all, 'U': all, 'V': all, 'W': all, 'X': all, 'Y': all, 'Z': all,
}

const all = classHost | classPath | classWWWPath

func isLower(b byte) bool { return 'a' <= b && b <= 'z' }
func isDigit(b byte) bool { return '0' <= b && b <= '9' }

// matchHostPath matches D{1,256}\.[a-z]+ (then, with port, (?::\d+)?) then (?:[/#?]X*)? at
// line[i:], X being the path class; it returns the end of the match or -1.
func matchHostPath(line []byte, i int, port bool, path uint8) int {
	run := 0
	for i+run < len(line) && run < 256 && linkClass[line[i+run]]&classHost != 0 {
		run++
	}
	// The longest host that a dot and a lowercase letter follow (the host may hold dots).
	end := -1
	for k := run; k >= 1; k-- {
		if j := i + k; j+1 < len(line) && line[j] == '.' && isLower(line[j+1]) {
			end = j + 1
			break
		}
	}
	if end < 0 {
		return -1
	}
	for end < len(line) && isLower(line[end]) {
		end++
	}
	if port && end+1 < len(line) && line[end] == ':' && isDigit(line[end+1]) {
		end += 2
		for end < len(line) && isDigit(line[end]) {
			end++
		}
	}
	if end < len(line) && (line[end] == '/' || line[end] == '#' || line[end] == '?') {
		end++
		for end < len(line) && linkClass[line[end]]&path != 0 {
			end++
		}
	}
	return end
}

// matchURL is goldmark's URL pattern at the start of line: the end of the match or -1.
func matchURL(line []byte) int {
	var i int
	switch {
	case bytes.HasPrefix(line, []byte("http://")):
		i = len("http://")
	case bytes.HasPrefix(line, []byte("https://")):
		i = len("https://")
	case bytes.HasPrefix(line, []byte("ftp://")):
		i = len("ftp://")
	default:
		return -1
	}
	return matchHostPath(line, i, true, classPath)
}

// matchWWW is goldmark's www pattern at the start of line: the end of the match or -1.
func matchWWW(line []byte) int {
	if !bytes.HasPrefix(line, []byte("www.")) {
		return -1
	}
	return matchHostPath(line, len("www."), false, classWWWPath)
}

type linkifyParser struct{}

// NewLinkifyParser returns an InlineParser that makes links of text that looks like a URL, a
// www. address or an e-mail address.
func NewLinkifyParser() parser.InlineParser { return linkifyParser{} }

func (linkifyParser) Trigger() []byte {
	// ' ' stands for any white space and the start of a line
	return []byte{' ', '*', '_', '~', '('}
}

func (linkifyParser) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if pc.IsInLinkLabel() {
		return nil
	}
	line, segment := block.PeekLine()
	consumes := 0
	start := segment.Start
	c := line[0]
	// advance if the position is not the start of a line
	if c == ' ' || c == '*' || c == '_' || c == '~' || c == '(' {
		consumes++
		start++
		line = line[1:]
	}

	var m []int
	var protocol []byte
	typ := ast.AutoLinkURL
	if bytes.HasPrefix(line, []byte("http:")) || bytes.HasPrefix(line, []byte("https:")) || bytes.HasPrefix(line, []byte("ftp:")) {
		if end := matchURL(line); end >= 0 {
			m = []int{0, end}
		}
	}
	if m == nil && bytes.HasPrefix(line, []byte("www.")) {
		if end := matchWWW(line); end >= 0 {
			m = []int{0, end}
		}
		protocol = []byte("http")
	}
	if m == nil {
		if len(line) > 0 && util.IsPunct(line[0]) {
			return nil
		}
		typ = ast.AutoLinkEmail
		stop := util.FindEmailIndex(line)
		if stop < 0 {
			return nil
		}
		at := bytes.IndexByte(line, '@')
		m = []int{0, stop, at, stop - 1}
		if bytes.IndexByte(line[m[2]:m[3]], '.') < 0 {
			return nil
		}
		lastChar := line[m[1]-1]
		if lastChar == '.' {
			m[1]--
		}
		if m[1] < len(line) {
			nextChar := line[m[1]]
			if nextChar == '-' || nextChar == '_' {
				return nil
			}
		}
	}
	if consumes != 0 {
		s := segment.WithStop(segment.Start + 1)
		ast.MergeOrAppendTextSegment(parent, s)
	}
	opening := bytes.Count(line[:m[1]], []byte{'('})
	closing := bytes.Count(line[:m[1]], []byte{')'})
	i := m[1]
	for i > 1 {
		switch line[i-1] {
		case '?', '!', '.', ',', ':', '*', '_', '~':
			i--
		case ')':
			if closing <= opening {
				goto endfor
			}
			closing--
			i--
		case ';':
			j := i - 2
			for ; j > 0; j-- {
				if util.IsAlphaNumeric(line[j]) {
					continue
				}
				break
			}
			if j == i-2 || line[j] != '&' {
				goto endfor
			}
			i = j
		default:
			goto endfor
		}
	}
endfor:
	consumes += i
	block.Advance(consumes)
	n := ast.NewTextSegment(text.NewSegment(start, start+i))
	link := ast.NewAutoLink(typ, n)
	link.Protocol = protocol
	return link
}

func (linkifyParser) CloseBlock(parent ast.Node, pc parser.Context) {}

type linkify struct{}

// Linkify is the extension that makes links of text that looks like a URL.
var Linkify goldmark.Extender = linkify{}

func (linkify) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(NewLinkifyParser(), 999)))
}
