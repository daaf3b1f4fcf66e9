package merge

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// mergeNotes merges in both directions, requires the same bytes and notes, and returns the
// merged document and the notes.
func mergeNotes(t *testing.T, b, o, th *incident.Document) (*incident.Document, []string) {
	t.Helper()
	x, nx, err := Merge(path, b.Src, o.Src, th.Src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	y, ny, err := Merge(path, b.Src, th.Src, o.Src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if string(x) != string(y) || !slices.Equal(nx, ny) {
		t.Fatalf("merge depends on the side:\n--- ours/theirs\n%s%q\n--- theirs/ours\n%s%q", x, nx, y, ny)
	}
	d, err := incident.Parse(path, x)
	if err != nil {
		t.Fatalf("merged document does not parse: %v\n%s", err, x)
	}
	return d, nx
}

func check(i int) step {
	return func(d *incident.Document) (*incident.Document, error) { return d.Check(i) }
}

func uncheck(i int) step {
	return func(d *incident.Document) (*incident.Document, error) {
		set := map[int]bool{}
		for j, a := range d.Actions {
			set[j] = a.Done && j != i
		}
		return d.CheckIndexes(set)
	}
}

func setTime(key, hhmm string) step {
	return func(d *incident.Document) (*incident.Document, error) {
		t := at(hhmm)
		return d.SetTime(key, &t)
	}
}

func role(name, holder string) step {
	return func(d *incident.Document) (*incident.Document, error) {
		return d.SetRoles(d.Meta.Roles.With(name, holder))
	}
}

// mergeRules tests each row of the README's merge table, by the row's first cell.
var mergeRules = map[string]func(t *testing.T, b *incident.Document){
	"log": func(t *testing.T, b *incident.Document) {
		one := mergeBoth(t, b, apply(t, b, logAt("10:10", "carol", "rolled back")), b)
		if !strings.Contains(logTexts(one), "10:10 carol rolled back") {
			t.Errorf("one side: %s", logTexts(one))
		}
		d := mergeBoth(t, b, apply(t, b, logAt("10:10", "carol", "rolled back")), apply(t, b, logAt("10:10", "bob", "paged db"), logAt("10:07", "dave", "alert")))
		if got := logTexts(d); !strings.HasSuffix(got, "10:05 alice looking at dashboards\n10:07 dave alert\n10:10 bob paged db\n10:10 carol rolled back") {
			t.Errorf("both sides: %s", got)
		}
	},
	"severity": func(t *testing.T, b *incident.Document) {
		// One side: that change, de-escalation included (made having seen the current value).
		if d := mergeBoth(t, b, apply(t, b, set(incident.KeySeverity, "SEV4"), logAt("10:10", "a", "severity SEV3 → SEV4")), apply(t, b, logAt("10:11", "b", "x"))); d.Meta.Severity != "SEV4" {
			t.Errorf("one side: %s", d.Meta.Severity)
		}
		// The case: Alice raised SEV3 → SEV1 and synced; Bob, not synced yet, set SEV4
		// later. The incident stays SEV1, both changes are in the log, a merge entry says why.
		alice := apply(t, b, set(incident.KeySeverity, "SEV1"), logAt("10:10", "alice", "severity SEV3 → SEV1"))
		bob := apply(t, b, set(incident.KeySeverity, "SEV4"), logAt("10:20", "bob", "severity SEV3 → SEV4"))
		d, notes := mergeNotes(t, b, alice, bob)
		if d.Meta.Severity != "SEV1" || !strings.Contains(string(d.Src), "| Severity | SEV1 |") {
			t.Errorf("severity %s, want SEV1", d.Meta.Severity)
		}
		want := "merge: severity changed on both sides (SEV1 and SEV4): kept SEV1, the more severe"
		if !slices.Equal(notes, []string{want}) || !strings.Contains(logTexts(d), "10:20 "+Author+" "+want) ||
			!strings.Contains(logTexts(d), "severity SEV3 → SEV1") || !strings.Contains(logTexts(d), "severity SEV3 → SEV4") {
			t.Errorf("notes %q, log:\n%s", notes, logTexts(d))
		}
		// With the repository's own ranking.
		x, _, err := Merge(path, b.Src, alice.Src, bob.Src, Options{MoreSevere: func(a, c string) bool { return a == "SEV4" && c != "SEV4" }})
		if err != nil || !strings.Contains(string(x), "\nseverity: SEV4\n") {
			t.Errorf("custom ranking: %v", err)
		}
	},
	"status": func(t *testing.T, b *incident.Document) {
		o := apply(t, b, set(incident.KeyStatus, "identified"), logAt("10:30", "a", "status investigating → identified"))
		th := apply(t, b, set(incident.KeyStatus, "mitigated"), logAt("10:40", "b", "status investigating → mitigated"))
		if d := mergeBoth(t, b, o, th); d.Meta.Status != "mitigated" {
			t.Errorf("both sides: %s, want the later (mitigated)", d.Meta.Status)
		}
		if d := mergeBoth(t, b, o, apply(t, b, logAt("10:50", "b", "x"))); d.Meta.Status != "identified" {
			t.Errorf("one side: %s", d.Meta.Status)
		}
	},
	"resolved_at, resolution": func(t *testing.T, b *incident.Document) {
		resolve := func(hhmm, how string) []step {
			return []step{set(incident.KeyStatus, "resolved"), setTime(incident.KeyResolvedAt, hhmm), set(incident.KeyResolution, how),
				logAt(hhmm, "a", "status investigating → resolved: "+how)}
		}
		o := apply(t, b, resolve("10:40", "rolled back")...)
		th := apply(t, b, resolve("10:50", "restarted")...)
		d := mergeBoth(t, b, o, th)
		if d.Meta.Resolution != "restarted" || d.Meta.ResolvedAt == nil || !d.Meta.ResolvedAt.Equal(at("10:50")) {
			t.Errorf("both sides: %q %v, want the later status's", d.Meta.Resolution, d.Meta.ResolvedAt)
		}
		if d := mergeBoth(t, b, o, b); d.Meta.Resolution != "rolled back" {
			t.Errorf("one side: %q", d.Meta.Resolution)
		}
	},
	"declared_at, identified_at, mitigated_at": func(t *testing.T, b *incident.Document) {
		for _, k := range []string{incident.KeyDeclaredAt, incident.KeyIdentifiedAt, incident.KeyMitigatedAt} {
			o := apply(t, b, setTime(k, "09:50"), logAt("10:30", "a", "fixed "+k))
			th := apply(t, b, setTime(k, "09:40"), logAt("10:40", "b", "fixed "+k))
			if d := mergeBoth(t, b, o, th); !d.Meta.Milestone(k).Equal(at("09:40")) {
				t.Errorf("%s both sides: %v, want the earliest", k, d.Meta.Milestone(k))
			}
			if d := mergeBoth(t, b, o, apply(t, b, logAt("10:50", "b", "x"))); !d.Meta.Milestone(k).Equal(at("09:50")) {
				t.Errorf("%s one side: %v", k, d.Meta.Milestone(k))
			}
		}
	},
	"commander": func(t *testing.T, b *incident.Document) {
		o := apply(t, b, set(incident.KeyCommander, "carol"), logAt("10:20", "alice", "commander alice → carol"))
		th := apply(t, b, set(incident.KeyCommander, "dave"), logAt("10:25", "alice", "handoff: commander alice → dave. Briefing: x"))
		d := mergeBoth(t, b, o, th)
		if d.Meta.Commander != "dave" || !strings.Contains(logTexts(d), "commander alice → carol") {
			t.Errorf("both sides: %s\n%s", d.Meta.Commander, logTexts(d))
		}
		if d := mergeBoth(t, b, b, o); d.Meta.Commander != "carol" {
			t.Errorf("one side: %s", d.Meta.Commander)
		}
	},
	"roles": func(t *testing.T, b *incident.Document) {
		o := apply(t, b, role("comms", "x"), role("scribe", "erin"), logAt("10:30", "a", "role comms bob → x"))
		th := apply(t, b, role("comms", "y"), logAt("10:31", "a", "role comms bob → y"))
		d := mergeBoth(t, b, o, th)
		if d.Meta.Roles.Get("comms") != "y" || d.Meta.Roles.Get("scribe") != "erin" {
			t.Errorf("roles %v: want comms y (later), scribe erin (one side)", d.Meta.Roles)
		}
	},
	"title, impact, announcement, template, kind, keys of your own": func(t *testing.T, b *incident.Document) {
		for _, k := range []string{incident.KeyTitle, incident.KeyImpact, incident.KeyAnnouncement, incident.KeyTemplate, incident.KeyKind, "team"} {
			o := apply(t, b, set(k, "ours"), logAt("10:30", "a", k+": ours"))
			th := apply(t, b, set(k, "theirs"), logAt("10:40", "b", k+": theirs"))
			d, _ := mergeNotes(t, b, o, th) // "team" is a key lint warns about: no problem check
			if n, _ := d.KeyNode(k); n == nil || n.Value != "theirs" {
				t.Errorf("%s both sides: %v, want the later (theirs)", k, n)
			}
			d, _ = mergeNotes(t, b, o, apply(t, b, logAt("10:50", "b", "x")))
			if n, _ := d.KeyNode(k); n == nil || n.Value != "ours" {
				t.Errorf("%s one side: %v", k, n)
			}
		}
	},
	"action check box": func(t *testing.T, b *incident.Document) {
		// A change on one side, checking or unchecking, wins over no change.
		checked := apply(t, b, check(0), check(1))
		o := apply(t, checked, uncheck(0), logAt("10:30", "a", "unchecked one"))
		th := apply(t, checked, check(2), logAt("10:31", "b", "x"))
		d := mergeBoth(t, checked, o, th)
		if d.Actions[0].Done || !d.Actions[1].Done || !d.Actions[2].Done {
			t.Errorf("unchecked on one side comes back checked, or a check is lost: %+v", d.Actions)
		}
		// The same change on both sides.
		if d := mergeBoth(t, checked, apply(t, checked, uncheck(1)), apply(t, checked, uncheck(1), logAt("10:40", "b", "y"))); d.Actions[1].Done {
			t.Errorf("unchecked on both sides: %+v", d.Actions)
		}
		// Checked on one side, unchecked on the other, no common version: checked, logged.
		add := func(done bool) step {
			return func(d *incident.Document) (*incident.Document, error) {
				return d.AddActions(incident.FormatAction(incident.Action{Text: "Page security", Done: done}))
			}
		}
		o = apply(t, b, add(true), logAt("10:30", "a", "paged security"))
		th = apply(t, b, add(false), logAt("10:35", "b", "escalated"))
		d, notes := mergeNotes(t, b, o, th)
		i := len(d.Actions) - 1
		want := `merge: action "Page security" checked on one side and unchecked on the other: kept checked`
		if d.Actions[i].Text != "Page security" || !d.Actions[i].Done || !slices.Equal(notes, []string{want}) || !strings.Contains(logTexts(d), "10:35 "+Author+" "+want) {
			t.Errorf("actions %+v notes %q log\n%s", d.Actions, notes, logTexts(d))
		}
	},
	"prose (summary, notes, action wording, added actions)": func(t *testing.T, b *incident.Document) {
		TestProse(t)
	},
	"Status table": func(t *testing.T, b *incident.Document) {
		o := apply(t, b, set(incident.KeyImpact, "EU users"), logAt("10:10", "a", "impact: EU users"))
		th := apply(t, b, check(1), logAt("10:11", "b", "x"))
		d := mergeBoth(t, b, o, th)
		if fresh, err := d.RefreshStatus(); err != nil || string(fresh.Src) != string(d.Src) || !strings.Contains(string(d.Src), "| Impact | EU users |") {
			t.Errorf("the Status table is not regenerated from the merged fields:\n%s", d.Src)
		}
	},
}

// TestMergeTable: every row of the README's merge table has a test here, and every test a row.
func TestMergeTable(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(src), "### How each field merges\n")
	if !ok {
		t.Fatal("README.md has no \"### How each field merges\" section")
	}
	section, _, _ = strings.Cut(section, "\n#")
	seen := map[string]bool{}
	for _, line := range strings.Split(section, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| field |") || strings.HasPrefix(line, "| ---") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		if len(cells) != 3 {
			t.Errorf("row %q: want 3 cells", line)
			continue
		}
		name := strings.ReplaceAll(cells[0], "`", "")
		test, ok := mergeRules[name]
		if !ok {
			t.Errorf("the README's merge table has a row %q with no test in mergeRules", name)
			continue
		}
		seen[name] = true
		t.Run(name, func(t *testing.T) { test(t, baseDoc(t)) })
	}
	for name := range mergeRules {
		if !seen[name] {
			t.Errorf("mergeRules tests %q, which the README's merge table lacks", name)
		}
	}
}
