package lint

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// Incident documents get pasted logs, and every clone keeps every version: a credential that
// reaches the default branch has spread. The secret rule is the last gate before that.
//
// Each detector runs its regular expression only when one of its literal anchors occurs in the
// document; one pass over the bytes finds the anchors, so a clean document costs microseconds.
// Even then it runs only over the lines around the anchors (see windows): Go's regular
// expressions cost about a microsecond per byte here, and a word like "auth" in a service name
// would otherwise cost milliseconds per document.

type detector struct {
	what    string         // what it looks like, for the message
	anchors []string       // one of these must occur (ignoring ASCII case when lower)
	need    byte           // and this byte too, when set
	lower   bool           //
	re      *regexp.Regexp // the credential is the last submatch that matched, else the whole match
	check   func(secret string) bool
	// reach is how many non-blank lines after its first a match can extend to, through \s
	// (blank lines in between do not count). A match starts on a line holding an anchor.
	reach int
}

var detectors = []detector{
	{what: "a private key", anchors: []string{"PRIVATE KEY-----"},
		re: regexp.MustCompile(`-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----`)},
	{what: "an AWS access key ID", anchors: []string{"AKIA", "ASIA", "ABIA", "ACCA"},
		re: regexp.MustCompile(`\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b`)},
	{what: "a Google Cloud API key", anchors: []string{"AIza"},
		re: regexp.MustCompile(`\bAIza[0-9A-Za-z_\-]{35}`)},
	{what: "an Azure storage account key", anchors: []string{"AccountKey="},
		re: regexp.MustCompile(`AccountKey=([A-Za-z0-9+/]{86}==)`)},
	{what: "a GitHub token", anchors: []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"},
		re: regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,255})\b`)},
	{what: "a GitLab token", anchors: []string{"glpat-", "gldt-", "glptt-", "glrt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-", "glagent-", "GR1348941"},
		re: regexp.MustCompile(`\b(?:(?:glpat|gldt|glptt|glrt|glcbt|gloas|glsoat|glft|glimt|glagent)-|GR1348941)[0-9A-Za-z_\-]{20,}`)},
	{what: "a Slack token", anchors: []string{"xox", "xapp-"},
		re: regexp.MustCompile(`\b(?:xox[abposre]-[0-9A-Za-z\-]{10,}|xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+)`)},
	{what: "a Slack webhook URL", anchors: []string{"hooks.slack.com"},
		re: regexp.MustCompile(`https://hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_\-]{20,})`)},
	{what: "a Stripe secret key", anchors: []string{"k_live_"},
		re: regexp.MustCompile(`\b[rs]k_live_[0-9A-Za-z]{20,}`)},
	{what: "an npm token", anchors: []string{"npm_"},
		re: regexp.MustCompile(`\bnpm_[A-Za-z0-9]{36}\b`)},
	{what: "an AI provider API key", anchors: []string{"sk-ant-", "sk-proj-"},
		re: regexp.MustCompile(`\bsk-(?:ant|proj)-[A-Za-z0-9_\-]{20,}`)},
	{what: "a JSON Web Token", anchors: []string{"eyJ"},
		re: regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{16,}`)},
	{what: "a password in a URL", anchors: []string{"://"}, need: '@',
		re:    regexp.MustCompile(`\b[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/?#@"'<>\[\]]+:([^\s/?#@"'<>\[\]]+)@[^\s/?#@"'<>\[\]]`),
		check: func(s string) bool { return !placeholder(s) }},
	{what: "a credential in an Authorization header (Bearer or Basic)", anchors: []string{"bearer", "basic"}, lower: true,
		re:    regexp.MustCompile(`(?i)\b(?:bearer|basic)\s+([A-Za-z0-9\-._~+/]{16,}=*)`),
		check: randomLooking, reach: 1}, // the credential may be on the next line
	{what: "a credential (a random-looking value after token, secret, password or key)", lower: true,
		anchors: []string{"token", "secret", "passw", "pwd", "key", "credential", "auth"},
		re:      regexp.MustCompile(`(?i)(?:token|secret|passw(?:or)?d|pwd|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|auth)[a-z0-9_\-]*["']?\s*(?:[:=]|=>|\bis\b)\s*["']?([^\s"'` + "`" + `,;<>()\[\]{}|]{12,})`),
		check:   randomLooking, reach: 2}, // "key" / ":" / "value" may sit on three lines
}

