package gitrepo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// randomHistory builds n commits with random parents (one or two of the earlier ones) and
// returns their hashes in order; timestamps grow, with an occasional step back (clock skew).
func randomHistory(t *testing.T, dir string, n int, rng *rand.Rand) []string {
	t.Helper()
	var b strings.Builder
	when := 1700000000
	for i := 1; i <= n; i++ {
		when += 60
		if rng.IntN(10) == 0 {
			when -= 300 // a laptop whose clock is behind
		}
		fmt.Fprintf(&b, "commit refs/heads/c%d\nmark :%d\ncommitter X <x@x> %d +0000\ndata %d\nc%d\n", i, i, when, len(fmt.Sprint(i))+1, i)
		if i > 1 {
			fmt.Fprintf(&b, "from :%d\n", 1+rng.IntN(i-1))
			if i > 2 && rng.IntN(3) == 0 {
				fmt.Fprintf(&b, "merge :%d\n", 1+rng.IntN(i-1))
			}
		}
		fmt.Fprintf(&b, "M 100644 inline f%d\ndata 2\n%d\n\n", i%7, i%10)
	}
	gitOutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet")
	out := make([]string, n)
	for i := range out {
		out[i] = strings.TrimSpace(gitOut(t, dir, "rev-parse", fmt.Sprintf("c%d", i+1)))
	}
	return out
}

func TestMergeBasesAndReachesMatchGit(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"seed": "x\n"})
	rng := rand.New(rand.NewPCG(4, 2))
	commits := randomHistory(t, dir, 60, rng)
	r := openRepo(t, dir)
	for range 60 {
		a, b := commits[rng.IntN(len(commits))], commits[rng.IntN(len(commits))]
		got, err := r.mergeBases(plumbing.NewHash(a), plumbing.NewHash(b))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Fields(gitOut(t, dir, "merge-base", "--all", a, b))
		if len(got) == 0 || !slices.Contains(want, got[0].String()) {
			t.Errorf("mergeBases(%.7s, %.7s) = %v, git says %v", a, b, got, want)
		}
		reach, err := r.reaches(plumbing.NewHash(a), plumbing.NewHash(b))
		if err != nil {
			t.Fatal(err)
		}
		if wantReach := gitOK(dir, "merge-base", "--is-ancestor", b, a); reach != wantReach {
			t.Errorf("reaches(%.7s, %.7s) = %v, git says %v", a, b, reach, wantReach)
		}
	}
}

func TestObjectsToSendMatchesGit(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"seed": "x\n"})
	rng := rand.New(rand.NewPCG(7, 7))
	commits := randomHistory(t, dir, 50, rng)
	r := openRepo(t, dir)
	for range 30 {
		tip, have := commits[rng.IntN(len(commits))], commits[rng.IntN(len(commits))]
		got, err := r.objectsToSend(plumbing.NewHash(tip), []plumbing.Hash{plumbing.NewHash(have)})
		if err != nil {
			t.Fatal(err)
		}
		// Everything git would send must be there (more is allowed, but not for these
		// histories without moved files).
		want := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(gitOut(t, dir, "rev-list", "--objects", tip, "--not", have)), "\n") {
			if f := strings.Fields(line); len(f) > 0 {
				want[f[0]] = true
			}
		}
		gotSet := map[string]bool{}
		for _, h := range got {
			gotSet[h.String()] = true
		}
		for h := range want {
			if !gotSet[h] {
				t.Errorf("objectsToSend(%.7s --not %.7s) lacks %s", tip, have, h)
			}
		}
	}
}
