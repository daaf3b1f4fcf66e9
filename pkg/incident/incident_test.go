package incident

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files")

var jst = time.FixedZone("", 9*3600)

func at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hhmm, jst)
	if err != nil {
		panic(err)
	}
	return t
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func mustParse(t *testing.T, path string) *Document {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(path, src)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNewDocumentGolden(t *testing.T) {
	m := Meta{ID: "261123-k7xqm", Title: "Checkout API returns 500s", Severity: "SEV2", Status: StatusInvestigating,
		Commander: "alice", Impact: "yes", DeclaredAt: at("10:02"), Template: "3b18e512dba79e4c8300dd08aeb37f8e728b8dad"}
	actions := "### Declare\n\n- [ ] Page the on-call engineer <!-- required: SEV1 SEV2 --> <!-- due: 5m SEV1 SEV2 -->\n- [ ] Tell support\n"
	d, err := New("incidents/2026/11/261123-k7xqm-checkout-api-returns-500s.md", m, actions,
		LogEntry{At: at("10:02"), Author: "alice", Text: "Declared SEV2: Checkout API returns 500s"})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "new.golden.md", d.Src)
	// What was written reads back as what was meant.
	if d.Meta.Impact != "yes" || d.Meta.Severity != "SEV2" || !d.Meta.DeclaredAt.Equal(at("10:02")) {
		t.Errorf("meta read back wrong: %+v", d.Meta)
	}
	if len(d.Actions) != 2 || !d.Actions[0].RequiredAt("SEV2") || d.Actions[0].RequiredAt("SEV3") {
		t.Errorf("actions read back wrong: %+v", d.Actions)
	}
	if due, ok := d.Actions[0].DueAfter("SEV1"); !ok || due != 5*time.Minute {
		t.Errorf("due = %v, %v; want 5m", due, ok)
	}
	if _, ok := d.Actions[0].DueAfter("SEV3"); ok {
		t.Errorf("the time box applies at SEV1 and SEV2 only")
	}
	if len(d.Problems) != 0 {
		t.Errorf("a new document has problems: %+v", d.Problems)
	}
}

