package site

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pmDoc writes a postmortem the way incidentctl postmortem and followup add do.
func pmDoc(t *testing.T, dir, id, title, status, followups, body string) Source {
	t.Helper()
	rel := "postmortems/20" + id[:2] + "/" + id[2:4] + "/" + id + "-x.md"
	src := "---\nincident: " + id + "\ntitle: " + title + "\nstatus: " + status + "\nowner: alice\nmeeting: 2026-11-25T14:00:00+09:00\nfollowups:" + followups + "\n---\n" + body
	file := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return Source{Path: rel, File: file}
}

const pmFollowups = `
  - id: 261120-aaaaa-F1
    text: Alert on an empty search index
    owner: bob
    due: 2026-11-21
    kind: detect
    done: false
  - id: 261120-aaaaa-F2
    text: Reindex nightly
    owner: carol
    due: 2026-12-15
    link: https://tracker.example.com/ISSUE-7
    done: true
    done_at: 2026-11-22T09:00:00+09:00`

const pmBodyText = `
# Postmortem: Search returns nothing

<!-- Two or three sentences a reader outside the team understands. -->

## Summary

The index was empty <script>alert("pm")</script> for an hour.

## Follow-ups

<!-- incidentctl:followups -->
| ID | Action | Kind | Owner | Due | Status | Link |
| --- | --- | --- | --- | --- | --- | --- |
| 261120-aaaaa-F1 | Alert on an empty search index | detect | bob | 2026-11-21 | open | — |
<!-- /incidentctl:followups -->

## Changes to the response flow

None.
`

// withPostmortems adds a postmortem of the resolved incident (linked from its log), and one of
// the drill.
func withPostmortems(t *testing.T) *fixture {
	f := newFixture(t)
	f.srcs[0] = doc(t, f.dir, "261120-aaaaa", "Search returns nothing", "SEV3", "resolved", "",
		"2026-11-20T11:00:00+09:00 [bob] status investigating → resolved: reindexed",
		"2026-11-20T13:00:00+09:00 [alice] postmortem: postmortems/2026/11/261120-aaaaa-x.md")
	f.opts.Postmortems = []Source{
		pmDoc(t, f.dir, "261120-aaaaa", "Search returns nothing", "in-review", pmFollowups, pmBodyText),
		pmDoc(t, f.dir, "261123-ddddd", "Drill of a database failover", "draft", " []", "\n# Debrief of the failover drill\n"),
	}
	return f
}

func TestPostmortemPages(t *testing.T) {
	f := withPostmortems(t)
	res := f.build(t)
	if res.Postmortems != 1 || len(res.Broken) != 0 || res.Parsed != 6 {
		t.Fatalf("result %+v", res)
	}
	page := f.read(t, "postmortems/261120-aaaaa.html")
	for _, want := range []string{
		"<h1>Postmortem: Search returns nothing</h1>", "<title>Postmortem: Search returns nothing · Example status</title>",
		`href="../incidents/261120-aaaaa.html"`, "In review", "<h2>Summary</h2>",
		"&lt;script&gt;alert(&quot;pm&quot;)&lt;/script&gt;",                                                        // typed HTML shows as text
		`<time datetime="2026-11-25T05:00:00Z">2026-11-25 05:00 UTC</time><span class="own"> (14:00 +09:00)</span>`, // the meeting
		"Alert on an empty search index", "Overdue", `<time datetime="2026-11-21">2026-11-21</time>`, "detect",
		`<a href="https://tracker.example.com/ISSUE-7">issue</a>`, `<time datetime="2026-11-22T00:00:00Z">`, // done_at
		"postmortems/2026/11/261120-aaaaa-x.md", "1 of 2 done",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("postmortem page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>alert", "Two or three sentences", "incidentctl:followups", "| ID | Action", "<h1>Search"} {
		if strings.Contains(page, bad) {
			t.Errorf("postmortem page has %q", bad)
		}
	}
	if strings.Count(page, "<h1") != 1 {
		t.Error("the postmortem page has more than one h1")
	}
	// The follow-ups stand where the document lists them.
	if i, j, k := strings.Index(page, "<h2>Follow-ups</h2>"), strings.Index(page, `class="pm-followups"`), strings.Index(page, "<h2>Changes to the response flow</h2>"); !(i < j && j < k) {
		t.Errorf("the follow-ups are not in the document's place: %d %d %d", i, j, k)
	}

	inc := f.read(t, "incidents/261120-aaaaa.html")
	for _, want := range []string{`<a href="../postmortems/261120-aaaaa.html">Search returns nothing</a>`, "In review", "Reindex nightly", `<li class="followup is-overdue">`} {
		if !strings.Contains(inc, want) {
			t.Errorf("incident page lacks %q", want)
		}
	}
	if strings.Contains(inc, "(in the repository)") {
		t.Error("the incident page shows the postmortem as a path")
	}
	if index := f.read(t, "index.html"); !strings.Contains(index, `<a class="pm-link" href="postmortems/261120-aaaaa.html">Postmortem</a>`) {
		t.Error("the history does not link the postmortem")
	}
	if hist := f.read(t, "history/2026.html"); !strings.Contains(hist, `href="../postmortems/261120-aaaaa.html"`) {
		t.Error("the year's page does not link the postmortem")
	}
	var feed atomFeed
	if err := xml.Unmarshal([]byte(f.read(t, "feed.atom")), &feed); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range feed.Entries {
		if e.Category.Term == eventPostmortem {
			found = e.Link.Href == "postmortems/261120-aaaaa.html" && strings.HasSuffix(e.Title, "Postmortem — In review")
		}
	}
	if !found {
		t.Errorf("no feed entry for the postmortem: %+v", feed.Entries)
	}
	// The drill's postmortem is nowhere.
	if _, err := os.Stat(filepath.Join(f.opts.Out, "postmortems/261123-ddddd.html")); err == nil {
		t.Error("the drill's postmortem has a page")
	}
	filepath.WalkDir(f.opts.Out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && d.Name() != ManifestName {
			if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("Debrief")) || bytes.Contains(b, []byte("ddddd")) {
				t.Errorf("%s mentions the drill", p)
			}
		}
		return nil
	})
}

