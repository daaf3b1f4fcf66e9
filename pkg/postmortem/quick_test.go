package postmortem

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/incidentctl/incidentctl/pkg/internal/testcorpus"
)

// quickSeeds are postmortems in the shapes the CLI writes, hand edits of them, and the near
// misses the quick reader must either read exactly as Parse does or leave to Parse.
var quickSeeds = []string{
	handEdited,
	"---\nincident: 261123-k7xqm\ntitle: Checkout API returns 500s\nstatus: final\nowner: arjun\nmeeting: null\nfollowups:\n  - id: 261123-k7xqm-F1\n    text: Add a runbook entry\n    owner: alice\n    due: 2016-12-14\n    kind: detect\n    done: true\n    done_at: 2016-11-30T23:44:08+01:00\n---\n\n# Postmortem\n",
	"---\nincident: 261123-k7xqm\nstatus: draft\nfollowups: []\n---\n\n" + BlockStart + "\n" + BlockEnd + "\n",
	"---\nincident: 261123-k7xqm\nstatus: draft\nfollowups: [{id: 261123-k7xqm-F1, text: a}]\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n- id: a-F2\n  text: x # c\n\n# gap\n- id: a-F1\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n- id: a-F2\n  text: x\n\n- id: a-F1\n---\n",
	"---\r\nincident: a\r\nstatus: draft\r\nfollowups:\r\n  - id: a-F1\r\n    due: 2026-12-01\r\n---\r\nbody\r\n",
	"---  \nincident: a\nstatus:\nfollowups:\nowner: b\n---   \n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    text: 'it''s done'\n    owner: \"bob\"\n    due: '2026-12-01'\n    done: yes\n    link:\n    kind: ~\n    done_at: 2026-11-30T23:44:08.5Z\n  - id: a-F2\n    done: 1\n    done_at: not a time\n    due: 14d\n    extra: kept\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  -   id: a-F1\n      text: x\n  -   id: a-F2\n---\n",
	"---\nincident: 123\nstatus: 1.5\ntitle: true\nfollowups:\n  - id: 123-F1\n    text: null\n    owner: NULL\n    due: 2026-12-01T10:00:00+09:00\n    done: False\n---\n",
	"---\nfollowups:\n  - id: a-F1\nincident: a\nstatus: draft\n---\n",
	// Near misses.
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n   text: x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n     text: x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    text: x\n   - id: a-F2\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    text:\n      more: x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    link:\n    - x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    text: a\n      continued\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    id: a-F2\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: [1]\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: {}\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  -\n    id: a-F1\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - \n---\n",
	"---\nincident: a\nstatus: draft\nfollowups: x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups: {}\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups: ~\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\ntitle:\n  - x\n---\n",
	"---\nincident: a\nstatus: draft\ntitle:\n- x\n---\n",
	"---\nincident: a\nstatus: draft\nmeeting: {}\n---\n",
	"---\nincident: a\nstatus: [draft]\n---\n",
	"---\nincident: a\nincident: b\nstatus: draft\n---\n",
	"---\nincident: ''\nstatus: draft\n---\n",
	"---\nincident: ~\nstatus: draft\n---\n",
	"---\nincident:\nstatus: draft\n---\n",
	"---\nstatus: draft\n---\n",
	"---\nincident: a\n---\n",
	"---\nincident: a\nstatus: draft\n",
	"---\n---\n",
	"",
	"---",
	"# title\n",
	"---\n  incident: a\n  status: draft\n---\n",
	"---\nincident: a\nstatus: draft\n---\n\x00",
	"---\nincident: a\nstatus: draft\n---\n\xff",
	"---\nincident: a\tb\nstatus: draft\n---\n",
	"---\nincident: a # c\nstatus: draft\n---\n",
	"---\nincident: \"a\\u0041\"\nstatus: draft\n---\n",
	"---\nincident: a: b\nstatus: draft\n---\n",
	"---\nincident: &x a\nstatus: *x\n---\n",
	"---\nincident: |\n  a\nstatus: draft\n---\n",
	"---\nIncident: a\nstatus: draft\n---\n",
	"---\n\"incident\": a\nstatus: draft\n---\n",
	"---\nincident: a\nstatus: draft\n--- x\n---\n",
	"---\nincident: a\nstatus: draft\n...\n---\n",
	"---\n%YAML 1.2\nincident: a\nstatus: draft\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n  text: x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\nfoo: x\n  - id: a-F2\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    text: \"x\\\"y\"\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    text: 'x\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    done_at: 2026-02-30T10:00:00Z\n---\n",
	"---\nincident: a\nstatus: draft\nfollowups:\n  - id: a-F1\n    x1: 1\n    x2: 2\n    x3: 3\n    x4: 4\n    x5: 5\n    x6: 6\n    x7: 7\n    x8: 8\n    x9: 9\n    x10: 10\n    x11: 11\n    x12: 12\n    x13: 13\n---\n",
	"---\nincident: a\nstatus: draft\nk1: 1\nk2: 2\nk3: 3\nk4: 4\nk5: 5\nk6: 6\nk7: 7\n---\n",
}