// TestEditsAreSurgical applies every kind of edit to a document a human has annotated, and
// checks both the exact result (golden) and that every line the edits did not target survived.
func TestEditsAreSurgical(t *testing.T) {
	d := mustParse(t, "testdata/hand-edited.md")
	orig := string(d.Src)
	if len(d.Problems) != 2 {
		t.Errorf("want 2 problems (unknown key team, unparseable log line), got %+v", d.Problems)
	}
	steps := []func(*Document) (*Document, error){
		func(d *Document) (*Document, error) { return d.SetString(KeySeverity, "SEV1") },
		func(d *Document) (*Document, error) { return d.SetString(KeyCommander, "bob") },
		func(d *Document) (*Document, error) { return d.SetRoles(d.Meta.Roles.With("scribe", "carol")) },
		func(d *Document) (*Document, error) { t := at("10:20"); return d.SetTime(KeyIdentifiedAt, &t) },
		func(d *Document) (*Document, error) { return d.Check(0) },
		func(d *Document) (*Document, error) {
			return d.AppendLog(LogEntry{At: at("10:05"), Author: "carol", Text: "backfilled: alert fired"})
		},
		func(d *Document) (*Document, error) {
			return d.AppendLog(LogEntry{At: at("10:20"), Author: "bob", Text: "found the bad config push"})
		},
		func(d *Document) (*Document, error) {
			return d.AddActions(FormatAction(Action{Text: "Page security", Required: []string{"SEV1"}}))
		},
		func(d *Document) (*Document, error) { return d.RefreshStatus() },
	}
	for i, step := range steps {
		nd, err := step(d)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		d = nd
	}
	golden(t, "hand-edited.after.md", d.Src)
	got := string(d.Src)
	for _, keep := range []string{
		"# State of the incident. Edited by incidentctl; hand edits welcome.\n",
		"commander: bob\n\nroles:\n", "team: payments\n", "A note a human wrote under the title.\n",
		"The table below is regenerated; this sentence is not.\n", "\nAnother note after the table.\n",
		"  - a nested note, not a task\n", "- [ ] Announce to users\n  and customer support <!-- required: SEV1 SEV2 -->\n",
		"## Timeline notes (free prose)\n\nDashboards: https://grafana.example.com/d/checkout\n",
		"Entries are append-only.\n", "- something a human wrote without a time\n",
	} {
		if !strings.Contains(got, keep) {
			t.Errorf("edit lost %q", keep)
		}
	}
	if !strings.HasPrefix(got, orig[:strings.Index(orig, "severity:")]) {
		t.Errorf("bytes before the first edited key changed")
	}
	wantLog := []string{"Declared SEV3: Checkout API returns 500s", "backfilled: alert fired", "error rate 12% on checkout-api", "found the bad config push"}
	if len(d.Log) != len(wantLog) {
		t.Fatalf("log has %d entries, want %d", len(d.Log), len(wantLog))
	}
	for i, e := range d.Log {
		if e.Text != wantLog[i] {
			t.Errorf("log[%d] = %q, want %q (time order)", i, e.Text, wantLog[i])
		}
	}
	if d.Meta.Severity != "SEV1" || d.Meta.Commander != "bob" || d.Meta.Roles.Get("scribe") != "carol" || d.Meta.Roles.Get("comms") != "bob" {
		t.Errorf("meta after edits: %+v", d.Meta)
	}
	if !d.Actions[0].Done || len(d.Actions) != 4 || d.Actions[3].Text != "Page security" {
		t.Errorf("actions after edits: %+v", d.Actions)
	}
	if d.Actions[2].Text != "Announce to users and customer support" {
		t.Errorf("multi-line item text = %q", d.Actions[2].Text)
	}
}

func TestCheckIsIdempotent(t *testing.T) {
	d := mustParse(t, "testdata/hand-edited.md")
	nd, err := d.Check(1) // already checked
	if err != nil || !bytes.Equal(nd.Src, d.Src) {
		t.Errorf("checking a checked item changed the document (err %v)", err)
	}
	if _, err := d.Check(7); err == nil {
		t.Errorf("checking a missing item succeeded")
	}
}

func TestMissingKeyIsAppended(t *testing.T) {
	d := mustParse(t, "testdata/hand-edited.md")
	src := strings.Replace(string(d.Src), "announcement: \"\"\n", "", 1)
	d, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	nd, err := d.SetString(KeyAnnouncement, "status page: investigating")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(nd.Src), "team: payments\nannouncement: 'status page: investigating'\n---\n") {
		t.Errorf("missing key not appended before the closing line:\n%s", nd.Src[:600])
	}
	if nd.Meta.Announcement != "status page: investigating" {
		t.Errorf("announcement = %q", nd.Meta.Announcement)
	}
}

func TestAppendLogToEmptyLog(t *testing.T) {
	src := "---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n## Status\n## Action list\n## Log"
	d, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	for _, hhmm := range []string{"10:30", "10:10", "10:30", "10:20"} {
		if d, err = d.AppendLog(LogEntry{At: at(hhmm), Author: "a", Text: hhmm}); err != nil {
			t.Fatal(err)
		}
	}
	want := "## Log\n\n- 2026-11-23T10:10:00+09:00 [a] 10:10\n- 2026-11-23T10:20:00+09:00 [a] 10:20\n- 2026-11-23T10:30:00+09:00 [a] 10:30\n- 2026-11-23T10:30:00+09:00 [a] 10:30\n"
	if !strings.HasSuffix(string(d.Src), want) {
		t.Errorf("log:\n%s\nwant suffix:\n%s", d.Src, want)
	}
}

