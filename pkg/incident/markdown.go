package incident

import (
	"strings"
)

// How links in a person's text are written into the Markdown body (log entries, Status table
// cells, the title heading): as autolinks. GitHub turns a bare https://…, www.… or name@host
// into a link anyway, so `<https://…>` renders the same, and it satisfies the linters teams
// run over their Markdown (markdownlint's MD034, no-bare-urls). In plain text, angle brackets
// are the customary way to delimit a URL (RFC 3986, appendix C); terminals still find it.
//
// InlineMarkdown is idempotent (text already written this way comes out unchanged) and leaves
// code spans, existing autolinks and Markdown link destinations alone.

// EscapeText writes typed text (one line) into the document body: links become autolinks and
// everything else is escaped with EscapeInline, so the rendered document shows what was typed
// and a link is a link (a www. link, which has no scheme, as [www.…](http://www.…)).
// UnescapeInline reads it back as typed.
func EscapeText(s string) string {
	if !mayHoldLink(s) {
		return EscapeInline(s)
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	plain := 0
	for i := 0; i < len(s); {
		start, end, link := -1, 0, ""
		switch c := s[i]; {
		case c == 'h' || c == 'H':
			if e := protocolLinkEnd(s, i); e > 0 {
				start, end, link = i, e, s[i:e]
			}
		case c == 'w' || c == 'W':
			if e := wwwLinkEnd(s, i); e > 0 {
				// No scheme: a Markdown link shows the text as typed, linked as GitHub would.
				b.WriteString(EscapeInline(s[plain:i]))
				b.WriteString("[" + EscapeInline(s[i:e]) + "](http://" + s[i:e] + ")")
				plain, i = e, e
				continue
			}
		case c == '@':
			if st, e := emailBounds(s, i); e > 0 && st >= plain {
				start, end, link = st, e, s[st:e]
			}
		}
		if end == 0 {
			i++
			continue
		}
		b.WriteString(EscapeInline(s[plain:start]))
		b.WriteString("<" + link + ">")
		plain, i = end, end
	}
	b.WriteString(EscapeInline(s[plain:]))
	return b.String()
}

// EscapeHeadingText is EscapeText for the text of an ATX heading (see EscapeHeading).
func EscapeHeadingText(s string) string {
	s = EscapeText(s)
	if strings.HasSuffix(s, "#") {
		t := strings.TrimRight(s, "#")
		s = t + "\\" + s[len(t):]
	}
	return s
}

// InlineMarkdown turns the bare links of text that is already Markdown (a rendered postmortem,
// a drill's debrief, where the text is not escaped) into autolinks, leaving code spans,
// existing autolinks and Markdown links alone. It is idempotent.
func InlineMarkdown(s string) string {
	if !mayHoldLink(s) {
		return s // most text: no copy
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	plain := 0 // start of the text not yet copied
	flush := func(end int) {
		b.WriteString(s[plain:end])
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '`':
			i = skipCodeSpan(s, i)
			continue
		case c == '<':
			if end := autolinkEnd(s, i); end > 0 {
				i = end
				continue
			}
		case c == '[':
			if end := inlineLinkEnd(s, i); end > 0 {
				i = end // a Markdown link [text](destination) is already a link
				continue
			}
		case c == 'h' || c == 'H':
			if end := protocolLinkEnd(s, i); end > 0 {
				flush(i)
				b.WriteString("<" + s[i:end] + ">")
				plain, i = end, end
				continue
			}
		case c == 'w' || c == 'W':
			if end := wwwLinkEnd(s, i); end > 0 {
				flush(i)
				b.WriteString("<http://" + s[i:end] + ">")
				plain, i = end, end
				continue
			}
		case c == '@':
			if start, end := emailBounds(s, i); end > 0 && start >= plain {
				flush(start)
				b.WriteString("<" + s[start:end] + ">")
				plain, i = end, end
				continue
			}
		}
		i++
	}
	flush(len(s))
	return b.String()
}

// mayHoldLink is a cheap test that s has something InlineMarkdown could change.
func mayHoldLink(s string) bool {
	return strings.Contains(s, "://") || strings.Contains(s, "@") || strings.Contains(s, "ww.") || strings.Contains(s, "WW.")
}

// skipCodeSpan returns the end of the code span opened by the backtick run at i, or the end of
// the run when it is never closed (then the backticks are literal).
func skipCodeSpan(s string, i int) int {
	n := 0
	for i+n < len(s) && s[i+n] == '`' {
		n++
	}
	run := s[i : i+n]
	for j := i + n; j < len(s); {
		k := strings.Index(s[j:], run)
		if k < 0 {
			break
		}
		k += j
		m := 0
		for k+m < len(s) && s[k+m] == '`' {
			m++
		}
		if m == n {
			return k + n
		}
		j = k + m
	}
	return i + n
}

// autolinkEnd returns the end of a CommonMark autolink starting at i (`<scheme:…>` or
// `<name@host>`), or 0.
func autolinkEnd(s string, i int) int {
	j := i + 1
	for j < len(s) && s[j] != '>' {
		if s[j] <= ' ' || s[j] == '<' {
			return 0
		}
		j++
	}
	if j >= len(s) || j == i+1 {
		return 0
	}
	inner := s[i+1 : j]
	if colon := strings.IndexByte(inner, ':'); colon >= 2 && colon <= 32 && mdScheme(inner[:colon]) {
		return j + 1
	}
	if at := strings.IndexByte(inner, '@'); at > 0 {
		return j + 1
	}
	return 0
}

func mdScheme(s string) bool {
	for k := 0; k < len(s); k++ {
		c := s[k]
		if !(mdLetter(c) || k > 0 && (mdDigit(c) || c == '+' || c == '.' || c == '-')) {
			return false
		}
	}
	return true
}

// inlineLinkEnd returns the end of an inline link "[text](destination)" starting at the '['
// at i, or 0. Nested brackets in the text and parentheses in the destination must balance, as
// CommonMark wants; a title after the destination is allowed.
func inlineLinkEnd(s string, i int) int {
	depth := 0
	j := i
	for ; j < len(s); j++ {
		if s[j] == '[' {
			depth++
		} else if s[j] == ']' {
			depth--
			if depth == 0 {
				break
			}
		}
	}
	if j+1 >= len(s) || s[j+1] != '(' {
		return 0
	}
	depth = 0
	for k := j + 1; k < len(s); k++ {
		switch s[k] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return k + 1
			}
		}
	}
	return 0
}

