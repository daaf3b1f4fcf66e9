package board

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

func TestChangeTextsReadBack(t *testing.T) {
	if sev, ok := Declared(DeclaredEntry("SEV2", "Checkout: 500s", "alice", "30% fail")); !ok || sev != "SEV2" {
		t.Errorf("Declared = %q, %v", sev, ok)
	}
	if _, ok := Declared("Declared victory"); ok {
		t.Error("Declared read a free text")
	}
	for _, c := range []struct {
		text, from, to, resolution string
	}{
		{StatusEntry("investigating", "identified"), "investigating", "identified", ""},
		{StatusEntry("resolved", "investigating"), "resolved", "investigating", ""},
		{StatusEntry("", "mitigated"), "", "mitigated", ""},
		{ResolvedEntry("mitigated", "rolled back: deploy 1234"), "mitigated", "resolved", "rolled back: deploy 1234"},
	} {
		from, to, res, ok := StatusChange(c.text)
		if !ok || from != c.from || to != c.to || res != c.resolution {
			t.Errorf("StatusChange(%q) = %q %q %q %v", c.text, from, to, res, ok)
		}
	}
	if _, _, _, ok := StatusChange("status page is down → moving to backup"); ok {
		t.Error("StatusChange read a free text")
	}
	if a, ok := Announcement(AnnouncementEntry("We are investigating")); !ok || a != "We are investigating" {
		t.Errorf("Announcement = %q %v", a, ok)
	}
	if a, ok := Announcement(AnnouncementEntry("")); !ok || a != "" {
		t.Errorf("cleared Announcement = %q %v", a, ok)
	}
}

func TestParseHandoff(t *testing.T) {
	d := doc(t, "SEV1", "identified", []string{
		"- [ ] Page the on-call engineer <!-- required: SEV1 --> <!-- due: 5m -->",
		"- [ ] Announce <!-- required: SEV1 -->",
		"- [ ] Post in the status channel <!-- due: 10m -->",
	})
	now := at("11:00")
	text := Handoff(d, "alice", "bob", "rollback running; watch the error rate", now)
	b, ok := ParseHandoff(text)
	if !ok || b.From != "alice" || b.To != "bob" || b.Note != "rollback running; watch the error rate." {
		t.Fatalf("ParseHandoff(%q) = %+v, %v", text, b, ok)
	}
	var labels []string
	for _, p := range b.Parts {
		labels = append(labels, p.Label)
	}
	if want := []string{BriefingStatus, BriefingImpact, BriefingAnnouncement, BriefingOpenRequired, BriefingAlsoOverdue, BriefingRoles}; !reflect.DeepEqual(labels, want) {
		t.Fatalf("labels = %q, want %q (text %q)", labels, want, text)
	}
	if got := b.Parts[3].Items; len(got) != 2 || got[0][:3] != "1. " || got[1][:3] != "2. " {
		t.Errorf("open required items = %q", got)
	}
	if got := b.Parts[5].Items; !reflect.DeepEqual(got, []string{"comms: carol"}) {
		t.Errorf("roles = %q", got)
	}
	// Without a note, and a plain commander change is not a handoff.
	b, ok = ParseHandoff(Handoff(d, "", "bob", "", now.Add(time.Minute)))
	if !ok || b.From != "" || b.Note != "" || len(b.Parts) < 5 {
		t.Errorf("no note: %+v %v", b, ok)
	}
	if _, ok := ParseHandoff(CommanderEntry("alice", "bob")); ok {
		t.Error("a commander change read as a handoff")
	}
}

// TestJapaneseTextsReadBack: the readers the web view uses understand a Japanese document too.
func TestJapaneseTextsReadBack(t *testing.T) {
	w := Words("ja")
	if sev, ok := Declared(w.Declared("SEV2", "決済APIが500エラー", "田中", "3割の決済が失敗")); !ok || sev != "SEV2" {
		t.Errorf("Declared = %q, %v", sev, ok)
	}
	from, to, res, ok := StatusChange(w.StatusEntry("resolved", "investigating"))
	if !ok || from != "resolved" || to != "investigating" || res != "" {
		t.Errorf("StatusChange = %q %q %q %v", from, to, res, ok)
	}
	if _, to, res, ok := StatusChange(w.Resolved("mitigated", "ロールバックで復旧")); !ok || to != "resolved" || res != "ロールバックで復旧" {
		t.Errorf("resolved: %q %q %v", to, res, ok)
	}
	if a, ok := Announcement(w.AnnouncementEntry("調査中です")); !ok || a != "調査中です" {
		t.Errorf("Announcement = %q %v", a, ok)
	}
	d := doc(t, "SEV1", "identified", []string{
		"- [ ] オンコール担当者を呼び出す <!-- required: SEV1 --> <!-- due: 5m -->",
		"- [ ] 告知する <!-- required: SEV1 -->",
	})
	d = japanese(t, d)
	text := Handoff(d, "田中", "佐藤", "ロールバック中。エラー率を見ています", at("11:00"))
	b, ok := ParseHandoff(text)
	if !ok || b.From != "田中" || b.To != "佐藤" || b.Note != "ロールバック中。エラー率を見ています。" || b.Lang != "ja" {
		t.Fatalf("ParseHandoff(%q) = %+v, %v", text, b, ok)
	}
	if len(b.Parts) != 5 || b.Parts[3].Label != BriefingOpenRequired || len(b.Parts[3].Items) != 2 {
		t.Errorf("parts = %+v (text %q)", b.Parts, text)
	}
}

// japanese rewrites a test document's headings in Japanese.
func japanese(t *testing.T, d *incident.Document) *incident.Document {
	t.Helper()
	src := strings.NewReplacer("## Status\n", "## ステータス\n", "## Action list\n", "## アクションリスト\n", "## Log\n", "## ログ\n").Replace(string(d.Src))
	nd, err := incident.Parse(d.Path, []byte(src))
	if err != nil || nd.Lang() != incident.LangJa {
		t.Fatalf("japanese: %v, %v", err, nd)
	}
	return nd
}

func TestUncheckedItem(t *testing.T) {
	for _, lang := range []string{incident.LangEn, incident.LangJa} {
		w := Words(lang)
		if item, ok := UncheckedItem(w.Unchecked + "Page the on-call engineer"); !ok || item != "Page the on-call engineer" {
			t.Errorf("%s: UncheckedItem = %q, %v", lang, item, ok)
		}
		if _, ok := CheckedItem(w.Unchecked + "Page the on-call engineer"); ok {
			t.Errorf("%s: CheckedItem reads an uncheck as a check", lang)
		}
	}
}
