package merge

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

var jst = time.FixedZone("", 9*3600)

func at(hhmm string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", "2026-11-23 "+hhmm, jst)
	if err != nil {
		panic(err)
	}
	return t
}

const path = "incidents/2026/11/261123-k7xqm-x.md"

func baseDoc(t *testing.T) *incident.Document {
	t.Helper()
	m := incident.Meta{ID: "261123-k7xqm", Title: "Checkout fails", Severity: "SEV3", Status: "investigating",
		Commander: "alice", Roles: incident.Roles{{Name: "comms", Holder: "bob"}}, DeclaredAt: at("10:00"), Template: "x"}
	d, err := incident.New(path, m, "- [ ] one <!-- required: SEV1 SEV2 SEV3 -->\n- [ ] two\n- [ ] three\n",
		incident.LogEntry{At: at("10:00"), Author: "alice", Text: "Declared SEV3: Checkout fails"})
	if err != nil {
		t.Fatal(err)
	}
	d, err = d.AppendLog(incident.LogEntry{At: at("10:05"), Author: "alice", Text: "looking at dashboards"})
	if err != nil {
		t.Fatal(err)
	}
	d, err = d.RefreshStatus()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

type step func(*incident.Document) (*incident.Document, error)

func logAt(hhmm, who, text string) step {
	return func(d *incident.Document) (*incident.Document, error) {
		return d.AppendLog(incident.LogEntry{At: at(hhmm), Author: who, Text: text})
	}
}

func set(key, value string) step {
	return func(d *incident.Document) (*incident.Document, error) { return d.SetString(key, value) }
}

func apply(t *testing.T, d *incident.Document, steps ...step) *incident.Document {
	t.Helper()
	var err error
	for _, s := range steps {
		if d, err = s(d); err != nil {
			t.Fatal(err)
		}
	}
	if d, err = d.RefreshStatus(); err != nil {
		t.Fatal(err)
	}
	return d
}

// mergeBoth merges in both directions and requires the same bytes: every clone converges.
func mergeBoth(t *testing.T, b, o, th *incident.Document) *incident.Document {
	t.Helper()
	x, err := Documents(path, b.Src, o.Src, th.Src)
	if err != nil {
		t.Fatal(err)
	}
	y, err := Documents(path, b.Src, th.Src, o.Src)
	if err != nil {
		t.Fatal(err)
	}
	if string(x) != string(y) {
		t.Fatalf("merge depends on the side:\n--- ours/theirs\n%s\n--- theirs/ours\n%s", x, y)
	}
	d, err := incident.Parse(path, x)
	if err != nil {
		t.Fatalf("merged document does not parse: %v\n%s", err, x)
	}
	if len(d.Problems) != 0 {
		t.Errorf("merged document has problems: %+v", d.Problems)
	}
	return d
}

func logTexts(d *incident.Document) string {
	var s []string
	for _, e := range d.Log {
		s = append(s, e.At.Format("15:04")+" "+e.Author+" "+e.Text)
	}
	return strings.Join(s, "\n")
}

func TestLogsUnionInTimeOrder(t *testing.T) {
	b := baseDoc(t)
	o := apply(t, b, logAt("10:10", "carol", "rolled back"), logAt("10:20", "carol", "error rate down"))
	th := apply(t, b, logAt("10:07", "dave", "alert fired earlier"), logAt("10:10", "dave", "paged db team"), logAt("10:10", "carol", "rolled back"))
	d := mergeBoth(t, b, o, th)
	want := strings.Join([]string{
		"10:00 alice Declared SEV3: Checkout fails",
		"10:05 alice looking at dashboards",
		"10:07 dave alert fired earlier",
		"10:10 carol rolled back",
		"10:10 dave paged db team",
		"10:20 carol error rate down",
	}, "\n")
	if got := logTexts(d); got != want {
		t.Errorf("log:\n%s\nwant:\n%s", got, want)
	}
}

func TestDifferentFieldsBothSurvive(t *testing.T) {
	b := baseDoc(t)
	o := apply(t, b, set(incident.KeySeverity, "SEV1"), logAt("10:10", "alice", "severity SEV3 → SEV1"))
	th := apply(t, b, set(incident.KeyImpact, "EU users"), logAt("10:11", "bob", "impact: EU users"),
		func(d *incident.Document) (*incident.Document, error) {
			return d.SetRoles(d.Meta.Roles.With("scribe", "erin"))
		})
	d := mergeBoth(t, b, o, th)
	if d.Meta.Severity != "SEV1" || d.Meta.Impact != "EU users" || d.Meta.Roles.Get("scribe") != "erin" || d.Meta.Roles.Get("comms") != "bob" {
		t.Errorf("meta = %+v", d.Meta)
	}
	if !strings.Contains(string(d.Src), "| Severity | SEV1 |") || !strings.Contains(string(d.Src), "| Impact | EU users |") {
		t.Errorf("status table not regenerated:\n%s", d.Src)
	}
}

func TestSameFieldLaterWinsAndBothAreLogged(t *testing.T) {
	b := baseDoc(t)
	o := apply(t, b, set(incident.KeyCommander, "carol"), logAt("10:20", "alice", "commander alice → carol"))
	th := apply(t, b, set(incident.KeyCommander, "dave"), logAt("10:15", "alice", "commander alice → dave"))
	d := mergeBoth(t, b, o, th)
	if d.Meta.Commander != "carol" {
		t.Errorf("commander = %q, want the later change (carol)", d.Meta.Commander)
	}
	if !strings.Contains(logTexts(d), "commander alice → dave") || !strings.Contains(logTexts(d), "commander alice → carol") {
		t.Errorf("both changes must stay in the log:\n%s", logTexts(d))
	}
	// Roles: the same role changed on both sides, later wins.
	o = apply(t, b, func(d *incident.Document) (*incident.Document, error) {
		return d.SetRoles(d.Meta.Roles.With("comms", "x"))
	}, logAt("10:30", "a", "role comms bob → x"))
	th = apply(t, b, func(d *incident.Document) (*incident.Document, error) {
		return d.SetRoles(d.Meta.Roles.With("comms", "y"))
	}, logAt("10:31", "a", "role comms bob → y"))
	if d := mergeBoth(t, b, o, th); d.Meta.Roles.Get("comms") != "y" {
		t.Errorf("comms = %q, want y", d.Meta.Roles.Get("comms"))
	}
}

func TestMilestonesKeepTheEarliest(t *testing.T) {
	b := baseDoc(t)
	t1, t2 := at("10:30"), at("10:25")
	o := apply(t, b, set(incident.KeyStatus, "identified"), func(d *incident.Document) (*incident.Document, error) {
		return d.SetTime(incident.KeyIdentifiedAt, &t1)
	}, logAt("10:30", "a", "status investigating → identified"))
	th := apply(t, b, set(incident.KeyStatus, "mitigated"), func(d *incident.Document) (*incident.Document, error) {
		return d.SetTime(incident.KeyIdentifiedAt, &t2)
	}, logAt("10:40", "b", "status investigating → mitigated"))
	d := mergeBoth(t, b, o, th)
	if d.Meta.Status != "mitigated" || d.Meta.IdentifiedAt == nil || !d.Meta.IdentifiedAt.Equal(t2) {
		t.Errorf("status %s identified_at %v; want mitigated and 10:25", d.Meta.Status, d.Meta.IdentifiedAt)
	}
}

func TestChecksUnion(t *testing.T) {
	b := baseDoc(t)
	o := apply(t, b, func(d *incident.Document) (*incident.Document, error) { return d.Check(0) })
	th := apply(t, b, func(d *incident.Document) (*incident.Document, error) { return d.Check(2) })
	d := mergeBoth(t, b, o, th)
	if !d.Actions[0].Done || d.Actions[1].Done || !d.Actions[2].Done {
		t.Errorf("actions = %+v", d.Actions)
	}
}

func TestProse(t *testing.T) {
	b := baseDoc(t)
	addNote := func(after, note string) step {
		return func(d *incident.Document) (*incident.Document, error) {
			src := strings.Replace(string(d.Src), after, after+note, 1)
			return incident.Parse(path, []byte(src))
		}
	}
	// Different places: both kept. The same new action added on both sides (escalation): once.
	o := apply(t, b, addNote("# Checkout fails\n", "\nDashboards: https://grafana/d/1\n"), func(d *incident.Document) (*incident.Document, error) {
		return d.AddActions("- [ ] Page security <!-- required: SEV1 -->\n")
	})
	th := apply(t, b, addNote("## Log\n", "\nAll times JST.\n"), func(d *incident.Document) (*incident.Document, error) {
		return d.AddActions("- [ ] Page security <!-- required: SEV1 -->\n")
	})
	d := mergeBoth(t, b, o, th)
	s := string(d.Src)
	if !strings.Contains(s, "Dashboards: https://grafana/d/1\n") || !strings.Contains(s, "All times JST.\n") || strings.Count(s, "Page security") != 1 {
		t.Errorf("prose merge:\n%s", s)
	}
	// The same place edited differently: a conflict naming the section; never markers.
	o = apply(t, b, addNote("- [ ] three", " (ours)"))
	th = apply(t, b, addNote("- [ ] three", " (theirs)"))
	_, err := Documents(path, b.Src, o.Src, th.Src)
	var c *Conflict
	if !errors.As(err, &c) || c.Section != "Action list" || !strings.Contains(err.Error(), "both sides changed the same text in section \"Action list\"") {
		t.Fatalf("want a conflict in the Action list, got %v", err)
	}
}

func TestTrivialCases(t *testing.T) {
	b := baseDoc(t)
	o := apply(t, b, logAt("10:10", "a", "x"))
	for _, c := range []struct{ base, ours, theirs, want []byte }{
		{b.Src, o.Src, b.Src, o.Src},
		{b.Src, b.Src, o.Src, o.Src},
		{b.Src, o.Src, o.Src, o.Src},
	} {
		got, err := Documents(path, c.base, c.ours, c.theirs)
		if err != nil || string(got) != string(c.want) {
			t.Errorf("trivial merge wrong (err %v)", err)
		}
	}
	if _, err := Documents(path, b.Src, []byte("garbage"), o.Src); err == nil || !strings.Contains(err.Error(), "our version does not parse") {
		t.Errorf("unparseable side: %v", err)
	}
	// Both sides added the file (no base): merged as a union.
	th := apply(t, b, logAt("10:11", "b", "y"))
	got, err := Documents(path, nil, o.Src, th.Src)
	if err != nil || !strings.Contains(string(got), "] x\n") || !strings.Contains(string(got), "] y\n") {
		t.Errorf("no base: %v\n%s", err, got)
	}
}

func TestMerge3(t *testing.T) {
	s := func(x string) []string { return lines(x) }
	for _, c := range []struct{ base, a, b, want string }{
		{"1\n2\n3\n", "1\nA\n2\n3\n", "1\n2\n3\nB\n", "1\nA\n2\n3\nB\n"},
		{"1\n2\n3\n", "1\n3\n", "1\n2\n3\n", "1\n3\n"},
		{"1\n2\n3\n", "1\nX\n3\n", "1\nX\n3\n", "1\nX\n3\n"},
		{"", "a\n", "a\n", "a\n"},
	} {
		out, conflict := merge3(s(c.base), s(c.a), s(c.b))
		if conflict != nil || strings.Join(out, "") != c.want {
			t.Errorf("merge3(%q,%q,%q) = %q, %v; want %q", c.base, c.a, c.b, strings.Join(out, ""), conflict, c.want)
		}
	}
	if _, conflict := merge3(s("1\n2\n3\n"), s("1\nA\n3\n"), s("1\nB\n3\n")); conflict == nil || conflict.line != 1 {
		t.Errorf("want a conflict at line 1, got %v", conflict)
	}
}

// TestRandomConcurrentLogs: whatever two responders log concurrently (same seconds, same
// authors, backfilled times), the merge holds every entry exactly once, in time order, and does
// not depend on the side. Then a third responder's work merges in too.
func TestRandomConcurrentLogs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	b := baseDoc(t)
	for iter := range 200 {
		sides := make([]*incident.Document, 3)
		var all []string
		for s := range sides {
			d := b
			for n := range rng.IntN(5) {
				e := incident.LogEntry{
					At:     at("10:05").Add(time.Duration(rng.IntN(4)) * time.Minute),
					Author: []string{"alice", "bob"}[rng.IntN(2)],
					Text:   fmt.Sprintf("side %d entry %d", s, n),
				}
				var err error
				if d, err = d.AppendLog(e); err != nil {
					t.Fatal(err)
				}
				all = append(all, e.Text)
			}
			sides[s] = d
		}
		m1 := mergeBoth(t, b, sides[0], sides[1])
		m := mergeBoth(t, b, m1, sides[2])
		texts := map[string]int{}
		for i, e := range m.Log {
			texts[e.Text]++
			if i > 0 && e.At.Before(m.Log[i-1].At) {
				t.Fatalf("iteration %d: log out of order:\n%s", iter, logTexts(m))
			}
		}
		for _, txt := range all {
			if texts[txt] != 1 {
				t.Fatalf("iteration %d: %q appears %d times:\n%s", iter, txt, texts[txt], logTexts(m))
			}
		}
		if len(m.Log) != len(b.Log)+len(all) {
			t.Fatalf("iteration %d: %d entries, want %d", iter, len(m.Log), len(b.Log)+len(all))
		}
	}
}

