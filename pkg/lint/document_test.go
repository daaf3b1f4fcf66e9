package lint

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

// validDoc is a document as the CLI writes it (line numbers matter to the tests below):
// line 2 id, 4 severity, 5 status, 10-13 milestones, 14 resolution, 26 ## Action list,
// 28-30 actions, 32 ## Log, 34-35 log entries.
const validDoc = `---
id: 261123-k7xqm
title: Checkout API returns 500s
severity: SEV2
status: investigating
commander: alice
roles: {}
impact: Checkout failing
announcement: ""
declared_at: 2026-11-23T10:02:00+09:00
identified_at: null
mitigated_at: null
resolved_at: null
resolution: ""
template: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad
---

# Checkout API returns 500s

## Status

| Field | Value |
| --- | --- |
| Severity | SEV2 |

## Action list

- [x] Page the on-call engineer <!-- required: SEV1 SEV2 --> <!-- due: 5m SEV1 SEV2 -->
- [ ] Schedule the postmortem <!-- required: SEV1 SEV2 -->
- [ ] Tell support

## Log

- 2026-11-23T10:02:00+09:00 [alice] Declared SEV2: Checkout API returns 500s
- 2026-11-23T10:10:00+09:00 [bob] error rate 12% on checkout-api
`

const validPath = "incidents/2026/11/261123-k7xqm-checkout-api-returns-500s.md"

var testNow = time.Date(2026, 11, 23, 11, 0, 0, 0, time.FixedZone("", 9*3600))

// resolved turns validDoc into a resolved incident that passes every rule.
func resolved(s string) string {
	return replace(s,
		"status: investigating", "status: resolved",
		"resolved_at: null", "resolved_at: 2026-11-23T10:40:00+09:00",
		`resolution: ""`, "resolution: rolled back deploy 1234",
		"- [ ] Schedule the postmortem", "- [x] Schedule the postmortem",
	) + "- 2026-11-23T10:40:00+09:00 [alice] status investigating → resolved: rolled back\n" +
		"- 2026-11-23T10:41:00+09:00 [alice] postmortem: https://wiki.example.com/pm/k7xqm\n"
}

func replace(s string, oldnew ...string) string {
	for i := 0; i < len(oldnew); i += 2 {
		if !strings.Contains(s, oldnew[i]) {
			panic("test fixture has no " + oldnew[i])
		}
		s = strings.Replace(s, oldnew[i], oldnew[i+1], 1)
	}
	return s
}

func testChecker(t testing.TB, cfg config.Lint) *checker {
	t.Helper()
	p, err := NewPolicy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sevs, err := severity.Parse("templates/severities.yaml", templates.Severities)
	if err != nil {
		t.Fatal(err)
	}
	return &checker{policy: p, severities: sevs, sevFrom: "templates/severities.yaml", now: testNow, incidents: "incidents", secrets: p.Secrets()}
}

// brief renders findings as "rule@line:col" for comparison.
func brief(fs []Finding) []string {
	SortFindings(fs)
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s@%d:%d", f.Rule, f.Line, f.Col)
	}
	return out
}