// protocolLinkEnd returns the end of a bare http:// or https:// URL at i, as GitHub's
// extended autolinks read it, or 0.
func protocolLinkEnd(s string, i int) int {
	if i > 0 && mdLetter(s[i-1]) {
		return 0 // part of a word (GFM wants no letter before the scheme)
	}
	rest := s[i:]
	var n int
	switch {
	case mdHasPrefixFold(rest, "https://"):
		n = len("https://")
	case mdHasPrefixFold(rest, "http://"):
		n = len("http://")
	default:
		return 0
	}
	end := linkTail(s, i+n)
	if end == i+n || !mdDomainStart(s[i+n]) {
		return 0
	}
	return end
}

// wwwLinkEnd returns the end of a bare www. link at i, or 0.
func wwwLinkEnd(s string, i int) int {
	if !mdHasPrefixFold(s[i:], "www.") {
		return 0
	}
	if i > 0 && !strings.ContainsRune(" \t*_~(", rune(s[i-1])) {
		return 0
	}
	end := linkTail(s, i+len("www."))
	if end == i+len("www.") || !mdDomainStart(s[i+len("www.")]) {
		return 0
	}
	return end
}

// linkTail returns where a URL that continues at i ends: at white space, '<' or '>', less
// the trailing punctuation GFM leaves out, and also ';' and quotes (what is left outside is
// plain text either way, and a reader means them as punctuation), and closing brackets
// without an opening one inside the link.
func linkTail(s string, i int) int {
	end := i
	for end < len(s) && s[end] > ' ' && s[end] != '<' && s[end] != '>' && s[end] != 0x7f {
		end++
	}
	for end > i {
		c := s[end-1]
		switch {
		case strings.IndexByte("?!.,:;*_~'\"", c) >= 0:
			end--
			continue
		case c == ')' && strings.Count(s[i:end], "(") < strings.Count(s[i:end], ")"):
			end--
			continue
		case c == ']' && strings.Count(s[i:end], "[") < strings.Count(s[i:end], "]"):
			end--
			continue
		}
		break
	}
	return end
}

// emailBounds returns the bounds of a bare e-mail address around the '@' at at, or 0, 0. The
// address must also be a valid CommonMark autolink once wrapped.
func emailBounds(s string, at int) (start, end int) {
	start = at
	for start > 0 && mdEmailLocal(s[start-1]) {
		start--
	}
	if start == at || start > 0 && (mdLetter(s[start-1]) || mdDigit(s[start-1]) || s[start-1] == '/') {
		return 0, 0
	}
	end = at + 1
	dots := 0
	for end < len(s) && (mdLetter(s[end]) || mdDigit(s[end]) || s[end] == '-' || s[end] == '.') {
		if s[end] == '.' {
			dots++
		}
		end++
	}
	for end > at+1 && (s[end-1] == '.' || s[end-1] == '-') {
		if s[end-1] == '.' {
			dots--
		}
		end--
	}
	if dots == 0 || end < len(s) && s[end] == '_' {
		return 0, 0
	}
	for _, label := range strings.Split(s[at+1:end], ".") {
		if label == "" || label[0] == '-' || label[len(label)-1] == '-' {
			return 0, 0
		}
	}
	return start, end
}

func mdEmailLocal(c byte) bool {
	return mdLetter(c) || mdDigit(c) || c == '.' || c == '+' || c == '-' || c == '_'
}

func mdDomainStart(c byte) bool {
	return mdLetter(c) || mdDigit(c) || c >= 0x80
}

func mdLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func mdDigit(c byte) bool { return c >= '0' && c <= '9' }

func mdHasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
