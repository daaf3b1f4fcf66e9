package secret

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// Fake credentials, built at run time so that this file itself trips no scanner.
func fake(prefix string, n int, alphabet string) string {
	var b strings.Builder
	b.WriteString(prefix)
	for i := range n {
		b.WriteByte(alphabet[(i*7+3)%len(alphabet)])
	}
	return b.String()
}

const (
	upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	alnum       = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	hexDigits   = "0123456789abcdef"
)

func TestScan(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0." + fake("", 43, alnum)
	tests := []struct {
		name, line string
		rule       string // "" for none
	}{
		{"AWS access key", "found key " + fake("AKIA", 16, upperDigits) + " in the env dump", "aws-access-key-id"},
		{"AWS example key from the docs", "e.g. AKIA" + "IOSFODNN7EXAMPLE", ""},
		{"AWS secret after its name", "aws_secret_access_key = " + fake("", 40, alnum+"/+"), "credential"},
		{"Google API key", "key=" + fake("AIza", 35, alnum), "gcp-api-key"},
		{"GitHub classic token", "used " + fake("ghp_", 36, alnum), "github-token"},
		{"GitHub fine-grained token", fake("github_pat_", 82, alnum+"_"), "github-token"},
		{"GitLab token", "GITLAB_TOKEN " + fake("glpat-", 20, alnum), "gitlab-token"},
		{"Slack bot token", fake("xoxb-", 40, "0123456789-abcdef"), "slack-token"},
		{"Slack webhook", "https://hooks.slack.com/services/T000/B000/" + fake("", 24, alnum), "slack-webhook"},
		{"private key", "-----BEGIN OPENSSH PRIVATE KEY-----", "private-key"},
		{"PGP private key block", "-----BEGIN PGP PRIVATE KEY BLOCK-----", "private-key"},
		{"public key", "-----BEGIN PUBLIC KEY-----", ""},
		{"password in a URL", "postgres://app:" + fake("", 14, alnum) + "@db.internal:5432/app", "url-password"},
		{"masked password in a URL", "postgres://app:****@db.internal:5432/app", ""},
		{"variable in a URL", "postgres://app:${DB_PASSWORD}@db.internal/app", ""},
		{"URL without password", "https://alice@example.com/x and https://example.com/a:b@c", ""},
		{"JWT", "Authorization header had " + jwt, "jwt"},
		{"bearer token", "curl -H 'Authorization: Bearer " + fake("", 32, alnum) + "'", "authorization-header"},
		{"token after keyword", "api token: " + fake("", 32, hexDigits), "credential"},
		{"password after keyword", `"password": "` + fake("", 16, alnum+"!#") + `"`, "credential"},
		{"word after keyword", "token: refreshed-for-all-users", ""},
		{"words and a version after keyword", "auth: oauth2-proxy-v7.4.0", ""},
		{"short value", "secret: abc123", ""},
		{"link after keyword", "token_url: https://auth.example.com/oauth2/token", ""},
		{"git commit hash", "deployed commit 3b18e512dba79e4c8300dd08aeb37f8e728b8dad", ""},
		{"log entry prose", "rotated the deploy token and the GitHub secret", ""},
		{"Stripe live key", fake("sk_live_", 24, alnum), "stripe-key"},
		{"npm token", fake("npm_", 36, alnum), "npm-token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "line one\n" + tt.line + "\n"
			fs := Scan(text)
			if tt.rule == "" {
				if len(fs) > 0 {
					t.Fatalf("found %+v, want nothing", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Rule != tt.rule {
				t.Fatalf("found %+v, want one %s", fs, tt.rule)
			}
			f := fs[0]
			if f.Start < len("line one\n") || f.End > len(text)-1 || f.Start >= f.End {
				t.Errorf("span %d..%d is not on the second line", f.Start, f.End)
			}
			if cred := text[f.Start:f.End]; len(cred) > 8 && strings.Contains(f.Masked, cred[len(cred)/2:]) {
				t.Errorf("the masked form %q repeats the credential", f.Masked)
			}
			if f.Fingerprint != Fingerprint(text[f.Start:f.End]) || len(f.Fingerprint) != 12 {
				t.Errorf("fingerprint %q", f.Fingerprint)
			}
			if red := Redact(text); Contains(red) || !strings.Contains(red, "[redacted: ") {
				t.Errorf("Redact left a credential or no mark: %q", red)
			}
		})
	}
}

func TestAllowList(t *testing.T) {
	key := fake("AKIA", 16, upperDigits)
	text := "env: AWS_ACCESS_KEY_ID=" + key + "\n"
	if fs := Scan(text); len(fs) != 1 || text[fs[0].Start:fs[0].End] != key {
		t.Fatalf("findings %+v", fs)
	}
	s := New(mustCompile(t, "^AKIA"+key[4:8]))
	if fs := s.Scan(text); len(fs) != 0 {
		t.Fatalf("the allow-list did not apply: %+v", fs)
	}
}

func TestPrivateKeyBlockIsRedactedWhole(t *testing.T) {
	text := "before\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + strings.Repeat("0", 40) + "\n" + fake("", 64, alnum) + "\n-----END RSA PRIVATE KEY-----\nafter\n"
	fs := Scan(text)
	if len(fs) != 1 || fs[0].Masked != "BEGIN RSA PRIVATE KEY…" {
		t.Fatalf("findings %+v", fs)
	}
	if got := Redact(text); got != "before\n[redacted: BEGIN RSA PRIVATE KEY…]\nafter\n" {
		t.Fatalf("Redact = %q", got)
	}
	// Without an END line, the base64 lines after the header go with it.
	text = "-----BEGIN PRIVATE KEY-----\n" + fake("", 64, alnum) + "\n" + fake("", 40, alnum) + "\nnot base64 here\n"
	if got := Redact(text); got != "[redacted: BEGIN PRIVATE KEY…]\nnot base64 here\n" {
		t.Fatalf("Redact = %q", got)
	}
}

func TestSplit(t *testing.T) {
	key := fake("AKIA", 16, upperDigits)
	for _, cut := range []int{3, 4, 10, 17} {
		text := "- 2026-11-23T10:41:00+09:00 [bob] AWS_ACCESS_KEY_ID=" + key[:cut] + "\n  " + key[cut:] + " (wrapped)\n"
		fs := Scan(text)
		if len(fs) != 1 || fs[0].Rule != "aws-access-key-id" || !fs[0].Split || fs[0].Fingerprint != Fingerprint(key) {
			t.Fatalf("cut at %d: findings %+v", cut, fs)
		}
		if text[fs[0].Start:fs[0].Start+cut] != key[:cut] || !strings.HasSuffix(text[:fs[0].End], key[cut:]) {
			t.Errorf("cut at %d: span %q", cut, text[fs[0].Start:fs[0].End])
		}
		if Contains(Redact(text)) {
			t.Errorf("cut at %d: Redact left it: %q", cut, Redact(text))
		}
	}
	// Wrapped over several lines, CRLF line ends.
	tok := fake("ghp_", 36, alnum)
	text := "token " + tok[:12] + "\r\n" + tok[12:24] + "\r\n" + tok[24:] + "\r\n"
	if fs := Scan(text); len(fs) != 1 || fs[0].Rule != "github-token" || fs[0].Fingerprint != Fingerprint(tok) {
		t.Fatalf("findings %+v", fs)
	}
	// Prose broken over lines is not a credential.
	if fs := Scan("error rate on checkout-api2026\nINCIDENTS dashboard\nSEV2 Declared\n"); len(fs) != 0 {
		t.Fatalf("findings %+v", fs)
	}
}

func TestRandomLooking(t *testing.T) {
	for s, want := range map[string]bool{
		"3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c": true,
		"correct-horse-battery-staple":     false, // no digit: a phrase
		"aaaaaaaaaaaa1111":                 false,
		"2026-11-23T10:02:00+09:00":        false,
		"REDACTED-1234567890ab":            false,
	} {
		if got := randomLooking(s); got != want {
			t.Errorf("randomLooking(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestRules(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules() {
		if r.ID == "" || r.What == "" || seen[r.ID] {
			t.Errorf("rule %+v: empty or repeated", r)
		}
		seen[r.ID] = true
	}
}

// secretTexts are texts whose credentials sit where windows could cut them: across lines,
// several anchors per line and per window, at the start and the end of the text.
func secretTexts() []string {
	hex := fake("", 32, hexDigits)
	mixed := fake("", 24, alnum)
	return []string{
		"token\n:\n" + hex + "\n",
		"token\n\n \t\n:\r\n\n   " + hex,
		"password =\n\n\n" + hex + " and secret: " + mixed + "\nkey: " + hex,
		"Authorization: Bearer\n\n" + mixed + "\n",
		"basic\n" + mixed,
		"auth-gateway auth auth\ntoken: \n" + hex + "\nauth\n",
		"key\nkey\nkey\nkey: " + hex + "\nkey",
		hex + " token: " + hex + " secret=" + mixed,
		"\ufeffapi_key=" + hex,
		"postgres://app:" + mixed + "@db.internal:5432/app\nhttps://x@y",
		"x\v token:\v" + hex,
		"eyJ" + mixed + ".eyJ" + mixed + "." + mixed,
		fake("AKIA", 16, upperDigits) + "\n" + fake("ghp_", 36, alnum),
		"curl -s -u admin:" + mixed + " https://x\nmysql -u root -p" + mixed,
		"no credentials at all\n",
	}
}

// scanBoth scans text with windows and over the whole text, and fails when they disagree.
func scanBoth(t *testing.T, text []byte) []Finding {
	t.Helper()
	win := &Scanner{}
	whole := &Scanner{whole: true}
	a, b := win.ScanBytes(text), whole.ScanBytes(text)
	if !slices.Equal(a, b) {
		t.Fatalf("windows find %v, the whole text %v, in\n%q", a, b, text)
	}
	got := anchorsAt(text)
	for i, d := range detectors {
		if want := naiveAnchors(text, d); !slices.Equal(got[i], want) {
			t.Fatalf("detector %d (%s): anchors at %v, want %v, in\n%q", i, d.rule, got[i], want, text)
		}
	}
	return a
}

// naiveAnchors is anchorsAt for one detector, without the table.
func naiveAnchors(text []byte, d detector) []int {
	var out []int
	for i := range text {
		for _, a := range d.anchors {
			rest := text[i:]
			if d.lower && len(rest) >= len(a) && bytes.EqualFold(rest[:len(a)], []byte(a)) && isASCII(rest[:len(a)]) ||
				!d.lower && bytes.HasPrefix(rest, []byte(a)) {
				out = append(out, i)
				break
			}
		}
	}
	return out
}

func isASCII(s []byte) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// TestWindows: scanning only around the anchors finds what scanning everything finds.
func TestWindows(t *testing.T) {
	found := 0
	for _, text := range secretTexts() {
		found += len(scanBoth(t, []byte(text)))
		found += len(scanBoth(t, []byte("line one\n"+text+"\nlast")))
	}
	if found < 20 {
		t.Fatalf("only %d findings: the texts no longer exercise the detectors", found)
	}
}

// FuzzWindows: the same credentials scanning around the anchors as scanning the whole text,
// and Redact leaves nothing Scan finds.
func FuzzWindows(f *testing.F) {
	for _, text := range append(secretTexts(), nearTexts...) {
		f.Add([]byte(text))
	}
	f.Fuzz(func(t *testing.T, text []byte) {
		fs := scanBoth(t, text)
		for i, x := range fs {
			if x.Start < 0 || x.End > len(text) || x.Start >= x.End || i > 0 && x.Start < fs[i-1].End {
				t.Fatalf("bad span %+v in %q", x, text)
			}
		}
	})
}

// nearTexts are where the near tests of the detectors could go wrong: "is" after a dash or a
// quote, the value lines away, keys glued to hex, case, text that is not ASCII.
var nearTexts = []string{
	"auth-gateway is down", "token-is Zq8mT3vR9kLw2XyP", "token-IS Zq8mT3vR9kLw2XyP", "my_token_is: Zq8mT3vR9kLw2XyP",
	"password'is Zq8mT3vR9kLw2XyP", "api-key\n\n  :\n\"Zq8mT3vR9kLw2XyP\"", "SECRET =>Zq8mT3vR9kLw2XyP", "Auth:\tZq8mT3vR9kLw2XyP",
	"credentials\u00a0= Zq8mT3vR9kLw2XyP", "tokenſ: Zq8mT3vR9kLw2XyP", "auth-gateway saturated (3019 of 200 in use)",
	"k8s-prod-us on-call", "0123456789abcdef0123456789abcdef-us12", "x0123456789abcdef0123456789abcdef-us3 y",
	"0123456789abcdef0123456789abcdeF-us12", "0123456789abcdef0123456789abcdef-us", "-us1",
}

// The detectors' near tests drop no match: scanning around the anchors they keep finds what
// scanning the whole text finds.
func TestNearKeepsEveryMatch(t *testing.T) {
	found := 0
	for _, text := range nearTexts {
		found += len(scanBoth(t, []byte(text)))
		found += len(scanBoth(t, []byte("line one\n"+text+"\nlast")))
	}
	if found < 10 {
		t.Fatalf("only %d findings: the texts no longer exercise the detectors", found)
	}
}

// Each detector's expression is compiled only when it first has text to run over: every one
// of them must still compile (a bad one would otherwise show only on text that reaches it),
// and once compiled it is kept.
func TestDetectorsCompileOnDemand(t *testing.T) {
	for i, d := range detectors {
		if _, err := regexp.Compile(d.expr); err != nil {
			t.Fatalf("detector %d (%s): %v", i, d.rule, err)
		}
		if compiled(i) != compiled(i) {
			t.Fatalf("detector %d (%s) compiled twice", i, d.rule)
		}
	}
}
