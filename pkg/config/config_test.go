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
		{"incidents: x\nincident_dir: y\n", ".incidentctl.yaml:2: field incident_dir not found (known: incidents, action_list, severities, lint, sync, lang)"},
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
