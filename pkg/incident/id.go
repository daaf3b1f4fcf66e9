package incident

import (
	"crypto/rand"
	"io"
	"path"
	"strings"
	"time"
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
// only ever holds [a-z0-9-], so no title can lead the file out of its folder.
func RelPath(id, title string, declared time.Time) string {
	dir := declared.UTC().Format("2006/01")
	name := id
	if s := Slug(title); s != "" {
		name += "-" + s
	}
	return dir + "/" + name + ".md"
}

// Slug turns a title into lower-case ASCII words joined by '-', at most 48 bytes.
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			if b.Len() >= 48 {
				break
			}
		} else {
			dash = true
		}
	}
	return strings.TrimRight(b.String(), "-")
}
