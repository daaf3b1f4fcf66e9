package gitrepo

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/revwalk"
)

// The objects a push sends, against git: random histories (files added, modified, deleted,
// renamed, whole folders deleted and copied, old contents and whole old trees coming back,
// merges, several root commits) pushed piece by piece to a bare remote, starting empty, that
// keeps every pack it receives. Each pack must hold every object reachable from the pushed
// commit that the remote did not have (`git rev-list --objects`), nothing that is not
// reachable from it, and the remote must pass `git fsck --strict` after every push.

// pushHistory is a generated history: the files of each commit and its parents (indexes of
// earlier commits; none for a root commit).
type pushHistory struct {
	parents [][]int
	files   []map[string]string // path → content
}

var (
	pushDirs  = []string{"", "a", "a/b", "a/b/c", "d", "incidents/2026/11", "incidents/2026/12"}
	pushNames = []string{"f0", "f1", "f2", "f3", "f4"}
)

func randomPushHistory(rng *rand.Rand, n int) pushHistory {
	var h pushHistory
	contents := 0
	content := func() string {
		if contents > 0 && rng.IntN(3) == 0 {
			return fmt.Sprintf("content %d\n", rng.IntN(contents)) // an old blob again
		}
		contents++
		return fmt.Sprintf("content %d\n", contents-1)
	}
	anyPath := func() string {
		d := pushDirs[rng.IntN(len(pushDirs))]
		if d == "" {
			return pushNames[rng.IntN(len(pushNames))]
		}
		return d + "/" + pushNames[rng.IntN(len(pushNames))]
	}
	for i := range n {
		var parents []int
		files := map[string]string{}
		switch {
		case i == 0 || rng.IntN(15) == 0: // a root commit
		default:
			parents = []int{rng.IntN(i)}
			if i > 1 && rng.IntN(4) == 0 {
				if p := rng.IntN(i); p != parents[0] {
					parents = append(parents, p)
				}
			}
			files = maps.Clone(h.files[parents[0]])
			if len(parents) == 2 { // a merge takes some of the other side
				for p, c := range h.files[parents[1]] {
					if rng.IntN(2) == 0 {
						files[p] = c
					}
				}
			}
		}
		if len(parents) > 0 && rng.IntN(5) == 0 {
			// The tree of an earlier commit again: mostly one of its own history (a file
			// added and deleted again, a revert), sometimes any.
			back := parents[0]
			for steps := rng.IntN(4); steps > 0 && len(h.parents[back]) > 0; steps-- {
				back = h.parents[back][0]
			}
			if rng.IntN(4) == 0 {
				back = rng.IntN(i)
			}
			files = maps.Clone(h.files[back])
		} else {
			for range 1 + rng.IntN(3) {
				paths := slices.Sorted(maps.Keys(files))
				switch op := rng.IntN(10); {
				case op < 4 || len(paths) == 0: // add or modify
					files[anyPath()] = content()
				case op < 6: // delete
					delete(files, paths[rng.IntN(len(paths))])
				case op < 8: // rename
					p := paths[rng.IntN(len(paths))]
					c := files[p]
					delete(files, p)
					files[anyPath()] = c
				case op < 9: // delete a folder
					dir := pushDirs[1+rng.IntN(len(pushDirs)-1)] + "/"
					for _, p := range paths {
						if strings.HasPrefix(p, dir) {
							delete(files, p)
						}
					}
				default: // copy a folder: the same tree at two paths
					from, to := pushDirs[1+rng.IntN(len(pushDirs)-1)], pushDirs[1+rng.IntN(len(pushDirs)-1)]
					if strings.HasPrefix(to, from) || strings.HasPrefix(from, to) {
						continue
					}
					for _, p := range paths {
						if rest, ok := strings.CutPrefix(p, from+"/"); ok && !strings.Contains(rest, "/") {
							files[to+"/"+rest] = files[p]
						}
					}
				}
			}
		}
		h.parents = append(h.parents, parents)
		h.files = append(h.files, files)
	}
	return h
}

