package site

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

// doc writes an incident document the way the CLI does.
func doc(t *testing.T, dir, id, title, sev, status, extra string, log ...string) Source {
	t.Helper()
	month := "20" + id[:2] + "/" + id[2:4]
	rel := "incidents/" + month + "/" + id + "-x.md"
	resolved := "null"
	if status == "resolved" {
		resolved = "20" + id[:2] + "-" + id[2:4] + "-" + id[4:6] + "T12:00:00Z"
	}
	src := "---\nid: " + id + "\ntitle: " + title + "\n" + extra + "severity: " + sev + "\nstatus: " + status +
		"\ncommander: alice\nroles: {}\nimpact: checkouts fail\nannouncement: \"\"\ndeclared_at: 20" + id[:2] + "-" + id[2:4] + "-" + id[4:6] +
		"T10:02:00+09:00\nidentified_at: null\nmitigated_at: null\nresolved_at: " + resolved + "\nresolution: \"\"\ntemplate: x\n---\n\n# " + title +
		"\n\n## Status\n\n## Action list\n\n- [ ] Page the on-call engineer <!-- required: SEV1 SEV2 --> <!-- due: 5m -->\n- [x] Open the war room\n\n## Log\n\n" +
		"- 20" + id[:2] + "-" + id[2:4] + "-" + id[4:6] + "T10:02:00+09:00 [alice] Declared " + sev + ": " + title + "\n"
	for _, l := range log {
		src += "- " + l + "\n"
	}
	file := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Source{Path: rel, File: file}
}

func sevs(t testing.TB) *severity.Set {
	s, err := severity.Parse("severities.yaml", templates.Severities)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type fixture struct {
	dir  string
	srcs []Source
	opts Options
}

func newFixture(t *testing.T) *fixture {
	dir := t.TempDir()
	f := &fixture{dir: dir}
	f.srcs = []Source{
		doc(t, dir, "261120-aaaaa", "Search returns nothing", "SEV3", "resolved", "",
			"2026-11-20T11:00:00+09:00 [bob] status investigating → resolved: reindexed"),
		doc(t, dir, "261123-bbbbb", "Slow avatars", "SEV3", "investigating", ""),
		doc(t, dir, "261123-ccccc", "Checkout API returns 500s", "SEV1", "identified", "",
			`2026-11-23T10:05:00+09:00 [carol] error rate <script>document.title="owned"</script> 30%`,
			"2026-11-23T10:06:00+09:00 [alice] status investigating → identified",
			"2026-11-23T10:07:00+09:00 [alice] announcement: We are investigating",
			"2026-11-23T10:30:00+09:00 [alice] handoff: commander alice → bob. Briefing: rollback running. Status: SEV1 identified, declared 10:02; impact: checkouts fail; announcement: We are investigating; open required actions: 1. Page the on-call engineer (overdue since 10:07); roles: none"),
		doc(t, dir, "261123-ddddd", "Drill of a database failover", "SEV1", "investigating", "kind: drill\n"),
	}
	f.opts = Options{Out: filepath.Join(dir, "_site"), Severities: sevs(t), Now: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC),
		Protected: []string{filepath.Join(dir, "incidents")}, Root: dir}
	f.opts.Site.Title = "Example status"
	return f
}

