package site

import (
	"html/template"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
)

// Every label the code asks for is in the catalogue (a missing one would show its ID), in
// every language.
func TestLabelsExist(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	re := regexp.MustCompile(`"(site\.[a-z0-9_.]*[a-z0-9_])"`)
	var ids []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllSubmatch(src, -1) {
			if id := string(m[1]); id != "site.css" && id != "site.js" { // file names
				ids = append(ids, id)
			}
		}
	}
	if len(ids) < 100 {
		t.Fatalf("found only %d label IDs in the code", len(ids))
	}
	// IDs built from a prefix: every status, kind of event, postmortem status, follow-up kind, month.
	for _, s := range incident.Statuses {
		ids = append(ids, "site.status."+s)
	}
	for _, k := range []string{eventDeclared, eventSeverity, eventStatus, eventAnnouncement, eventHandoff, eventCommander, eventResolved, eventPostmortem} {
		ids = append(ids, "site.event."+k)
	}
	for _, s := range postmortem.Statuses {
		ids = append(ids, "site.pm.status."+strings.ReplaceAll(s, "-", "_"))
	}
	for _, k := range postmortem.Kinds {
		ids = append(ids, "site.followup.kind."+k)
	}
	for m := 1; m <= 12; m++ {
		ids = append(ids, "site.month."+strconv.Itoa(m))
	}
	for _, id := range ids {
		if !i18n.Has(id) {
			t.Errorf("label %q is not in the catalogue (pkg/i18n/catalog/en.yaml)", id)
		}
	}
}

func TestCatalogueFormats(t *testing.T) {
	en, ja := catalogueFor(""), catalogueFor("ja")
	if en.lang != "en" || ja.lang != "ja" || catalogueFor("fr").lang != "en" || catalogueFor("ja_JP.UTF-8").lang != "ja" {
		t.Fatalf("languages: %q %q", en.lang, ja.lang)
	}
	for _, c := range []struct {
		got, want string
	}{
		{en.T("site.filter.severity", "Severity", "SEV1"), "SEV1 incidents"},
		{en.T("site.filter.severity", "Severity", "SEV2"), "SEV2 incidents"}, // from the cache
		{ja.T("site.history.year", "Year", "2026"), "2026年のインシデント"},
		{en.T("site.actions.summary", "Done", 3, "Total", 12), "3 of 12 done"},
		{ja.T("site.actions.summary", "Done", 3, "Total", 12), "12 件中 3 件完了"},
		{en.N("site.count.incidents", 1), "1 incident"},
		{en.N("site.count.incidents", 2), "2 incidents"},
		{ja.N("site.count.incidents", 2), "2 件"},
		{en.duration(26*time.Hour + 5*time.Minute), "1 d 2 h 5 min"},
		{ja.duration(26*time.Hour + 5*time.Minute), "1日2時間5分"},
		{en.duration(0), "0 min"},
		{en.month(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), "November 2026"},
		{ja.month(time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)), "2026年11月"},
		{string(en.H("site.action.due", "Time", template.HTML("<time>10:07</time>"))), "due <time>10:07</time>"},
		{string(ja.H("site.paren", "Text", "a<b")), "（a&lt;b）"},
		{en.T("site.status.mitigated"), "Mitigated"},
		{ja.T("site.status.mitigated"), "暫定対応済み"},
		{en.durationUnits(), "{n} d |{n} h |{n} min"},
		{en.T("site.no.such.label"), "site.no.such.label"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}
