package postmortem

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

var jst = time.FixedZone("", 9*3600)

func at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hhmm, jst)
	if err != nil {
		panic(err)
	}
	return t
}

// A SEV3 raised to SEV1 (which added two actions), handed over, one action late, one skipped.
const escalated = `---
id: 261123-k7xqm
title: Checkout API returns 500s
severity: SEV1
status: resolved
commander: bob
roles:
  comms: carol
impact: 30% of checkouts fail
announcement: "Fixed: checkout works again"
declared_at: 2026-11-23T10:00:00+09:00
identified_at: 2026-11-23T10:20:00+09:00
mitigated_at: 2026-11-23T10:40:00+09:00
resolved_at: 2026-11-23T11:00:00+09:00
resolution: rolled back deploy 1234
template: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad
---

# Checkout API returns 500s

## Status

## Action list

- [x] Assess the impact <!-- required: SEV1 SEV2 SEV3 SEV4 -->
- [x] Announce to users and customer support <!-- required: SEV1 SEV2 --> <!-- due: 30m SEV1 SEV2 -->
- [x] Page the on-call engineer <!-- required: SEV1 SEV2 --> <!-- due: 5m SEV1 SEV2 -->
- [ ] Escalate to management; if user data may have leaked or been lost, bring in the security team <!-- required: SEV1 --> <!-- due: 15m SEV1 -->

## Log

- 2026-11-23T09:55:00+09:00 [alice] alert: checkout 5xx above 20%
- 2026-11-23T10:00:00+09:00 [alice] Declared SEV3: Checkout API returns 500s; commander alice
- 2026-11-23T10:05:00+09:00 [alice] checked: Assess the impact
- 2026-11-23T10:10:00+09:00 [alice] severity SEV3 → SEV1 (added 2 actions: Page the on-call engineer; Escalate to management; if user data may have leaked or been lost, bring in the security team)
- 2026-11-23T10:12:00+09:00 [alice] checked: Page the on-call engineer
- 2026-11-23T10:20:00+09:00 [alice] status investigating → identified
- 2026-11-23T10:30:00+09:00 [alice] handoff: commander alice → bob. Briefing: rollback running. Status: SEV1 identified
- 2026-11-23T10:40:00+09:00 [bob] status identified → mitigated
- 2026-11-23T10:45:00+09:00 [carol] checked: Announce to users and customer support
- 2026-11-23T11:00:00+09:00 [bob] skipped required action: Escalate to management; if user data may have leaked or been lost, bring in the security team
- 2026-11-23T11:00:00+09:00 [bob] status mitigated → resolved: rolled back deploy 1234
`

