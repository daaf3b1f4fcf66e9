package remote

import (
	"strings"
	"testing"
)

func TestAuthFor(t *testing.T) {
	for _, k := range []string{"INCIDENTCTL_TOKEN", "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "SSH_AUTH_SOCK"} {
		t.Setenv(k, "")
	}
	if a, _ := AuthFor("/some/path"); a != nil {
		t.Errorf("local path: %v", a)
	}
	if a, _ := AuthFor("git://127.0.0.1:9418/x.git"); a != nil {
		t.Errorf("git://: %v", a)
	}
	if a, _ := AuthFor("https://github.com/o/r.git"); a != nil {
		t.Errorf("https without a token: %v", a)
	}
	t.Setenv("GH_TOKEN", "t1")
	t.Setenv("GITLAB_TOKEN", "t2")
	a, _ := AuthFor("https://github.com/o/r.git")
	if a == nil || !strings.Contains(a.String(), "x-access-token") {
		t.Errorf("https with GH_TOKEN: %v", a)
	}
	t.Setenv("INCIDENTCTL_TOKEN", "t0")
	if a, _ := AuthFor("https://user:pw@example.com/r.git"); a != nil {
		t.Errorf("credentials in the URL win: %v", a)
	}
}
