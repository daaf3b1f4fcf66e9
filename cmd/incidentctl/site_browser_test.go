package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// The web view, tested as a reader sees it: headless Chromium (Debian's chromium package)
// loads the pages incidentctl site built, from files and from site --serve, and the test reads
// what the page shows. Screenshots of the index and of an incident page are saved into
// $INCIDENTCTL_ARTIFACTS (else the test's temporary folder) for a person to look at.

// chromiumPath finds the browser, or skips the test (fails it under INCIDENTCTL_REQUIRE_TOOLS=1).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("INCIDENTCTL_REQUIRE_TOOLS") == "1" {
		t.Fatal("chromium is not installed (apt-get install chromium) and INCIDENTCTL_REQUIRE_TOOLS=1")
	}
	t.Skip("chromium is not installed (apt-get install chromium); skipping the browser test")
	return ""
}

// browser starts a headless Chromium with a fresh profile and no network but loopback.
func browser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1000, 1400))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser and ties it to its context, so the time limit cancels
	// the context from outside rather than being a child of it.
	timer := time.AfterFunc(60*time.Second, cancel)
	err := chromedp.Do(ctx)
	if !timer.Stop() {
		t.Fatalf("starting %s took more than 60 s", exe)
	}
	if err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	return ctx
}

// step runs one browser action with a timeout.
func step[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

func do(t *testing.T, ctx context.Context, what string, as ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	step(t, ctx, what, chromedp.Steps(as...))
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	return step(t, ctx, js, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
}

func artifacts(t *testing.T) string {
	dir := os.Getenv("INCIDENTCTL_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	save(t, dir, name, step(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100)))
}

// viewShot saves what a narrow screen shows with the element at the top.
func viewShot(t *testing.T, ctx context.Context, dir, name, selector string) {
	t.Helper()
	eval[bool](t, ctx, `(e => { e.scrollIntoView(); return true })(document.querySelector("`+selector+`"))`)
	save(t, dir, name, step(t, ctx, "screenshot "+name, chromedp.CaptureScreenshot()))
}

func save(t *testing.T, dir, name string, png []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", p)
}

// siteRepo makes a repository with an open SEV1 (whose log holds a <script>), an open SEV3,
// a resolved SEV2 and a drill, the way responders would, and returns it with the IDs.
func siteRepo(t *testing.T) (r runner, dir string, ids map[string]string) {
	r = runner{t: t, env: responderEnv(t)}
	dir = filepath.Join(t.TempDir(), "ops")
	r.must(filepath.Dir(dir), "git", "init", "-q", dir)
	r.must(dir, "git", "commit", "-q", "--allow-empty", "-m", "first")
	r.must(dir, "incidentctl", "init")
	ids = map[string]string{}
	at := func(ts string) runner {
		return runner{t: t, env: append(r.env[:len(r.env):len(r.env)], "INCIDENTCTL_NOW="+ts)}
	}
	newID := func(rr runner, title, sev string, args ...string) string {
		out := rr.must(dir, "incidentctl", append([]string{"new", title, "--severity", sev}, args...)...)
		m := declared.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("new printed %q", out)
		}
		return m[1]
	}
	ids["resolved"] = newID(at("2026-11-20T09:00:00+09:00"), "Search returns nothing", "SEV2", "--impact", "search is empty")
	at("2026-11-20T09:30:00+09:00").must(dir, "incidentctl", "close", ids["resolved"], "--force", "--resolution", "reindexed")
	// Its postmortem, with a follow-up that is overdue by the time the site is built.
	at("2026-11-20T12:00:00+09:00").must(dir, "incidentctl", "postmortem", ids["resolved"])
	at("2026-11-20T12:10:00+09:00").must(dir, "incidentctl", "followup", "add", ids["resolved"], "Alert when the index is <em>empty</em>", "--owner", "carol", "--due", "2026-11-21", "--kind", "detect")
	ids["sev3"] = newID(at("2026-11-23T09:00:00+09:00"), "Avatars load slowly", "SEV3")
	ids["sev1"] = newID(at("2026-11-23T10:02:00+09:00"), "Checkout API returns 500s", "SEV1", "--impact", "30% of checkouts fail", "--commander", "alice")
	at("2026-11-23T10:05:00+09:00").must(dir, "incidentctl", "log", ids["sev1"], `error rate <script>document.title="owned";window.owned=1</script> 30%`)
	at("2026-11-23T10:10:00+09:00").must(dir, "incidentctl", "update", ids["sev1"], "--status", "identified", "--announcement", "We are investigating failed checkouts")
	at("2026-11-23T10:30:00+09:00").must(dir, "incidentctl", "handoff", ids["sev1"], "--to", "bob", "--note", "rollback running")
	ids["drill"] = newID(at("2026-11-23T10:40:00+09:00"), "Rehearsal of a database failover", "SEV1")
	// A drill is marked in its front matter (kind: drill).
	matches, _ := filepath.Glob(filepath.Join(dir, "incidents", "*", "*", ids["drill"]+"-*.md"))
	if len(matches) != 1 {
		t.Fatalf("drill document: %q", matches)
	}
	b, _ := os.ReadFile(matches[0])
	b = regexp.MustCompile(`(?m)^title: .*\n`).ReplaceAllFunc(b, func(l []byte) []byte { return append(bytes.Clone(l), "kind: drill\n"...) })
	os.WriteFile(matches[0], b, 0o644)
	r.must(dir, "git", "commit", "-q", "-am", "mark the rehearsal as a drill")
	return at("2026-11-23T11:00:00+09:00"), dir, ids
}

func TestSiteInBrowser(t *testing.T) {
	exe := chromiumPath(t)
	r, dir, ids := siteRepo(t)
	out := filepath.Join(t.TempDir(), "site")
	r.must(dir, "incidentctl", "site", "--out", out, "--title", "Example status")
	shots := artifacts(t)
	ctx := browser(t, exe)
	index := "file://" + filepath.Join(out, "index.html")
	page := "file://" + filepath.Join(out, "incidents", ids["sev1"]+".html")

	// The reader's zone is Tokyo: times show in it, not in UTC.
	step(t, ctx, "timezone", chromedp.Action[struct{}](func(c context.Context, _ *chromedp.Target) (struct{}, error) {
		_, err := chromedp.Call(c, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"})
		return struct{}{}, err
	}))
	do(t, ctx, "open the index", chromedp.Navigate(index))
	if got := eval[string](t, ctx, `document.querySelector("#open ~ .card h3, section .card h3").textContent`); got != "Checkout API returns 500s" {
		t.Errorf("first open incident = %q, want the SEV1", got)
	}
	cards := eval[[]string](t, ctx, `[...document.querySelectorAll(".card h3")].map(e => e.textContent)`)
	if len(cards) != 2 || cards[1] != "Avatars load slowly" {
		t.Errorf("open incidents = %q", cards)
	}
	body := eval[string](t, ctx, `document.body.innerText`)
	if strings.Contains(body, "database failover") {
		t.Error("the drill shows on the index")
	}
	if !strings.Contains(body, "Search returns nothing") || !strings.Contains(body, "November 2026") {
		t.Error("the history does not show the resolved incident by month")
	}
	if !strings.Contains(body, "Critical incident") {
		t.Errorf("the overall state is not said in words: %q", body[:min(len(body), 300)])
	}
	// Declared 10:02 +09:00 = 01:02 UTC; in Tokyo the page says 10:02.
	declared := eval[string](t, ctx, `[...document.querySelectorAll(".card dt")].find(e => e.textContent === "Declared").nextElementSibling.querySelector("time").textContent`)
	if !strings.HasPrefix(declared, "2026-11-23 10:02") || strings.Contains(declared, "UTC") {
		t.Errorf("declared time in Tokyo = %q, want 2026-11-23 10:02 in the local zone", declared)
	}
	if note := eval[string](t, ctx, `document.querySelector(".times-note").textContent`); !strings.Contains(note, "Asia/Tokyo") {
		t.Errorf("times note = %q", note)
	}
	// The search box appears with JavaScript and finds an incident by a word of its title.
	if hidden := eval[bool](t, ctx, `document.querySelector("form.search").hidden`); hidden {
		t.Error("the search box is still hidden with JavaScript on")
	}
	do(t, ctx, "search", chromedp.SendKeys("#q", "returns nothing"))
	step(t, ctx, "search results", chromedp.Poll[bool](`document.querySelectorAll("#search-results a").length === 1`, chromedp.WithPollingTimeout(10*time.Second)))
	if got := eval[string](t, ctx, `document.querySelector("#search-results a").textContent`); got != "Search returns nothing" {
		t.Errorf("search found %q", got)
	}
	eval[bool](t, ctx, `(q => { q.value = ""; q.dispatchEvent(new Event("input")); return true })(document.querySelector("#q"))`)
	screenshot(t, ctx, shots, "site-index.png")

	// At 320 px nothing needs sideways scrolling.
	do(t, ctx, "narrow", chromedp.EmulateViewport(320, 900))
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 320 {
		t.Errorf("index is %d px wide at 320 px", w)
	}
	viewShot(t, ctx, shots, "site-index-320px.png", "h1")
	viewShot(t, ctx, shots, "site-index-320px-history.png", "#history")
	do(t, ctx, "wide", chromedp.EmulateViewport(1000, 1400))

	// The incident page: a typed <script> shows as text and runs nothing.
	do(t, ctx, "open the incident", chromedp.Navigate(page))
	if title := eval[string](t, ctx, `document.title`); title != "Checkout API returns 500s · Example status" {
		t.Errorf("title = %q (a script in the log ran?)", title)
	}
	if owned := eval[bool](t, ctx, `window.owned === 1`); owned {
		t.Error("the log's <script> ran")
	}
	text := eval[string](t, ctx, `document.querySelector(".timeline").innerText`)
	if !strings.Contains(text, `<script>document.title="owned";window.owned=1</script>`) {
		t.Errorf("the log text is not shown as typed:\n%s", text)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("main script").length`); n != 0 {
		t.Errorf("%d script elements in the page's content", n)
	}
	// Required and overdue actions are visible as words, the handoff briefing is a list.
	if n := eval[int](t, ctx, `[...document.querySelectorAll(".action.is-overdue .tag-overdue")].filter(e => e.innerText.includes("Overdue")).length`); n == 0 {
		t.Error("no overdue action is marked in words")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".action .tag-required").length`); n == 0 {
		t.Error("no required action is marked")
	}
	if n := eval[int](t, ctx, `document.querySelectorAll(".briefing ul li").length`); n < 4 {
		t.Errorf("handoff briefing has %d list items", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("table.status th[scope=row]").length`); n < 6 {
		t.Errorf("status table has %d row headers", n)
	}
	logTime := eval[string](t, ctx, `document.querySelector(".timeline time").textContent`)
	screenshot(t, ctx, shots, "site-incident.png")
	do(t, ctx, "narrow", chromedp.EmulateViewport(320, 900))
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 320 {
		t.Errorf("incident page is %d px wide at 320 px", w)
	}
	viewShot(t, ctx, shots, "site-incident-320px.png", "h1")
	viewShot(t, ctx, shots, "site-incident-320px-actions.png", "#actions")
	viewShot(t, ctx, shots, "site-incident-320px-timeline.png", ".ev-handoff")
	do(t, ctx, "wide", chromedp.EmulateViewport(1000, 1400))

	// The postmortem: from the history's link to its page, the follow-ups with their state.
	do(t, ctx, "open the index again", chromedp.Navigate(index))
	do(t, ctx, "follow the postmortem link", chromedp.Click(`a.pm-link`), chromedp.WaitVisible(`article.postmortem`))
	if loc := eval[string](t, ctx, `location.pathname`); !strings.HasSuffix(loc, "/postmortems/"+ids["resolved"]+".html") {
		t.Errorf("the postmortem link went to %s", loc)
	}
	if h1 := eval[string](t, ctx, `document.querySelector("h1").textContent`); h1 != "Postmortem: Search returns nothing" {
		t.Errorf("postmortem h1 = %q", h1)
	}
	pmText := eval[string](t, ctx, `document.querySelector("main").innerText`)
	for _, want := range []string{"Alert when the index is <em>empty</em>", "Overdue", "Draft", "Timeline", "Blameless"} {
		if !strings.Contains(pmText, want) {
			t.Errorf("the postmortem page does not show %q", want)
		}
	}
	if strings.Contains(pmText, "Two or three sentences") || eval[int](t, ctx, `document.querySelectorAll("main script, .followup em").length`) != 0 {
		t.Error("the postmortem page shows its template's prompts or renders typed HTML")
	}
	if href := eval[string](t, ctx, `document.querySelector(".crumbs a[href*=incidents]").getAttribute("href")`); href != "../incidents/"+ids["resolved"]+".html" {
		t.Errorf("the postmortem does not link its incident: %q", href)
	}
	screenshot(t, ctx, shots, "site-postmortem.png")
	do(t, ctx, "narrow", chromedp.EmulateViewport(320, 900))
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 320 {
		t.Errorf("the postmortem page is %d px wide at 320 px", w)
	}
	viewShot(t, ctx, shots, "site-postmortem-320px.png", "h1")
	viewShot(t, ctx, shots, "site-postmortem-320px-followups.png", "#followups")
	do(t, ctx, "wide", chromedp.EmulateViewport(1000, 1400))
	do(t, ctx, "back to the incident", chromedp.Navigate(page))

	// Printed: no search, no filters; the content stays.
	step(t, ctx, "print media", chromedp.Action[struct{}](func(c context.Context, _ *chromedp.Target) (struct{}, error) {
		_, err := chromedp.Call(c, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return struct{}{}, err
	}))
	if d := eval[string](t, ctx, `getComputedStyle(document.querySelector(".timeline")).display`); d == "none" {
		t.Error("the timeline is hidden in print")
	}
	step(t, ctx, "screen media", chromedp.Action[struct{}](func(c context.Context, _ *chromedp.Target) (struct{}, error) {
		_, err := chromedp.Call(c, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		return struct{}{}, err
	}))

	// Another zone gives another time: the script follows the browser's zone.
	step(t, ctx, "timezone", chromedp.Action[struct{}](func(c context.Context, _ *chromedp.Target) (struct{}, error) {
		_, err := chromedp.Call(c, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return struct{}{}, err
	}))
	do(t, ctx, "reload", chromedp.Navigate(page))
	if ny := eval[string](t, ctx, `document.querySelector(".timeline time").textContent`); ny == logTime || !strings.HasPrefix(ny, "2026-11-22 20:02") {
		t.Errorf("first log time in New York = %q (in Tokyo %q), want 2026-11-22 20:02", ny, logTime)
	}
	// Without JavaScript: the UTC time and the incident's own offset show, no search box.
	step(t, ctx, "no script", chromedp.Action[struct{}](func(c context.Context, _ *chromedp.Target) (struct{}, error) {
		_, err := chromedp.Call(c, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return struct{}{}, err
	}))
	do(t, ctx, "open the index without JavaScript", chromedp.Navigate(index))
	if got := step(t, ctx, "declared text", chromedp.Text(`.card time`)); !strings.HasSuffix(got, " UTC") {
		t.Errorf("without JavaScript a time reads %q, want UTC", got)
	}
	if own := step(t, ctx, "own offset", chromedp.Text(`.card .own`)); !strings.Contains(own, "+09:00") {
		t.Errorf("without JavaScript the incident's own offset reads %q", own)
	}
	if vis := step(t, ctx, "search hidden", chromedp.Evaluate[bool](`document.querySelector("form.search").hidden`)); !vis {
		t.Error("the search box shows without JavaScript")
	}
	screenshot(t, ctx, shots, "site-index-nojs.png")
	html, err := os.ReadFile(filepath.Join(out, "incidents", ids["sev1"]+".html"))
	if err != nil || !strings.Contains(string(html), `2026-11-23 01:02 UTC</time><span class="own"> (10:02 +09:00)</span>`) {
		t.Errorf("the page without JavaScript lacks the UTC time and own offset")
	}
	if strings.Contains(string(html), ids["drill"]) {
		t.Error("the drill is linked from an incident page")
	}
	if _, err := os.Stat(filepath.Join(out, "incidents", ids["drill"]+".html")); err == nil {
		t.Error("the drill has a page")
	}
}

// jaSiteRepo makes a repository set up in Japanese (lang: ja) with an open SEV1, a resolved
// SEV2 with its postmortem, both with Japanese titles.
func jaSiteRepo(t *testing.T) (r runner, dir string, ids map[string]string) {
	r = runner{t: t, env: responderEnv(t)}
	dir = filepath.Join(t.TempDir(), "ops")
	r.must(filepath.Dir(dir), "git", "init", "-q", dir)
	r.must(dir, "git", "commit", "-q", "--allow-empty", "-m", "first")
	r.must(dir, "incidentctl", "init")
	cfg, err := os.ReadFile(filepath.Join(dir, ".incidentctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Written as editors save (a new file renamed over the old): os.WriteFile truncates first,
	// and a rebuild that read the empty file in between would load the defaults (English).
	writeRenamed(t, filepath.Join(dir, ".incidentctl.yaml"), append(cfg, "\nlang: ja\n"...))
	r.must(dir, "git", "commit", "-q", "-am", "日本語で運用する")
	at := func(ts string) runner {
		return runner{t: t, env: append(r.env[:len(r.env):len(r.env)], "INCIDENTCTL_NOW="+ts)}
	}
	ids = map[string]string{}
	newID := func(rr runner, title, sev string, args ...string) string {
		out := rr.must(dir, "incidentctl", append([]string{"new", title, "--severity", sev}, args...)...)
		m := declared.FindStringSubmatch(out)
		if m == nil {
			t.Fatalf("new printed %q", out)
		}
		return m[1]
	}
	ids["resolved"] = newID(at("2026-11-20T09:00:00+09:00"), "検索結果が表示されない", "SEV2", "--impact", "検索が空になる")
	at("2026-11-20T09:30:00+09:00").must(dir, "incidentctl", "close", ids["resolved"], "--force", "--resolution", "インデックスを再構築")
	at("2026-11-20T12:00:00+09:00").must(dir, "incidentctl", "postmortem", ids["resolved"])
	at("2026-11-20T12:10:00+09:00").must(dir, "incidentctl", "followup", "add", ids["resolved"], "インデックスが空になったらアラートを出す", "--owner", "佐藤", "--due", "2026-11-21")
	ids["sev1"] = newID(at("2026-11-23T10:02:00+09:00"), "決済APIが500エラーを返す（東京リージョン）", "SEV1", "--impact", "決済の30%が失敗", "--commander", "田中")
	at("2026-11-23T10:10:00+09:00").must(dir, "incidentctl", "update", ids["sev1"], "--status", "identified", "--announcement", "決済の失敗を調査中です")
	return at("2026-11-23T11:00:00+09:00"), dir, ids
}

// TestSiteJapaneseInBrowser: a repository set up in Japanese gets Japanese pages: the lang
// attribute, the labels, the titles in the list and in the page the list links to, the times
// in the reader's zone written the Japanese way.
func TestSiteJapaneseInBrowser(t *testing.T) {
	exe := chromiumPath(t)
	r, dir, ids := jaSiteRepo(t)
	out := filepath.Join(t.TempDir(), "site")
	r.must(dir, "incidentctl", "site", "--out", out)
	shots := artifacts(t)
	ctx := browser(t, exe)
	step(t, ctx, "timezone", chromedp.Action[struct{}](func(c context.Context, _ *chromedp.Target) (struct{}, error) {
		_, err := chromedp.Call(c, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "Asia/Tokyo"})
		return struct{}{}, err
	}))
	do(t, ctx, "open the index", chromedp.Navigate("file://"+filepath.Join(out, "index.html")))
	if lang := eval[string](t, ctx, `document.documentElement.lang`); lang != "ja" {
		t.Errorf("lang = %q, want ja", lang)
	}
	body := eval[string](t, ctx, `document.body.innerText`)
	for _, want := range []string{"対応中のインシデント", "深刻な障害が発生中", "過去のインシデント", "2026年11月", "インシデントコマンダー（IC）", "田中", "ポストモーテム"} {
		if !strings.Contains(body, want) {
			t.Errorf("the Japanese index does not show %q", want)
		}
	}
	for _, bad := range []string{"Open incidents", "History", "Declared", "November"} {
		if strings.Contains(body, bad) {
			t.Errorf("the Japanese index shows %q", bad)
		}
	}
	// The local-time script writes the date the Japanese way, in the reader's zone.
	declared := eval[string](t, ctx, `[...document.querySelectorAll(".card dt")].find(e => e.textContent === "宣言").nextElementSibling.querySelector("time").textContent`)
	if !strings.HasPrefix(declared, "2026/11/23 10:02") {
		t.Errorf("declared time in Tokyo = %q, want 2026/11/23 10:02 …", declared)
	}
	if note := eval[string](t, ctx, `document.querySelector(".times-note").textContent`); !strings.Contains(note, "お使いのタイムゾーン（Asia/Tokyo）") {
		t.Errorf("times note = %q", note)
	}
	title := "決済APIが500エラーを返す（東京リージョン）"
	if got := eval[string](t, ctx, `document.querySelector(".card h3 a").textContent`); got != title {
		t.Errorf("first open incident = %q, want %q", got, title)
	}
	screenshot(t, ctx, shots, "site-ja-index.png")
	do(t, ctx, "narrow", chromedp.EmulateViewport(320, 900))
	if w := eval[int](t, ctx, `document.documentElement.scrollWidth`); w > 320 {
		t.Errorf("the Japanese index is %d px wide at 320 px", w)
	}
	viewShot(t, ctx, shots, "site-ja-index-320px.png", "h1")
	do(t, ctx, "wide", chromedp.EmulateViewport(1000, 1400))

	// Follow the link: the page it opens has the Japanese title, and names the document's file.
	do(t, ctx, "follow the incident link", chromedp.Click(`.card h3 a`), chromedp.WaitVisible(`#timeline`))
	if loc := eval[string](t, ctx, `location.pathname`); !strings.HasSuffix(loc, "/incidents/"+ids["sev1"]+".html") {
		t.Errorf("the link went to %s", loc)
	}
	if got := eval[string](t, ctx, `document.title`); got != title+" · インシデント情報" {
		t.Errorf("page title = %q", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("h1").textContent`); got != title {
		t.Errorf("h1 = %q", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "incidents", "*", "*", ids["sev1"]+"-*.md"))
	if len(files) != 1 {
		t.Fatalf("the document: %q", files)
	}
	rel, _ := filepath.Rel(dir, files[0])
	if got := eval[string](t, ctx, `[...document.querySelectorAll("table.status th")].find(e => e.textContent === "ドキュメント").nextElementSibling.textContent`); got != filepath.ToSlash(rel) {
		t.Errorf("the page names the document %q, want %q", got, rel)
	}
	text := eval[string](t, ctx, `document.querySelector("main").innerText`)
	for _, want := range []string{"アクションリスト", "タイムライン", "必須", "期限切れ", "決済の失敗を調査中です"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Japanese incident page does not show %q", want)
		}
	}
	screenshot(t, ctx, shots, "site-ja-incident.png")

	// The postmortem, from the history.
	do(t, ctx, "back", chromedp.Navigate("file://"+filepath.Join(out, "index.html")))
	do(t, ctx, "follow the postmortem link", chromedp.Click(`a.pm-link`), chromedp.WaitVisible(`article.postmortem`))
	text = eval[string](t, ctx, `document.querySelector("main").innerText`)
	for _, want := range []string{"検索結果が表示されない", "振り返りミーティング", "下書き", "インデックスが空になったらアラートを出す", "佐藤", "期限切れ"} {
		if !strings.Contains(text, want) {
			t.Errorf("the Japanese postmortem page does not show %q", want)
		}
	}
	screenshot(t, ctx, shots, "site-ja-postmortem.png")
}

// TestSiteServeInBrowser serves the site with site --serve, reads the feed and the JSON through
// the browser, and sees a new log entry appear after the rebuild.
func TestSiteServeInBrowser(t *testing.T) {
	exe := chromiumPath(t)
	r, dir, ids := siteRepo(t)
	addr := freeAddr(t)
	out := filepath.Join(t.TempDir(), "site")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, "incidentctl", "site", "--out", out, "--serve", "--addr", addr, "--interval", "200ms")
	cmd.Dir, cmd.Env = dir, r.env
	var stderr lockedBuilder // written by the process's copier while the test reads it
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); cmd.Wait() }()
	base := "http://" + addr + "/"
	waitFor(t, 30*time.Second, func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err == nil
	}, func() string { return "site --serve did not listen: " + stderr.String() })

	bctx := browser(t, exe)
	do(t, bctx, "open the served index", chromedp.Navigate(base+"index.html"))
	feed := eval[string](t, bctx, `fetch("feed.atom").then(r => r.text())`)
	var f struct {
		Entries []struct {
			ID      string `xml:"id"`
			Title   string `xml:"title"`
			Updated string `xml:"updated"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal([]byte(feed), &f); err != nil || len(f.Entries) == 0 {
		t.Fatalf("feed.atom: %v, %d entries", err, len(f.Entries))
	}
	if bad := eval[int](t, bctx, `fetch("feed.atom").then(r => r.text()).then(t => new DOMParser().parseFromString(t, "application/xml").getElementsByTagName("parsererror").length)`); bad != 0 {
		t.Error("the browser cannot parse feed.atom")
	}
	for _, e := range f.Entries {
		if strings.Contains(e.Title, "failover") {
			t.Error("the drill is in the feed")
		}
	}
	raw := eval[string](t, bctx, `fetch("status.json").then(r => r.json()).then(j => JSON.stringify(j))`)
	var st struct {
		Status struct {
			Indicator string `json:"indicator"`
		} `json:"status"`
		Incidents []struct {
			ID string `json:"id"`
		} `json:"incidents"`
	}
	if err := json.Unmarshal([]byte(raw), &st); err != nil || st.Status.Indicator != "critical" || len(st.Incidents) != 2 || st.Incidents[0].ID != ids["sev1"] {
		t.Errorf("status.json = %s (%v)", raw, err)
	}
	if links := eval[int](t, bctx, `document.querySelectorAll('link[rel=alternate][type="application/atom+xml"]').length`); links != 1 {
		t.Error("no feed autodiscovery link")
	}
	if code := eval[int](t, bctx, `fetch(".incidentctl-site").then(r => r.status)`); code != 404 {
		t.Errorf("the manifest is served (status %d)", code)
	}

	// A new log entry: the server rebuilds and the page shows it.
	r.must(dir, "incidentctl", "log", ids["sev1"], "rollback finished, error rate back to 0.1%")
	page := base + "incidents/" + ids["sev1"] + ".html"
	waitFor(t, 30*time.Second, func() bool {
		do(t, bctx, "reload", chromedp.Navigate(page))
		return strings.Contains(eval[string](t, bctx, `document.body.innerText`), "rollback finished")
	}, func() string { return "the new log entry never appeared; serve said: " + stderr.String() })

	// The settings change while it serves: the next rebuild follows them (here the language).
	cfg, err := os.ReadFile(filepath.Join(dir, ".incidentctl.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// Written as editors save (a new file renamed over the old): os.WriteFile truncates first,
	// and a rebuild that read the empty file in between would load the defaults (English).
	writeRenamed(t, filepath.Join(dir, ".incidentctl.yaml"), append(cfg, "\nlang: ja\n"...))
	waitFor(t, 30*time.Second, func() bool {
		do(t, bctx, "reload", chromedp.Navigate(page))
		return eval[string](t, bctx, `document.documentElement.lang`) == "ja" && strings.Contains(eval[string](t, bctx, `document.body.innerText`), "タイムライン")
	}, func() string { return "the page never followed lang: ja; serve said: " + stderr.String() })
	// A setting that does not load is reported, and the site keeps the last good ones.
	writeRenamed(t, filepath.Join(dir, ".incidentctl.yaml"), append(cfg, "\nlang: fr\n"...))
	waitFor(t, 30*time.Second, func() bool { return strings.Contains(stderr.String(), "keeps its previous settings") },
		func() string { return "a broken .incidentctl.yaml was not reported: " + stderr.String() })
	do(t, bctx, "reload", chromedp.Navigate(page))
	if lang := eval[string](t, bctx, `document.documentElement.lang`); lang != "ja" {
		t.Errorf("after a broken .incidentctl.yaml the page's language is %q", lang)
	}
}

// writeRenamed replaces the file at path with data in one step.
func writeRenamed(t *testing.T, path string, data []byte) {
	t.Helper()
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

func TestSiteServeAddressInUse(t *testing.T) {
	r, dir, _ := siteRepo(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	_, stderr, err := r.run(ctx, dir, "incidentctl", "site", "--serve", "--addr", ln.Addr().String())
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(stderr, "already in use") {
		t.Fatalf("serve on a taken address: %v\n%s", err, stderr)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitFor(t *testing.T, limit time.Duration, ok func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal(why())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

var _ = fmt.Sprint

// lockedBuilder is a strings.Builder that one goroutine may write while another reads it.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
