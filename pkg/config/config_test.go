package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		{"incidents: x\nincident_dir: y\n", ".incidentctl.yaml:2: field incident_dir not found (known: incidents, action_list, severities, lint, sync, site, postmortem, lang, notify"},
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

func TestPostmortemSettings(t *testing.T) {
	c, err := Parse(nil)
	if err != nil || c.Postmortem.Folder != "postmortems" || c.Postmortem.Template != "templates/postmortem.md" {
		t.Fatalf("defaults: %+v %v", c.Postmortem, err)
	}
	if d, ok := c.Postmortem.DeadlineFor("SEV2", 2); !ok || d != (Deadline{5, Days}) {
		t.Errorf("default SEV2: %v %v", d, ok)
	}
	if _, ok := c.Postmortem.DeadlineFor("SEV3", 3); ok {
		t.Error("default SEV3 needs a postmortem")
	}
	if _, ok := c.Postmortem.DeadlineFor("SEVX", 0); ok {
		t.Error("an unknown severity needs a postmortem")
	}
	c, err = Parse([]byte("postmortem:\n  folder: ops/pm/\n  deadlines:\n    SEV1: 3bd\n    sev3: 72h\n"))
	if err != nil || c.Postmortem.Folder != "ops/pm" {
		t.Fatalf("custom: %+v %v", c.Postmortem, err)
	}
	if d, ok := c.Postmortem.DeadlineFor("SEV1", 1); !ok || d != (Deadline{3, BusinessDays}) {
		t.Errorf("SEV1: %v %v", d, ok)
	}
	if d, ok := c.Postmortem.DeadlineFor("SEV3", 3); !ok || d != (Deadline{72, Hours}) {
		t.Errorf("SEV3 (key in another case): %v %v", d, ok)
	}
	if _, ok := c.Postmortem.DeadlineFor("SEV2", 2); ok {
		t.Error("SEV2 needs a postmortem though deadlines leaves it out")
	}
	for _, src := range []string{
		"postmortem:\n  deadlines:\n    SEV1: soon\n",
		"postmortem:\n  deadlines:\n    SEV1: 0d\n",
		"postmortem:\n  folder: ../x\n",
		"postmortem:\n  owner: x\n",
	} {
		if _, err := Parse([]byte(src)); err == nil {
			t.Errorf("Parse(%q) accepted", src)
		}
	}
	if _, err := Parse([]byte("postmortem:\n  deadlines:\n    SEV1: soon\n")); err == nil || !strings.Contains(err.Error(), "postmortem.deadlines.SEV1: \"soon\" is not a deadline") {
		t.Errorf("error = %v", err)
	}
}

func TestDeadlineAfter(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	fri := time.Date(2026, 11, 20, 15, 0, 0, 0, jst) // a Friday
	for _, c := range []struct {
		d    Deadline
		want time.Time
	}{
		{Deadline{5, Days}, time.Date(2026, 11, 25, 15, 0, 0, 0, jst)},
		{Deadline{1, BusinessDays}, time.Date(2026, 11, 23, 15, 0, 0, 0, jst)},
		{Deadline{5, BusinessDays}, time.Date(2026, 11, 27, 15, 0, 0, 0, jst)},
		{Deadline{72, Hours}, time.Date(2026, 11, 23, 15, 0, 0, 0, jst)},
	} {
		if got := c.d.After(fri); !got.Equal(c.want) {
			t.Errorf("%s after %s = %s, want %s", c.d, fri, got, c.want)
		}
	}
	sat := time.Date(2026, 11, 21, 9, 0, 0, 0, jst)
	if got := (Deadline{1, BusinessDays}).After(sat); got.Weekday() != time.Monday {
		t.Errorf("1bd after Saturday = %s", got)
	}
}

func TestFlowPaths(t *testing.T) {
	if got := strings.Join(Default().FlowPaths(), ","); got != "templates" {
		t.Errorf("default: %s", got)
	}
	c, err := Parse([]byte("action_list: flow/list.md\nseverities: sev.yaml\npostmortem:\n  template: flow/pm/t.md\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.FlowPaths(), ","); got != "flow,sev.yaml" {
		t.Errorf("custom: %s", got)
	}
}

// The examples the scaffolded config carries as comments are valid settings once uncommented.
func TestDefaultFileExamples(t *testing.T) {
	for name, src := range map[string]string{"en": DefaultFile, "ja": DefaultFileJa} {
		var b strings.Builder
		inBlock := false // inside the roles: or fields: example
		for _, line := range strings.Split(src, "\n") {
			rest, ok := strings.CutPrefix(line, "# ")
			inBlock = ok && (strings.HasPrefix(rest, "roles:") || strings.HasPrefix(rest, "fields:") || inBlock && strings.HasPrefix(rest, "  "))
			if inBlock {
				line = rest
			}
			b.WriteString(line + "\n")
		}
		c, err := Parse([]byte(b.String()))
		if err != nil {
			t.Fatalf("%s: uncommented examples: %v\n%s", name, err, b.String())
		}
		if len(c.RoleNames()) != 6 || len(c.Fields) != 2 {
			t.Errorf("%s: roles %v, fields %+v", name, c.RoleNames(), c.Fields)
		}
	}
}
