package tree

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

func TestMain(m *testing.M) { gittest.Main(m, nil) }

// randomTrees writes n commits of random trees with git fast-import: files, executables,
// symbolic links and submodules (gitlinks) under names that collide in git's order ("a",
// "a-b", "a.b", "a0", a directory "a"), files that become directories and back. It returns
// the commits' trees.
func randomTrees(t *testing.T, dir string, n int, rng *rand.Rand) []plumbing.Hash {
	t.Helper()
	names := []string{"a", "a-b", "a.b", "a0", "ab", "b"}
	var b strings.Builder
	live := map[string]bool{}
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "commit refs/heads/t%d\ncommitter X <x@x> %d +0000\ndata 2\nt\n", i, 1700000000+i)
		if i > 1 {
			fmt.Fprintf(&b, "from refs/heads/t%d\n", i-1)
		}
		for range 1 + rng.IntN(6) {
			depth := 1 + rng.IntN(3)
			parts := make([]string, depth)
			for k := range parts {
				parts[k] = names[rng.IntN(len(names))]
			}
			p := strings.Join(parts, "/")
			if rng.IntN(4) == 0 {
				fmt.Fprintf(&b, "D %s\n", p) // a file or a whole directory
				continue
			}
			// A path under a live file, or a file where a directory is, replaces it.
			for q := range live {
				if strings.HasPrefix(p, q+"/") || strings.HasPrefix(q, p+"/") {
					delete(live, q)
				}
			}
			live[p] = true
			switch rng.IntN(8) {
			case 0:
				fmt.Fprintf(&b, "M 100755 inline %s\ndata 4\nx%02d\n", p, rng.IntN(4))
			case 1:
				fmt.Fprintf(&b, "M 120000 inline %s\ndata 6\ntarget\n", p)
			case 2:
				fmt.Fprintf(&b, "M 160000 %040x %s\n", rng.IntN(3)+1, p)
			default:
				fmt.Fprintf(&b, "M 100644 inline %s\ndata 4\nx%02d\n", p, rng.IntN(4))
			}
		}
		b.WriteString("\n")
	}
	gittest.OutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet")
	out := make([]plumbing.Hash, n)
	for i := range out {
		out[i] = plumbing.NewHash(strings.TrimSpace(gittest.Out(t, dir, "rev-parse", fmt.Sprintf("t%d^{tree}", i+1))))
	}
	return out
}

// gitDiffTree is `git diff-tree -r --no-renames` between two trees, as Changes.
func gitDiffTree(t *testing.T, dir string, a, b plumbing.Hash) []Change {
	t.Helper()
	out := gittest.Out(t, dir, "diff-tree", "-r", "--no-renames", "-z", a.String(), b.String())
	var changes []Change
	f := strings.Split(out, "\x00")
	for i := 0; i+1 < len(f); i += 2 {
		meta := strings.Fields(strings.TrimPrefix(f[i], ":"))
		c := Change{Path: f[i+1]}
		side := func(mode, hash string) *File {
			if strings.Trim(mode, "0") == "" {
				return nil
			}
			m, err := filemode.New(mode)
			if err != nil {
				t.Fatal(err)
			}
			return &File{Hash: plumbing.NewHash(hash), Mode: m}
		}
		c.Old, c.New = side(meta[0], meta[2]), side(meta[1], meta[3])
		changes = append(changes, c)
	}
	// git lists a file that became a directory (and the other way round) as two entries of
	// the same path only when they are the same path: a type change of one path (T) is one
	// line with both sides, as Diff reports it too.
	sort.SliceStable(changes, func(i, j int) bool { return changes[i].Path < changes[j].Path })
	return changes
}

// goGitDiff is the differ Diff replaced: go-git's DiffTree over decoded trees, its entries
// joined by path. Diff must give the same answer.
func goGitDiff(t *testing.T, s *odb.Store, from, to plumbing.Hash) []Change {
	t.Helper()
	var a, b *object.Tree
	var err error
	if !from.IsZero() {
		if a, err = Decode(s, from); err != nil {
			t.Fatal(err)
		}
	}
	if !to.IsZero() {
		if b, err = Decode(s, to); err != nil {
			t.Fatal(err)
		}
	}
	changes, err := object.DiffTree(a, b)
	if err != nil {
		t.Fatal(err)
	}
	byPath := map[string]*Change{}
	for _, ch := range changes {
		for _, side := range []struct {
			e   object.ChangeEntry
			old bool
		}{{ch.From, true}, {ch.To, false}} {
			if side.e.Name == "" {
				continue
			}
			pe := byPath[side.e.Name]
			if pe == nil {
				pe = &Change{Path: side.e.Name}
				byPath[side.e.Name] = pe
			}
			fe := &File{Hash: side.e.TreeEntry.Hash, Mode: side.e.TreeEntry.Mode}
			if side.old {
				pe.Old = fe
			} else {
				pe.New = fe
			}
		}
	}
	var out []Change
	for _, pe := range byPath {
		out = append(out, *pe)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func formatChanges(cs []Change) string {
	var b strings.Builder
	f := func(x *File) string {
		if x == nil {
			return "-"
		}
		return x.Mode.String() + ":" + x.Hash.String()[:7]
	}
	for _, c := range cs {
		fmt.Fprintf(&b, "  %s %s -> %s\n", c.Path, f(c.Old), f(c.New))
	}
	return b.String()
}

// Diff must list what `git diff-tree -r --no-renames` lists, and exactly what the go-git differ
// it replaced listed (so that merges come out byte for byte as before), loose and packed.
func TestDiffMatchesGitAndGoGit(t *testing.T) {
	dir := gittest.NewRepo(t, nil)
	rng := rand.New(rand.NewPCG(19, 1))
	trees := randomTrees(t, dir, 60, rng)
	trees = append(trees, plumbing.ZeroHash)
	for _, stage := range []string{"loose", "packed"} {
		if stage == "packed" {
			gittest.Out(t, dir, "gc", "-q", "--prune=now")
		}
		odb.ResetCache()
		g, err := git.PlainOpen(dir)
		if err != nil {
			t.Fatal(err)
		}
		s := odb.New(filepath.Join(dir, ".git"), g.Storer, 0)
		for k := 0; k < 150; k++ {
			a, b := trees[rng.IntN(len(trees))], trees[rng.IntN(len(trees))]
			if k < len(trees)-1 {
				a, b = trees[k], trees[k+1] // every step of the history too
			}
			got, err := Diff(s, a, b)
			if err != nil {
				t.Fatal(err)
			}
			if ref := goGitDiff(t, s, a, b); !reflect.DeepEqual(got, ref) && !(len(got) == 0 && len(ref) == 0) {
				t.Fatalf("%s: %s..%s: Diff differs from go-git's DiffTree:\n%s\nwant\n%s", stage, a, b, formatChanges(got), formatChanges(ref))
			}
			if a.IsZero() || b.IsZero() {
				continue // git diff-tree needs two trees
			}
			if want := gitDiffTree(t, dir, a, b); !reflect.DeepEqual(got, want) && !(len(got) == 0 && len(want) == 0) {
				t.Fatalf("%s: %s..%s: Diff differs from git diff-tree:\n%s\nwant\n%s", stage, a, b, formatChanges(got), formatChanges(want))
			}
		}
	}
}
