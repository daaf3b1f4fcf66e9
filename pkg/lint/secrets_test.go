package lint

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
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

func TestSecrets(t *testing.T) {
	jwt := "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0." + fake("", 43, alnum)
	tests := []struct {
		name, line string
		want       bool
	}{
		{"AWS access key", "found key " + fake("AKIA", 16, upperDigits) + " in the env dump", true},
		{"AWS example key from the docs", "e.g. AKIA" + "IOSFODNN7EXAMPLE", false},
		{"AWS secret after its name", "aws_secret_access_key = " + fake("", 40, alnum+"/+"), true},
		{"Google API key", "key=" + fake("AIza", 35, alnum), true},
		{"GitHub classic token", "used " + fake("ghp_", 36, alnum), true},
		{"GitHub fine-grained token", fake("github_pat_", 82, alnum+"_"), true},
		{"GitLab token", "GITLAB_TOKEN " + fake("glpat-", 20, alnum), true},
		{"Slack bot token", fake("xoxb-", 40, "0123456789-abcdef"), true},
		{"Slack webhook", "https://hooks.slack.com/services/T000/B000/" + fake("", 24, alnum), true},
		{"private key", "-----BEGIN OPENSSH PRIVATE KEY-----", true},
		{"public key", "-----BEGIN PUBLIC KEY-----", false},
		{"password in a URL", "postgres://app:" + fake("", 14, alnum) + "@db.internal:5432/app", true},
		{"masked password in a URL", "postgres://app:****@db.internal:5432/app", false},
		{"variable in a URL", "postgres://app:${DB_PASSWORD}@db.internal/app", false},
		{"URL without password", "https://alice@example.com/x and https://example.com/a:b@c", false},
		{"JWT", "Authorization header had " + jwt, true},
		{"bearer token", "curl -H 'Authorization: Bearer " + fake("", 32, alnum) + "'", true},
		{"token after keyword", "api token: " + fake("", 32, hexDigits), true},
		{"password after keyword", `"password": "` + fake("", 16, alnum+"!#") + `"`, true},
		{"word after keyword", "token: refreshed-for-all-users", false},
		{"short value", "secret: abc123", false},
		{"link after keyword", "token_url: https://auth.example.com/oauth2/token", false},
		{"git commit hash", "deployed commit 3b18e512dba79e4c8300dd08aeb37f8e728b8dad", false},
		{"log entry prose", "rotated the deploy token and the GitHub secret", false},
		{"Stripe live key", fake("sk_live_", 24, alnum), true},
		{"npm token", fake("npm_", 36, alnum), true},
	}
	c := testChecker(t, config.Lint{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &finder{path: "x.md"}
			c.secrets.scan(f, []byte("line one\n"+tt.line+"\n"))
			if got := len(f.out) > 0; got != tt.want {
				t.Fatalf("found %v, want %v: %+v", got, tt.want, f.out)
			}
			if len(f.out) > 1 {
				t.Errorf("one credential, %d findings: %+v", len(f.out), f.out)
			}
			for _, fd := range f.out {
				if fd.Line != 2 || fd.Rule != RuleSecret {
					t.Errorf("finding %+v, want rule secret on line 2", fd)
				}
				if !strings.HasPrefix(tt.line, "-----") && strings.Contains(fd.Message, tt.line[fd.Col-1:]) {
					t.Errorf("the message repeats the credential: %s", fd.Message)
				}
			}
		})
	}
}

func TestSecretColumnAndAllowList(t *testing.T) {
	key := fake("AKIA", 16, upperDigits)
	src := []byte("---\nid: x\n---\n- 2026-11-23T10:02:00+09:00 [bob] env: AWS_ACCESS_KEY_ID=" + key + "\n")
	c := testChecker(t, config.Lint{})
	f := &finder{path: "x.md"}
	c.secrets.scan(f, src)
	if got := brief(f.out); len(got) != 1 || got[0] != "secret@4:58" {
		t.Fatalf("findings %v, want secret@4:58", got)
	}
	c = testChecker(t, config.Lint{Allow: []string{"^AKIA" + key[4:8]}})
	f = &finder{path: "x.md"}
	c.secrets.scan(f, src)
	if len(f.out) != 0 {
		t.Fatalf("the allow-list did not apply: %+v", f.out)
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
		"no credentials at all\n",
	}
}

// scanBoth scans text with windows and over the whole text, and fails when they disagree.
func scanBoth(t *testing.T, s *secretScanner, text []byte) []Finding {
	t.Helper()
	win := &finder{path: "x.md"}
	s.whole = false
	s.scan(win, text)
	whole := &finder{path: "x.md"}
	s.whole = true
	s.scan(whole, text)
	s.whole = false
	if !slices.Equal(win.out, whole.out) {
		t.Fatalf("windows find %v, the whole text %v, in\n%q", win.out, whole.out, text)
	}
	got := anchorsAt(text)
	for i, d := range detectors {
		if want := naiveAnchors(text, d); !slices.Equal(got[i], want) {
			t.Fatalf("detector %d (%s): anchors at %v, want %v, in\n%q", i, d.what, got[i], want, text)
		}
	}
	return win.out
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

// TestSecretWindows: scanning only around the anchors finds what scanning everything finds.
func TestSecretWindows(t *testing.T) {
	c := testChecker(t, config.Lint{})
	found := 0
	for _, text := range secretTexts() {
		found += len(scanBoth(t, c.secrets, []byte(text)))
		found += len(scanBoth(t, c.secrets, []byte("line one\n"+text+"\nlast")))
	}
	if found < 20 {
		t.Fatalf("only %d findings: the texts no longer exercise the detectors", found)
	}
}
