package board

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

var tokyo = time.FixedZone("JST", 9*60*60)

func at(hhmm string) time.Time {
	var h, m int
	if _, err := fmt.Sscanf(hhmm, "%d:%d", &h, &m); err != nil {
		panic(err)
	}
	return time.Date(2026, 11, 23, h, m, 0, 0, tokyo)
}

// doc builds an incident declared at 10:02 with the given action-list lines and extra
// front-matter lines.
func doc(t *testing.T, sev, status string, actions []string, extra ...string) *incident.Document {
	t.Helper()
	src := "---\nid: 261123-k7xqm\ntitle: Checkout API returns 500s\nseverity: " + sev + "\nstatus: " + status +
		"\ncommander: alice\nroles:\n  comms: carol\nimpact: 30% of checkouts fail\nannouncement: \"\"\ndeclared_at: 2026-11-23T10:02:00+09:00\n" +
		strings.Join(extra, "\n") + "\n---\n\n# Checkout\n\n## Status\n\n## Action list\n\n" +
		strings.Join(actions, "\n") + "\n\n## Log\n\n- 2026-11-23T10:02:00+09:00 [alice] Declared " + sev + ": Checkout API returns 500s\n"
	d, err := incident.Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var flow = []string{
	"- [x] Name the IC <!-- required: SEV1 SEV2 SEV3 SEV4 -->",                                // 1
	"- [ ] Decide the severity <!-- required: SEV1 SEV2 SEV3 SEV4 -->",                        // 2
	"- [ ] Page the on-call engineer <!-- required: SEV1 SEV2 --> <!-- due: 5m SEV1 SEV2 -->", // 3
	"- [ ] Assign roles", // 4
	"- [ ] Post a first status update <!-- due: 20m -->",                               // 5
	"- [ ] Announce to users <!-- required: SEV1 SEV2 --> <!-- due: 30m SEV1 SEV2 -->", // 6
	"- [x] Open the war room <!-- required: SEV1 SEV2 --> <!-- due: 1m -->",            // 7
	"- [ ] Mitigate first <!-- required: SEV1 SEV2 SEV3 -->",                           // 8
	"- [ ] Release people not needed",                                                  // 9
}

func numbers(items []Item) []int {
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it.Number
	}
	return out
}

func TestNextOrder(t *testing.T) {
	d := doc(t, "SEV2", "investigating", flow)
	items := Next(d, at("10:20"))
	// Required first (time-boxed by due time: 3 at 10:07, 6 at 10:32; then 2 and 8 in flow
	// order), then the rest (5 due at 10:22, then 4 and 9 in flow order). Checked 1 and 7 are
	// not open.
	if got, want := numbers(items), []int{3, 6, 2, 8, 5, 4, 9}; !slices.Equal(got, want) {
		t.Errorf("Next order = %v, want %v", got, want)
	}
	byNum := map[int]Item{}
	for _, it := range items {
		byNum[it.Number] = it
	}
	if it := byNum[3]; !it.Required || it.DueAt == nil || !it.DueAt.Equal(at("10:07")) || !it.Overdue {
		t.Errorf("item 3 (due 5m after 10:02, now 10:20): %+v", it)
	}
	if it := byNum[6]; it.DueAt == nil || !it.DueAt.Equal(at("10:32")) || it.Overdue {
		t.Errorf("item 6 (due 10:32, now 10:20) must not be overdue: %+v", it)
	}
	if it := byNum[5]; it.Required || it.DueAt == nil || !it.DueAt.Equal(at("10:22")) || it.Overdue {
		t.Errorf("item 5 (due at every severity): %+v", it)
	}
	if it := byNum[2]; it.DueAt != nil || it.Overdue {
		t.Errorf("item 2 has no time box: %+v", it)
	}

	// At SEV3 the paging and announcing time boxes do not apply and those items are not
	// required: they move down among the rest, in flow order.
	d3 := doc(t, "SEV3", "investigating", flow)
	if got, want := numbers(Next(d3, at("10:20"))), []int{2, 8, 5, 3, 4, 6, 9}; !slices.Equal(got, want) {
		t.Errorf("SEV3 order = %v, want %v", got, want)
	}
}

func TestNextNeverHidesAnItem(t *testing.T) {
	docs := loadDir(t, "testdata/stats")
	docs = append(docs, doc(t, "SEV1", "investigating", flow), doc(t, "SEV4", "mitigated", flow))
	for _, d := range docs {
		for _, now := range []time.Time{d.Meta.DeclaredAt, at("10:20"), at("23:59")} {
			items := Next(d, now)
			var open []int
			for i, a := range d.Actions {
				if !a.Done {
					open = append(open, i+1)
				}
			}
			got := slices.Sorted(slices.Values(numbers(items)))
			if !slices.Equal(got, open) {
				t.Errorf("%s at %s: Next lists %v, the open items are %v", d.Path, now, got, open)
			}
			seenOptional := false
			for _, it := range items {
				if it.Required && seenOptional {
					t.Errorf("%s: required item %d listed after an optional one", d.Path, it.Number)
				}
				seenOptional = seenOptional || !it.Required
			}
		}
	}
}

