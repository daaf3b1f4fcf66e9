package gitrepo

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/revwalk"
)

func TestMergeBaseMatchesGit(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 3; seed++ {
		dir := newRepo(t, map[string]string{"seed": "x\n"})
		rng := rand.New(rand.NewPCG(seed, 99))
		commits := gittest.RandomHistory(t, dir, 80, rng)
		r := openRepo(t, dir)
		for range 60 {
			a, b := commits[rng.IntN(len(commits))], commits[rng.IntN(len(commits))]
			all, err := revwalk.MergeBasesAll(r.objects, plumbing.NewHash(a), plumbing.NewHash(b))
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range all {
				got = append(got, h.String())
			}
			want := strings.Fields(gitOut(t, dir, "merge-base", "--all", a, b))
			if !slices.Equal(sorted(got), sorted(want)) {
				t.Errorf("seed %d: merge bases of %.7s and %.7s: %v, git says %v", seed, a, b, got, want)
				continue
			}
			one, err := r.MergeBase(plumbing.NewHash(a), plumbing.NewHash(b))
			if err != nil {
				t.Fatal(err)
			}
			if w := strings.TrimSpace(gitOut(t, dir, "merge-base", a, b)); one.String() != w {
				t.Errorf("seed %d: MergeBase(%.7s, %.7s) = %.7s, git merge-base says %.7s", seed, a, b, one, w)
			}
		}
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// TestMergeBaseStopsAtTheBase: on a long history, the merge base of a branch one commit
// ahead and a branch a few commits behind costs reading those commits, not the history.
func TestMergeBaseStopsAtTheBase(t *testing.T) {
	dir := newRepo(t, map[string]string{"seed": "x\n"})
	var b strings.Builder
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&b, "commit refs/heads/main\ncommitter X <x@x> %d +0000\ndata 2\nc\n", 1700000000+60*i)
		if i == 1 {
			b.WriteString("from refs/heads/main^0\n")
		}
		fmt.Fprintf(&b, "M 100644 inline f\ndata %d\n%d\n\n", len(fmt.Sprint(i))+1, i)
	}
	gitOutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet", "--force")
	tip := plumbing.NewHash(strings.TrimSpace(gitOut(t, dir, "rev-parse", "main")))
	behind := plumbing.NewHash(strings.TrimSpace(gitOut(t, dir, "rev-parse", "main~3")))
	r := openRepo(t, dir)
	reads := 0
	work.ReadHook = func(plumbing.Hash) { reads++ }
	defer func() { work.ReadHook = nil }()
	for _, pair := range [][2]plumbing.Hash{{tip, behind}, {behind, tip}} {
		reads = 0
		mb, err := r.MergeBase(pair[0], pair[1])
		if err != nil {
			t.Fatal(err)
		}
		if mb != behind {
			t.Fatalf("MergeBase = %s, want %s", mb, behind)
		}
		if reads > 6 {
			t.Errorf("MergeBase read %d objects for a base 3 commits back in a history of 300", reads)
		}
	}
}

// randomTreeChange edits the working tree of dir at random: new, changed, deleted and
// renamed files, a file replaced by a folder and back, an executable bit.
func randomTreeChange(t *testing.T, dir string, rng *rand.Rand) {
	t.Helper()
	paths := []string{"a.md", "b.md", "x/c.md", "x/y/d.md", "x/y/e.md", "x-y.md", "x0.md", "incidents/2026/10/261001-aaaaa-x.md",
		"incidents/2026/10/261002-bbbbb-y.md", "incidents/2026/11/261101-ccccc-z.md", "incidents/2026/11/notes.txt", "incidents/README.md", "incidents/2026/10/sub/f.md"}
	for range 1 + rng.IntN(4) {
		p := paths[rng.IntN(len(paths))]
		full := filepath.Join(dir, filepath.FromSlash(p))
		switch rng.IntN(6) {
		case 0:
			os.RemoveAll(full)
		case 1:
			os.RemoveAll(full)
			writeFile(t, dir, p+"/inner.md", "inner\n") // a file becomes a folder
		case 2:
			if err := os.Chmod(full, 0o755); err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
		default:
			os.RemoveAll(full)
			writeFile(t, dir, p, fmt.Sprintf("content %d\n", rng.IntN(3)))
		}
	}
}

func TestChangedFilesMatchesGit(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"seed": "x\n"})
	rng := rand.New(rand.NewPCG(5, 5))
	var commits []string
	for i := range 40 {
		randomTreeChange(t, dir, rng)
		gitOut(t, dir, "add", "-A")
		gitOut(t, dir, "commit", "-q", "--allow-empty", "-m", fmt.Sprint("c", i))
		commits = append(commits, strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD")))
	}
	r := openRepo(t, dir)
	for _, prefixes := range [][]string{{""}, {"incidents"}, {"x"}, {"x/y", "a.md"}, {"incidents/2026/10", "incidents/2026/11/261101-ccccc-z.md"}} {
		for range 25 {
			a, b := commits[rng.IntN(len(commits))], commits[rng.IntN(len(commits))]
			got, err := r.ChangedFiles(plumbing.NewHash(a), plumbing.NewHash(b), prefixes)
			if err != nil {
				t.Fatal(err)
			}
			args := append([]string{"diff", "--name-only", "--no-renames", a, b, "--"}, prefixes...)
			if prefixes[0] == "" {
				args = args[:len(args)-1]
			}
			want := strings.Fields(gitOut(t, dir, args...))
			if !slices.Equal(got, want) {
				t.Errorf("ChangedFiles(%.7s, %.7s, %q) = %v, git says %v", a, b, prefixes, got, want)
			}
		}
	}
}

func TestResolveCommitMatchesGit(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"a": "1\n"})
	writeFile(t, dir, "a", "2\n")
	gitOut(t, dir, "commit", "-q", "-am", "two")
	gitOut(t, dir, "tag", "light", "HEAD~1")
	gitOut(t, dir, "tag", "-a", "-m", "annotated", "v1", "HEAD~1")
	gitOut(t, dir, "tag", "-a", "-m", "tag of a tag", "v1-again", "v1")
	gitOut(t, dir, "branch", "feature/x", "HEAD~1")
	gitOut(t, dir, "branch", "light-and-branch", "HEAD")
	gitOut(t, dir, "tag", "light-and-branch", "HEAD~1") // git prefers the tag
	gitOut(t, dir, "update-ref", "refs/remotes/origin/main", "HEAD~1")
	gitOut(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
	gitOut(t, dir, "pack-refs", "--all")
	gitOut(t, dir, "branch", "loose", "HEAD~1")
	head := strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD"))
	r := openRepo(t, dir)
	for _, rev := range []string{"main", "light", "v1", "v1-again", "feature/x", "light-and-branch", "origin/main", "origin",
		"refs/heads/main", "heads/feature/x", "loose", head, head[:9], "HEAD~1", "main^", "v1^{commit}"} {
		got, err := r.ResolveCommit(rev)
		if err != nil {
			t.Errorf("ResolveCommit(%q): %v", rev, err)
			continue
		}
		if want := strings.TrimSpace(gitOut(t, dir, "rev-parse", rev+"^{commit}")); got.String() != want {
			t.Errorf("ResolveCommit(%q) = %s, git says %s", rev, got, want)
		}
	}
	for _, rev := range []string{"nope", "feature", strings.Repeat("0", 40)} {
		if _, err := r.ResolveCommit(rev); err == nil {
			t.Errorf("ResolveCommit(%q) succeeded", rev)
		}
	}
}