// Examples from AWS's documentation: they appear in runbooks and are not secrets.
var builtinAllowed = []string{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

type secretScanner struct {
	policy *Policy
	whole  bool // run each expression over the whole text, as before windows (for tests)
}

// anchors maps the first two bytes of every anchor, lower-cased, to the anchors starting with
// them: one table lookup per byte finds them all in one pass. An exact anchor can only start
// where the lower-cased pair is its own lower-cased pair, so one table serves both kinds.
var anchors = func() (t struct {
	byPair [1 << 16]uint8 // 1 + index into lists; 0 for none
	lists  [][]anchorRef
}) {
	for i, d := range detectors {
		for _, a := range d.anchors {
			if d.lower {
				a = strings.ToLower(a)
			}
			k := uint16(lowerASCII(a[0]))<<8 | uint16(lowerASCII(a[1]))
			if t.byPair[k] == 0 {
				t.lists = append(t.lists, nil)
				t.byPair[k] = uint8(len(t.lists))
			}
			t.lists[t.byPair[k]-1] = append(t.lists[t.byPair[k]-1], anchorRef{a, i, d.lower})
		}
	}
	if len(detectors) > 64 || len(t.lists) > 255 {
		panic("lint: too many secret detectors or anchors for the tables")
	}
	return t
}()

type anchorRef struct {
	text     string
	detector int
	fold     bool // ignoring ASCII case (text is lower case)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// anchorsAt returns, per detector, the offsets where one of its anchors starts in src, in order
// (an offset once when several of its anchors start there).
func anchorsAt(src []byte) (at [64][]int) {
	note := func(d, i int) {
		if n := len(at[d]); n == 0 || at[d][n-1] != i {
			at[d] = append(at[d], i)
		}
	}
	for i := 0; i+1 < len(src); i++ {
		n := anchors.byPair[uint16(lowerASCII(src[i]))<<8|uint16(lowerASCII(src[i+1]))]
		if n == 0 {
			continue
		}
		for _, a := range anchors.lists[n-1] {
			if a.fold && len(src)-i >= len(a.text) && equalFoldASCII(src[i:i+len(a.text)], a.text) ||
				!a.fold && bytes.HasPrefix(src[i:], []byte(a.text)) {
				note(a.detector, i)
			}
		}
	}
	return at
}

func equalFoldASCII(b []byte, lower string) bool {
	for i := range b {
		if lowerASCII(b[i]) != lower[i] {
			return false
		}
	}
	return true
}

// scan reports each credential once: the first detector (the most specific) that matches a
// stretch of text claims it.
func (s *secretScanner) scan(f *finder, src []byte) {
	var claimed [][2]int
	var lines []int
	at := anchorsAt(src)
	for i, d := range detectors {
		if len(at[i]) == 0 || d.need != 0 && bytes.IndexByte(src, d.need) < 0 {
			continue
		}
		for _, m := range s.matches(&d, src, at[i]) {
			start, end := m[0], m[1]
			for g := len(m)/2 - 1; g > 0; g-- {
				if m[2*g] >= 0 {
					start, end = m[2*g], m[2*g+1]
					break
				}
			}
			secret := string(src[start:end])
			if d.check != nil && !d.check(secret) {
				continue
			}
			if slices.ContainsFunc(claimed, func(r [2]int) bool { return start < r[1] && r[0] < end }) {
				continue
			}
			if slices.Contains(builtinAllowed, secret) || s.policy.allowed(secret) || s.policy.allowed(string(src[m[0]:m[1]])) {
				continue
			}
			claimed = append(claimed, [2]int{start, end})
			if lines == nil {
				lines = lineStarts(src)
			}
			line, col := lineCol(lines, start)
			f.add(line, col, RuleSecret, fmt.Sprintf("this looks like %s (%s): remove it, and revoke or rotate the credential, since every clone keeps the history; if it is not a secret, add a regular expression matching it to lint.allow in .incidentctl.yaml",
				d.what, redact(secret)))
		}
	}
}

// matches returns what FindAllSubmatchIndex returns over the whole of src, running the
// expression only over the windows that can hold a match. This gives the same matches: every
// match starts on a line with one of the detector's anchors and ends within its window; each
// window starts at a line start, where \b sees the same non-word '\n' before it as at the
// start of a text, and ends after a '\n' (or at the end of src), which no match ends with; so
// a match found in a window is found in the whole text and the other way round, in order.
// TestSecretWindows and FuzzSecretWindows compare the two.
func (s *secretScanner) matches(d *detector, src []byte, anchorsAt []int) [][]int {
	if s.whole {
		return d.re.FindAllSubmatchIndex(src, -1)
	}
	var out [][]int
	for _, w := range d.windows(src, anchorsAt) {
		for _, m := range d.re.FindAllSubmatchIndex(src[w[0]:w[1]], -1) {
			for i := range m {
				if m[i] >= 0 {
					m[i] += w[0]
				}
			}
			out = append(out, m)
		}
	}
	return out
}

// windows returns, in order and merged where they overlap or touch, the stretches of src from
// the start of each line holding one of d's anchors (at their offsets, in order) to the end of
// that line, or of the d.reach-th non-blank line after it.
func (d *detector) windows(src []byte, anchorsAt []int) [][2]int {
	var ws [][2]int
	for _, at := range anchorsAt {
		if n := len(ws); n > 0 && at < ws[n-1][1] && d.reach == 0 {
			continue // on a line already in the last window, which it would only repeat
		}
		start := bytes.LastIndexByte(src[:at], '\n') + 1
		end := lineEnd(src, at)
		for n := 0; n < d.reach && end < len(src); {
			next := lineEnd(src, end)
			if !blank(src[end:next]) {
				n++
			}
			end = next
		}
		if n := len(ws); n > 0 && start <= ws[n-1][1] {
			ws[n-1][1] = max(ws[n-1][1], end)
			continue
		}
		ws = append(ws, [2]int{start, end})
	}
	return ws
}

// lineEnd returns the offset just after the '\n' ending the line holding off (or len(src)).
func lineEnd(src []byte, off int) int {
	if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
		return off + i + 1
	}
	return len(src)
}

// blank reports whether a line holds only what \s matches (space, \t, \n, \f, \r).
func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\n' && c != '\f' && c != '\r' {
			return false
		}
	}
	return true
}