func TestOverdue(t *testing.T) {
	d := doc(t, "SEV2", "investigating", flow)
	overdue := func(now time.Time) []int { return numbers(Status(d, now).Overdue) }
	if got := overdue(at("10:07")); len(got) != 0 {
		t.Errorf("at the due time itself nothing is overdue yet: %v", got)
	}
	if got := overdue(at("10:07").Add(time.Second)); !slices.Equal(got, []int{3}) {
		t.Errorf("one second after 10:07: overdue %v, want [3]", got)
	}
	// Item 7 is due at 10:03 but checked: never overdue.
	if got := overdue(at("11:00")); !slices.Equal(got, []int{3, 6, 5}) {
		t.Errorf("at 11:00: overdue %v, want [3 6 5] (required first, by due time)", got)
	}

	// A resolved incident is measured at its resolution, not at now.
	r := doc(t, "SEV2", "resolved", flow, "resolved_at: 2026-11-23T10:25:00+09:00")
	row := Status(r, at("23:00"))
	if got := numbers(row.Overdue); !slices.Equal(got, []int{3, 5}) {
		t.Errorf("resolved at 10:25: overdue %v, want [3 5] (6 was due at 10:32, after the resolution)", got)
	}
	if row.Age != 23*time.Minute {
		t.Errorf("age of a resolved incident = %v, want 23m (declaration to resolution)", row.Age)
	}
	if row.SinceLastLog != 12*time.Hour+58*time.Minute { // the last entry, 10:02, to now
		t.Errorf("since last log = %v", row.SinceLastLog)
	}
}

func TestStatusRow(t *testing.T) {
	d := doc(t, "SEV2", "identified", flow)
	r := Status(d, at("10:40"))
	if r.Done != 2 || r.Total != 9 || r.Age != 38*time.Minute || !r.LastLogAt.Equal(at("10:02")) {
		t.Errorf("row: done %d/%d age %v last log %v", r.Done, r.Total, r.Age, r.LastLogAt)
	}
	if got := numbers(r.OpenRequired); !slices.Equal(got, []int{3, 6, 2, 8}) {
		t.Errorf("open required = %v", got)
	}
	if got := numbers(r.Overdue); !slices.Equal(got, []int{3, 6, 5}) {
		t.Errorf("overdue = %v", got)
	}
}

func TestBoardOrder(t *testing.T) {
	sevs, err := severity.Parse("severities.yaml", templates.Severities)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(id, sev, declared string) *incident.Document {
		d := doc(t, sev, "investigating", flow)
		d.Meta.ID = id
		d.Meta.DeclaredAt, _ = time.Parse(time.RFC3339, declared)
		return d
	}
	docs := []*incident.Document{
		mk("a", "SEV3", "2026-11-23T09:00:00+09:00"),
		mk("b", "SEV1", "2026-11-23T08:00:00+09:00"),
		mk("c", "SEV9", "2026-11-23T10:00:00+09:00"), // not in the definitions
		mk("d", "SEV1", "2026-11-23T09:30:00+09:00"),
		mk("e", "SEV2", "2026-11-23T07:00:00+09:00"),
	}
	var ids []string
	for _, r := range Board(docs, sevs, at("11:00")) {
		ids = append(ids, r.Doc.Meta.ID)
	}
	if want := []string{"d", "b", "e", "a", "c"}; !slices.Equal(ids, want) {
		t.Errorf("board order = %v, want %v (most severe first, then newest; unknown last)", ids, want)
	}
}

func TestCommanderChange(t *testing.T) {
	cases := []struct {
		text, from, to string
		ok             bool
	}{
		{"commander alice → bob", "alice", "bob", true},
		{"commander — → bob", "", "bob", true},
		{"commander Alice Example → J. Smith", "Alice Example", "J. Smith", true},
		{"handoff: commander alice → bob. Briefing: rollback running. Status: SEV2 identified", "alice", "bob", true},
		{"handoff: commander alice → J. Smith. Status: SEV2 identified, declared 10:02", "alice", "J. Smith", true},
		{"handoff: commander J. Smith → Dr. Who. Briefing: x. Status: y", "J. Smith", "Dr. Who", true},
		{"commander bob is on the bridge", "", "", false},
		{"handoff: commander alice", "", "", false},
		{"status investigating → identified", "", "", false},
	}
	for _, c := range cases {
		from, to, ok := CommanderChange(c.text)
		if from != c.from || to != c.to || ok != c.ok {
			t.Errorf("CommanderChange(%q) = %q, %q, %v; want %q, %q, %v", c.text, from, to, ok, c.from, c.to, c.ok)
		}
	}
}