// quickWritten are postmortems as the commands write them: drafted, follow-ups added and
// marked done with the values people type (encoded by yaml.v3), which the quick reader must
// take whenever they are plain.
func quickWritten(t testing.TB) [][]byte {
	d, err := New("postmortems/2026/11/261123-k7xqm-checkout.md", Meta{Incident: "261123-k7xqm", Title: "Checkout: 500s", Status: StatusDraft, Owner: "bob"}, "\n# Postmortem\n\n"+BlockStart+"\n"+BlockEnd+"\n")
	if err != nil {
		t.Fatal(err)
	}
	docs := [][]byte{d.Src}
	values := []string{"", " ", "plain words", "yes", "no", "on", "null", "~", "true", "1", "1.5", "0x10", "-1",
		"2026-11-23", "2026-11-23T10:02:00Z", "a: b", "a #b", "#x", "- x", "x:", "'q'", "\"dq\"", "it's", "tab\there",
		"line\nbreak", "trailing ", " leading", "café", "日本語", "{}", "[]", "&a", "*a", "!t", "|", ">", "%", "@", "`x`",
		"C#", "50%", "a,b", "[x]", "x\\y", "\u00a0nbsp", "emoji 🚒", "---", "...", "? x", ": x"}
	zones := []*time.Location{time.UTC, time.FixedZone("", 9*3600), time.FixedZone("", -3*3600-1800), time.Local}
	for i, v := range values {
		f := Followup{ID: d.NextFollowupID(), Text: v, Owner: v, Due: "2026-12-01", Kind: Kinds[i%len(Kinds)]}
		if i%3 == 1 {
			f.Due = "2026-12-01T10:00:00+09:00"
		}
		nd, err := d.AddFollowup(f)
		if err != nil {
			continue
		}
		d = nd
		docs = append(docs, d.Src)
		if i%2 == 0 {
			yes := true
			at := time.Date(2026, 11, 23, 10, 2, i, 0, zones[i%len(zones)])
			pat := &at
			link := v
			if nd, err := d.SetFollowup(f.ID, FollowupChange{Done: &yes, DoneAt: &pat, Link: &link}); err == nil {
				d = nd
				docs = append(docs, d.Src)
			}
		}
	}
	for _, s := range Statuses {
		if nd, err := d.SetString(KeyStatus, s); err == nil {
			docs = append(docs, nd.Src)
		}
	}
	return docs
}

// quickCorpus is every document the tests compare the two readers on: the seeds, the
// postmortems the commands write, the repository's own postmortems and those of the
// testscripts, the incident package's test data and fuzz corpus (not postmortems: the quick
// reader must decline them where Parse does), and this package's fuzz corpus.
func quickCorpus(t testing.TB) map[string][]byte {
	docs := map[string][]byte{}
	for i, s := range quickSeeds {
		docs["seed "+strconv.Itoa(i)] = []byte(s)
	}
	for i, b := range quickWritten(t) {
		docs["written "+strconv.Itoa(i)] = b
	}
	testcorpus.Each(t, func(name string, b []byte) { docs[name] = b },
		"../../postmortems/*/*/*.md", "../incident/testdata/*.md", "../incident/testdata/fuzz/*/*", "testdata/fuzz/*/*")
	scripts, _ := filepath.Glob("../../cmd/incidentctl/testdata/script/*.txtar")
	for _, s := range scripts {
		a, err := txtar.ParseFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if strings.HasSuffix(f.Name, ".md") {
				docs[s+":"+f.Name] = f.Data
			}
		}
	}
	return docs
}

