package incident

import (
	"crypto/rand"
	"io"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// IDs need no central counter: the UTC date of declaration (so they sort by date) and five
// random letters from Crockford's base-32 alphabet (no i, l, o, u: nothing to mishear), e.g.
// 261123-k7xqm. Two responders declaring offline in the same second collide with odds of one in
// 33 million; the short random part is what people type and say aloud.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// IDRandomLen is the length of the random part of an ID.
const IDRandomLen = 5

// NewID makes an ID for an incident declared at t.
func NewID(t time.Time) string { return newID(t, rand.Reader) }

func newID(t time.Time, random io.Reader) string {
	var buf [IDRandomLen]byte
	_, _ = io.ReadFull(random, buf[:]) // crypto/rand never fails on supported platforms
	out := []byte(t.UTC().Format("060102") + "-")
	for _, c := range buf {
		out = append(out, idAlphabet[int(c)%len(idAlphabet)])
	}
	return string(out)
}

// ValidID reports whether s has the shape of an ID.
func ValidID(s string) bool {
	date, random, ok := strings.Cut(s, "-")
	if !ok || len(date) != 6 || len(random) != IDRandomLen {
		return false
	}
	if _, err := time.Parse("060102", date); err != nil {
		return false
	}
	for _, c := range random {
		if !strings.ContainsRune(idAlphabet, c) {
			return false
		}
	}
	return true
}

// IDFromFileName returns the ID a file name starts with ("" when it starts with none).
func IDFromFileName(name string) string {
	name = path.Base(name)
	if len(name) < 12 {
		return ""
	}
	if id := name[:12]; ValidID(id) && (len(name) == 12 || name[12] == '-' || name[12] == '.') {
		return id
	}
	return ""
}

// RelPath is where an incident lives under the incidents directory: YYYY/MM/<id>-<slug>.md.
// Month folders keep every directory small, so a commit rewrites only small trees. The slug
// only ever holds letters, digits, combining marks and '-' (no '/', '\\', '.', nothing
// Windows or macOS refuse), so no title can lead the file out of its folder.
func RelPath(id, title string, declared time.Time) string {
	dir := declared.UTC().Format("2006/01")
	return dir + "/" + id + "-" + Slug(title) + ".md"
}

// Slug limits: at most SlugMaxRunes characters and SlugMaxBytes bytes of UTF-8 (a Japanese
// character takes three), so that the file name stays far below the 255 bytes Linux and macOS
// allow and a whole path below Windows' 260 characters.
const (
	SlugMaxRunes = 48
	SlugMaxBytes = 96
)

// SlugFallback is the slug of a title with no letter or digit at all (only emoji, say).
const SlugFallback = "incident"

// Slug turns a title into a file-name part a reader recognises: its words in lower case joined
// by '-', keeping the letters and digits of every script, so "決済APIが500エラーを返す（東京
// リージョン）" becomes "決済apiが500エラーを返す-東京リージョン". The title is normalised first with
// NFKC: full-width Latin letters and digits become ASCII and half-width katakana full-width,
// and the result is NFC, the form git and macOS agree on. Anything else (punctuation, symbols,
// emoji, spaces) separates words. The slug is cut at a character boundary, never between a
// letter and its combining marks; it is never empty (SlugFallback).
func Slug(title string) string {
	var b strings.Builder
	runes := 0
	dash := false
	s := strings.ToLower(norm.NFKC.String(title))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !unicode.IsLetter(r) && !unicode.IsNumber(r) {
			dash = true
			i += n
			continue
		}
		// A letter and the combining marks after it go in together or not at all.
		end := i + n
		for end < len(s) {
			m, k := utf8.DecodeRuneInString(s[end:])
			if !unicode.Is(unicode.M, m) {
				break
			}
			end += k
		}
		word := s[i:end]
		sep := dash && b.Len() > 0
		extra := len(word)
		if sep {
			extra++
		}
		if b.Len()+extra > SlugMaxBytes || runes >= SlugMaxRunes {
			break
		}
		if sep {
			b.WriteByte('-')
			runes++
		}
		b.WriteString(word)
		runes++
		dash = false
		i = end
		if runes >= SlugMaxRunes {
			break
		}
	}
	out := strings.TrimRight(b.String(), "-")
	if out == "" {
		return SlugFallback
	}
	return out
}
