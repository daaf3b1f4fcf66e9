package drill

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// ownIncident is the project's own example of a resolved SEV1 (incidents/ at the top).
const ownIncident = "incidents/2026/09/260917-x31y2-payments-api-unavailable-after-database-failover.md"

func loadOwn(t *testing.T) *incident.Document {
	t.Helper()
	src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(ownIncident)))
	if err != nil {
		t.Fatal(err)
	}
	d, err := incident.Parse(ownIncident, src)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestFromIncident(t *testing.T) {
	d := loadOwn(t)
	out, err := FromIncident(d, ownIncident, "payments-db-failover", incident.LangEn)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("SHOW") != "" {
		t.Logf("\n%s", out)
	}
	s, err := Parse("drills/payments-db-failover.md", out)
	if err != nil {
		t.Fatal(err)
	}
	if s.BasedOn != "260917-x31y2" || s.Severity != "SEV1" || s.Difficulty != "medium" || s.Title != d.Meta.Title {
		t.Errorf("front matter: %+v", s)
	}
	if s.Original.Identified == nil || FormatOffset(*s.Original.Identified) != "+10m" || FormatOffset(*s.Original.Mitigated) != "+28m" || FormatOffset(*s.Original.Resolved) != "+1h47m" {
		t.Errorf("original times: %+v", s.Original)
	}
	if len(s.Variants) != 1 || s.Variants[0].Name != "as-it-happened" || !strings.Contains(s.Variants[0].Text, "API pods restarted") {
		t.Errorf("variants: %+v", s.Variants)
	}
	// Observations become injects, in time order, with who logged them; what the commands
	// recorded (checks, status, roles, impact, announcements) and what came after the
	// resolution (the postmortem) do not.
	if first := s.Injects[0]; FormatOffset(first.Offset) != "-2m" || first.From != "Aiko Tanaka" || !strings.HasPrefix(first.Text, "alert: payments-api 5xx") {
		t.Errorf("first inject: %+v", first)
	}
	for _, in := range s.Injects {
		for _, bad := range []string{"checked:", "status ", "role ", "announcement:", "impact:", "postmortem:", "proposed:", "Declared"} {
			if strings.HasPrefix(in.Text, bad) {
				t.Errorf("inject %+v is something a command recorded or came after the resolution", in)
			}
		}
	}
	// Expected: each checked item, by its time box at SEV1 when it has one, else by when the
	// team checked it; the postmortem proposal (after the resolution) is not expected.
	want := map[string]string{
		"Page the on-call engineer":                                  "+5m",
		"Announce to users and customer support":                     "+30m",
		"Verify recovery: error rate and latency are back to normal": "+1h37m",
	}
	for _, e := range s.Expected {
		if by, ok := want[e.Text]; ok && FormatOffset(e.Offset) != by {
			t.Errorf("%s: by %s, want %s", e.Text, FormatOffset(e.Offset), by)
		}
		if e.Tie != TieAction || e.Action != e.Text {
			t.Errorf("%s is not tied to its item", e.Text)
		}
		if strings.HasPrefix(e.Text, "Propose changes") {
			t.Errorf("an item checked after the resolution is expected: %+v", e)
		}
	}
	if len(s.Expected) != 16 {
		t.Errorf("%d expected actions, want 16", len(s.Expected))
	}
	if !strings.Contains(s.GameMaster, "Time boxes at SEV1: Page the on-call engineer within 5m;") {
		t.Errorf("game master section:\n%s", s.GameMaster)
	}
	if !strings.Contains(string(out), "[260917-x31y2](../incidents/2026/09/260917-x31y2-") {
		t.Errorf("no link to the incident:\n%s", out)
	}
}

func TestFromIncidentRefuses(t *testing.T) {
	d := loadOwn(t)
	open, err := incident.Parse(d.Path, []byte(strings.Replace(string(d.Src), "status: resolved", "status: mitigated", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FromIncident(open, ownIncident, "x", incident.LangEn); err == nil || !strings.Contains(err.Error(), "is not resolved") {
		t.Errorf("open incident: %v", err)
	}
	drill, err := incident.Parse(d.Path, []byte(strings.Replace(string(d.Src), "\ntitle:", "\nkind: drill\ntitle:", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := FromIncident(drill, ownIncident, "x", incident.LangEn); err == nil || !strings.Contains(err.Error(), "is a drill") {
		t.Errorf("drill: %v", err)
	}
}

// A scenario generated for a lang: ja repository has Japanese headings and prose, and reads
// exactly as the English one does; a drill from it is titled in Japanese.
func TestFromIncidentJa(t *testing.T) {
	d := loadOwn(t)
	en, err := FromIncident(d, ownIncident, "payments-db-failover", incident.LangEn)
	if err != nil {
		t.Fatal(err)
	}
	ja, err := FromIncident(d, ownIncident, "payments-db-failover", incident.LangJa)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\n## バリエーション\n", "\n## インジェクト\n", "\n## 期待される対応\n", "\n## ゲームマスター\n", "を再現する訓練です。", "トレーニーには見せません。"} {
		if !strings.Contains(string(ja), want) {
			t.Errorf("the Japanese scenario has no %q:\n%s", want, ja)
		}
	}
	for _, english := range []string{"## Injects", "A drill replaying", "Not shown to the trainee"} {
		if strings.Contains(string(ja), english) {
			t.Errorf("the Japanese scenario still says %q", english)
		}
	}
	se, err := Parse("drills/payments-db-failover.md", en)
	if err != nil {
		t.Fatal(err)
	}
	sj, err := Parse("drills/payments-db-failover.md", ja)
	if err != nil {
		t.Fatal(err)
	}
	if len(sj.Injects) != len(se.Injects) || len(sj.Expected) != len(se.Expected) || len(sj.Variants) != len(se.Variants) || sj.GameMaster == "" {
		t.Errorf("ja reads %d injects, %d expected, %d variants; en %d, %d, %d", len(sj.Injects), len(sj.Expected), len(sj.Variants), len(se.Injects), len(se.Expected), len(se.Variants))
	}
	for i := range se.Expected {
		if i < len(sj.Expected) && (sj.Expected[i].Offset != se.Expected[i].Offset || sj.Expected[i].Tie != se.Expected[i].Tie) {
			t.Errorf("expected %d: ja %+v, en %+v", i, sj.Expected[i], se.Expected[i])
		}
	}
	if got := sj.DeclaredTitle(incident.LangJa); got != "訓練: "+d.Meta.Title {
		t.Errorf("ja title %q", got)
	}
	if got := se.DeclaredTitle(incident.LangEn); got != "Drill: "+d.Meta.Title {
		t.Errorf("en title %q", got)
	}
}