// checkQuick compares QuickFollowups with Parse on src: when the quick reader takes it, Parse
// must succeed with the same incident and follow-ups. It reports whether the quick reader took
// it.
func checkQuick(t *testing.T, name string, src []byte) bool {
	t.Helper()
	m, ok := QuickFollowups(src)
	cm, clean := QuickClean(src)
	if clean && !ok {
		t.Fatalf("%s: QuickClean took a postmortem QuickFollowups does not:\n%s", name, src)
	}
	if !ok {
		return false
	}
	d, err := Parse("pm.md", src)
	if err != nil {
		t.Fatalf("%s: the quick reader took a postmortem Parse refuses (%v):\n%s", name, err, src)
	}
	if diff := diffFollowupsMeta(m, d.Meta); diff != "" {
		t.Fatalf("%s: %s\n%s", name, diff, src)
	}
	if clean {
		if len(d.Problems) > 0 {
			t.Fatalf("%s: QuickClean took a postmortem in which Parse finds %+v:\n%s", name, d.Problems, src)
		}
		if diff := diffFollowupsMeta(cm, d.Meta); diff != "" {
			t.Fatalf("%s: QuickClean: %s\n%s", name, diff, src)
		}
		quickCleanSeen++
	}
	return true
}

// quickCleanSeen counts the inputs QuickClean took (TestQuickFollowupsAgrees requires some).
var quickCleanSeen int

// diffFollowupsMeta describes how the quick reading q differs from Parse's Meta p in what the
// quick reader reads (Incident, and every field of the follow-ups but the key positions; the
// times to the instant, the offset and the zone's name and location).
func diffFollowupsMeta(q, p Meta) string {
	if q.Incident != p.Incident {
		return fmt.Sprintf("incident %q, Parse %q", q.Incident, p.Incident)
	}
	if len(q.Followups) != len(p.Followups) || (q.Followups == nil) != (p.Followups == nil) {
		return fmt.Sprintf("%d follow-ups, Parse %d", len(q.Followups), len(p.Followups))
	}
	show := func(f Followup) string {
		at := "nil"
		if f.DoneAt != nil {
			name, off := f.DoneAt.Zone()
			at = fmt.Sprintf("%s %d %q local %v", f.DoneAt.Format(time.RFC3339Nano), off, name, f.DoneAt.Location() == time.Local)
		}
		f.DoneAt, f.pos = nil, nil
		return fmt.Sprintf("%+v done_at %s", f, at)
	}
	for i := range q.Followups {
		if a, b := show(q.Followups[i]), show(p.Followups[i]); a != b {
			return fmt.Sprintf("follow-up %d:\n quick %s\n Parse %s", i, a, b)
		}
	}
	return ""
}

// TestQuickFollowupsAgrees runs the comparison on the corpus, and checks that the quick reader
// takes the postmortems the commands write and the repository's own.
func TestQuickFollowupsAgrees(t *testing.T) {
	taken := 0
	docs := quickCorpus(t)
	for name, src := range docs {
		ok := checkQuick(t, name, src)
		if ok {
			taken++
		}
		if !ok && (strings.HasPrefix(name, "written ") || strings.HasPrefix(name, "../../postmortems/")) && plainWritten(src) {
			t.Errorf("%s: the quick reader declined a postmortem as the commands write it:\n%s", name, src)
		}
	}
	t.Logf("%d of %d documents taken, %d clean", taken, len(docs), quickCleanSeen)
	if quickCleanSeen == 0 {
		t.Error("QuickClean took none of the corpus: lint's quick path is never tried")
	}
	for name, src := range docs {
		if _, ok := QuickClean(src); strings.HasPrefix(name, "../../postmortems/") && !ok {
			t.Errorf("%s: QuickClean declined the repository's own postmortem", name)
		}
	}
	for i, want := range map[int]bool{1: true, 2: true, 5: true, 6: true, 7: true, 8: true, 9: true, 10: true, 11: true} {
		if _, ok := QuickFollowups([]byte(quickSeeds[i])); ok != want {
			t.Errorf("seed %d: taken %v, want %v:\n%s", i, ok, want, quickSeeds[i])
		}
	}
}

// plainWritten: a written postmortem whose front matter holds only plain or simply quoted
// values (no escapes, no block scalars: yaml.v3 writes those for the odd values quickWritten
// tries, and the quick reader leaves them to Parse).
func plainWritten(src []byte) bool {
	fm, _, _ := strings.Cut(string(src[4:]), "\n---")
	return !strings.ContainsAny(fm, "\\|>\t#{[&*!%@`") && !strings.Contains(fm, ": ''") &&
		!strings.Contains(fm, "\n      ") && !strings.Contains(fm, ": - ") && !strings.Contains(fm, "\"")
}

// FuzzQuickFollowups compares QuickFollowups with Parse on every input the quick reader takes.
func FuzzQuickFollowups(f *testing.F) {
	for _, s := range quickSeeds {
		f.Add([]byte(s))
	}
	for _, b := range quickWritten(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		checkQuick(t, "input", src)
	})
}