// TestAnnouncedAtGoesWithTheAnnouncement: when the announcement was posted moves with the
// announcement that wins; the same text posted on both sides keeps the later time.
func TestAnnouncedAtGoesWithTheAnnouncement(t *testing.T) {
	b := baseDoc(t)
	announce := func(text, hhmm string) []step {
		tm := at(hhmm)
		return []step{set(incident.KeyAnnouncement, text), func(d *incident.Document) (*incident.Document, error) {
			return d.SetTime(incident.KeyAnnouncedAt, &tm)
		}, logAt(hhmm, "carol", "announcement: "+text)}
	}
	o := apply(t, b, announce("status page: degraded", "10:40")...)
	th := apply(t, b, announce("status page: recovering", "10:20")...)
	d := mergeBoth(t, b, o, th)
	if d.Meta.Announcement != "status page: degraded" || d.Meta.AnnouncedAt == nil || !d.Meta.AnnouncedAt.Equal(at("10:40")) {
		t.Errorf("announcement %q at %v; want the later one (degraded, 10:40)", d.Meta.Announcement, d.Meta.AnnouncedAt)
	}
	o = apply(t, b, announce("still investigating", "10:30")...)
	th = apply(t, b, announce("still investigating", "10:50")...)
	if d := mergeBoth(t, b, o, th); d.Meta.AnnouncedAt == nil || !d.Meta.AnnouncedAt.Equal(at("10:50")) {
		t.Errorf("the same announcement posted twice: announced_at %v, want 10:50", d.Meta.AnnouncedAt)
	}
}