func TestPostmortemIncremental(t *testing.T) {
	f := withPostmortems(t)
	f.build(t)
	backdate(t, f)
	res := f.build(t)
	if len(res.Written) != 0 || res.Parsed != 2 { // the two open incidents
		t.Fatalf("unchanged rebuild wrote %q, parsed %d", res.Written, res.Parsed)
	}
	// A follow-up is done: the postmortem's page and its incident's page change, nothing else.
	pm := f.opts.Postmortems[0]
	src, _ := os.ReadFile(pm.File)
	os.WriteFile(pm.File, bytes.Replace(src, []byte("kind: detect\n    done: false"), []byte("kind: detect\n    done: true"), 1), 0o644)
	res = f.build(t)
	if !slices.Equal(res.Written, []string{"incidents/261120-aaaaa.html", "postmortems/261120-aaaaa.html"}) || res.Parsed != 4 { // 2 open, the postmortem, its incident
		t.Fatalf("a follow-up done: wrote %q, parsed %d", res.Written, res.Parsed)
	}
	if inc := f.read(t, "incidents/261120-aaaaa.html"); strings.Contains(inc, "followup is-overdue") || !strings.Contains(inc, `class="followup done"`) {
		t.Error("the done follow-up is still overdue on the incident's page")
	}
	// The postmortem goes final: the lists that show its status change too.
	src, _ = os.ReadFile(pm.File)
	os.WriteFile(pm.File, bytes.Replace(src, []byte("status: in-review"), []byte("status: final"), 1), 0o644)
	res = f.build(t)
	for _, want := range []string{"index.html", "postmortems/261120-aaaaa.html", "incidents/261120-aaaaa.html", "history/2026.html", "feed.atom"} {
		if !slices.Contains(res.Written, want) {
			t.Errorf("status final: %s not rewritten (%q)", want, res.Written)
		}
	}
	// The postmortem removed: its page goes.
	f.opts.Postmortems = f.opts.Postmortems[1:]
	res = f.build(t)
	if !slices.Contains(res.Removed, "postmortems/261120-aaaaa.html") || res.Postmortems != 0 {
		t.Fatalf("removed postmortem: removed %q, %d published", res.Removed, res.Postmortems)
	}
	if strings.Contains(f.read(t, "index.html"), "pm-link") {
		t.Error("the index still links the removed postmortem")
	}
}