// write makes the history in the repository at dir with git fast-import (branch c<i> for
// commit i) and returns the commits' names.
func (h pushHistory) write(t *testing.T, dir string, rng *rand.Rand) []string {
	t.Helper()
	var b strings.Builder
	blobs := map[string]int{}
	when := 1700000000
	for i, files := range h.files {
		for _, p := range slices.Sorted(maps.Keys(files)) {
			if c := files[p]; blobs[c] == 0 {
				blobs[c] = 100000 + len(blobs)
				fmt.Fprintf(&b, "blob\nmark :%d\ndata %d\n%s\n", blobs[c], len(c), c)
			}
		}
		when += 60
		if rng.IntN(10) == 0 {
			when -= 300 // clock skew
		}
		msg := fmt.Sprintf("c%d", i)
		fmt.Fprintf(&b, "commit refs/heads/c%d\nmark :%d\ncommitter X <x@example.com> %d +0000\ndata %d\n%s\n", i, i+1, when, len(msg), msg)
		for k, p := range h.parents[i] {
			fmt.Fprintf(&b, "%s :%d\n", map[bool]string{true: "from", false: "merge"}[k == 0], p+1)
		}
		b.WriteString("deleteall\n")
		for _, p := range slices.Sorted(maps.Keys(files)) {
			mode := "100644"
			if strings.HasSuffix(p, "f4") {
				mode = "100755"
			}
			fmt.Fprintf(&b, "M %s :%d %s\n", mode, blobs[files[p]], p)
		}
		b.WriteString("\n")
	}
	marks := filepath.Join(t.TempDir(), "marks")
	gitOutStdin(t, dir, []byte(b.String()), "fast-import", "--quiet", "--export-marks="+marks)
	raw, err := os.ReadFile(marks)
	if err != nil {
		t.Fatal(err)
	}
	byMark := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			byMark[f[0]] = f[1]
		}
	}
	names := make([]string, len(h.files))
	for i := range names {
		names[i] = byMark[fmt.Sprintf(":%d", i+1)]
	}
	return names
}

// ancestors reports whether a is in the history of c (a == c included).
func (h pushHistory) ancestor(a, c int) bool {
	seen := map[int]bool{}
	stack := []int{c}
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if x == a {
			return true
		}
		if !seen[x] {
			seen[x] = true
			stack = append(stack, h.parents[x]...)
		}
	}
	return false
}

func gitObjectSet(t *testing.T, dir string, args ...string) map[string]bool {
	t.Helper()
	set := map[string]bool{}
	for _, line := range strings.Split(gitOut(t, dir, args...), "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			set[f[0]] = true
		}
	}
	return set
}

// packObjects lists the objects of the packs in the bare repository dir that are not in old
// (pack index paths), and returns them with every pack index path.
func packObjects(t *testing.T, dir string, old map[string]bool) (objects map[string]bool, idx map[string]bool) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "objects", "pack", "*.idx"))
	if err != nil {
		t.Fatal(err)
	}
	objects, idx = map[string]bool{}, map[string]bool{}
	for _, p := range paths {
		idx[p] = true
		if old[p] {
			continue
		}
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(gitOutStdin(t, dir, raw, "show-index"), "\n") {
			if f := strings.Fields(line); len(f) >= 2 {
				objects[f[1]] = true
			}
		}
	}
	return objects, idx
}