func TestParseErrors(t *testing.T) {
	valid, err := os.ReadFile("testdata/hand-edited.md")
	if err != nil {
		t.Fatal(err)
	}
	v := string(valid)
	cases := []struct {
		name, src, want string
	}{
		{"empty", "", "x.md:1:1: no front matter"},
		{"no front matter", "# Title\n", "x.md:1:1: no front matter"},
		{"unclosed", "---\nid: x\n", "x.md:1:1: front matter is not closed"},
		{"bad yaml", "---\nid: x\ntitle: a: b\n---\n", "x.md:3:1: invalid YAML in front matter: mapping values are not allowed"},
		{"not a mapping", "---\n- a\n---\n", "x.md:2:1: front matter must be a mapping"},
		{"duplicate key", strings.Replace(v, "status: investigating\n", "status: investigating\nstatus: mitigated\n", 1), "x.md:7:1: duplicate key \"status\" (first at line 6)"},
		{"bad time", strings.Replace(v, "declared_at: 2026-11-23T10:02:00+09:00", "declared_at: yesterday", 1), "x.md:13:14: declared_at must be a time in RFC 3339 form"},
		{"roles not a map", strings.Replace(v, "roles:\n  comms: bob\n", "roles: bob\n", 1), "x.md:9:8: roles must be a mapping"},
		{"missing key", strings.Replace(v, "severity: SEV3   # first guess\n", "", 1), "front matter has no \"severity\" key"},
		{"missing section", strings.Replace(v, "## Log\n", "## Journal\n", 1), "no \"## Log\" section"},
		{"duplicate section", v + "\n## Status\n", "section \"## Status\" appears twice (first at line 26)"},
		{"setext heading is no section", "---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: x\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n## Status\nAction list\n-\n## Log\n", "no \"## Action list\" section"},
		{"invalid utf8", "---\nid: \xff\n---\n", "x.md:2:5: not valid UTF-8"},
		{"nul", "---\nid: a\x00\n---\n", "x.md:2:6: contains a NUL byte"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.md", []byte(c.src))
			if err == nil {
				t.Fatalf("parsed without error; want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q\nwant it to contain %q", err, c.want)
			}
		})
	}
}

// Found by FuzzParse: a table inserted right after the Status heading must not swallow the
// next line as a row.
func TestStatusTableInsertedBeforeText(t *testing.T) {
	src := "---\nid: 261123-k7xqm\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:02:00+09:00\n---\n## Status\nNote.\n## Action list\n- [ ] a\n## Log\n"
	d, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	nd, err := d.RefreshStatus()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(nd.Src), "| Last log entry | — |\n\nNote.\n") {
		t.Errorf("table not separated from the note:\n%s", nd.Src)
	}
}