func TestBrokenPostmortem(t *testing.T) {
	f := withPostmortems(t)
	os.WriteFile(f.opts.Postmortems[0].File, []byte("---\nincident: 261120-aaaaa\nstatus: [final\n---\n<script>x()</script>\n"), 0o644)
	res := f.build(t)
	if len(res.Broken) != 1 || res.Broken[0].Path != "postmortems/2026/11/261120-aaaaa-x.md" || res.Broken[0].Problems[0].Line < 2 {
		t.Fatalf("broken = %+v", res.Broken)
	}
	page := f.read(t, "postmortems/261120-aaaaa.html")
	if !strings.Contains(page, "This postmortem could not be read") || strings.Contains(page, "<script>x()") || !strings.Contains(page, "postmortems/2026/11/261120-aaaaa-x.md:") {
		t.Errorf("broken postmortem page:\n%s", page)
	}
	if inc := f.read(t, "incidents/261120-aaaaa.html"); !strings.Contains(inc, "could not be read") {
		t.Error("the incident page does not say its postmortem could not be read")
	}
	// A second postmortem of the same incident is reported, and the first keeps the page.
	f = withPostmortems(t)
	second := Source{Path: "postmortems/2026/11/261120-aaaaa-y.md", File: filepath.Join(f.dir, "postmortems/2026/11/261120-aaaaa-y.md")}
	os.WriteFile(second.File, []byte("---\nincident: 261120-aaaaa\nstatus: draft\n---\n"), 0o644)
	f.opts.Postmortems = append(f.opts.Postmortems, second)
	res = f.build(t)
	if len(res.Broken) != 1 || res.Broken[0].Path != second.Path || !strings.Contains(f.read(t, "postmortems/261120-aaaaa.html"), "In review") {
		t.Fatalf("two postmortems of one incident: %+v", res.Broken)
	}
}

func TestJapaneseSite(t *testing.T) {
	f := withPostmortems(t)
	f.opts.Lang = "ja"
	f.srcs = append(f.srcs, doc(t, f.dir, "261123-eeeee", "決済APIが500エラーを返す（東京リージョン）", "SEV2", "investigating", ""))
	f.build(t)
	index := f.read(t, "index.html")
	for _, want := range []string{`<html lang="ja">`, "対応中のインシデント", "深刻な障害が発生中", "2026年11月", "決済APIが500エラーを返す（東京リージョン）",
		"宣言から", "調査中", "ポストモーテム", "レビュー中", `data-units="{n}日|{n}時間|{n}分"`} {
		if !strings.Contains(index, want) {
			t.Errorf("Japanese index lacks %q", want)
		}
	}
	for _, bad := range []string{"Open incidents", "History", "Critical incident", "November"} {
		if strings.Contains(index, bad) {
			t.Errorf("Japanese index has %q", bad)
		}
	}
	page := f.read(t, "incidents/261123-eeeee.html")
	for _, want := range []string{"<title>決済APIが500エラーを返す（東京リージョン） · Example status</title>", "<h1>決済APIが500エラーを返す（東京リージョン）</h1>",
		"アクションリスト", "タイムライン", "インシデントコマンダー（IC）", "期限切れ", "記録: alice"} {
		if !strings.Contains(page, want) {
			t.Errorf("Japanese incident page lacks %q", want)
		}
	}
	pm := f.read(t, "postmortems/261120-aaaaa.html")
	for _, want := range []string{"振り返りミーティング", "2 件中 1 件完了", "期限 <time datetime=\"2026-11-21\">", "検知"} {
		if !strings.Contains(pm, want) {
			t.Errorf("Japanese postmortem page lacks %q", want)
		}
	}
	if feed := f.read(t, "feed.atom"); !strings.Contains(feed, `xml:lang="ja"`) || !strings.Contains(feed, "<title>Example status: 更新情報</title>") {
		t.Errorf("Japanese feed:\n%s", feed[:min(len(feed), 400)])
	}
	if b := f.read(t, "badge.svg"); !strings.Contains(b, "SEV1 対応中") {
		t.Errorf("Japanese badge: %s", b)
	}
	// Back to English: every page is rendered again (the language is part of the settings).
	f.opts.Lang = "en"
	res := f.build(t)
	if !slices.Contains(res.Written, "postmortems/261120-aaaaa.html") || !strings.Contains(f.read(t, "index.html"), `<html lang="en">`) {
		t.Errorf("switching the language back rewrote %q", res.Written)
	}
}
