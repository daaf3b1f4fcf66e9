package secret

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// The anchor prefilter (anchorsAt) and the line-break pass (splits) were rewritten for speed:
// three tables of byte masks instead of a 64 KiB table of pairs, and the end of the next line
// looked for only where a break may cut a credential. What follows is the scanner as it was
// before, kept as the reference the tests compare with: the same findings, in the same order,
// for every text.

// refAnchors is the former table: the lower-cased first two bytes of every anchor, with the
// lower-cased third bytes each list's anchors can have.
var refAnchors = sync.OnceValue(func() *refAnchorTable {
	t := new(refAnchorTable)
	for i, d := range detectors {
		for _, a := range d.anchors {
			if d.lower {
				a = strings.ToLower(a)
			}
			k := uint16(lowerASCII(a[0]))<<8 | uint16(lowerASCII(a[1]))
			if t.byPair[k] == 0 {
				t.lists = append(t.lists, nil)
				t.third = append(t.third, [4]uint64{})
				t.byPair[k] = uint8(len(t.lists))
			}
			l := t.byPair[k] - 1
			t.lists[l] = append(t.lists[l], anchorRef{a, i, d.lower})
			if len(a) == 2 {
				t.third[l] = [4]uint64{^uint64(0), ^uint64(0), ^uint64(0), ^uint64(0)}
			} else {
				c := lowerASCII(a[2])
				t.third[l][c>>6] |= 1 << (c & 63)
			}
		}
	}
	return t
})

type refAnchorTable struct {
	byPair [1 << 16]uint8
	lists  [][]anchorRef
	third  [][4]uint64
}

func refAnchorsAt(src []byte) (at [maxDetectors][]int) {
	note := func(d, i int) {
		if n := len(at[d]); n == 0 || at[d][n-1] != i {
			at[d] = append(at[d], i)
		}
	}
	if len(src) < 2 {
		return at
	}
	tab := refAnchors()
	k := uint16(lowerASCII(src[0]))
	for i := 0; i+1 < len(src); i++ {
		k = k<<8 | uint16(lowerASCII(src[i+1]))
		n := tab.byPair[k]
		if n == 0 {
			continue
		}
		if i+2 < len(src) {
			if c := lowerASCII(src[i+2]); tab.third[n-1][c>>6]&(1<<(c&63)) == 0 {
				continue
			}
		}
		for _, a := range tab.lists[n-1] {
			if a.fold && len(src)-i >= len(a.text) && equalFoldASCII(src[i:i+len(a.text)], a.text) ||
				!a.fold && bytes.HasPrefix(src[i:], []byte(a.text)) {
				note(a.detector, i)
			}
		}
	}
	return at
}

// refScanBytes is ScanBytes as it was.
func (s *Scanner) refScanBytes(src []byte) []Finding {
	hits := s.refScan(src, nil)
	if split := s.refSplits(src); len(split) > 0 {
		hits = append(hits, split...)
		slices.SortStableFunc(hits, func(a, b hit) int { return a.det - b.det })
		var kept []hit
		for _, h := range hits {
			if !slices.ContainsFunc(kept, func(k hit) bool { return h.Start < k.End && k.Start < h.End }) {
				kept = append(kept, h)
			}
		}
		hits = kept
	}
	out := make([]Finding, len(hits))
	for i, h := range hits {
		out[i] = h.Finding
	}
	slices.SortFunc(out, func(a, b Finding) int { return a.Start - b.Start })
	return out
}

