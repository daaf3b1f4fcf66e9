package actionlist

import (
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

func sevs(t *testing.T) *severity.Set {
	s, err := severity.Parse("severities.yaml", templates.Severities)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func data(s *severity.Set, id string) Data {
	l, _ := s.Get(id)
	return Data{Severity: l, Severities: s.Levels, Incident: Incident{ID: "261123-k7xqm", Title: "t", DeclaredAt: time.Unix(0, 0)}}
}

// The default flow, rendered at each severity: what is required and included where.
func TestDefaultFlow(t *testing.T) {
	s := sevs(t)
	count := map[string]int{}
	for _, id := range s.IDs() {
		md, actions, err := Render("templates/action-list.md", templates.ActionList, s, data(s, id))
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if strings.Contains(md, "{{") {
			t.Errorf("%s: unrendered template syntax left:\n%s", id, md)
		}
		for _, a := range actions {
			if a.RequiredAt(id) {
				count[id]++
			}
		}
		paging := strings.Contains(md, "Page the on-call engineer")
		if paging != (id == "SEV1" || id == "SEV2") {
			t.Errorf("%s: paging item present = %v", id, paging)
		}
		for _, a := range actions {
			if a.Text == "Schedule the postmortem" && a.RequiredAt(id) != (id == "SEV1" || id == "SEV2") {
				t.Errorf("%s: postmortem required = %v", id, a.RequiredAt(id))
			}
			if a.Text == "Announce to users and customer support" {
				if due, ok := a.DueAfter(id); ok != (id == "SEV1" || id == "SEV2") || ok && due != 30*time.Minute {
					t.Errorf("%s: announce time box = %v %v", id, due, ok)
				}
			}
		}
	}
	if !(count["SEV1"] > count["SEV2"] && count["SEV2"] > count["SEV3"] && count["SEV3"] > count["SEV4"] && count["SEV4"] > 0) {
		t.Errorf("required items per severity should shrink from SEV1 to SEV4: %v", count)
	}
}

func TestRenderErrors(t *testing.T) {
	s := sevs(t)
	for _, c := range []struct{ src, want string }{
		{"- [ ] a\n{{if}}\n", "t.md:2: template error: "},
		{"- [ ] a {{nosuch}}\n", "t.md:1: template error: function \"nosuch\" not defined"},
		{"- [ ] a {{required \"SEV9\"}}\n", "t.md:1:10: template error: in {{required \"SEV9\"}}: unknown severity \"SEV9\""},
		{"- [ ] a {{due \"soon\"}}\n", "due \"soon\": want a duration"},
		{"- [ ] a {{.Nope}}\n", "t.md:1:10: template error: "},
		{"just prose\n", "the rendered action list has no items"},
		{"# Title\n- [ ] a\n", "line 1 of the rendered action list is a level-1 or level-2 heading"},
	} {
		_, _, err := Render("t.md", []byte(c.src), s, data(s, "SEV2"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Render(%q) error = %v\nwant it to contain %q", c.src, err, c.want)
		}
	}
}

func TestRenderData(t *testing.T) {
	s := sevs(t)
	md, _, err := Render("t.md", []byte("- [ ] Tell {{.Incident.ID}} is {{.Severity.ID}} ({{.Severity.Summary}}) {{required}}\n"), s, data(s, "SEV2"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "- [ ] Tell 261123-k7xqm is SEV2 (Major) <!-- required: SEV1 SEV2 SEV3 SEV4 -->\n"; md != want {
		t.Errorf("got %q, want %q", md, want)
	}
}
