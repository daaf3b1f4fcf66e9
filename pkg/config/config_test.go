package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(dir)
	if err != nil || c.Incidents != "incidents" || c.Severities != "templates/severities.yaml" {
		t.Fatalf("missing file: %+v, %v", c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(DefaultFile), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err = Load(dir)
	if err != nil || c.Incidents != "incidents" || c.ActionList != "templates/action-list.md" || c.Sync.Remote != "origin" {
		t.Fatalf("default file: %+v, %v", c, err)
	}
	c, err = Parse([]byte("incidents: ops/incidents/\nlint:\n  rules:\n    secret: warning\nsync:\n  auto: true\n"))
	if err != nil || c.Incidents != "ops/incidents" || c.Lint.Rules["secret"] != "warning" || !c.Sync.Auto {
		t.Fatalf("custom: %+v, %v", c, err)
	}
	if c, err = Parse([]byte("lang: ja_JP\n")); err != nil || c.Lang != i18n.Japanese {
		t.Fatalf("lang: %+v, %v", c, err)
	}
	if c, err = Parse(nil); err != nil || c.Incidents != "incidents" || c.Lang != "" {
		t.Fatalf("empty file: %+v, %v", c, err)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"incidents: x\nincident_dir: y\n", ".incidentctl.yaml:2: field incident_dir not found (known: incidents, action_list, severities, lint, sync, site, lang, notify"},
		{"incidents: ../outside\n", "incidents: \"../outside\" must name a place inside the repository"},
		{"incidents: /abs\n", "must be a relative path"},
		{"severities: .git/x\n", "must name a place inside the repository"},
		{"incidents: [\n", ".incidentctl.yaml"},
		{"lang: fr\n", `lang: "fr" is not a language incidentctl speaks (en, ja)`},
	} {
		if _, err := Parse([]byte(c.src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error = %v, want %q", c.src, err, c.want)
		}
	}
}

func TestSite(t *testing.T) {
	c, err := Parse(nil)
	if err != nil || c.Site.Title != "Incidents" || c.Site.BaseURL != "" || c.Site.IncidentURL("261123-k7xqm") != "" {
		t.Fatalf("defaults: %+v, %v", c.Site, err)
	}
	c, err = Parse([]byte("site:\n  base_url: https://ops.example.com/status/\n  title: Example status\n"))
	if err != nil || c.Site.BaseURL != "https://ops.example.com/status" || c.Site.Title != "Example status" {
		t.Fatalf("custom: %+v, %v", c.Site, err)
	}
	if got, want := c.Site.IncidentURL("261123-k7xqm"), "https://ops.example.com/status/incidents/261123-k7xqm.html"; got != want {
		t.Fatalf("IncidentURL = %q, want %q", got, want)
	}
	for _, bad := range []string{"ops.example.com", "ftp://x/y", "https://x/?a=1", "https://x/#top", "/status"} {
		if _, err := Parse([]byte("site:\n  base_url: " + bad + "\n")); err == nil || !strings.Contains(err.Error(), "site.base_url") {
			t.Errorf("base_url %q: error = %v", bad, err)
		}
	}
	if _, err := Parse([]byte("site:\n  baseurl: x\n")); err == nil || !strings.Contains(err.Error(), ".incidentctl.yaml:2") {
		t.Errorf("unknown site key: %v", err)
	}
}
