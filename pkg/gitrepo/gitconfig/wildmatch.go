package gitconfig

import (
	"strings"
	"unicode/utf8"
)

// wildmatch matches text against a glob pattern with git's WM_PATHNAME rules,
// as includeIf uses them:
//   - "*" matches anything except "/", "?" one character except "/";
//   - "[...]" a character class ("!" or "^" negates, "a-z" ranges);
//   - "**" matches anything including "/"; "**/" at the start of the pattern
//     or after "/" also matches zero directories ("a/**/b" matches "a/b");
//   - "\" escapes the next character.
//
// icase folds case (gitdir/i:).
func wildmatch(pattern, text string, icase bool) bool {
	if icase {
		pattern, text = strings.ToLower(pattern), strings.ToLower(text)
	}
	return wmatch(pattern, text, true)
}

// wmatch matches p against t; atSegment tells whether p starts right after a
// "/" (or at the beginning), where "**/" may match zero directories.
func wmatch(p, t string, atSegment bool) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			stars := 0
			for stars < len(p) && p[stars] == '*' {
				stars++
			}
			rest := p[stars:]
			if stars >= 2 && atSegment && (rest == "" || rest[0] == '/') {
				if rest == "" {
					return true // trailing "**": everything
				}
				// "**/": zero or more whole directories.
				rest = rest[1:]
				if wmatch(rest, t, true) {
					return true
				}
				for i := 0; i < len(t); i++ {
					if t[i] == '/' && wmatch(rest, t[i+1:], true) {
						return true
					}
				}
				return false
			}
			if stars >= 2 {
				// "**" not delimited by slashes acts like "*" crossing "/".
				for i := 0; i <= len(t); i++ {
					if wmatch(rest, t[i:], false) {
						return true
					}
				}
				return false
			}
			for i := 0; i <= len(t); i++ {
				if wmatch(rest, t[i:], false) {
					return true
				}
				if i < len(t) && t[i] == '/' {
					return false
				}
			}
			return false
		case '?':
			if t == "" || t[0] == '/' {
				return false
			}
			_, n := utf8.DecodeRuneInString(t)
			p, t, atSegment = p[1:], t[n:], false
		case '[':
			if t == "" || t[0] == '/' {
				return false
			}
			r, n := utf8.DecodeRuneInString(t)
			ok, plen, valid := matchClass(p, r)
			if !valid {
				// An unterminated "[" is a literal.
				if t[0] != '[' {
					return false
				}
				p, t, atSegment = p[1:], t[1:], false
				break
			}
			if !ok {
				return false
			}
			p, t, atSegment = p[plen:], t[n:], false
		case '\\':
			if len(p) > 1 {
				p = p[1:]
			}
			fallthrough
		default:
			if t == "" || t[0] != p[0] {
				return false
			}
			// Only the position right after a literal "/" starts a segment.
			atSegment = p[0] == '/'
			p, t = p[1:], t[1:]
		}
	}
	return t == ""
}

// matchClass matches r against the class at the start of p ("[...]").
// It returns whether r matched, the length of the class in p, and whether p
// holds a complete class at all.
func matchClass(p string, r rune) (matched bool, length int, valid bool) {
	i := 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(p) {
		if p[i] == ']' && !first {
			return matched != negate, i + 1, true
		}
		first = false
		lo, n := utf8.DecodeRuneInString(p[i:])
		if lo == '\\' && i+1 < len(p) {
			i++
			lo, n = utf8.DecodeRuneInString(p[i:])
		}
		i += n
		hi := lo
		if i+1 < len(p) && p[i] == '-' && p[i+1] != ']' {
			hi, n = utf8.DecodeRuneInString(p[i+1:])
			i += 1 + n
		}
		if lo <= r && r <= hi {
			matched = true
		}
	}
	return false, 0, false
}