func TestPushSendsEveryMissingObject(t *testing.T) {
	t.Parallel()
	seeds, n, pushes := 4, 70, 30
	if testing.Short() {
		seeds, pushes = 2, 15
	}
	for seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(seed), 11))
			h := randomPushHistory(rng, n)
			dir := newRepo(t, nil)
			commits := h.write(t, dir, rng)
			gitOut(t, dir, "symbolic-ref", "HEAD", "refs/heads/c0")
			remote := filepath.Join(t.TempDir(), "remote.git")
			gitOut(t, dir, "init", "-q", "--bare", remote)
			gitOut(t, remote, "config", "receive.unpackLimit", "1") // keep every pack as it came
			gitOut(t, remote, "config", "receive.fsckObjects", "true")
			gitOut(t, dir, "remote", "add", "origin", remote)
			r := openRepo(t, dir)

			branches := map[string]int{} // on the remote → commit
			var packs map[string]bool
			var extra, fewer int
			for step := range pushes {
				target, branch := rng.IntN(n), fmt.Sprintf("b%d", step)
				if names := slices.Sorted(maps.Keys(branches)); len(names) > 0 && rng.IntN(3) > 0 {
					// Move an existing branch forward.
					name := names[rng.IntN(len(names))]
					var later []int
					for c := range n {
						if c != branches[name] && h.ancestor(branches[name], c) {
							later = append(later, c)
						}
					}
					if len(later) > 0 {
						target, branch = later[rng.IntN(len(later))], name
					}
				}
				tip := commits[target]
				onRemote := gitObjectSet(t, remote, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)")
				reachable := gitObjectSet(t, dir, "rev-list", "--objects", tip)
				refs := strings.Fields(gitOut(t, remote, "for-each-ref", "--format=%(objectname)"))
				revList := []string{"rev-list", "--objects", tip}
				if len(refs) > 0 {
					revList = append(append(revList, "--not"), refs...)
				}
				want := gitObjectSet(t, dir, revList...) // what git would send

				// What sendPack will send, to name the objects when one is missing (the push
				// itself would only fail). The walk's answer may vary with the order of the
				// remote's refs (clock skew can make a commit the remote has look new).
				var have []plumbing.Hash
				for _, ref := range refs {
					have = append(have, plumbing.NewHash(ref))
				}
				listed, err := revwalk.ObjectsToSend(r.objects, plumbing.NewHash(tip), have)
				if err != nil {
					t.Fatal(err)
				}
				listedSet := map[string]bool{}
				for _, o := range listed {
					listedSet[o.String()] = true
				}
				for o := range reachable {
					if !onRemote[o] && !listedSet[o] {
						t.Errorf("push %d (c%d to %s): %s %s is reachable and not on the remote, but not listed (in git rev-list: %v)",
							step, target, branch, strings.TrimSpace(gitOut(t, dir, "cat-file", "-t", o)), o, want[o])
					}
				}
				if t.Failed() {
					t.FailNow()
				}

				err = r.Push(context.Background(), PushRequest{Remote: "origin", Branch: branch, Commit: plumbing.NewHash(tip)})
				if err != nil {
					t.Fatalf("push %d (c%d to %s): %v", step, target, branch, err)
				}
				fsck(t, remote)
				if got := strings.TrimSpace(gitOut(t, remote, "rev-parse", "refs/heads/"+branch)); got != tip {
					t.Fatalf("push %d: the remote's %s is %s, want %s", step, branch, got, tip)
				}
				branches[branch] = target
				var sent map[string]bool
				sent, packs = packObjects(t, remote, packs)

				for o := range reachable {
					if !onRemote[o] && !sent[o] {
						t.Errorf("push %d (c%d to %s): %s is reachable and was not on the remote, but is not in the pack", step, target, branch, o)
					}
				}
				for o := range sent {
					if !reachable[o] {
						t.Errorf("push %d (c%d to %s): sent %s, not reachable from the commit", step, target, branch, o)
					}
					if !want[o] {
						extra++ // the remote has it already (a file of a deleted folder, moved)
					}
				}
				for o := range want {
					if !sent[o] {
						fewer++ // the remote has it (the walk saw a commit as shared that git did not)
					}
				}
			}
			t.Logf("%d pushes: %d objects sent that git would not send, %d that git would send were not", pushes, extra, fewer)
		})
	}
}