// contains reports whether text holds something the secret rule would report.
func (s *secretScanner) contains(text string) bool {
	f := &finder{}
	s.scan(f, []byte(text))
	return len(f.out) > 0
}

// redact shows enough of a credential to find it, never enough to use it.
func redact(s string) string {
	if strings.HasPrefix(s, "-----BEGIN") {
		return s
	}
	n := utf8.RuneCountInString(s)
	keep := min(4, n/4)
	return fmt.Sprintf("%s…, %d characters", string([]rune(s)[:keep]), n)
}

// randomLooking tells a credential from a word: long enough, letters and digits mixed, and
// varied (Shannon entropy of at least 3 bits per character). Links are not credentials.
func randomLooking(s string) bool {
	s = strings.TrimRight(s, ".")
	if len(s) < 12 || strings.Contains(s, "://") || placeholder(s) {
		return false
	}
	var letter, digit bool
	counts := map[rune]int{}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letter = true
		}
		counts[r]++
	}
	if !letter || !digit {
		return false
	}
	n := float64(utf8.RuneCountInString(s))
	h := 0.0
	for _, c := range counts {
		p := float64(c) / n
		h -= p * math.Log2(p)
	}
	return h >= 3
}

// placeholder recognises what documentation writes instead of a credential.
func placeholder(s string) bool {
	t := strings.ToLower(strings.Trim(s, "\"'"))
	if t == "" || strings.Trim(t, "*x.•-_") == "" {
		return true
	}
	switch t[0] {
	case '$', '<', '{', '%', '[':
		return true
	}
	if strings.Contains(t, "redacted") || strings.Contains(t, "masked") {
		return true
	}
	return slices.Contains([]string{"password", "passwd", "secret", "changeme", "example", "placeholder", "hidden"}, t)
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, c := range src {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineCol turns a byte offset into a 1-based line and byte column.
func lineCol(starts []int, off int) (int, int) {
	i, _ := slices.BinarySearch(starts, off+1)
	return i, off - starts[i-1] + 1
}
