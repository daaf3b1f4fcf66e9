package lint

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
)

// TestPostmortemsOnEveryCore: the postmortems pass runs on every core, and its result is the
// result of linting them one after another: the same findings in the same order (the walk's),
// the same counts and skipped files, whatever the number of workers.
func TestPostmortemsOnEveryCore(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	overdue, noOwner, broken := 0, 0, 0
	for i := range 60 {
		id := fmt.Sprintf("2611%02d-k7x%02d", i%28+1, i) // a valid ID, a different one each time
		rel := fmt.Sprintf("postmortems/2026/11/%s-review.md", id)
		owner, due := "alice", "2026-12-20"
		switch i % 5 {
		case 1:
			due = "2026-11-20" // open past its due date
			overdue++
		case 2:
			owner = ""
			noOwner++
		case 3:
			write(t, dir, rel, "---\nincident: "+id+"\nstatus: [draft\n---\n# broken\n")
			broken++
			continue
		}
		write(t, dir, rel, "---\nincident: "+id+"\nstatus: draft\nowner: bob\nfollowups:\n  - id: "+id+"-F1\n    text: Add an alert\n    owner: "+owner+"\n    due: "+due+"\n---\n# Postmortem\n")
	}
	// A plain postmortem (the quick path's) with a secret in its body, and one whose follow-up
	// is in a folder of another month (the name check).
	write(t, dir, "postmortems/2026/11/261129-k7xzz-review.md", "---\nincident: 261129-k7xzz\nstatus: final\nowner: bob\nmeeting: 2026-11-30T10:00:00+09:00\nfollowups:\n  - id: 261129-k7xzz-F1\n    text: Rotate the key\n    owner: alice\n    due: 2026-12-20\n    kind: prevent\n    done: true\n    done_at: 2026-11-30T11:00:00Z\n---\n# Postmortem\n\nThe log held AWS_ACCESS_KEY_ID="+fake("AKIA", 16, upperDigits)+"\n")
	write(t, dir, "postmortems/2026/10/261130-k7xyy-review.md", "---\nincident: 261130-k7xyy\nstatus: draft\nfollowups: []\n---\n# Postmortem\n")
	write(t, dir, "postmortems/README.md", "# Postmortems\n")
	run := func(procs int, quick bool) *Result {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		defer func(q bool) { quickPostmortems = q }(quickPostmortems)
		quickPostmortems = quick
		return lintWith(t, dir, "", now, config.Default())
	}
	taken := quickPostmortemsTaken.Load()
	one, many := run(1, true), run(4, true)
	if n := quickPostmortemsTaken.Load() - taken; n != 2*25 {
		t.Errorf("the quick path took %d postmortems in two runs, want 2×25 (the 24 plain ones with nothing to report and the one with a secret)", n)
	}
	if !reflect.DeepEqual(one, many) {
		t.Fatalf("one worker and four disagree:\n%+v\n%+v", one, many)
	}
	if parsed := run(4, false); !reflect.DeepEqual(parsed, many) {
		t.Fatalf("the quick path and Parse disagree:\n%+v\n%+v", parsed, many)
	}
	broken += 1 // the folder of another month
	count := map[string]int{}
	last := ""
	for _, f := range many.Findings {
		count[f.Rule]++
		if f.Path < last {
			t.Errorf("%s after %s: the postmortems are not in the walk's order", f.Path, last)
		}
		last = f.Path
	}
	if count[RuleFollowupOverdue] != overdue || count[RuleFollowupIncomplete] != noOwner || count[RulePostmortemFormat] != broken || count[RuleSecret] != 1 {
		t.Errorf("findings by rule %v, want %d overdue, %d without owner, %d of the format, 1 secret", count, overdue, noOwner, broken)
	}
	if many.Documents != 62 {
		t.Errorf("%d documents linted, want the 62 postmortems (the README is not one)", many.Documents)
	}
	if s := strings.Join(many.Skipped, "\n"); s != "" {
		t.Errorf("skipped: %s", s)
	}
}
