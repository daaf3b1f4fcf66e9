package workspace

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/settle"
)

// A resolved incident with its postmortem and two follow-ups, one of them overdue at clock().
func withPostmortem(t *testing.T) (*Workspace, string, string) {
	t.Helper()
	w := newRepo(t)
	res, err := w.Declare(Declaration{Title: "Checkout fails", Severity: "SEV2", At: clock().Add(-2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(res.ID, "rolled back", true, Options{At: clock().Add(-time.Hour)}); err != nil {
		t.Fatal(err)
	}
	pm, err := w.Postmortem(res.ID, PostmortemOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pm.Path != "postmortems/2026/11/"+res.ID+"-checkout-fails.md" || len(pm.Commit) != 40 {
		t.Fatalf("postmortem: %+v", pm)
	}
	for _, in := range []FollowupInput{
		{Text: "Add a canary", Owner: "bob", Due: "2026-11-22"},
		{Text: "Alert on 5xx", Owner: "carol", Due: "2026-12-15", Kind: "detect"},
	} {
		if _, err := w.AddFollowup(res.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	return w, res.ID, pm.Path
}

func TestFollowupsAndTheirCache(t *testing.T) {
	shortRacyWindow(t)
	w, id, pmPath := withPostmortem(t)
	waitSettled()

	ids := func(f FollowupFilter) string {
		t.Helper()
		items, errs, err := w.Followups(f)
		if err != nil || len(errs) > 0 {
			t.Fatalf("Followups: %v %v", err, errs)
		}
		var out []string
		for _, it := range items {
			s := strings.TrimPrefix(it.ID, id+"-")
			if it.Overdue {
				s += "!"
			}
			out = append(out, s)
		}
		return strings.Join(out, ",")
	}
	if got := ids(FollowupFilter{}); got != "F1!,F2" {
		t.Errorf("all: %s", got)
	}
	if _, err := os.Stat(w.cacheDir() + "/followups"); err != nil {
		t.Fatalf("no cache written: %v", err)
	}
	if got := ids(FollowupFilter{Overdue: true}); got != "F1!" {
		t.Errorf("overdue (from the cache): %s", got)
	}
	if got := ids(FollowupFilter{Owner: "CAROL"}); got != "F2" {
		t.Errorf("owner: %s", got)
	}
	// A change is seen at once, though the cache holds the old reading.
	if _, err := w.DoneFollowup(id+"-F1", "", false); err != nil {
		t.Fatal(err)
	}
	if got := ids(FollowupFilter{Open: true}); got != "F2" {
		t.Errorf("open after done: %s", got)
	}
	waitSettled()
	if got := ids(FollowupFilter{Open: true}); got != "F2" {
		t.Errorf("open after done, cached: %s", got)
	}
	// A postmortem that does not parse is reported every time, and its follow-ups left out.
	if err := os.WriteFile(w.abs(pmPath), []byte("---\nincident: [\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	waitSettled()
	for range 2 {
		items, errs, err := w.Followups(FollowupFilter{})
		if err != nil || len(items) != 0 || len(errs) != 1 || !strings.Contains(errs[0].Error(), pmPath+":2:1: invalid YAML") {
			t.Errorf("broken postmortem: %v %v %v", items, errs, err)
		}
	}
	// A deleted postmortem's follow-ups are gone.
	os.Remove(w.abs(pmPath))
	if items, errs, _ := w.Followups(FollowupFilter{}); len(items)+len(errs) != 0 {
		t.Errorf("deleted postmortem: %v %v", items, errs)
	}
}

func TestPostmortemRefusals(t *testing.T) {
	w, id, pmPath := withPostmortem(t)
	if _, err := w.Postmortem(id, PostmortemOptions{}); err == nil || !strings.Contains(err.Error(), "already has a postmortem: "+pmPath) {
		t.Errorf("second postmortem: %v", err)
	}
	res, err := w.Declare(Declaration{Title: "Still open", Severity: "SEV3", At: clock().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Postmortem(res.ID, PostmortemOptions{}); err == nil || !strings.Contains(err.Error(), "not resolved") {
		t.Errorf("open incident: %v", err)
	}
	if _, err := w.DoneFollowup(id+"-F7", "", false); err == nil || !strings.Contains(err.Error(), "has no follow-up "+id+"-F7") {
		t.Errorf("unknown follow-up: %v", err)
	}
	if _, err := w.AddFollowup(res.ID, FollowupInput{Text: "x", Owner: "y", Due: "2026-12-01"}); err == nil || !strings.Contains(err.Error(), "has no postmortem in the repository yet") {
		t.Errorf("follow-up without a postmortem: %v", err)
	}
}

// BenchmarkFollowups is what the board pays for the follow-ups of 2,000 postmortems (a drafted
// body of ~8 KB and three follow-ups each): cold (every postmortem parsed, the cache written) and
// warm (the cache read, every file stat'ed).
func BenchmarkFollowups(b *testing.B) {
	dir := b.TempDir()
	if out, err := exec.Command("git", "init", "-q", dir).CombinedOutput(); err != nil {
		b.Fatalf("git init: %v\n%s", err, out)
	}
	w, err := Open(dir, clock)
	if err != nil {
		b.Fatal(err)
	}
	body := strings.Repeat("| 10:05 | T+5m | alice | checked: Page the on-call engineer |\n", 120)
	const n = 2000
	for i := range n {
		id := fmt.Sprintf("2510%02d-%05d", i%28+1, i)
		m := postmortem.Meta{Incident: id, Title: "Checkout fails", Status: postmortem.StatusFinal, Owner: "alice"}
		for f := 1; f <= 3; f++ {
			m.Followups = append(m.Followups, postmortem.Followup{ID: postmortem.FollowupID(id, f),
				Text: "Alert on 5xx per endpoint", Owner: "bob", Due: "2026-11-1" + strconv.Itoa(f), Done: f == 1})
		}
		rel := "postmortems/2025/10/" + id + "-checkout-fails.md"
		doc, err := postmortem.New(rel, m, "# Postmortem\n\n"+body)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(w.abs(rel)), 0o777); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(w.abs(rel), doc.Src, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	saved := settle.Window
	settle.Window = 0
	b.Cleanup(func() { settle.Window = saved })
	for _, cold := range []bool{true, false} {
		name := "warm"
		if cold {
			name = "cold"
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if cold {
					os.Remove(filepath.Join(w.cacheDir(), "followups"))
				}
				items, _, err := w.Followups(FollowupFilter{Overdue: true})
				if err != nil || len(items) != 2*n {
					b.Fatalf("%d overdue follow-ups, %v", len(items), err)
				}
			}
		})
	}
}