func TestIDs(t *testing.T) {
	now := at("10:02")
	// Every byte value maps onto the 32 letters evenly (256 = 8 x 32), so the random part is uniform.
	if got := newID(now, bytes.NewReader([]byte{0, 31, 32, 255, 100})); got != "261123-0z0z4" {
		t.Errorf("newID = %q", got)
	}
	if got := newID(at("08:59"), bytes.NewReader([]byte{1, 2, 3, 4, 5})); got != "261122-12345" { // 23:59 UTC the day before
		t.Errorf("the date part is the UTC date: %q", got)
	}
	for range 100 {
		if id := NewID(now); !ValidID(id) || !strings.HasPrefix(id, "261123-") {
			t.Fatalf("bad id %q", id)
		}
	}
	for in, want := range map[string]string{
		"261123-k7xqm-checkout.md": "261123-k7xqm", "261123-k7xqm.md": "261123-k7xqm",
		"261123-k7xqu-x.md": "", "README.md": "", "261399-k7xqm-x.md": "",
	} {
		if got := IDFromFileName(in); got != want {
			t.Errorf("IDFromFileName(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"../../etc/passwd": "etc-passwd", "Checkout API returns 500s": "checkout-api-returns-500s",
		"決済APIが落ちた": "決済apiが落ちた", "///": "incident", strings.Repeat("a", 100): strings.Repeat("a", 48),
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	if p := RelPath("261123-k7xqm", "../../etc/passwd", now); p != "2026/11/261123-k7xqm-etc-passwd.md" {
		t.Errorf("RelPath = %q", p)
	}
}

func TestFormatAction(t *testing.T) {
	a := Action{Text: "Announce", Required: []string{"SEV1", "SEV2"}, Due: 90 * time.Minute, DueAtSev: []string{"SEV1"}}
	if got, want := FormatAction(a), "- [ ] Announce <!-- required: SEV1 SEV2 --> <!-- due: 1h30m SEV1 -->\n"; got != want {
		t.Errorf("FormatAction = %q, want %q", got, want)
	}
	for d, want := range map[time.Duration]string{30 * time.Minute: "30m", 2 * time.Hour: "2h", 45 * time.Second: "45s"} {
		if got := formatDuration(d); got != want {
			t.Errorf("formatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestDrillKindIsWrittenAndReadBack(t *testing.T) {
	m := Meta{ID: "261123-d0001", Title: "Drill: payments down", Severity: "SEV2", Status: StatusInvestigating,
		Commander: "dana", DeclaredAt: at("10:02"), Kind: KindDrill}
	d, err := New("incidents/2026/11/261123-d0001-drill-payments-down.md", m, "- [ ] Page\n",
		LogEntry{At: at("10:02"), Author: "dana", Text: "Declared SEV2: Drill: payments down"})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(d.Src, []byte("\ntitle: 'Drill: payments down'\nkind: drill\n")) {
		t.Errorf("kind is not written right after the title:\n%s", d.Src)
	}
	if !d.Meta.IsDrill() || len(d.Problems) != 0 {
		t.Errorf("read back: kind %q, problems %+v", d.Meta.Kind, d.Problems)
	}
	m.Kind = KindIncident
	d, err = New("incidents/2026/11/261123-d0001-payments-down.md", m, "- [ ] Page\n",
		LogEntry{At: at("10:02"), Author: "dana", Text: "Declared"})
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(d.Src, []byte("kind:")) || d.Meta.IsDrill() {
		t.Errorf("a real incident carries no kind key:\n%s", d.Src)
	}
}

func TestMultiLineLogEntry(t *testing.T) {
	text, removed := LogText("  panic: nil map\r\n\tgoroutine 1 [running]:\n\n    main.go:12 +0x1d  \n\n")
	if want := "panic: nil map\n\tgoroutine 1 [running]:\n    main.go:12 +0x1d"; text != want || removed != 1 {
		t.Fatalf("LogText = %q, %d; want %q, 1", text, removed, want)
	}
	e := LogEntry{At: time.Date(2026, 11, 23, 10, 2, 0, 0, time.UTC), Author: "alice", Text: text}
	line := FormatLogLine(e)
	if want := "- 2026-11-23T10:02:00Z [alice] panic: nil map\n  \tgoroutine 1 \\[running\\]:\n      main.go:12 +0x1d\n"; line != want {
		t.Fatalf("FormatLogLine = %q, want %q", line, want)
	}
	src := "---\nid: 261123-abcde\ntitle: x\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-11-23T10:00:00Z\n---\n\n## Status\n\n## Action list\n\n## Log\n\n" +
		"- 2026-11-23T10:00:00Z [alice] one line\n" + line + "- 2026-11-23T10:03:00Z [bob] wrapped by hand\nand folded\n"
	d, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Log) != 3 || d.Log[1].Text != text || d.Log[2].Text != "wrapped by hand" {
		t.Fatalf("log = %+v", d.Log)
	}
	nd, err := d.AppendLog(LogEntry{At: e.At.Add(time.Minute), Author: "carol", Text: "after\n  indented"})
	if err != nil {
		t.Fatal(err)
	}
	if len(nd.Log) != 4 || nd.Log[3].Text != "after\n  indented" || nd.Log[1].Text != text {
		t.Fatalf("after append: %+v", nd.Log)
	}
}