func TestDocumentRules(t *testing.T) {
	tests := []struct {
		name string
		path string // default validPath
		src  string
		want []string
	}{
		{"valid open incident", "", validDoc, nil},
		{"valid resolved incident", "", resolved(validDoc), nil},
		{"CRLF line endings", "", strings.ReplaceAll(validDoc, "\n", "\r\n"), nil},

		{"invalid UTF-8", "", replace(validDoc, "error rate", "error \xff rate"), []string{"unreadable@35:41"}},
		{"NUL byte", "", replace(validDoc, "error rate", "error\x00rate"), []string{"unreadable@35:40"}},

		{"no front matter", "", strings.TrimPrefix(validDoc, "---\n"), []string{"front-matter@1:1"}},
		{"front matter not closed", "", replace(validDoc, "8dad\n---\n", "8dad\n"), []string{"front-matter@1:1"}},
		{"front matter empty", "", "---\n---\n\n## Status\n\n## Action list\n\n## Log\n", []string{"front-matter@2:1"}},

		{"invalid YAML", "", replace(validDoc, "title: Checkout API returns 500s", `title: "Checkout API`), []string{"yaml@3:1"}},
		{"YAML error at its line", "", replace(validDoc, "impact: Checkout failing", "impact: Checkout: failing"), []string{"yaml@8:1"}},
		{"YAML list instead of mapping", "", "---\n- a\n- b\n---\n", []string{"yaml@2:1"}},
		{"tab indentation", "", replace(validDoc, "roles: {}", "roles:\n\tcomms: bob"), []string{"yaml@8:1"}},

		{"duplicate key", "", replace(validDoc, "commander: alice\n", "commander: alice\nseverity: SEV1\n"), []string{"duplicate-key@7:1"}},

		{"missing required key", "", replace(validDoc, "title: Checkout API returns 500s\n", ""), []string{"required-key@2:1"}},
		{"empty title", "", replace(validDoc, "title: Checkout API returns 500s", `title: ""`), []string{"required-key@3:8"}},
		{"null declared_at", "", replace(validDoc, "declared_at: 2026-11-23T10:02:00+09:00", "declared_at: null"), []string{"required-key@10:14"}},

		{"unknown key", "", replace(validDoc, "template:", "team: payments\ntemplate:"), []string{"unknown-key@15:1"}},

		{"roles not a mapping", "", replace(validDoc, "roles: {}", "roles: [bob]"), []string{"type@7:8"}},
		{"timestamp does not parse", "", replace(validDoc, "identified_at: null", "identified_at: yesterday 10:20"), []string{"type@11:16"}},
		{"title is a list", "", replace(validDoc, "title: Checkout API returns 500s", "title: [a, b]"), []string{"type@3:8"}},

		{"unknown severity", "", replace(validDoc, "severity: SEV2", "severity: SEV5"), []string{"severity@4:11"}},
		{"severity in lower case", "", replace(validDoc, "severity: SEV2", "severity: sev2"), []string{"severity@4:11"}},
		{"unknown status", "", replace(validDoc, "status: investigating", "status: closed"), []string{"status@5:9"}},

		{"identified before declared", "", replace(validDoc, "identified_at: null", "identified_at: 2026-11-23T09:50:00+09:00"), []string{"timestamp-order@11:16"}},
		{"mitigated before identified", "", replace(validDoc, "identified_at: null", "identified_at: 2026-11-23T10:30:00+09:00", "mitigated_at: null", "mitigated_at: 2026-11-23T10:20:00+09:00"), []string{"timestamp-order@12:15"}},
		{"resolved before declared, other zone", "", replace(resolved(validDoc), "resolved_at: 2026-11-23T10:40:00+09:00", "resolved_at: 2026-11-23T00:40:00Z"), []string{"timestamp-order@13:14"}},

		{"milestone in the future", "", replace(validDoc, "mitigated_at: null", "mitigated_at: 2026-11-23T11:06:00+09:00"), []string{"future-time@12:15"}},
		{"within the skew", "", replace(validDoc, "mitigated_at: null", "mitigated_at: 2026-11-23T11:04:00+09:00"), nil},
		{"log entry in the future", "", validDoc + "- 2026-11-24T10:10:00+09:00 [bob] tomorrow\n", []string{"future-time@36:3"}},

		{"resolved without resolved_at", "", replace(resolved(validDoc), "resolved_at: 2026-11-23T10:40:00+09:00", "resolved_at: null"), []string{"resolved-fields@13:14"}},
		{"resolved without resolution", "", replace(resolved(validDoc), "resolution: rolled back deploy 1234", `resolution: ""`), []string{"resolved-fields@14:13"}},
		{"open with resolved_at", "", replace(validDoc, "resolved_at: null", "resolved_at: 2026-11-23T10:40:00+09:00"), []string{"resolved-fields@13:14"}},

		{"file name and id differ", "incidents/2026/11/261123-abcde-checkout.md", validDoc, []string{"id-filename@2:5"}},
		{"id has the wrong form", "incidents/2026/11/checkout.md", replace(validDoc, "id: 261123-k7xqm", "id: INC-42"), []string{"id-filename@2:5"}},
		{"wrong month folder", "incidents/2026/10/261123-k7xqm-x.md", validDoc, []string{"id-filename@2:5"}},
		{"outside incidents/ the folder is free", "drafts/261123-k7xqm.md", validDoc, nil},

		{"missing section", "", replace(validDoc, "## Log\n", ""), []string{"section@17:1"}},
		{"section twice", "", validDoc + "\n## Status\n", []string{"section@37:1"}},

		{"log entry without time", "", validDoc + "- bob says hi\n", []string{"log-entry@36:1"}},
		{"log entry without author", "", validDoc + "- 2026-11-23T10:20:00+09:00 no author\n", []string{"log-entry@36:1"}},
		{"log out of order", "", validDoc + "- 2026-11-23T10:05:00+09:00 [bob] late\n", []string{"log-order@36:1"}},

		{"bad due marker", "", replace(validDoc, "<!-- due: 5m SEV1 SEV2 -->", "<!-- due: soon -->"), []string{"action-marker@28:3"}},

		{"required action open when resolved", "", replace(resolved(validDoc), "- [x] Schedule the postmortem", "- [ ] Schedule the postmortem"), []string{"required-actions@29:3"}},
		{"required action skipped with --force", "", replace(resolved(validDoc), "- [x] Schedule the postmortem", "- [ ] Schedule the postmortem") +
			"- 2026-11-23T10:42:00+09:00 [alice] skipped required action: Schedule the postmortem\n", nil},
		{"required only at other severities", "", replace(resolved(validDoc), "severity: SEV2", "severity: SEV3", "- [x] Schedule the postmortem", "- [ ] Schedule the postmortem"), nil},

		{"resolved SEV2 without postmortem", "", strings.Replace(resolved(validDoc), "- 2026-11-23T10:41:00+09:00 [alice] postmortem: https://wiki.example.com/pm/k7xqm\n", "", 1), []string{"postmortem@5:9"}},
		{"decided against a postmortem", "", replace(resolved(validDoc), "postmortem: https://wiki.example.com/pm/k7xqm", "no postmortem: duplicate of 261120-abcde"), nil},
		{"postmortem as a Markdown link", "", replace(resolved(validDoc), "postmortem: https://wiki.example.com/pm/k7xqm", "Postmortem: [doc](https://wiki.example.com/pm/k7xqm)"), nil},
		{"postmortem entry without link", "", replace(resolved(validDoc), "postmortem: https://wiki.example.com/pm/k7xqm", "postmortem: next Tuesday"), []string{"postmortem@37:1"}},
		{"no postmortem needed at SEV3", "", replace(strings.Replace(resolved(validDoc), "- 2026-11-23T10:41:00+09:00 [alice] postmortem: https://wiki.example.com/pm/k7xqm\n", "", 1), "severity: SEV2", "severity: SEV3"), nil},

		{"several problems, one finding each", "", replace(validDoc, "severity: SEV2", "severity: SEV9", "status: investigating", "status: open") + "- later\n",
			[]string{"severity@4:11", "status@5:9", "log-entry@36:1"}},
	}
	c := testChecker(t, config.Lint{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.path
			if p == "" {
				p = validPath
			}
			_, fs := c.checkDocument(p, []byte(tt.src))
			if got := brief(fs); !slices.Equal(got, tt.want) {
				t.Errorf("findings %v, want %v", got, tt.want)
				for _, f := range fs {
					t.Logf("  %s:%d:%d: %s: %s", f.Path, f.Line, f.Col, f.Rule, f.Message)
				}
			}
			for _, f := range fs {
				if f.Message == "" || f.Path != p {
					t.Errorf("finding without message or with the wrong path: %+v", f)
				}
			}
		})
	}
}