func (s *Scanner) refScan(src []byte, keep func(start, end int) bool) []hit {
	var out []hit
	at := refAnchorsAt(src)
	for i := range detectors {
		d := &detectors[i]
		if len(at[i]) == 0 || d.need != 0 && bytes.IndexByte(src, d.need) < 0 {
			continue
		}
		for _, m := range s.matches(i, src, at[i]) {
			start, end := m[0], m[1]
			for g := len(m)/2 - 1; g > 0; g-- {
				if m[2*g] >= 0 {
					start, end = m[2*g], m[2*g+1]
					break
				}
			}
			cred := string(src[start:end])
			if d.check != nil && !d.check(cred) {
				continue
			}
			if keep != nil && !keep(start, end) {
				continue
			}
			if slices.ContainsFunc(out, func(h hit) bool { return start < h.End && h.Start < end }) {
				continue
			}
			if s.allowed(cred) || s.allowed(string(src[m[0]:m[1]])) {
				continue
			}
			masked := mask(d, cred)
			if d.block {
				end = blockEnd(src, end)
				cred = string(src[start:end])
			}
			out = append(out, hit{Finding{Rule: d.rule, What: d.what, Start: start, End: end, Masked: masked, Fingerprint: Fingerprint(cred)}, i})
		}
	}
	return out
}

func refContinuation(src []byte, nl int) (hs, he, le int) {
	hs = nl + 1
	for hs < len(src) && (src[hs] == ' ' || src[hs] == '\t') {
		hs++
	}
	he = hs
	for he < len(src) && tokenByte(src[he]) {
		he++
	}
	if i := bytes.IndexByte(src[hs:], '\n'); i >= 0 {
		le = hs + i
	} else {
		le = len(src)
	}
	if le > hs && src[le-1] == '\r' {
		le--
	}
	return hs, he, le
}

func (s *Scanner) refSplits(src []byte) []hit {
	var out []hit
	var joined []byte
	var segs []segment
	var joins []int
	for off := 0; off < len(src); {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			break
		}
		nl := off + i
		off = nl + 1
		tailEnd := nl
		if tailEnd > 0 && src[tailEnd-1] == '\r' {
			tailEnd--
		}
		tailStart := tailEnd
		for tailStart > 0 && tokenByte(src[tailStart-1]) {
			tailStart--
		}
		hs, he, le := refContinuation(src, nl)
		tail, head := src[tailStart:tailEnd], src[hs:he]
		if len(tail) < minSplitSide || len(head) < minSplitSide || !mixed(tail) && !mixed(head) {
			continue
		}
		ls := bytes.LastIndexByte(src[:nl], '\n') + 1
		joined = append(joined[:0], src[ls:tailEnd]...)
		segs = append(segs[:0], segment{0, ls, tailEnd - ls})
		joins = joins[:0]
		run := len(tail)
		for k := 0; ; k++ {
			joins = append(joins, len(joined))
			segs = append(segs, segment{len(joined), hs, le - hs})
			joined = append(joined, src[hs:le]...)
			run += he - hs
			if k+2 >= maxSplitLines || he != le || le >= len(src) {
				break
			}
			next := le
			if src[next] == '\r' {
				next++
			}
			if next >= len(src) || src[next] != '\n' {
				break
			}
			h2, e2, l2 := refContinuation(src, next)
			if e2-h2 < minSplitSide {
				break
			}
			hs, he, le = h2, e2, l2
		}
		if run < minSplitTotal {
			continue
		}
		crosses := func(start, end int) bool {
			for _, j := range joins {
				if start < j && j < end {
					return true
				}
			}
			return false
		}
		for _, h := range s.refScan(joined, crosses) {
			h.Start, h.End = origStart(segs, h.Start), origEnd(segs, h.End)
			if overlaps(out, h.Start, h.End) {
				continue
			}
			h.Split = true
			out = append(out, h)
		}
	}
	return out
}

// sameAsBefore fails when the scanner finds anything else in text than the former one, or
// the anchors differ.
func sameAsBefore(t *testing.T, s *Scanner, text []byte) []Finding {
	t.Helper()
	gotAt, wantAt := anchorsAt(text), refAnchorsAt(text)
	for i := range gotAt {
		if !slices.Equal(gotAt[i], wantAt[i]) {
			t.Fatalf("detector %d: anchors at %v, before %v, in\n%q", i, gotAt[i], wantAt[i], text)
		}
	}
	got, want := s.ScanBytes(text), s.refScanBytes(text)
	if !slices.Equal(got, want) {
		t.Fatalf("findings %+v, before %+v, in\n%q", got, want, text)
	}
	return got
}

