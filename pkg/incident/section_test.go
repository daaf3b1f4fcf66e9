package incident

import (
	"strings"
	"testing"
)

func drillDoc(t *testing.T) *Document {
	t.Helper()
	m := Meta{ID: "261123-d0001", Title: "Drill: payments down", Severity: "SEV2", Status: StatusInvestigating,
		Commander: "dana", DeclaredAt: at("10:02"), Kind: KindDrill, Scenario: "drills/payments.md",
		ScenarioCommit: "0123456789012345678901234567890123456789", Variant: "012345678901", Facilitator: "erin", Speed: "60"}
	d, err := New("incidents/2026/11/261123-d0001-drill-payments-down.md", m, "- [ ] Page\n",
		LogEntry{At: at("10:02"), Author: "erin", Text: "Declared SEV2: Drill: payments down"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestDrillKeysAreWrittenAfterTheKind(t *testing.T) {
	d := drillDoc(t)
	want := "title: 'Drill: payments down'\nkind: drill\nscenario: drills/payments.md\n" +
		"scenario_commit: \"0123456789012345678901234567890123456789\"\nvariant: \"012345678901\"\nfacilitator: erin\nspeed: 60\nseverity: SEV2\n"
	if !strings.Contains(string(d.Src), want) {
		t.Errorf("drill keys:\n%s\nwant them as\n%s", d.Src, want)
	}
	m := d.Meta
	if m.Scenario != "drills/payments.md" || m.Variant != "012345678901" || m.Facilitator != "erin" || m.Speed != "60" ||
		m.ScenarioCommit != "0123456789012345678901234567890123456789" || len(d.Problems) != 0 {
		t.Errorf("read back %+v, problems %+v", m, d.Problems)
	}
	m.Speed = "2.5"
	d2, err := New(d.Path, m, "- [ ] Page\n", LogEntry{At: at("10:02"), Author: "erin", Text: "Declared"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(d2.Src), "\nspeed: 2.5\n") || d2.Meta.Speed != "2.5" {
		t.Errorf("a fractional speed is written as a number:\n%s", d2.Src)
	}
}

func TestSetSection(t *testing.T) {
	d := drillDoc(t)
	d1, err := d.SetSection("Debrief", "Score 50/100\n\n- met: paged\n")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(d1.Src), string(d.Src)) || !strings.HasSuffix(string(d1.Src), "\n\n## Debrief\n\nScore 50/100\n\n- met: paged\n") {
		t.Fatalf("added section:\n%s", d1.Src)
	}
	if got, ok := d1.SectionText("debrief"); !ok || got != "\nScore 50/100\n\n- met: paged\n" {
		t.Errorf("SectionText = %q, %v", got, ok)
	}
	// Replacing keeps everything around it, a later section and fenced code included.
	src := string(d1.Src) + "\n```\n## Not a heading\n```\n\n## Notes\n\nmine\n"
	d2, err := Parse(d.Path, []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	d3, err := d2.SetSection("Debrief", "Score 80/100")
	if err != nil {
		t.Fatal(err)
	}
	// The fenced code is part of the section (its "## " line is no heading).
	want := strings.Replace(src, "Score 50/100\n\n- met: paged\n\n```\n## Not a heading\n```\n", "Score 80/100\n", 1)
	if string(d3.Src) != want {
		t.Errorf("replaced section:\n%s\nwant\n%s", d3.Src, want)
	}
	// The log still takes entries, before the added section.
	d4, err := d3.AppendLog(LogEntry{At: at("10:30"), Author: "erin", Text: "debrief note: good paging"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d4.Log) != 2 || !strings.Contains(string(d4.Src), "debrief note: good paging\n\n## Debrief") {
		t.Errorf("log entry after a section was added:\n%s", d4.Src)
	}
	if _, err := d.SetSection("Log", "x"); err == nil {
		t.Error("SetSection may not replace the log")
	}
}

func TestFrontMatterNode(t *testing.T) {
	root, body, err := FrontMatterNode("drills/x.md", []byte("---\ntitle: x\nseverity: SEV1\n---\n# X\n"))
	if err != nil || len(root.Content) != 4 || root.Content[2].Line+1 != 3 || body != len("---\ntitle: x\nseverity: SEV1\n---\n") {
		t.Fatalf("root %+v, body %d, err %v", root, body, err)
	}
	for _, src := range []string{"title: x\n", "---\ntitle: x\n", "---\na: 1\na: 2\n---\n", "---\n\x00\n---\n"} {
		if _, _, err := FrontMatterNode("drills/x.md", []byte(src)); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}
