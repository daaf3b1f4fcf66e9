// Package secret finds credentials in text: cloud keys, GitHub/GitLab/Slack and other service
// tokens, private keys, passwords in URLs and on command lines, JWTs, and random-looking values
// after words like token, secret or password. Incident documents get pasted logs, every clone
// keeps every version, and chat messages leave the repository: whatever writes text that others
// will see asks this package first.
//
// The API is small on purpose:
//
//	secret.Scan(text)   the findings, with rule, span and a masked form, in text order
//	secret.Redact(text) text with every finding replaced by its masked form
//	secret.New(allow)   a Scanner that also accepts what the allow-list matches
//	                    (lint.allow in .incidentctl.yaml)
//
// A Finding never holds the credential itself: Masked shows enough to find it (a known prefix
// such as ghp_ and the length), never enough to use it.
//
// Cost: each detector runs its regular expression only when one of its literal anchors occurs,
// and then only over the lines around the anchors; clean text costs one pass over its bytes.
package secret

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// Finding is one suspected credential.
type Finding struct {
	Rule string `json:"rule"` // the detector's ID, e.g. "github-token" (see Rules)
	What string `json:"what"` // what it looks like, for messages: "a GitHub token"
	// Start and End are the credential's byte offsets in the text scanned. For a private key
	// the span runs from the BEGIN line to the END line, so that Redact removes the whole block.
	Start int `json:"start"`
	End   int `json:"end"`
	// Masked shows enough to find the credential, never enough to use it: "ghp_…, 40 characters".
	Masked string `json:"masked"`
	// Split: the credential was broken over two or more lines (a wrapped paste).
	Split bool `json:"split,omitempty"`
	// Fingerprint identifies the credential without revealing it: the first 12 hex digits of
	// its SHA-256. A human decision to keep a suspected secret is recorded by fingerprint.
	Fingerprint string `json:"fingerprint"`
}

// Scanner finds credentials, accepting the built-in examples and what its allow-list matches.
// It is safe for concurrent use.
type Scanner struct {
	allow []*regexp.Regexp
	whole bool // run each expression over the whole text, without windows (tests)
}

// New returns a scanner that also accepts any credential (or the whole text matched around it)
// that one of the allow expressions matches.
func New(allow []*regexp.Regexp) *Scanner { return &Scanner{allow: allow} }

// Default is the scanner with the built-in detectors and no allow-list.
var Default = New(nil)

// Scan reports the credentials in text, in text order, with the built-in detectors.
func Scan(text string) []Finding { return Default.Scan(text) }

// Redact returns text with every credential Scan finds replaced by its masked form, e.g.
// "token: [redacted: …, 32 characters]". Text without credentials comes back as it is.
func Redact(text string) string { return Default.Redact(text) }

// Contains reports whether Scan finds anything in text.
func Contains(text string) bool { return len(Scan(text)) > 0 }

// Scan reports the credentials in text, in text order.
func (s *Scanner) Scan(text string) []Finding { return s.ScanBytes([]byte(text)) }

// Redact returns text with every credential the scanner finds replaced by its masked form.
func (s *Scanner) Redact(text string) string { return Mask(text, s.Scan(text)) }

// Mask replaces the spans of findings (from a scan of text) with their masked forms.
func Mask(text string, fs []Finding) string {
	if len(fs) == 0 {
		return text
	}
	var b strings.Builder
	pos := 0
	for _, f := range fs {
		if f.Start < pos || f.End > len(text) {
			continue
		}
		b.WriteString(text[pos:f.Start])
		b.WriteString("[redacted: " + f.Masked + "]")
		pos = f.End
	}
	b.WriteString(text[pos:])
	return b.String()
}

// ScanBytes is Scan for a byte slice (a whole document, say); offsets are into src.
func (s *Scanner) ScanBytes(src []byte) []Finding {
	hits := s.scan(src, nil)
	if split := s.splits(src); len(split) > 0 {
		// The most specific detector claims the text, whether it saw the credential whole or
		// across a line break.
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

// hit is a finding and the detector that made it (its index: lower is more specific).
type hit struct {
	Finding
	det int
}

// scan runs every detector over src, the most specific first; the first one that matches a
// stretch of text claims it. keep, when set, says which matches to consider at all.
func (s *Scanner) scan(src []byte, keep func(start, end int) bool) []hit {
	var out []hit
	at := anchorsAt(src)
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

func (s *Scanner) allowed(text string) bool {
	if slices.Contains(builtinAllowed, text) {
		return true
	}
	for _, re := range s.allow {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

// Fingerprint identifies a credential without revealing it: the first 12 hex digits of its
// SHA-256.
func Fingerprint(credential string) string {
	sum := sha256.Sum256([]byte(credential))
	return hex.EncodeToString(sum[:6])
}

// mask shows a credential's known prefix (ghp_, AKIA, xoxb-, ...) and its length; for a
// private key, its header without the dashes (which would be a finding again).
func mask(d *detector, cred string) string {
	if d.block {
		return strings.Trim(cred, "-") + "…"
	}
	prefix := ""
	if !d.lower {
		for _, a := range d.anchors {
			if strings.HasPrefix(cred, a) && len(a) > len(prefix) {
				prefix = a
			}
		}
		if d.rule == "slack-token" && len(cred) > 5 {
			prefix = cred[:5] // xoxb- says which kind
		}
	}
	return fmt.Sprintf("%s…, %d characters", prefix, utf8.RuneCountInString(cred))
}

// blockEnd returns where the PEM block whose header ends at end closes: after its
// "-----END ...-----" line, else after the base64 lines that follow the header.
func blockEnd(src []byte, end int) int {
	rest := src[end:min(len(src), end+64<<10)]
	if i := bytes.Index(rest, []byte("-----END")); i >= 0 {
		if j := bytes.Index(rest[i+8:], []byte("-----")); j >= 0 && !bytes.Contains(rest[:i], []byte("-----BEGIN")) {
			return end + i + 8 + j + 5
		}
	}
	pos := lineEnd(src, end)
	last := end
	for pos < len(src) {
		next := lineEnd(src, pos)
		line := bytes.TrimSpace(src[pos:next])
		if len(line) < 16 || !base64Line(line) {
			break
		}
		last = pos + bytes.Index(src[pos:next], line) + len(line)
		pos = next
	}
	return last
}

func base64Line(line []byte) bool {
	for _, c := range line {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=') {
			return false
		}
	}
	return true
}

// A person who decides that a suspected secret may stay (a write command's --allow-secret) is
// recorded in the document's log, one entry per credential, by fingerprint; from then on lint
// accepts that credential in that document. AllowedEntry writes the entry, AllowedFingerprints
// reads them back.

// AllowedPrefix starts such a log entry.
const AllowedPrefix = "secret allowed (--allow-secret):"

// AllowedEntry is the log text recording that a person kept the credential of f.
func AllowedEntry(f Finding) string {
	return fmt.Sprintf("%s %s (%s), fingerprint %s", AllowedPrefix, f.What, f.Masked, f.Fingerprint)
}

var allowedFingerprintRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`fingerprint ([0-9a-f]{12})\b`) })

// AllowedFingerprints returns the fingerprints that the log texts allow (nil for none).
func AllowedFingerprints(texts []string) map[string]bool {
	var out map[string]bool
	for _, t := range texts {
		if !strings.HasPrefix(t, AllowedPrefix) {
			continue
		}
		for _, m := range allowedFingerprintRE().FindAllStringSubmatch(t, -1) {
			if out == nil {
				out = map[string]bool{}
			}
			out[m[1]] = true
		}
	}
	return out
}
