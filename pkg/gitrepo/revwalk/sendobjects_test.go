package revwalk

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
)

// The property test against git on random histories, through real pushes, is pkg/gitrepo's
// TestPushSendsEveryMissingObject; these pin the case that was wrong and the cost.

func objectSet(t *testing.T, hashes []plumbing.Hash) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, h := range hashes {
		if set[h.String()] {
			t.Errorf("%s listed twice", h)
		}
		set[h.String()] = true
	}
	return set
}

// A file added and deleted again brings back the tree of an older commit that is sent in
// the same push: everything in that tree must be sent, although each commit has most of it
// at the same place as its parent.
func TestObjectsToSendTreeOfAnOlderCommitAgain(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t, map[string]string{"README.md": "r\n", "templates/incident.md": "t\n", "incidents/.keep": ""})
	gittest.WriteFile(t, dir, "incidents/2026/12/x-one.md", "x\n")
	gittest.Out(t, dir, "add", "-A")
	gittest.Out(t, dir, "commit", "-q", "-m", "x one")
	gittest.Out(t, dir, "rm", "-q", "incidents/2026/12/x-one.md")
	gittest.Out(t, dir, "commit", "-q", "-m", "rm")
	if a, b := gittest.Out(t, dir, "rev-parse", "HEAD^{tree}"), gittest.Out(t, dir, "rev-parse", "HEAD~2^{tree}"); a != b {
		t.Fatalf("the tree after the removal (%s) is not the first commit's (%s)", a, b)
	}
	gittest.WriteFile(t, dir, "incidents/2026/12/y-two.md", "y\n")
	gittest.Out(t, dir, "add", "-A")
	gittest.Out(t, dir, "commit", "-q", "-m", "y two")
	tip := strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "HEAD"))
	s := openStore(t, dir)
	for _, have := range []string{"", "HEAD~3", "HEAD~2", "HEAD~1"} {
		var haves []plumbing.Hash
		args := []string{"rev-list", "--objects", tip}
		if have != "" {
			h := strings.TrimSpace(gittest.Out(t, dir, "rev-parse", have))
			haves = append(haves, plumbing.NewHash(h))
			args = append(args, "--not", h)
		}
		got, err := ObjectsToSend(s, plumbing.NewHash(tip), haves)
		if err != nil {
			t.Fatal(err)
		}
		gotSet := objectSet(t, got)
		want := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(gittest.Out(t, dir, args...)), "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				want[f[0]] = true
				if !gotSet[f[0]] {
					t.Errorf("have %q: %s is not listed", have, line)
				}
			}
		}
		for h := range gotSet {
			if !want[h] {
				t.Errorf("have %q: %s is listed, git would not send it", have, h)
			}
		}
	}
}

// historyRepo makes n commits, each adding one incident to a month folder, and one more on
// top adding to the busiest folder; it returns the repository and the last commit.
func historyRepo(t *testing.T, n int) (dir string, last plumbing.Hash) {
	t.Helper()
	dir = gittest.NewRepo(t, nil)
	var b strings.Builder
	for i := range n + 1 {
		p := fmt.Sprintf("incidents/20%02d/%02d/%05d.md", 20+i%5, 1+i%12, i)
		if i == n {
			p = "incidents/2020/01/last.md"
		}
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter X <x@example.com> %d +0000\ndata 2\nc\n", 1700000000+60*i)
		fmt.Fprintf(&b, "M 100644 inline %s\ndata %d\n%d\n\n", p, len(fmt.Sprint(i))+1, i)
	}
	gittest.OutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet")
	return dir, plumbing.NewHash(strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "main")))
}

// One new commit on top of what the remote has reads the trees along its changed path, on
// both sides, however long the history and however many folders the tree has. Not parallel:
// the read counter is shared.
func TestObjectsToSendWorkFollowsTheChange(t *testing.T) {
	measure := func(n int) (reads int64, sent int) {
		dir, tip := historyRepo(t, n)
		s := openStore(t, dir)
		parent := plumbing.NewHash(strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "main~1")))
		work.Reset()
		got, err := ObjectsToSend(s, tip, []plumbing.Hash{parent})
		if err != nil {
			t.Fatal(err)
		}
		return work.Counts.ObjectsRead.Load(), len(got)
	}
	smallReads, smallSent := measure(60)
	bigReads, bigSent := measure(2000)
	// The commit, and the root, incidents/, 2020/ and 01/ trees and the new blob.
	if smallSent != 6 || bigSent != 6 {
		t.Errorf("objects listed: %d with 60 commits, %d with 2,000; want 6", smallSent, bigSent)
	}
	if bigReads != smallReads {
		t.Errorf("objects read: %d with 2,000 commits, %d with 60", bigReads, smallReads)
	}
	if smallReads > 8 {
		t.Errorf("objects read: %d, want at most the 4 trees along the path on each side", smallReads)
	}
}
