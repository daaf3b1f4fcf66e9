package remote

import (
	"errors"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/http"
)

func clearTokens(t *testing.T) {
	for _, k := range []string{"INCIDENTCTL_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "SSH_AUTH_SOCK"} {
		t.Setenv(k, "")
	}
}

func TestAuthFor(t *testing.T) {
	clearTokens(t)
	if a, _, _ := AuthFor("/some/path", nil); a != nil {
		t.Errorf("local path: %v", a)
	}
	if a, _, _ := AuthFor("git://127.0.0.1:9418/x.git", nil); a != nil {
		t.Errorf("git://: %v", a)
	}
	if a, _, _ := AuthFor("https://github.com/o/r.git", nil); a != nil {
		t.Errorf("https without a token: %v", a)
	}
	t.Setenv("GH_TOKEN", "t1")
	t.Setenv("GITLAB_TOKEN", "t2")
	a, _, _ := AuthFor("https://github.com/o/r.git", nil)
	if a == nil || !strings.Contains(a.String(), "x-access-token") {
		t.Errorf("https with GH_TOKEN: %v", a)
	}
	t.Setenv("INCIDENTCTL_TOKEN", "t0")
	if a, _, _ := AuthFor("https://user:pw@example.com/r.git", nil); a != nil {
		t.Errorf("credentials in the URL win: %v", a)
	}
}

// Each token goes only over HTTPS and only to its hosts.
func TestTokensGoOnlyToTheirHosts(t *testing.T) {
	clearTokens(t)
	t.Setenv("GITHUB_TOKEN", "ghp_0000EXAMPLE0000000000000000000000000")
	t.Setenv("GITLAB_TOKEN", "glpat-EXAMPLE0000000000000")
	t.Setenv("INCIDENTCTL_TOKEN", "incidentctl-EXAMPLE")
	configured := TokenHosts{"INCIDENTCTL_TOKEN": {"git.example.com:8443", "*.corp.example"}}
	for _, tc := range []struct {
		url, token, withheld string
		hosts                TokenHosts
	}{
		{"https://github.com/o/r.git", "ghp_0000EXAMPLE0000000000000000000000000", "", nil},
		{"https://GitHub.com/o/r.git", "ghp_0000EXAMPLE0000000000000000000000000", "", nil},
		{"https://gitlab.com/o/r.git", "glpat-EXAMPLE0000000000000", "", nil},
		{"http://github.com/o/r.git", "", "only over HTTPS", nil},
		{"https://github.com.evil.example/o/r.git", "", "goes only to github.com", nil},
		{"https://git.example.com/o/r.git", "", "INCIDENTCTL_TOKEN is set but not sent to git.example.com: it is sent to no host until its hosts are listed", nil},
		{"https://git.example.com:8443/o/r.git", "incidentctl-EXAMPLE", "", configured},
		{"https://git.example.com/o/r.git", "", "goes only to git.example.com:8443", configured},
		{"https://build.corp.example/o/r.git", "incidentctl-EXAMPLE", "", configured},
		{"https://corp.example/o/r.git", "", "*.corp.example", configured},
		// Listing GITHUB_TOKEN's hosts replaces its default.
		{"https://github.com/o/r.git", "", "goes only to ghe.example.com", TokenHosts{"GITHUB_TOKEN": {"ghe.example.com"}, "GH_TOKEN": {}}},
		{"https://ghe.example.com/o/r.git", "ghp_0000EXAMPLE0000000000000000000000000", "", TokenHosts{"GITHUB_TOKEN": {"ghe.example.com"}}},
	} {
		a, withheld, err := AuthFor(tc.url, tc.hosts)
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if b, ok := a.(*http.BasicAuth); ok {
			got = b.Password
		}
		if got != tc.token {
			t.Errorf("%s: sent %q, want %q", tc.url, got, tc.token)
		}
		if tc.withheld != "" && !strings.Contains(withheld, tc.withheld) {
			t.Errorf("%s: withheld = %q, want it to say %q", tc.url, withheld, tc.withheld)
		}
		if strings.Contains(withheld, "EXAMPLE") {
			t.Errorf("%s: the message names a token's value: %q", tc.url, withheld)
		}
	}
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"cannot fetch from origin (https://alice:s3cret@git.example.com/r.git): 401":      "cannot fetch from origin (https://alice:***@git.example.com/r.git): 401",
		"https://ghp_0000EXAMPLE0000000000000000000000000@github.com/o/r.git":             "https://***@github.com/o/r.git",
		`Get "http://u:p%40ss@127.0.0.1:1/x.git/info/refs": dial tcp: connection refused`: `Get "http://u:***@127.0.0.1:1/x.git/info/refs": dial tcp: connection refused`,
		"ssh://git@github.com/o/r.git":                       "ssh://git@github.com/o/r.git",
		"https://github.com/o/r.git and /local/path":         "https://github.com/o/r.git and /local/path",
		"two: https://a:b@x.example/ https://c:d@y.example/": "two: https://a:***@x.example/ https://c:***@y.example/",
	} {
		if got := Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	e := &Error{Op: "fetch from", Remote: "origin", URL: Redact("https://alice:s3cret@h/r.git"),
		Err: redactedError{errors.New(`Get "https://alice:s3cret@h/r.git/info/refs": ` + transport.ErrAuthenticationRequired.Error())}}
	if strings.Contains(e.Error(), "s3cret") {
		t.Errorf("the error shows the password: %v", e)
	}
	wrapped := &Error{Err: redactedError{transport.ErrAuthenticationRequired}}
	if !wrapped.Auth() {
		t.Errorf("redaction hides the error's kind")
	}
}
