package revwalk

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

func TestMain(m *testing.M) { gittest.Main(m, nil) }

// openStore opens the object database of the repository at dir.
func openStore(t *testing.T, dir string) *odb.Store {
	t.Helper()
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	return odb.New(filepath.Join(dir, ".git"), g.Storer, 0)
}

func TestMergeBasesAndReachesMatchGit(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t, map[string]string{"seed": "x\n"})
	rng := rand.New(rand.NewPCG(4, 2))
	commits := gittest.RandomHistory(t, dir, 60, rng)
	r := openStore(t, dir)
	for range 60 {
		a, b := commits[rng.IntN(len(commits))], commits[rng.IntN(len(commits))]
		got, err := MergeBases(r, plumbing.NewHash(a), plumbing.NewHash(b))
		if err != nil {
			t.Fatal(err)
		}
		want := strings.Fields(gittest.Out(t, dir, "merge-base", "--all", a, b))
		if len(got) == 0 || !slices.Contains(want, got[0].String()) {
			t.Errorf("MergeBases(%.7s, %.7s) = %v, git says %v", a, b, got, want)
		}
		reach, err := Reaches(r, plumbing.NewHash(a), plumbing.NewHash(b))
		if err != nil {
			t.Fatal(err)
		}
		if wantReach := gittest.OK(dir, "merge-base", "--is-ancestor", b, a); reach != wantReach {
			t.Errorf("Reaches(%.7s, %.7s) = %v, git says %v", a, b, reach, wantReach)
		}
	}
}

func TestObjectsToSendMatchesGit(t *testing.T) {
	t.Parallel()
	dir := gittest.NewRepo(t, map[string]string{"seed": "x\n"})
	rng := rand.New(rand.NewPCG(7, 7))
	commits := gittest.RandomHistory(t, dir, 50, rng)
	r := openStore(t, dir)
	for range 30 {
		tip, have := commits[rng.IntN(len(commits))], commits[rng.IntN(len(commits))]
		got, err := ObjectsToSend(r, plumbing.NewHash(tip), []plumbing.Hash{plumbing.NewHash(have)})
		if err != nil {
			t.Fatal(err)
		}
		// Everything git would send must be there (more is allowed, but not for these
		// histories without moved files).
		want := map[string]bool{}
		for _, line := range strings.Split(strings.TrimSpace(gittest.Out(t, dir, "rev-list", "--objects", tip, "--not", have)), "\n") {
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
				t.Errorf("ObjectsToSend(%.7s --not %.7s) lacks %s", tip, have, h)
			}
		}
	}
}
