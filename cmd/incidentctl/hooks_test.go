package main

import (
	"os"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"
)

// .pre-commit-hooks.yaml is read by pre-commit from this repository: the hook must keep its
// ID, build with Go, and run for exactly the folders incidentctl owns.
func TestPreCommitHook(t *testing.T) {
	src, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string `yaml:"id"`
		Name          string `yaml:"name"`
		Entry         string `yaml:"entry"`
		Language      string `yaml:"language"`
		Files         string `yaml:"files"`
		PassFilenames *bool  `yaml:"pass_filenames"`
	}
	if err := yaml.Unmarshal(src, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 1 || hooks[0].ID != "incidentctl-lint" || hooks[0].Language != "golang" || hooks[0].Entry != "incidentctl lint" || hooks[0].Name == "" {
		t.Fatalf("hooks = %+v", hooks)
	}
	if hooks[0].PassFilenames == nil || *hooks[0].PassFilenames {
		t.Error("the hook lints every document (unique IDs, the flow): pass_filenames must be false")
	}
	files := regexp.MustCompile(hooks[0].Files) // pre-commit matches with Python's re.search
	for path, want := range map[string]bool{
		"incidents/2026/11/261123-k7xqm-x.md": true, "templates/action-list.md": true,
		"drills/checkout-500s.md": true, "postmortems/2026/11/261123-k7xqm-x.md": true,
		"README.md": false, "docs/incidents/x.md": false, "pkg/incident/parse.go": false,
	} {
		if got := files.MatchString(path); got != want {
			t.Errorf("files %q matches %s: %v, want %v", hooks[0].Files, path, got, want)
		}
	}
}