func TestHandoffText(t *testing.T) {
	d := doc(t, "SEV2", "identified", flow)
	got := Handoff(d, "alice", "bob", "rollback of deploy 1234 running;\nwatch checkout errors", at("10:20"))
	want := "handoff: commander alice → bob. Briefing: rollback of deploy 1234 running; watch checkout errors." +
		" Status: SEV2 identified, declared 10:02 +09:00; impact: 30% of checkouts fail; announcement: —;" +
		" open required actions: 3. Page the on-call engineer (overdue since 10:07 +09:00), 6. Announce to users (due 10:32 +09:00)," +
		" 2. Decide the severity, 8. Mitigate first; roles: comms: carol"
	if got != want {
		t.Errorf("Handoff =\n%s\nwant\n%s", got, want)
	}
	// Without a note; an optional overdue item is named too.
	got = Handoff(d, "alice", "bob", "", at("10:25"))
	if !strings.HasPrefix(got, "handoff: commander alice → bob. Status: SEV2 identified") ||
		!strings.Contains(got, "; also overdue: 5. Post a first status update (overdue since 10:22 +09:00);") {
		t.Errorf("Handoff without a note = %s", got)
	}
	// Whatever the names and the note, the statistics read back who handed over to whom.
	for _, names := range [][2]string{{"alice", "bob"}, {"J. Smith", "Dr. No. 7"}, {"", "bob"}} {
		for _, note := range []string{"", "all good. Status: fine", "what now?"} {
			from, to, ok := CommanderChange(Handoff(d, names[0], names[1], note, at("10:20")))
			if !ok || from != names[0] || to != names[1] {
				t.Errorf("round trip of %q → %q with note %q: %q, %q, %v", names[0], names[1], note, from, to, ok)
			}
		}
	}
}

func TestCommandersAndSkipped(t *testing.T) {
	d := doc(t, "SEV2", "resolved", flow, "resolved_at: 2026-11-23T12:00:00+09:00")
	for _, line := range []string{
		"commander alice → Bob",
		"handoff: commander bob → carol. Status: SEV2 identified",
		"skipped required action: Decide the severity",
		"skipped required action: Something since renamed",
	} {
		var err error
		if d, err = d.AppendLog(incident.LogEntry{At: at("11:00"), Author: "x", Text: line}); err != nil {
			t.Fatal(err)
		}
	}
	d.Meta.Commander = "carol"
	if got, want := Commanders(d), []string{"alice", "Bob", "carol"}; !slices.Equal(got, want) {
		t.Errorf("Commanders = %v, want %v (one entry per person, whatever the case)", got, want)
	}
	// Logged ones (even one no longer in the list), then required ones still unchecked, once each.
	if got, want := Skipped(d), []string{"Decide the severity", "Something since renamed", "Page the on-call engineer", "Announce to users", "Mitigate first"}; !slices.Equal(got, want) {
		t.Errorf("Skipped = %v, want %v", got, want)
	}
	if got := Skipped(doc(t, "SEV2", "mitigated", flow)); got != nil {
		t.Errorf("an open incident skipped nothing yet: %v", got)
	}
}

// TestLogTextsInEveryLanguage: what a Japanese document's log says is read back like English.
func TestLogTextsInEveryLanguage(t *testing.T) {
	ja := Words(incident.LangJa)
	for _, w := range []*LogWords{Words(incident.LangEn), ja} {
		if from, to, ok := SeverityChange(w.SeverityEntry("SEV3", "SEV1") + w.Added(2, "a; b")); !ok || from != "SEV3" || to != "SEV1" {
			t.Errorf("%s: SeverityChange = %q %q %v", w.Lang, from, to, ok)
		}
		if from, to, ok := CommanderChange(w.CommanderEntry("", "田中")); !ok || from != "" || to != "田中" {
			t.Errorf("%s: CommanderChange = %q %q %v", w.Lang, from, to, ok)
		}
		if text, ok := CutSkipped(w.Skipped + "復旧確認"); !ok || text != "復旧確認" {
			t.Errorf("%s: CutSkipped = %q %v", w.Lang, text, ok)
		}
	}
	src := "---\nid: 261123-aaaa1\ntitle: t\nseverity: SEV2\nstatus: identified\ndeclared_at: 2026-11-23T10:00:00+09:00\n---\n" +
		"## ステータス\n## アクションリスト\n- [ ] 復旧確認 <!-- required: SEV2 --> <!-- due: 30m -->\n## ログ\n- 2026-11-23T10:00:00+09:00 [a] SEV2 で宣言: t\n"
	d, err := incident.Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	entry := Handoff(d, "田中", "佐藤", "ロールバック中。", time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC))
	if !strings.HasPrefix(entry, "引き継ぎ: インシデントコマンダー 田中 → 佐藤。申し送り: ロールバック中。状況: SEV2 原因特定（identified）、宣言 ") ||
		!strings.Contains(entry, "未完了の必須アクション: 1. 復旧確認（") || !strings.HasSuffix(entry, "; 役割: なし") {
		t.Errorf("Japanese briefing: %s", entry)
	}
	if from, to, ok := CommanderChange(entry); !ok || from != "田中" || to != "佐藤" {
		t.Errorf("CommanderChange(briefing) = %q %q %v", from, to, ok)
	}
}

