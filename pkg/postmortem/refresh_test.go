package postmortem

import (
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/templates"
)

// draftOf renders the default template for the incident src, as `incidentctl postmortem` does.
func draftOf(t *testing.T, src string) *Document {
	t.Helper()
	d, err := incident.Parse("incidents/2026/11/261123-k7xqm-checkout.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := FromIncident(d, sevs(t), at("12:00"))
	pm := Meta{Incident: "261123-k7xqm", Title: r.Incident.Title, Status: StatusDraft, Owner: "bob"}
	body, err := Render("templates/postmortem.md", templates.Postmortem, NewData(r, pm, "templates/action-list.md", at("12:00"), English))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := New("postmortems/2026/11/261123-k7xqm-checkout.md", pm, body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// freshData is what the refresh renders from the incident src at the given time.
func freshData(t *testing.T, src string, doc *Document) *Data {
	t.Helper()
	d, err := incident.Parse("incidents/2026/11/261123-k7xqm-checkout.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return NewData(FromIncident(d, sevs(t), at("13:00")), doc.Meta, "templates/action-list.md", at("13:00"), English)
}

func TestRefreshRemakesTheRecordAndKeepsTheProse(t *testing.T) {
	doc := draftOf(t, escalated)
	if n := len(findRecordBlocks(doc.Src[doc.fm.end:])); n != 8 {
		t.Fatalf("the draft has %d marked blocks, want 8 (the default template uses the review as a whole):\n%s", n, doc.Src)
	}
	// Nothing happened since the draft: nothing to refresh.
	if nd, changed, found, err := doc.RefreshRecord(freshData(t, escalated, doc)); err != nil || len(changed) != 0 || found != 8 || nd != doc {
		t.Fatalf("refresh of an unchanged record: changed %v, found %d, err %v", changed, found, err)
	}

	// The team writes its prose, and someone logs a late finding in the incident.
	prose := "The deploy pipeline skipped the canary stage because its health check timed out."
	edited := strings.Replace(string(doc.Src), "## What went wrong\n\n", "## What went wrong\n\n"+prose+"\n\n", 1)
	doc, err := Parse(doc.Path, []byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	late := "- 2026-11-23T11:30:00+09:00 [carol] observation: the canary stage was skipped for deploy 1234\n"
	src := escalated + late
	nd, changed, _, err := doc.RefreshRecord(freshData(t, src, doc))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(changed, ",") != "timeline" {
		t.Errorf("changed blocks %v, want [timeline]", changed)
	}
	out := string(nd.Src)
	for _, want := range []string{
		"| 11:30 | T+1h30m | carol | observation: the canary stage was skipped for deploy 1234 |",
		"## What went wrong\n\n" + prose + "\n\n",
		recordStart("timeline") + "\n\n| Time |",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the refreshed postmortem lacks %q:\n%s", want, out)
		}
	}
	// Only the timeline's lines differ: everything else is byte for byte the same.
	before, after := strings.Split(edited, "\n"), strings.Split(out, "\n")
	if len(after) != len(before)+1 {
		t.Errorf("the refresh changed %d lines into %d", len(before), len(after))
	}
	// A second refresh from the same record changes nothing.
	if _, changed, _, err := nd.RefreshRecord(freshData(t, src, nd)); err != nil || len(changed) != 0 {
		t.Errorf("second refresh: changed %v, err %v", changed, err)
	}
}

func TestRefreshLeavesUnmarkedAndUnknownTextAlone(t *testing.T) {
	doc := draftOf(t, escalated)
	src := string(doc.Src)
	// The writer deleted the timeline's end marker: its start marker is then just text, and the
	// table below it is theirs; a block of a newer incidentctl is kept as it is.
	src = strings.Replace(src, recordEnd("timeline")+"\n", "", 1)
	src += "\n" + recordStart("future-block") + "\n\nkeep me\n\n" + recordEnd("future-block") + "\n"
	doc, err := Parse(doc.Path, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	nd, changed, found, err := doc.RefreshRecord(freshData(t, escalated+"- 2026-11-23T11:30:00+09:00 [carol] note: late\n", doc))
	if err != nil {
		t.Fatal(err)
	}
	if found != 8 || len(changed) != 0 || nd != doc {
		t.Errorf("found %d, changed %v: want 8 found (7 known + 1 unknown) and nothing changed", found, changed)
	}

	// A postmortem drafted before the markers existed has nothing to refresh.
	old := strings.NewReplacer(recordStart("summary"), "", recordEnd("summary"), "").Replace(string(draftOf(t, escalated).Src))
	var plain strings.Builder
	for line := range strings.SplitSeq(old, "\n") {
		if !strings.HasPrefix(line, recordMarkerOpen) && !strings.HasPrefix(line, recordMarkerClose) {
			plain.WriteString(line + "\n")
		}
	}
	pdoc, err := Parse(doc.Path, []byte(plain.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, found, err := pdoc.RefreshRecord(freshData(t, escalated, pdoc)); err != nil || found != 0 {
		t.Errorf("unmarked postmortem: found %d, err %v", found, err)
	}
}

func FuzzFindRecordBlocks(f *testing.F) {
	f.Add("a\n" + recordStart("x") + "\n\nb\n\n" + recordEnd("x") + "\nc")
	f.Add(recordStart("x") + recordEnd("x"))
	f.Add(recordStart("") + "\n" + recordEnd("") + "\n")
	f.Fuzz(func(t *testing.T, body string) {
		last := 0
		for _, s := range findRecordBlocks([]byte(body)) {
			if s.start < last || s.end < s.start || s.end > len(body) {
				t.Fatalf("span %+v out of order (last %d, len %d)", s, last, len(body))
			}
			if !strings.HasPrefix(body[s.start:], recordStart(s.name)) {
				t.Fatalf("span %+v does not start at its marker", s)
			}
			last = s.end
		}
	})
}
