package lint

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// cacheRepo writes documents that give findings of most kinds, and the ones that depend on
// more than the document: ids shared, postmortem links, a postmortem pending, a time in the
// future.
func cacheRepo(t *testing.T) string {
	dir := t.TempDir()
	write(t, dir, validPath, validDoc)
	write(t, dir, "incidents/2026/11/261123-k7xqm-copy.md", replace(validDoc, "title: Checkout API returns 500s", "title: Copy"))
	write(t, dir, "incidents/2026/11/261120-aaaaa-bad.md", replace(validDoc, "id: 261123-k7xqm", "id: 261120-aaaaa",
		"status: investigating", "status: done", "commander: alice", "commander: alice\ncolour: red"))
	write(t, dir, "incidents/2026/11/261121-bbbbb-secret.md", replace(validDoc, "id: 261123-k7xqm", "id: 261121-bbbbb",
		"error rate 12%", "key AKIAIOSFODNN7EXAMPLE"))
	pm := "- 2026-11-23T10:41:00+09:00 [alice] postmortem: https://wiki.example.com/pm/k7xqm\n"
	res := resolved(replace(validDoc, "id: 261123-k7xqm", "id: 261122-ccccc", "severity: SEV2", "severity: SEV1"))
	write(t, dir, "incidents/2026/11/261122-ccccc-linked.md", strings.Replace(res, pm,
		"- 2026-11-23T10:41:00+09:00 [alice] postmortem: postmortems/2026/11/261122-ccccc-x.md\n", 1))
	res = resolved(replace(validDoc, "id: 261123-k7xqm", "id: 261122-ddddd", "severity: SEV2", "severity: SEV1"))
	write(t, dir, "incidents/2026/11/261122-ddddd-pending.md", strings.Replace(res, pm, "", 1))
	write(t, dir, "incidents/2026/11/261122-eeeee-future.md", replace(validDoc, "id: 261123-k7xqm", "id: 261122-eeeee")+
		"- 2026-11-25T10:10:00+09:00 [bob] from the future\n")
	write(t, dir, "incidents/2026/11/261122-fffff-broken.md", "---\nid: [\n---\n")
	write(t, dir, "incidents/README.md", "# Incidents\n")
	write(t, dir, "incidents/drafts/plan.md", "---\nid: nope\n---\n")
	return dir
}

// lintSevs are the severities lintWith passes (nil: the built-in ones).
var lintSevs *severity.Set

