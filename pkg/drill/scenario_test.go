package drill

import (
	"fmt"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"strings"
	"testing"
	"time"
)

const goodScenario = `---
title: Payments API unavailable after database failover
severity: SEV1
difficulty: medium
based_on: 260917-x31y2
symptom: Card payments fail at checkout
original:
  identified: +10m
  mitigated: +28m
---

# Payments after a failover

Prose the tool leaves alone.

## Variants

Pick one; the trainee is not told which.

### stale-endpoint

Fail the database over; the API pods keep the old primary's address.

` + "```sh\nkubectl -n payments-dev exec db-0 -- patronictl failover --force\n## not a heading\n```" + `

- +9m [Kenji] the database failed over at 13:59; API pods still point at the old primary
- keep the old primary up, read-only (prose, not an inject)

### pool-exhausted

Cap the API's connection pool at 1:
` + "```\nkubectl set env deploy/payments-api DB_POOL=1\n```" + `

- +9m [Kenji] the API's connection pool is full

## Injects

- -2m [PagerDuty] payments-api 5xx rate 100% since 14:01
- +5m [Mei] support: customers cannot pay,
  three tickets already
- +28m payments succeeding again

## Expected actions

- by +5m: Page the on-call engineer <!-- action --> <!-- original: +2m -->
- by +15m: Escalate to management <!-- action: escalate -->
- by +30m: Restart the API pods <!-- log: restart|rolled -->
- by +30m: Mitigate <!-- status: mitigated -->

## Game master

Not shown to the trainee.
`

func TestParseScenario(t *testing.T) {
	s, err := Parse("drills/payments.md", []byte(goodScenario))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Problems) != 0 {
		t.Errorf("problems: %+v", s.Problems)
	}
	if s.Title != "Payments API unavailable after database failover" || s.Severity != "SEV1" || s.Difficulty != "medium" ||
		s.BasedOn != "260917-x31y2" || s.DeclaredTitle(incident.LangEn) != "Drill: Card payments fail at checkout" {
		t.Errorf("front matter: %+v", s)
	}
	if *s.Original.Identified != 10*time.Minute || *s.Original.Mitigated != 28*time.Minute || s.Original.Resolved != nil {
		t.Errorf("original: %+v", s.Original)
	}
	if got := s.VariantNames(); fmt.Sprint(got) != "[stale-endpoint pool-exhausted]" {
		t.Fatalf("variants %v", got)
	}
	v := s.Variants[0]
	if v.Command != "kubectl -n payments-dev exec db-0 -- patronictl failover --force\n## not a heading" || len(v.Injects) != 1 ||
		v.Injects[0].From != "Kenji" || v.Injects[0].Offset != 9*time.Minute || !strings.Contains(v.Text, "- keep the old primary up") ||
		strings.Contains(v.Text, "+9m") {
		t.Errorf("variant: %+v", v)
	}
	if len(s.Injects) != 3 || s.Injects[1].Text != "support: customers cannot pay, three tickets already" || s.Injects[1].Line != 44 ||
		s.Injects[0].Offset != -2*time.Minute || s.Injects[2].From != "" || s.Injects[2].Text != "payments succeeding again" {
		t.Errorf("injects: %+v", s.Injects)
	}
	e := s.Expected
	if len(e) != 4 || e[0].Tie != TieAction || e[0].Action != "Page the on-call engineer" || *e[0].Original != 2*time.Minute ||
		e[1].Action != "escalate" || e[1].Text != "Escalate to management" || e[2].Tie != TieLog || fmt.Sprint(e[2].Words) != "[restart rolled]" ||
		e[3].Tie != TieStatus || e[3].Status != "mitigated" {
		t.Errorf("expected: %+v", e)
	}
	if s.GameMaster != "Not shown to the trainee." {
		t.Errorf("game master %q", s.GameMaster)
	}
	// The plan merges the variant's injects in by offset.
	var plan []string
	for _, p := range s.Plan("stale-endpoint") {
		plan = append(plan, fmt.Sprintf("%d %s %s", p.Number, FormatOffset(p.Offset), p.Variant))
	}
	if got := strings.Join(plan, ", "); got != "1 -2m , 2 +5m , 3 +9m stale-endpoint, 4 +28m " {
		t.Errorf("plan: %s", got)
	}
}