func TestTimeBoxStartsAtEscalation(t *testing.T) {
	src := `---
id: 261123-aaaa1
title: t
severity: SEV1
status: investigating
declared_at: 2026-11-23T10:00:00+09:00
---
## Status
## Action list
- [ ] Page <!-- required: SEV1 SEV2 --> <!-- due: 5m SEV1 SEV2 -->
- [ ] Always boxed <!-- due: 30m -->
## Log
- 2026-11-23T10:00:00+09:00 [a] Declared SEV3: t
- 2026-11-23T10:20:00+09:00 [a] severity SEV3 → SEV2 (added 1 action: Page)
- 2026-11-23T10:40:00+09:00 [a] severity SEV2 → SEV1
`
	d, err := incident.Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	items := Items(d, time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC))
	want := []string{"2026-11-23T10:25:00+09:00", "2026-11-23T10:30:00+09:00"}
	for i, it := range items {
		if it.DueAt == nil || it.DueAt.Format(time.RFC3339) != want[i] {
			t.Errorf("item %d due %v, want %s (the box starts when the severity first needed it)", i+1, it.DueAt, want[i])
		}
	}
}

func TestEscalationAndCheckedTexts(t *testing.T) {
	actions := []incident.Action{
		{Text: "Page the on-call engineer"},
		{Text: "Escalate to management; if user data may have leaked or been lost, bring in the security team"},
		{Text: "Announce"},
	}
	text := SeverityEntry("SEV3", "SEV1") + EscalationSuffix([]string{actions[0].Text, actions[1].Text})
	if text != "severity SEV3 → SEV1 (added 2 actions: Page the on-call engineer; Escalate to management; if user data may have leaked or been lost, bring in the security team)" {
		t.Fatalf("entry = %q", text)
	}
	got := EscalationAdded(text, actions)
	if len(got) != 2 || got[0] != actions[0].Text || got[1] != actions[1].Text {
		t.Errorf("EscalationAdded = %q", got)
	}
	if got := EscalationAdded(SeverityEntry("SEV3", "SEV2")+EscalationSuffix([]string{"Announce"}), actions); len(got) != 1 || got[0] != "Announce" {
		t.Errorf("one action: %q", got)
	}
	if got := EscalationAdded(SeverityEntry("SEV1", "SEV3"), actions); got != nil {
		t.Errorf("no suffix: %q", got)
	}
	if got := EscalationAdded("log: (added 1 action: Announce)", actions); got != nil {
		t.Errorf("not a severity change: %q", got)
	}
	if a, ok := CheckedItem(CheckedEntry("Announce")); !ok || a != "Announce" {
		t.Errorf("CheckedItem = %q %v", a, ok)
	}
	if _, ok := CheckedItem("checked the graphs"); ok {
		t.Error("CheckedItem read a free text")
	}
}

// A drill's time boxes shrink with its speed: at 60× paging within 5 minutes is due 5 seconds
// after the declaration; a real incident with a speed key (lint reports it) is not affected.
func TestDrillTimeBoxesScaleWithSpeed(t *testing.T) {
	actions := []string{"- [ ] Page <!-- required: SEV2 --> <!-- due: 5m -->"}
	d := doc(t, "SEV2", "investigating", actions, "kind: drill", "speed: 60")
	it := Items(d, at("10:02"))[0]
	if want := at("10:02").Add(5 * time.Second); it.DueAt == nil || !it.DueAt.Equal(want) {
		t.Errorf("drill at 60×: due %v, want %v", it.DueAt, want)
	}
	if r := Status(d, at("10:02").Add(6*time.Second)); len(r.Overdue) != 1 {
		t.Errorf("6 s later the drill's paging is overdue: %+v", r.Overdue)
	}
	for _, extra := range [][]string{{"speed: 60"}, {"kind: drill", "speed: fast"}, {"kind: drill", "speed: 0"}, {"kind: drill"}} {
		d := doc(t, "SEV2", "investigating", actions, extra...)
		if it := Items(d, at("10:02"))[0]; !it.DueAt.Equal(at("10:07")) {
			t.Errorf("%v: due %v, want 10:07", extra, it.DueAt)
		}
	}
}