func sevs(t *testing.T) *severity.Set {
	s, err := severity.Parse("severities.yaml", templates.Severities)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func escalatedRecord(t *testing.T) *Record {
	d, err := incident.Parse("incidents/2026/11/261123-k7xqm-checkout.md", []byte(escalated))
	if err != nil {
		t.Fatal(err)
	}
	return FromIncident(d, sevs(t), at("12:00"))
}

func TestRecord(t *testing.T) {
	r := escalatedRecord(t)
	if r.Open || !r.Until.Equal(at("11:00")) || r.Highest != "SEV1" {
		t.Errorf("open=%v until=%s highest=%s", r.Open, r.Until, r.Highest)
	}
	if len(r.Timeline) != 11 || r.Timeline[0].Offset != -5*time.Minute || r.Timeline[3].Text[:9] != "severity " {
		t.Errorf("timeline: %+v", r.Timeline)
	}
	wantSev := []SeverityPeriod{{"SEV3", at("10:00"), at("10:10"), false}, {"SEV1", at("10:10"), at("11:00"), false}}
	if len(r.Severities) != 2 || r.Severities[0] != wantSev[0] || r.Severities[1] != wantSev[1] {
		t.Errorf("severities: %+v", r.Severities)
	}
	wantCmd := []Command{{"alice", at("10:00"), at("10:30"), false}, {"bob", at("10:30"), at("11:00"), false}}
	if len(r.Commanders) != 2 || r.Commanders[0] != wantCmd[0] || r.Commanders[1] != wantCmd[1] {
		t.Errorf("commanders: %+v", r.Commanders)
	}
	if strings.Join(r.Writers, ",") != "alice,bob,carol" {
		t.Errorf("writers: %v", r.Writers)
	}
	if len(r.Skipped) != 1 || r.Skipped[0].Logged == nil || r.Skipped[0].Logged.Author != "bob" {
		t.Errorf("skipped: %+v", r.Skipped)
	}
	if len(r.Escalations) != 1 || r.Escalations[0].From != "SEV3" || len(r.Escalations[0].Added) != 2 {
		t.Errorf("escalations: %+v", r.Escalations)
	}
	// Announce: due 10:40 (declared at SEV3, the box starts at the raise at 10:10), done 10:45:
	// 5m late. Page: due 10:15, done 10:12: met. Escalate: due 10:25, never done.
	if len(r.TimeBoxes) != 3 {
		t.Fatalf("time boxes: %+v", r.TimeBoxes)
	}
	announce, page, escalate := r.TimeBoxes[0], r.TimeBoxes[1], r.TimeBoxes[2]
	if announce.Met() || announce.Late != 5*time.Minute || !announce.DueAt.Equal(at("10:40")) {
		t.Errorf("announce: %+v", announce)
	}
	if !page.Met() || page.Spare != 3*time.Minute {
		t.Errorf("page: %+v", page)
	}
	if escalate.Done || escalate.Late != 35*time.Minute {
		t.Errorf("escalate: %+v", escalate)
	}
}

func TestDraftRendersTheRecord(t *testing.T) {
	r := escalatedRecord(t)
	pm := Meta{Incident: "261123-k7xqm", Title: r.Incident.Title, Status: StatusDraft, Owner: "bob"}
	data := NewData(r, pm, "templates/action-list.md", at("12:00"), English)
	body, err := Render("templates/postmortem.md", templates.Postmortem, data)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := New("postmortems/2026/11/261123-k7xqm-checkout.md", pm, body)
	if err != nil {
		t.Fatal(err)
	}
	src := string(doc.Src)
	for _, want := range []string{
		"---\nincident: 261123-k7xqm\ntitle: Checkout API returns 500s\nstatus: draft\nowner: bob\nmeeting: null\nfollowups: []\n---\n\n# Postmortem: Checkout API returns 500s\n",
		"SEV1 incident, declared 2026-11-23 10:00 with alice as incident commander; identified after 20m; mitigated after 40m; resolved after 1h. Resolution: rolled back deploy 1234",
		"| 09:55 | T-5m | alice | alert: checkout 5xx above 20% |\n| 10:00 | T+0m | alice | Declared SEV3",
		"| 10:30 | T+30m | alice | handoff: commander alice → bob.",
		"| SEV3 | 10:00 | 10:10 | 10m |\n| SEV1 | 10:10 | 11:00 | 50m |",
		"| Incident commander | alice | 10:00 – 10:30 (30m) |\n| Incident commander | bob | 10:30 – 11:00 (30m) |\n| comms | carol | — |",
		"| 2. Announce to users and customer support | 30m | 10:40 | 10:45 | missed: done 5m late |",
		"| 3. Page the on-call engineer | 5m | 10:15 | 10:12 | met, 3m to spare |",
		"| 4. Escalate to management; if user data may have leaked or been lost, bring in the security team | 15m | 10:25 | — | missed: not done, 35m past its time |",
		"- Escalate to management; if user data may have leaked or been lost, bring in the security team — logged as skipped by bob at 11:00. <!-- why? -->",
		"- 10:10, SEV3 → SEV1: Page the on-call engineer; Escalate to management;",
		"| First log entry → declared | 5m (09:55) |",
		"## What went well\n\n<!--", "## Where we got lucky\n\n<!--", "## Contributing factors\n\n<!--",
		BlockStart + "\nTracked in the front matter: `incidentctl followup add k7xqm",
		"No follow-up yet.\n" + BlockEnd + "\n",
		"rendered from the action list `3b18e51`. What the flow has learned since: `incidentctl flow diff k7xqm`.",
	} {
		if !strings.Contains(src, want) {
			t.Errorf("the draft lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(src)
	}
}

func TestDraftOfAnOpenIncident(t *testing.T) {
	src := strings.Replace(escalated, "status: resolved", "status: mitigated", 1)
	src = strings.Replace(src, "resolved_at: 2026-11-23T11:00:00+09:00", "resolved_at: null", 1)
	d, err := incident.Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := FromIncident(d, sevs(t), at("11:30"))
	if !r.Open || !r.Until.Equal(at("11:30")) || !r.Severities[1].Open || !r.Commanders[1].Open {
		t.Errorf("record of an open incident: %+v", r)
	}
	data := NewData(r, Meta{Incident: "261123-k7xqm", Status: StatusDraft}, "templates/action-list.md", at("11:30"), English)
	if !strings.Contains(data.Block.Summary, "still open after 1h30m") || data.Block.Skipped != wrapRecord("skipped", English.IncidentOpen) {
		t.Errorf("summary %q, skipped %q", data.Block.Summary, data.Block.Skipped)
	}
	if !strings.Contains(data.Block.SeverityHistory, "| SEV1 | 10:10 | still open | 1h20m |") {
		t.Errorf("severity history:\n%s", data.Block.SeverityHistory)
	}
}

func TestRenderErrorsNameTheLine(t *testing.T) {
	data := NewData(escalatedRecord(t), Meta{Incident: "261123-k7xqm"}, "a.md", at("12:00"), English)
	for _, c := range []struct{ src, want string }{
		{"# x\n{{.Nope}}\n", "templates/postmortem.md:2:"},
		{"# x\n\n{{if}}\n", "templates/postmortem.md:3:"},
	} {
		if _, err := Render("templates/postmortem.md", []byte(c.src), data); err == nil || !strings.HasPrefix(err.Error(), c.want) {
			t.Errorf("Render(%q) = %v, want %s…", c.src, err, c.want)
		}
	}
}

// A postmortem a team edited by hand: comments, an unknown key, prose, follow-ups in its own
// style.
const handEdited = `---
# Reviewed in the Tuesday meeting.
incident: 261123-k7xqm
title: Checkout API returns 500s
status: in-review   # after the meeting
owner: bob
meeting: 2026-11-25T14:00:00+09:00
team: payments
followups:
    -   id: 261123-k7xqm-F1
        text: Add a canary stage   # the big one
        owner: alice
        due: 2026-12-15
        kind: prevent
        priority: high
        done: false
    -   id: 261123-k7xqm-F3
        text: Alert on 5xx per endpoint
        owner: carol
        due: 2026-12-01
        done: false
---

# Postmortem: Checkout API returns 500s

We wrote this together.

## Follow-ups

Some words before the block.

<!-- incidentctl:followups -->
stale
<!-- /incidentctl:followups -->

Words after it.
`

func TestParseHandEdited(t *testing.T) {
	d, err := Parse("pm.md", []byte(handEdited))
	if err != nil {
		t.Fatal(err)
	}
	m := d.Meta
	if m.Incident != "261123-k7xqm" || m.Status != StatusInReview || m.Owner != "bob" || m.Meeting == nil || len(m.Followups) != 2 {
		t.Fatalf("meta: %+v", m)
	}
	f := m.Followups[0]
	if f.ID != "261123-k7xqm-F1" || f.Text != "Add a canary stage" || f.Due != "2026-12-15" || f.Kind != KindPrevent || f.Done || f.Line != 10 || f.KeyLine(FKeyDue) != 13 {
		t.Errorf("F1: %+v", f)
	}
	var msgs []string
	for _, p := range d.Problems {
		msgs = append(msgs, p.Message)
	}
	if len(d.Problems) != 2 || !strings.Contains(msgs[0], `unknown key "team"`) || !strings.Contains(msgs[1], `unknown key "priority" in follow-up`) {
		t.Errorf("problems: %q", msgs)
	}
	if d.NextFollowupID() != "261123-k7xqm-F4" {
		t.Errorf("next id %s", d.NextFollowupID())
	}
}

func TestEditsAreSurgical(t *testing.T) {
	d, err := Parse("pm.md", []byte(handEdited))
	if err != nil {
		t.Fatal(err)
	}
	d, err = d.AddFollowup(Followup{ID: d.NextFollowupID(), Text: "Practise the rollback", Owner: "dave", Due: "2026-12-20", Kind: KindProcess})
	if err != nil {
		t.Fatal(err)
	}
	yes, link := true, "https://git.example.com/pr/7"
	done := at("12:00")
	pdone := &done
	d, err = d.SetFollowup("261123-K7XQM-f1", FollowupChange{Done: &yes, DoneAt: &pdone, Link: &link})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(handEdited, `        priority: high
        done: false
`, `        priority: high
        link: https://git.example.com/pr/7
        done: true
        done_at: 2026-11-23T12:00:00+09:00
`, 1)
	want = strings.Replace(want, `        due: 2026-12-01
        done: false
---`, `        due: 2026-12-01
        done: false
    -   id: 261123-k7xqm-F4
        text: Practise the rollback
        owner: dave
        due: 2026-12-20
        kind: process
        done: false
---`, 1)
	want = strings.Replace(want, "stale\n", "Tracked in the front matter: `incidentctl followup add k7xqm \"<what>\" --owner <name> --due <date>`, `incidentctl followup done <id>`.\n\n"+
		"| ID | Action | Kind | Owner | Due | Status | Link |\n| --- | --- | --- | --- | --- | --- | --- |\n"+
		"| 261123-k7xqm-F1 | Add a canary stage | prevent | alice | 2026-12-15 | done 2026-11-23 | <https://git.example.com/pr/7> |\n"+
		"| 261123-k7xqm-F3 | Alert on 5xx per endpoint | — | carol | 2026-12-01 | open | — |\n"+
		"| 261123-k7xqm-F4 | Practise the rollback | process | dave | 2026-12-20 | open | — |\n", 1)
	if string(d.Src) != want {
		t.Errorf("after the edits:\n%s\nwant:\n%s", d.Src, want)
	}
	d, err = d.SetString(KeyStatus, StatusFinal)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(d.Src, []byte("\nstatus: final\nowner: bob\n")) || d.Meta.Status != StatusFinal {
		t.Errorf("status edit:\n%s", d.Src)
	}
	if _, err := d.SetFollowup("261123-k7xqm-F9", FollowupChange{Done: &yes}); err == nil {
		t.Error("SetFollowup of an unknown follow-up succeeded")
	}
	if _, err := d.AddFollowup(Followup{ID: "261123-k7xqm-F1", Text: "x", Owner: "y", Due: "2026-12-01"}); err == nil {
		t.Error("AddFollowup accepted an ID that is taken")
	}
}

func TestFollowupsInFlowStyle(t *testing.T) {
	src := "---\nincident: 261123-k7xqm\nstatus: draft\nfollowups: [{id: 261123-k7xqm-F1, text: a, owner: b, due: 2026-12-01, extra: kept}]\n---\n\nbody\n"
	d, err := Parse("pm.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d, err = d.AddFollowup(Followup{ID: d.NextFollowupID(), Text: "c", Owner: "d", Due: "2026-12-02"})
	if err != nil {
		t.Fatal(err)
	}
	want := "---\nincident: 261123-k7xqm\nstatus: draft\nfollowups:\n  - id: 261123-k7xqm-F1\n    text: a\n    owner: b\n    due: 2026-12-01\n    extra: kept\n" +
		"  - id: 261123-k7xqm-F2\n    text: c\n    owner: d\n    due: 2026-12-02\n    done: false\n---\n\nbody\n"
	if string(d.Src) != want {
		t.Errorf("got:\n%s\nwant:\n%s", d.Src, want)
	}
	// No followups key at all: it is added before the closing line.
	d, err = Parse("pm.md", []byte("---\nincident: 261123-k7xqm\nstatus: draft\n---\nbody\n"))
	if err != nil {
		t.Fatal(err)
	}
	if d, err = d.AddFollowup(Followup{ID: "261123-k7xqm-F1", Text: "c", Owner: "d", Due: "2026-12-02"}); err != nil || !strings.Contains(string(d.Src), "status: draft\nfollowups:\n  - id: 261123-k7xqm-F1\n") {
		t.Errorf("%v\n%s", err, d.Src)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"", "pm.md:1:1: no front matter"},
		{"# title\n", "pm.md:1:1: no front matter"},
		{"---\nincident: x\n", "pm.md:1:1: front matter is not closed"},
		{"---\n---\n", "pm.md:2:1: front matter is empty"},
		{"---\nincident: [x\n---\n", "pm.md:2:1: invalid YAML"},
		{"---\n- a\n---\n", "pm.md:2:1: front matter must be a mapping"},
		{"---\nincident: a\nincident: b\nstatus: draft\n---\n", `pm.md:3:1: duplicate key "incident" (first at line 2)`},
		{"---\nstatus: draft\n---\n", `front matter has no "incident" key`},
		{"---\nincident: a\n---\n", `front matter has no "status" key`},
		{"---\nincident: ''\nstatus: draft\n---\n", "pm.md:2:11: incident is empty"},
		{"---\nincident: [a]\nstatus: draft\n---\n", "pm.md:2:11: incident must be a single text value"},
		{"---\nincident: a\nstatus: draft\nfollowups: x\n---\n", "pm.md:4:12: followups must be a list"},
		{"---\nincident: a\nstatus: draft\nfollowups:\n  - x\n---\n", "pm.md:5:5: each follow-up must be a mapping"},
		{"---\nincident: a\nstatus: draft\nfollowups:\n  - id: [1]\n---\n", "pm.md:5:9: follow-up id must be a single value"},
		{"---\nincident: a\nstatus: draft\n---\n\x00", "not UTF-8 text"},
	} {
		_, err := Parse("pm.md", []byte(c.src))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) = %v, want %q", c.src, err, c.want)
		}
	}
}

func TestProblems(t *testing.T) {
	src := "---\nincident: 261123-k7xqm\nstatus: done\nmeeting: tuesday\nfollowups:\n" +
		"  - id: 261123-k7xqm-F1\n    text: a\n    due: next week\n    kind: fix\n    done: maybe\n" +
		"  - id: 261123-k7xqm-F1\n    text: b\n  - text: c\n  - id: 999999-zzzzz-F1\n"
	d, err := Parse("pm.md", []byte(src+"---\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range d.Problems {
		got = append(got, strings.SplitN(p.Message, ":", 2)[0])
	}
	want := []string{
		`status "done" is not a postmortem status`, `meeting must be a time in RFC 3339 form, like 2026-11-25T14`,
		`due "next week" is not a date`, `kind "fix" is not a follow-up kind`, `done must be true or false (got "maybe")`,
		`follow-up id 261123-k7xqm-F1 is also the id of the follow-up at line 6`, `follow-up without an id`,
		`follow-up id "999999-zzzzz-F1" does not have the form 261123-k7xqm-F<n>`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFollowupIDs(t *testing.T) {
	for _, c := range []struct {
		id  string
		ref string
		n   int
		ok  bool
	}{
		{"260917-x31y2-F1", "260917-x31y2", 1, true},
		{"x31y2-f12", "x31y2", 12, true},
		{"260917-x31y2", "", 0, false},
		{"260917-x31y2-F0", "", 0, false},
		{"260917-x31y2-F01", "", 0, false},
		{"260917-x31y2-F", "", 0, false},
		{"-F1", "", 0, false},
		{"260917-x31y2-F+1", "", 0, false},
	} {
		ref, n, ok := SplitFollowupID(c.id)
		if ref != c.ref || n != c.n || ok != c.ok {
			t.Errorf("SplitFollowupID(%q) = %q %d %v", c.id, ref, n, ok)
		}
	}
}

func TestDueAndOverdue(t *testing.T) {
	now := at("12:00")
	for _, c := range []struct{ in, want string }{
		{"2026-12-15", "2026-12-15"}, {"14d", "2026-12-07"}, {"+2w", "2026-12-07"}, {"0d", "2026-11-23"},
		{"2026-12-15T10:00:00+09:00", "2026-12-15T10:00:00+09:00"},
	} {
		if got, err := ParseDue(c.in, now); err != nil || got != c.want {
			t.Errorf("ParseDue(%q) = %q %v, want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "tomorrow", "2026-13-01", "-3d", "12/15", "d"} {
		if _, err := ParseDue(bad, now); err == nil {
			t.Errorf("ParseDue(%q) accepted", bad)
		}
	}
	f := Followup{Due: "2026-11-23"}
	if f.Overdue(at("23:59")) || !f.Overdue(at("23:59").Add(time.Minute)) {
		t.Error("a due date is not overdue until its end, in now's zone")
	}
	f.Done = true
	if f.Overdue(at("23:59").Add(48 * time.Hour)) {
		t.Error("a done follow-up is overdue")
	}
	if (Followup{}).Overdue(now) {
		t.Error("a follow-up without a due date is overdue")
	}
}

func TestDefaultTemplateIsFilledFromTheProjectsOwnIncident(t *testing.T) {
	p := "../../incidents/2026/09/260917-x31y2-payments-api-unavailable-after-database-failover.md"
	src, err := os.ReadFile(p)
	if err != nil {
		t.Skip("the example incident is not there")
	}
	d, err := incident.Parse(p, src)
	if err != nil {
		t.Fatal(err)
	}
	r := FromIncident(d, sevs(t), at("12:00"))
	body, err := Render("t", templates.Postmortem, NewData(r, Meta{Incident: d.Meta.ID}, "templates/action-list.md", at("12:00"), English))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(body, "\n| ") - 3*6; n < len(d.Log) {
		t.Errorf("the draft has fewer table rows (%d) than the log has entries (%d)", n, len(d.Log))
	}
}