// Each broken scenario gets its error at the line that is wrong, saying what to do.
func TestParseScenarioErrors(t *testing.T) {
	for _, c := range []struct{ from, to, want string }{
		{"---\ntitle:", "title:", "1:1: no front matter: a scenario starts with a '---' line"},
		{"difficulty: medium", "difficulty: brutal", `4:1: difficulty "brutal": use one of easy, medium, hard`},
		{"difficulty: medium\n", "", `2:1: the front matter has no "difficulty" key`},
		{"based_on: 260917-x31y2", "based_on: yesterday", `5:1: based_on "yesterday" is not an incident ID`},
		{"  mitigated: +28m", "  mitigated: +5m", "9:1: original.mitigated +5m is before an earlier milestone (+10m)"},
		{"  mitigated: +28m", "  mitigated: soon", `9:1: original.mitigated: "soon" is not an offset`},
		{"- +5m [Mei]", "- in 5 minutes [Mei]", `44:1: inject: "in" is not an offset like +5m, +1h30m or -2m`},
		{"- +28m payments", "- +1m payments", "46:1: inject at +1m comes after one at +5m (line 44): keep the injects in time order"},
		{"- by +15m: Escalate", "- by +1m: Escalate", "51:1: expected action by +1m comes after one by +5m (line 50)"},
		{"- by +15m: Escalate", "- until +15m: Escalate", `51:1: expected action "until +15m: Escalate to management <!-- action: escalate -->": want - by +10m:`},
		{"<!-- status: mitigated -->", "<!-- status: fixed -->", "53:1: <!-- status: fixed -->: use identified, mitigated, resolved"},
		{"<!-- log: restart|rolled -->", "<!-- log: restart --> <!-- action -->", "52:1: expected action has 2 ties"},
		{"<!-- original: +2m -->", "<!-- originally: +2m -->", "50:1: unknown marker <!-- originally -->"},
		{"### pool-exhausted", "### Pool exhausted", `32:1: variant name "Pool exhausted": a name is lower-case letters`},
		{"### pool-exhausted", "### stale-endpoint", `32:1: variant "stale-endpoint" appears twice`},
		{"Cap the API's connection pool at 1:\n```\nkubectl set env deploy/payments-api DB_POOL=1\n```\n\n- +9m [Kenji] the API's connection pool is full\n", "- +9m [Kenji] the API's connection pool is full\n", `32:1: variant "pool-exhausted" says nothing about what to break`},
		{"## Injects", "## Signals", `no "## Injects" section`},
		{"## Game master", "## Injects", `section "## Injects" appears twice (first at line 41)`},
	} {
		src := strings.Replace(goodScenario, c.from, c.to, 1)
		if src == goodScenario {
			t.Fatalf("%q is not in the scenario", c.from)
		}
		_, err := Parse("drills/payments.md", []byte(src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q → %q: error\n%v\nwant it to contain %q", c.from, c.to, err, c.want)
		}
	}
}

func TestScenarioWarnings(t *testing.T) {
	src := strings.Replace(goodScenario, "<!-- log: restart|rolled -->", "", 1)
	src = strings.Replace(src, "symptom:", "team: payments\nsymptom:", 1)
	s, err := Parse("drills/payments.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range s.Problems {
		got = append(got, fmt.Sprintf("%d %s", p.Line, p.Rule))
	}
	if fmt.Sprint(got) != "[6 unknown-key 53 scenario-untied]" {
		t.Errorf("Parse keeps the warnings: %v", got)
	}
	got = nil
	for _, p := range second(Check("drills/payments.md", []byte(src))) {
		got = append(got, fmt.Sprintf("%d %s %v", p.Line, p.Rule, p.Warning))
	}
	if fmt.Sprint(got) != "[6 unknown-key true 53 scenario-untied true]" {
		t.Errorf("warnings: %v", got)
	}
}

func TestOffsets(t *testing.T) {
	for in, want := range map[string]string{"+5m": "+5m", "5m": "+5m", "-2m": "-2m", "0": "+0m", "+0s": "+0m", "1h47m": "+1h47m", "+90s": "+1m30s", "+2h": "+2h"} {
		d, err := ParseOffset(in)
		if err != nil || FormatOffset(d) != want {
			t.Errorf("%q: %v %v, want %s", in, FormatOffset(d), err, want)
		}
	}
	for _, bad := range []string{"", "+", "soon", "+-5m", "--5m", "5", "+8d", "+200h", "+m"} {
		if _, err := ParseOffset(bad); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
}

func second[A, B any](_ A, b B) B { return b }
