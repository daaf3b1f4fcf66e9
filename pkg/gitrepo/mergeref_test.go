package gitrepo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// The merge Integrate computes, against a reference that knows nothing about trees: for every
// path of base, ours and theirs, the side that changed it, or the resolver when both did. The
// merged commit's files (git ls-tree -r) and the working tree (git status) must be exactly
// the reference's, over random divergent histories in nested folders: files changed on one
// side, on both, the same way on both, added, deleted, folders emptied.
func TestIntegrateMergeMatchesPathByPathReference(t *testing.T) {
	t.Parallel()
	for seed := uint64(1); seed <= 4; seed++ {
		rng := rand.New(rand.NewPCG(seed, 19))
		base := map[string]string{}
		for i := range 60 {
			base[fmt.Sprintf("incidents/2026/%02d/doc-%02d.md", 1+rng.IntN(4), i)] = fmt.Sprintf("doc %d\nline\n", i)
		}
		base["README.md"] = "readme\n"
		dir := newRepo(t, base)
		paths := sortedKeys(base)
		// Each side edits its own share of the paths, and both edit a shared few.
		shared := map[string]bool{}
		for _, p := range paths[:8] {
			shared[p] = true
		}
		// Odd seeds let one side delete what the other changed (conflicts Integrate must
		// refuse), even ones do not (a merge it must make).
		conflicts := seed%2 == 1
		side := func(name string, other map[string]string) map[string]string {
			files := map[string]string{}
			for p, c := range base {
				files[p] = c
			}
			for k, p := range paths {
				oc, inOther := other[p]
				otherChanged := other != nil && (!inOther || oc != base[p])
				switch {
				case shared[p] && k%3 == 0:
					files[p] = base[p] + "same on both sides\n"
				case shared[p]:
					files[p] = base[p] + name + " line\n"
				case otherChanged && !conflicts:
				case rng.IntN(5) == 0:
					delete(files, p)
				case rng.IntN(4) == 0:
					files[p] = base[p] + name + " only\n"
				}
			}
			for i := range 5 {
				files[fmt.Sprintf("incidents/2027/%02d/%s-%d.md", 1+rng.IntN(2), name, i)] = name + " new\n"
			}
			return files
		}
		ours := side("ours", nil)
		theirs := side("theirs", ours)
		// Each side is one commit on top of main holding exactly its files.
		commitSide := func(branch string, files map[string]string) string {
			var b strings.Builder
			fmt.Fprintf(&b, "commit refs/heads/%s\ncommitter X <x@x> 1700000000 +0000\ndata 2\n%c\nfrom refs/heads/main^0\ndeleteall\n", branch, branch[0])
			for _, p := range sortedKeys(files) {
				fmt.Fprintf(&b, "M 100644 inline %s\ndata %d\n%s\n", p, len(files[p]), files[p])
			}
			gitOutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet")
			return strings.TrimSpace(gitOut(t, dir, "rev-parse", branch))
		}
		theirsTip := commitSide("theirs", theirs)
		commitSide("ours", ours)
		gitOut(t, dir, "checkout", "-q", "ours")

		resolve := func(path string, b, o, th []byte) ([]byte, error) {
			return []byte(string(b) + "|" + string(o) + "|" + string(th)), nil
		}
		want := map[string]string{}
		var wantConflicts []string
		for _, p := range sortedKeys(union(base, ours, theirs)) {
			b, inB := base[p]
			o, inO := ours[p]
			th, inT := theirs[p]
			switch {
			case inO == inT && o == th:
				if inO {
					want[p] = o
				}
			case inO == inB && o == b:
				if inT {
					want[p] = th
				}
			case inT == inB && th == b:
				if inO {
					want[p] = o
				}
			case !inO || !inT:
				wantConflicts = append(wantConflicts, p) // deleted on one side, changed on the other
			default:
				want[p] = b + "|" + o + "|" + th
			}
		}

		r := openRepo(t, dir)
		before := gitOut(t, dir, "rev-parse", "HEAD")
		_, err := integrate(t, r, plumbing.NewHash(theirsTip), resolve)
		if len(wantConflicts) > 0 {
			var ce *ConflictError
			if !errors.As(err, &ce) {
				t.Fatalf("seed %d: %v, want the conflicts %v", seed, err, wantConflicts)
			}
			var got []string
			for _, f := range ce.Files {
				got = append(got, f.Path)
			}
			if !slices.Equal(got, wantConflicts) {
				t.Errorf("seed %d: conflicts %v, the reference has %v", seed, got, wantConflicts)
			}
			if after := gitOut(t, dir, "rev-parse", "HEAD"); after != before || gitOut(t, dir, "status", "--porcelain") != "" {
				t.Errorf("seed %d: a refused merge changed the repository", seed)
			}
			continue
		}
		if conflicts {
			t.Fatalf("seed %d: the generator made no conflict", seed)
		}
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		got := map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(gitOut(t, dir, "ls-tree", "-r", "HEAD")), "\n") {
			f := strings.Fields(line)
			p := line[strings.IndexByte(line, '\t')+1:]
			got[p] = gitOut(t, dir, "cat-file", "blob", f[2])
		}
		if len(got) != len(want) {
			t.Errorf("seed %d: %d files merged, the reference has %d", seed, len(got), len(want))
		}
		for p, c := range want {
			if got[p] != c {
				t.Errorf("seed %d: %s = %q, the reference says %q", seed, p, got[p], c)
			}
		}
		if st := gitOut(t, dir, "status", "--porcelain"); st != "" {
			t.Errorf("seed %d: the working tree differs from the merge:\n%s", seed, st)
		}
		fsck(t, dir)
	}
}

func union(ms ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
