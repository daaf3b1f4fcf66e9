package scaffold

import (
	"path"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
)

func TestAttributesLine(t *testing.T) {
	cfg := config.Default()
	if got := AttributesLine(cfg); got != "incidents/**/*.md merge=incidentctl" {
		t.Errorf("AttributesLine = %q", got)
	}
	cfg.Incidents = "ops/incidents/"
	if got := AttributesLine(cfg); got != "ops/incidents/**/*.md merge=incidentctl" {
		t.Errorf("AttributesLine with a configured folder = %q", got)
	}
	var scaffolded []byte
	for _, f := range Files(cfg) {
		if f.Path == AttributesFile {
			scaffolded = f.Content
		}
	}
	for _, c := range []struct {
		content string
		want    bool
	}{
		{string(scaffolded), true},
		{"*.png binary\nops/incidents/**/*.md   merge=incidentctl   text\n", true},
		{"*.png binary\n", false},
		{"incidents/**/*.md merge=incidentctl\n", false}, // another folder
		{"# ops/incidents/**/*.md merge=incidentctl\n", false},
		{"ops/incidents/**/*.md merge=union\n", false},
	} {
		if got := HasAttributesLine([]byte(c.content), cfg); got != c.want {
			t.Errorf("HasAttributesLine(%q) = %v, want %v", c.content, got, c.want)
		}
	}
}

func TestMarkdownlintFolders(t *testing.T) {
	cfg := config.Default()
	if got, want := strings.Join(MarkdownlintFolders(cfg), " "), "incidents templates drills postmortems"; got != want {
		t.Errorf("folders %q, want %q", got, want)
	}
	// Never the top of the repository: that configuration is the team's.
	cfg.Incidents, cfg.ActionList, cfg.Severities = "ops/incidents/", "action-list.md", "flow/severities.yaml"
	if got, want := strings.Join(MarkdownlintFolders(cfg), " "), "ops/incidents flow drills postmortems"; got != want {
		t.Errorf("folders %q, want %q", got, want)
	}
	n := 0
	for _, f := range Files(cfg) {
		if path.Base(f.Path) == MarkdownlintConfigName {
			n++
		}
	}
	if n != 4 {
		t.Errorf("%d markdownlint settings files, want 4", n)
	}
}

// The workflow pins the action to the release that ran init; other builds keep main.
func TestWorkflowPinsTheAction(t *testing.T) {
	find := func(fs []File) string {
		for _, f := range fs {
			if f.Path == ".github/workflows/incident-lint.yml" {
				return string(f.Content)
			}
		}
		t.Fatal("no workflow")
		return ""
	}
	if w := find(FilesFor(config.Default(), Options{ActionRef: "v1.2.3"})); !strings.Contains(w, "\n      - uses: incidentctl/incidentctl@v1.2.3\n") || strings.Contains(w, "@main") {
		t.Errorf("pinned workflow:\n%s", w)
	}
	if w := find(Files(config.Default())); !strings.Contains(w, "\n      - uses: incidentctl/incidentctl@main\n") {
		t.Errorf("unpinned workflow:\n%s", w)
	}
}
