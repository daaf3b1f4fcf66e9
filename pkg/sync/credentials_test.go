package sync

import (
	"net/http"
	"net/http/httptest"
	"strings"
	gosync "sync"
	"testing"
)

// Tokens never go over plain HTTP, whatever the configuration, and never to a host they are
// not for; a password in a remote URL never shows in a message. The remote here is an HTTP
// server on 127.0.0.1 that records what it is sent and refuses everyone.
func TestTokensStayOffPlainHTTPAndForeignHosts(t *testing.T) {
	const token = "ghp_0000EXAMPLE0000000000000000000000000"
	t.Setenv("GITHUB_TOKEN", token)
	t.Setenv("INCIDENTCTL_TOKEN", "incidentctl-EXAMPLE-token")
	var mu gosync.Mutex
	var auths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		if a := r.Header.Get("Authorization"); a != "" {
			auths = append(auths, a)
		}
		mu.Unlock()
		w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer srv.Close()
	_, a, _ := setup(t)

	for _, tc := range []struct {
		url   string
		hosts map[string][]string
		say   string
	}{
		// Configured for this very host, but plain HTTP: not sent.
		{srv.URL + "/r.git", map[string][]string{"INCIDENTCTL_TOKEN": {"127.0.0.1"}, "GITHUB_TOKEN": {"127.0.0.1"}}, "only over HTTPS"},
		// A password in the URL is used (it is the user's own choice) but never shown.
		{strings.Replace(srv.URL, "http://", "http://alice:s3cret-EXAMPLE@", 1) + "/r.git", nil, ""},
	} {
		git(t, a, "remote", "set-url", "origin", tc.url)
		_, err := run(t, a, Options{TokenHosts: tc.hosts, Attempts: 1})
		if err == nil {
			t.Fatalf("%s: the sync succeeded against a server that refuses everyone", tc.url)
		}
		msg := err.Error()
		for _, secret := range []string{token, "incidentctl-EXAMPLE-token", "s3cret-EXAMPLE"} {
			if strings.Contains(msg, secret) {
				t.Errorf("%s: the message shows a secret: %s", tc.url, msg)
			}
		}
		if tc.say != "" && !strings.Contains(msg, tc.say) {
			t.Errorf("%s: the message does not say %q: %s", tc.url, tc.say, msg)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, h := range auths {
		if strings.Contains(h, "Basic") && !strings.HasPrefix(h, "Basic YWxpY2U6") { // alice:… from the URL is fine
			t.Errorf("a token was sent over plain HTTP: %s", h)
		}
	}

	// An unknown variable in the configuration is a clear error.
	git(t, a, "remote", "set-url", "origin", srv.URL+"/r.git")
	if _, err := run(t, a, Options{TokenHosts: map[string][]string{"GITHUB_TOKNE": {"github.com"}}}); err == nil || !strings.Contains(err.Error(), "GITHUB_TOKNE is not a token variable") {
		t.Errorf("unknown variable: %v", err)
	}
}