func lintWith(t *testing.T, dir, cache string, now time.Time, cfg config.Config, paths ...string) *Result {
	t.Helper()
	var abs []string
	for _, p := range paths {
		abs = append(abs, filepath.Join(dir, p))
	}
	from := ""
	if lintSevs != nil {
		from = "severities.yaml"
	}
	res, err := Run(Options{Root: dir, Config: cfg, Now: now, Cache: cache, Paths: abs, Severities: lintSevs, SeveritiesFrom: from})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCacheSameResult: with the cache, fresh or reused, every run's result is the run's result
// without one (findings with their levels and pending marks, counts, skipped paths), through
// edits, a new postmortem, a changed configuration, the clock moving and a damaged cache.
func TestCacheSameResult(t *testing.T) {
	dir := cacheRepo(t)
	cache := filepath.Join(dir, ".git", "incidentctl")
	cfg := config.Default()
	now := testNow
	ja := i18n.For(i18n.Japanese)
	check := func(what string, wantReuse bool, paths ...string) {
		t.Helper()
		want := lintWith(t, dir, "", now, cfg, paths...)
		// A reading is kept once the file settled (its last change came before the run
		// began): wait for the file system's clock to move past the last write.
		reused := int64(0)
		for try := 0; try < 50; try++ {
			before := cacheReused.Load()
			got := lintWith(t, dir, cache, now, cfg, paths...)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: with the cache\n%+v\nwithout\n%+v", what, got, want)
			}
			// In Japanese too (read back by another process: lint_cache.txtar).
			for i, fd := range got.Findings {
				if g, w := ja.Translate(fd.Message), ja.Translate(want.Findings[i].Message); g != w {
					t.Fatalf("%s: in Japanese with the cache %q, without %q", what, g, w)
				}
			}
			if reused = cacheReused.Load() - before; reused > 0 || !wantReuse {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if wantReuse && reused == 0 {
			t.Fatalf("%s: the cache was never used", what)
		}
	}
	check("first", true)
	if got := lintWith(t, dir, cache, now, cfg); len(got.Findings) == 0 || got.Pending != 1 {
		t.Fatalf("the fixture should give findings and one pending postmortem: %+v", got)
	}
	check("again", true)

	// An edit of the same size: only the times tell.
	p := filepath.Join(dir, filepath.FromSlash(validPath))
	write(t, dir, validPath, strings.Replace(validDoc, "status: investigating", "status: investigatinx", 1))
	check("edited in place", true)
	os.Remove(p)
	check("deleted", true)
	write(t, dir, validPath, validDoc)
	check("back", true)

	// The postmortem the link names appears, and goes.
	write(t, dir, "postmortems/2026/11/261122-ccccc-x.md", "---\nincident: 261122-ccccc\nstatus: draft\n---\n# x\n")
	check("postmortem written", true)
	os.Remove(filepath.Join(dir, "postmortems/2026/11/261122-ccccc-x.md"))
	check("postmortem removed", true)

	// The clock: the pending postmortem falls due; an earlier clock reads everything again.
	now = testNow.Add(30 * 24 * time.Hour)
	check("a month later", true)
	now = testNow.Add(-time.Hour)
	check("an hour earlier", true)
	now = testNow

	// The configuration and the severities.
	cfg.Lint.Rules = map[string]string{"unknown-key": "error"}
	check("rule level", true)
	cfg.Fields = map[string]config.Field{"colour": {Type: config.FieldText}}
	check("a declared field", true)
	sevs, err := severity.Parse("s", []byte("levels:\n  - id: SEV1\n    summary: a\n"))
	if err != nil {
		t.Fatal(err)
	}
	before := lintWith(t, dir, "", now, cfg)
	lintSevs = sevs
	defer func() { lintSevs = nil }()
	if reflect.DeepEqual(before, lintWith(t, dir, "", now, cfg)) {
		t.Fatal("other severities should change the findings")
	}
	check("other severities", true)
	lintSevs = nil
	write(t, dir, config.FileName, "lint:\n  rules:\n    unknown-key: off\n")
	check("config file", true)
	cfg = config.Default()

	// Some paths only, then all again.
	check("one folder", true, "incidents/2026")
	check("one file", true, validPath)
	check("all", true)

	// A damaged or foreign cache is not used, and is replaced.
	b, err := os.ReadFile(filepath.Join(cache, "lint"))
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(b) - 1, len(b) / 2, len(lintCacheMagic) + 3} {
		if err := os.WriteFile(filepath.Join(cache, "lint"), b[:cut], 0o644); err != nil {
			t.Fatal(err)
		}
		check("truncated", false)
	}
	if err := os.WriteFile(filepath.Join(cache, "lint"), []byte("rubbish"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("rubbish", false)
	check("rewritten", true)
}

// TestCacheRacy: a file changed after the run began is not kept.
func TestCacheRacy(t *testing.T) {
	dir := cacheRepo(t)
	cache := filepath.Join(dir, ".git", "incidentctl")
	// Stamp every document in the future: none has settled.
	future := time.Now().Add(time.Hour)
	filepath.Walk(filepath.Join(dir, "incidents"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			os.Chtimes(p, future, future)
		}
		return nil
	})
	lintWith(t, dir, cache, testNow, config.Default())
	before := cacheReused.Load()
	lintWith(t, dir, cache, testNow, config.Default())
	if n := cacheReused.Load() - before; n != 0 {
		t.Fatalf("%d unsettled documents were taken from the cache", n)
	}
}

// FuzzCacheEntries: any bytes decode without a panic, and what decodes encodes back to the same.
func FuzzCacheEntries(f *testing.F) {
	e := &cacheEntry{key: statKey{size: 10, mtime: 1, ctime: 2, ino: 3}, parsed: true, id: "261123-k7xqm", idLine: 2, idCol: 5,
		since: 7, until: 9, deps: []fileDep{{"postmortems/x.md", true}},
		findings: []Finding{{Line: 3, Col: 1, Rule: RuleStatus, Message: "m"}, {Line: 4, Col: 2, Rule: RulePostmortem, Message: i18n.Text("lint.status", "Status", "x", "Known", "y"), pending: true}}}
	for _, fd := range e.findings {
		m, _ := i18n.AppendText(nil, fd.Message)
		e.msgs = append(e.msgs, string(m))
	}
	f.Add(appendEntry(nil, "incidents/a.md", e))
	f.Add(appendEntry(appendEntry(nil, "a", &cacheEntry{skipped: true}), "b", e))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeEntries(b)
		if err != nil {
			return
		}
		var again []byte
		rels := make([]string, 0, len(m))
		for rel := range m {
			rels = append(rels, rel)
		}
		slices.Sort(rels)
		for _, rel := range rels {
			again = appendEntry(again, rel, m[rel])
		}
		m2, err := decodeEntries(again)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, m, m2)
		}
	})
}