// prefilterTexts: the corpus (fake credentials of every shape and their look-alikes), the
// texts of the window and near tests, each as it is, in upper and lower case, and wrapped at
// a few widths.
func prefilterTexts(t testing.TB) [][]byte {
	ar, err := txtar.ParseFile("testdata/corpus.txtar")
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, f := range ar.Files {
		texts = append(texts, string(f.Data))
	}
	texts = append(texts, secretTexts()...)
	texts = append(texts, nearTexts...)
	var out [][]byte
	for _, s := range texts {
		out = append(out, []byte(s), []byte(strings.ToUpper(s)), []byte(strings.ToLower(s)),
			[]byte("line one\n"+s+"\nlast"), []byte(strings.ReplaceAll(s, "\n", "\r\n")))
		for _, w := range []int{7, 13, 20} {
			var b strings.Builder
			for i := 0; i < len(s); i += w {
				b.WriteString(s[i:min(len(s), i+w)])
				b.WriteString("\n  ")
			}
			out = append(out, []byte(b.String()))
		}
	}
	return out
}

func TestPrefilterSameAsBefore(t *testing.T) {
	found := 0
	for _, s := range []*Scanner{Default, New(mustCompile(t, "EXAMPLE"))} {
		for _, text := range prefilterTexts(t) {
			found += len(sameAsBefore(t, s, text))
		}
	}
	if found < 200 {
		t.Fatalf("only %d findings: the texts no longer exercise the detectors", found)
	}
}

// TestPrefilterRandomText: random incident-like text with pieces of the corpus (fake
// credentials, look-alikes, anchors alone) put in at random places, broken over lines at
// random and with their case changed at random.
func TestPrefilterRandomText(t *testing.T) {
	pieces := prefilterTexts(t)
	words := strings.Fields("the checkout api returned 500s after deploy 4812 rolled back token secret key auth " +
		"bearer basic passwd pwd credential curl mysql sshpass -u -p :// @ = : is AKIA ghp_ xoxb- sk_live_ eyJ " +
		"SK SG. key- -us12 _v1_ hf_ dapi LTAI sig= AccountKey= hooks.slack.com /api/webhooks/ :AA PRIVATE KEY — → ß")
	rng := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	found := 0
	for range n {
		var b []byte
		for range rng.IntN(60) {
			switch r := rng.IntN(20); {
			case r == 0:
				p := pieces[rng.IntN(len(pieces))]
				if len(p) > 0 {
					i := rng.IntN(len(p))
					b = append(b, p[i:min(len(p), i+rng.IntN(120))]...)
				}
			case r == 1:
				b = append(b, pieces[rng.IntN(len(pieces))]...)
			case r < 4:
				b = append(b, "\n\r\t  "[rng.IntN(5)])
			default:
				w := words[rng.IntN(len(words))]
				if rng.IntN(4) == 0 {
					w = strings.ToUpper(w)
				}
				b = append(b, w...)
				b = append(b, " \n"[rng.IntN(2)])
			}
		}
		found += len(sameAsBefore(t, Default, b))
	}
	if found < n/10 {
		t.Fatalf("only %d findings in %d texts", found, n)
	}
}

// FuzzPrefilter: the same anchors and findings as the former scanner, for any text.
func FuzzPrefilter(f *testing.F) {
	for _, text := range prefilterTexts(f) {
		f.Add(text)
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		sameAsBefore(t, Default, text)
	})
}

// TestTokenByte: the masks hold exactly the credential characters, for every byte.
func TestTokenByte(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		want := b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' ||
			b == '+' || b == '/' || b == '=' || b == '_' || b == '-' || b == '.'
		if got := tokenByte(b); got != want {
			t.Errorf("tokenByte(%#x) = %v, want %v", c, got, want)
		}
	}
}