func TestPolicy(t *testing.T) {
	p, err := NewPolicy(config.Lint{Rules: map[string]string{"unknown-key": "off", "postmortem": "Warning"}})
	if err != nil {
		t.Fatal(err)
	}
	if p.Level("unknown-key") != Off || p.Level("postmortem") != Warning || p.Level("secret") != Error {
		t.Errorf("levels: %v %v %v", p.Level("unknown-key"), p.Level("postmortem"), p.Level("secret"))
	}
	for _, bad := range []config.Lint{
		{Rules: map[string]string{"no-such-rule": "off"}},
		{Rules: map[string]string{"secret": "never"}},
		{Allow: []string{"("}},
	} {
		if _, err := NewPolicy(bad); err == nil {
			t.Errorf("%+v: no error", bad)
		} else if !strings.Contains(err.Error(), ".incidentctl.yaml") {
			t.Errorf("error does not name the file: %v", err)
		}
	}
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] || r.Summary == "" || r.Level == Off {
			t.Errorf("rule %+v: duplicate, undocumented or off by default", r)
		}
		seen[r.ID] = true
	}
}

// TestHasPrefixFold: hasPrefixFold agrees with strings.ToLower + HasPrefix for the postmortem
// prefixes, on ASCII and on the non-ASCII letters that fold or lower-case to ASCII ones.
func TestHasPrefixFold(t *testing.T) {
	for _, prefix := range []string{PostmortemPrefix, NoPostmortemPrefix} {
		if strings.ContainsAny(prefix, "ik") || strings.ToLower(prefix) != prefix {
			t.Fatalf("hasPrefixFold's reasoning does not cover the prefix %q", prefix)
		}
		for _, s := range []string{prefix, strings.ToUpper(prefix), "Postmortem: https://x", "No Postmortem: none",
			"postmortem", "", "no postmortem", "ſo postmortem:", "\u212aostmortem:", "\u0130postmortem:", "pOSTMORTEM:x", "póstmortem:"} {
			want := strings.HasPrefix(strings.ToLower(s), prefix)
			if got := hasPrefixFold(s, prefix); got != want {
				t.Errorf("hasPrefixFold(%q, %q) = %v, want %v", s, prefix, got, want)
			}
		}
	}
	for r := rune(0x80); r <= 0x10FFFF; r++ {
		if l := strings.ToLower(string(r)); l != "" && l[0] < 0x80 && r != 0x130 && r != 0x212A {
			t.Fatalf("%U lower-cases to ASCII %q: hasPrefixFold's reasoning is out of date", r, l)
		}
	}
}

// FuzzNamedByID: for a valid id, namedByID is incident.IDFromFileName(name) == id.
func FuzzNamedByID(f *testing.F) {
	for _, n := range []string{"261123-k7xqm-checkout.md", "261123-k7xqm.md", "261123-k7xqm", "261123-k7xqmx.md", "261123-k7xq", "x261123-k7xqm.md", "261123-k7xqm_a.md", "261124-k7xqm-a.md"} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, name string) {
		name = path.Base(name) // checkID passes a base name
		const id = "261123-k7xqm"
		if got, want := namedByID(name, id), incident.IDFromFileName(name) == id; got != want {
			t.Fatalf("namedByID(%q) = %v, IDFromFileName says %v", name, got, want)
		}
	})
}