// TestCachePostmortems: postmortems are kept in the result cache too, and every run's result
// is the one without a cache: through edits, a follow-up falling due while the clock moves on
// (and the clock going back), a new file and a removed one.
func TestCachePostmortems(t *testing.T) {
	dir := t.TempDir()
	cache := filepath.Join(dir, ".git", "incidentctl")
	cfg := config.Default()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	pm := func(id, owner, due string, done bool) string {
		d := "false"
		if done {
			d = "true\n    done_at: 2026-11-30T11:00:00Z"
		}
		return "---\nincident: " + id + "\nstatus: draft\nowner: bob\nfollowups:\n  - id: " + id + "-F1\n    text: Add an alert\n    owner: " + owner + "\n    due: " + due + "\n    done: " + d + "\n---\n# Postmortem\n"
	}
	write(t, dir, "postmortems/2026/11/261101-k7x01-a.md", pm("261101-k7x01", "alice", "2026-12-05", false)) // falls due on the 6th
	write(t, dir, "postmortems/2026/11/261102-k7x02-b.md", pm("261102-k7x02", "alice", "2026-11-20", false)) // overdue
	write(t, dir, "postmortems/2026/11/261103-k7x03-c.md", pm("261103-k7x03", "", "2026-12-03T10:00:00Z", false))
	write(t, dir, "postmortems/2026/11/261104-k7x04-d.md", pm("261104-k7x04", "alice", "2026-11-20", true)) // done
	write(t, dir, "postmortems/2026/11/261105-k7x05-e.md", "---\nincident: 261105-k7x05\nstatus: [draft\n---\n# broken\n")
	write(t, dir, "postmortems/2026/11/261106-k7x06-f.md", pm("261106-k7x06", "alice", "2026-12-20", false)+"\nkey AKIAIOSFODNN7EXAMPLE and AWS_ACCESS_KEY_ID="+fake("AKIA", 16, upperDigits)+"\n")
	write(t, dir, "postmortems/2026/10/261107-k7x07-g.md", pm("261107-k7x07", "alice", "2026-12-20", false)) // wrong month folder
	write(t, dir, "postmortems/README.md", "# Postmortems\n")
	write(t, dir, validPath, validDoc) // and an incident: the files that can be reused, 9 in all
	const postmortems = 9

	check := func(what string, minReuse int64) {
		t.Helper()
		want := lintWith(t, dir, "", now, cfg)
		reused := int64(0)
		for try := 0; try < 50; try++ {
			before := cacheReused.Load()
			got := lintWith(t, dir, cache, now, cfg)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: with the cache\n%+v\nwithout\n%+v", what, got, want)
			}
			if reused = cacheReused.Load() - before; reused >= minReuse {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if reused < minReuse {
			t.Fatalf("%s: %d files taken from the cache, want at least %d", what, reused, minReuse)
		}
	}
	check("first", postmortems)
	if got := lintWith(t, dir, cache, now, cfg); len(got.Findings) < 4 {
		t.Fatalf("the fixture should give findings of several kinds: %+v", got)
	}
	check("again", postmortems)

	// The clock: 261103's follow-up (a time) and then 261101's (a date, until its end) fall due.
	now = time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	check("261103 due", postmortems-1)
	now = time.Date(2026, 12, 5, 23, 59, 0, 0, time.UTC)
	check("the 5th, late", postmortems)
	now = time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	check("261101 due", postmortems-1)
	now = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	check("a week earlier", 0) // before every reading: all read again
	check("a week earlier, again", postmortems)

	// Edits: the same size (only the times tell), a fix, a new file, a removed one.
	write(t, dir, "postmortems/2026/11/261102-k7x02-b.md", pm("261102-k7x02", "alice", "2026-11-21", false))
	check("edited in place", postmortems-1)
	write(t, dir, "postmortems/2026/11/261105-k7x05-e.md", pm("261105-k7x05", "alice", "2026-12-20", false))
	check("fixed", postmortems-1)
	write(t, dir, "postmortems/2026/11/261108-k7x08-h.md", pm("261108-k7x08", "", "2026-12-20", false))
	check("new", postmortems)
	os.Remove(filepath.Join(dir, "postmortems/2026/11/261101-k7x01-a.md"))
	check("removed", postmortems)
}