func (f *fixture) build(t *testing.T) *Result {
	t.Helper()
	res, err := Build(f.srcs, f.opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (f *fixture) read(t *testing.T, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(f.opts.Out, rel))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestBuild(t *testing.T) {
	f := newFixture(t)
	res := f.build(t)
	if res.Incidents != 3 || res.Drills != 1 || len(res.Broken) != 0 {
		t.Fatalf("result %+v", res)
	}
	index := f.read(t, "index.html")
	if i, j := strings.Index(index, "Checkout API returns 500s"), strings.Index(index, "Slow avatars"); i < 0 || j < 0 || i > j {
		t.Errorf("the open SEV1 is not listed before the SEV3")
	}
	if !strings.Contains(index, `<html lang="en">`) || !strings.Contains(index, `type="application/atom+xml"`) {
		t.Error("index lacks lang or feed autodiscovery")
	}
	if !strings.Contains(index, "Critical incident") {
		t.Error("index does not say the worst state")
	}
	page := f.read(t, "incidents/261123-ccccc.html")
	if strings.Contains(page, "<script>document") || !strings.Contains(page, "&lt;script&gt;document.title=&quot;owned&quot;&lt;/script&gt;") {
		t.Error("a log text's <script> is not escaped")
	}
	for _, want := range []string{"tag-overdue", "Required", `<time datetime="2026-11-23T01:05:00Z">2026-11-23 01:05 UTC</time><span class="own"> (10:05 +09:00)</span>`,
		"Command passed from alice to bob", "<li>1. Page the on-call engineer (overdue since 10:07)</li>"} {
		if !strings.Contains(page, want) {
			t.Errorf("incident page lacks %q", want)
		}
	}
	// The drill is nowhere.
	err := filepath.WalkDir(f.opts.Out, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ManifestName {
			return err
		}
		b, _ := os.ReadFile(p)
		if bytes.Contains(b, []byte("ddddd")) || bytes.Contains(b, []byte("failover")) {
			t.Errorf("%s mentions the drill", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var st statusJSON
	if err := json.Unmarshal([]byte(f.read(t, "status.json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.Status.Indicator != "critical" || len(st.Incidents) != 2 || st.Incidents[0].ID != "261123-ccccc" || st.Incidents[0].Overdue != 1 {
		t.Errorf("status.json = %+v", st)
	}
	var feed atomFeed
	if err := xml.Unmarshal([]byte(f.read(t, "feed.atom")), &feed); err != nil {
		t.Fatal(err)
	}
	var ids, kinds []string
	for _, e := range feed.Entries {
		ids = append(ids, e.ID)
		kinds = append(kinds, e.Category.Term)
	}
	if len(feed.Entries) != 7 || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 7 {
		t.Errorf("feed entries %q", ids)
	}
	for _, k := range []string{eventDeclared, eventStatus, eventAnnouncement, eventHandoff, eventResolved} {
		if !slices.Contains(kinds, k) {
			t.Errorf("feed has no %s entry: %q", k, kinds)
		}
	}
	if b := f.read(t, "badge.svg"); !strings.Contains(b, "SEV1 open") {
		t.Errorf("badge = %s", b)
	}
	for _, rel := range []string{"severity/sev1.html", "status/resolved.html", "history/2026.html", "search-index.js", "site.css", "site.js"} {
		f.read(t, rel)
	}
}

func TestDeterministic(t *testing.T) {
	f := newFixture(t)
	f.build(t)
	first := f.opts.Out
	f.opts.Out = filepath.Join(f.dir, "again")
	f.build(t)
	err := filepath.WalkDir(first, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == ManifestName {
			return err
		}
		rel, _ := filepath.Rel(first, p)
		a, _ := os.ReadFile(p)
		b, err := os.ReadFile(filepath.Join(f.opts.Out, rel))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds of the same input", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestIncremental(t *testing.T) {
	f := newFixture(t)
	res := f.build(t)
	if res.Parsed != 4 || len(res.Written) == 0 {
		t.Fatalf("first build %+v", res)
	}
	// Past the racy window of the previous build, nothing changed: nothing written, and only
	// the open incidents (their pages depend on the time) are read again.
	backdate(t, f)
	res = f.build(t)
	if len(res.Written) != 0 || len(res.Removed) != 0 || res.Parsed != 2 {
		t.Fatalf("unchanged rebuild wrote %q, removed %q, parsed %d", res.Written, res.Removed, res.Parsed)
	}
	// One resolved incident changes: its page and the lists that show it change.
	old, _ := os.ReadFile(f.srcs[0].File)
	os.WriteFile(f.srcs[0].File, bytes.Replace(old, []byte("title: Search returns nothing"), []byte("title: Search returned nothing"), 1), 0o644)
	res = f.build(t)
	if res.Parsed != 3 || !slices.Contains(res.Written, "incidents/261120-aaaaa.html") || slices.Contains(res.Written, "incidents/261123-ccccc.html") ||
		slices.Contains(res.Written, "site.css") || slices.Contains(res.Written, "severity/sev1.html") {
		t.Fatalf("one change: parsed %d, wrote %q", res.Parsed, res.Written)
	}
	// A page deleted by hand is written again; a removed document's page goes.
	os.Remove(filepath.Join(f.opts.Out, "incidents/261123-bbbbb.html"))
	f.srcs = f.srcs[:3]
	f.srcs = slices.Delete(f.srcs, 0, 1)
	res = f.build(t)
	if !slices.Contains(res.Written, "incidents/261123-bbbbb.html") || !slices.Equal(res.Removed, []string{"incidents/261120-aaaaa.html"}) {
		t.Fatalf("wrote %q, removed %q", res.Written, res.Removed)
	}
	if _, err := os.Stat(filepath.Join(f.opts.Out, "incidents/261120-aaaaa.html")); err == nil {
		t.Error("the removed incident's page is still there")
	}
}

// backdate moves the previous build's time back past the racy window.
func backdate(t *testing.T, f *fixture) {
	t.Helper()
	m, _, err := readManifest(f.opts.Out)
	if err != nil || m == nil {
		t.Fatalf("manifest: %v", err)
	}
	m.BuiltAt = m.BuiltAt.Add(time.Hour)
	for _, s := range f.srcs {
		past := time.Now().Add(-time.Hour)
		os.Chtimes(s.File, past, past)
		if st := m.Sources[s.Path]; st != nil {
			fi, _ := os.Stat(s.File)
			st.Stat.Size, st.Stat.MTime, st.Stat.CTime, st.Stat.Ino = statOf(fi)
		}
	}
	for _, s := range f.opts.Postmortems {
		past := time.Now().Add(-time.Hour)
		os.Chtimes(s.File, past, past)
		if st := m.Postmortems[s.Path]; st != nil {
			fi, _ := os.Stat(s.File)
			st.Stat.Size, st.Stat.MTime, st.Stat.CTime, st.Stat.Ino = statOf(fi)
		}
	}
	if err := writeManifest(f.opts.Out, m); err != nil {
		t.Fatal(err)
	}
}

func TestOutputFolderChecks(t *testing.T) {
	f := newFixture(t)
	other := filepath.Join(f.dir, "docs")
	os.MkdirAll(other, 0o755)
	os.WriteFile(filepath.Join(other, "notes.txt"), []byte("mine"), 0o644)
	for _, c := range []struct {
		out, want string
	}{
		{other, "is not a site incidentctl built"},
		{filepath.Join(f.dir, "incidents", "site"), "inside"},
		{f.dir, "the repository itself"},
		{filepath.Join(other, "notes.txt"), "is a file"},
	} {
		f.opts.Out = c.out
		if _, err := Build(f.srcs, f.opts); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("--out %s: error %v, want %q", c.out, err, c.want)
		}
	}
	f.opts.Out, f.opts.Force = other, true
	f.build(t)
	if b, _ := os.ReadFile(filepath.Join(other, "notes.txt")); string(b) != "mine" {
		t.Error("--force lost a file of the folder")
	}
	f.opts.Force = false
	f.build(t) // a previous site now
}

func TestBrokenDocument(t *testing.T) {
	f := newFixture(t)
	bad := filepath.Join(f.dir, "incidents/2026/11/261124-eeeee-bad.md")
	os.WriteFile(bad, []byte("---\nid: 261124-eeeee\ntitle: \"unclosed\n---\n<script>x()</script>\n"), 0o644)
	f.srcs = append(f.srcs, Source{Path: "incidents/2026/11/261124-eeeee-bad.md", File: bad})
	res := f.build(t)
	if len(res.Broken) != 1 || res.Broken[0].Path != "incidents/2026/11/261124-eeeee-bad.md" || res.Broken[0].Problems[0].Line == 0 {
		t.Fatalf("broken = %+v", res.Broken)
	}
	page := f.read(t, "incidents/261124-eeeee.html")
	if !strings.Contains(page, "could not be read") || strings.Contains(page, "<script>x()") || !strings.Contains(page, "&lt;script&gt;x()") {
		t.Errorf("broken page:\n%s", page)
	}
	if !strings.Contains(f.read(t, "index.html"), "Documents that could not be read") {
		t.Error("the index does not list the broken document")
	}
	if res.Incidents != 3 {
		t.Errorf("the others were not published: %+v", res)
	}
}

// An ID names a page's file and goes into links: anything but an ID's shape is refused.
func TestHostileID(t *testing.T) {
	f := newFixture(t)
	evil := doc(t, f.dir, "261124-fffff", "Evil", "SEV2", "investigating", "")
	src, _ := os.ReadFile(evil.File)
	os.WriteFile(evil.File, bytes.Replace(src, []byte("id: 261124-fffff"), []byte(`id: "../../x\"><script>alert(1)</script>"`), 1), 0o644)
	f.srcs = append(f.srcs, evil)
	res := f.build(t)
	if len(res.Broken) != 1 || !strings.Contains(res.Broken[0].Problems[0].Message, "is not an incident ID") {
		t.Fatalf("broken = %+v", res.Broken)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "x\"><script>alert(1)</script>.html")); err == nil {
		t.Error("a page was written outside the site")
	}
	page := f.read(t, "incidents/261124-fffff.html")
	if strings.Contains(page, "<script>alert") {
		t.Error("the ID reached the page unescaped")
	}
	if strings.Contains(f.read(t, "index.html"), "<script>alert") {
		t.Error("the ID reached the index unescaped")
	}
}
