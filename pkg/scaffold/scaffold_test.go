package scaffold

import (
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
