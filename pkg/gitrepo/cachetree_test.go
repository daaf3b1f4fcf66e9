package gitrepo

import (
	"crypto/sha1"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
)

// git's own check of a cache tree: with GIT_TEST_CHECK_CACHE_TREE, writing the index first
// recomputes the tree of every node the cache tree vouches for from the index entries and
// stops (a BUG, exit 134) on a wrong name or entry count (cache-tree.c, cache_tree_verify).
func gitVerifiesCacheTree(t *testing.T, dir string) (string, error) {
	t.Helper()
	out, errOut, err := gitRunEnv(dir, []string{"GIT_TEST_CHECK_CACHE_TREE=1"}, "update-index", "--force-write-index")
	return out + errOut, err
}

// cacheTreeOf is the folders the index's cache tree vouches for, and their trees.
func cacheTreeOf(t *testing.T, dir string) map[string]plumbing.Hash {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	ix, ok, err := index.OpenRaw("index", data)
	if err != nil || !ok {
		t.Fatalf("index: ok=%v err=%v", ok, err)
	}
	return ix.CacheTree
}

// After a commit of ours, the index's cache tree names the trees along the paths as git commit
// does (git status and the next git commit then skip those folders); git's own check agrees
// with every name and count, on every index format incidentctl writes itself.
func TestCommitNamesTheNewTreesInTheCacheTree(t *testing.T) {
	t.Parallel()
	base := map[string]string{
		"a.txt":                  "a\n",
		"dir/b.txt":              "b\n",
		"incidents/2026/11/i.md": "i\n",
		"incidents/2026/10/j.md": "j\n",
		"z/zz.txt":               "z\n",
	}
	for _, tc := range []struct {
		name  string
		setup []string
	}{
		{"v2", nil},
		{"v4 with untracked cache", []string{"update-index --index-version 4 --untracked-cache", "config core.untrackedCache true"}},
		{"split", []string{"update-index --split-index", "config core.splitIndex true"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := newRepo(t, base)
			for _, c := range tc.setup {
				gitOut(t, dir, strings.Fields(c)...)
			}
			// git commit leaves a cache tree that vouches for every folder.
			writeFile(t, dir, "dir/b.txt", "b2\n")
			gitOut(t, dir, "commit", "-q", "-a", "-m", "by git")
			r := openRepo(t, dir)
			mustCommitFiles(t, r, "ours", map[string]string{
				"incidents/2026/11/i.md":   "i updated\n",
				"incidents/2026/11/new.md": "new\n",
			})
			if out, err := gitVerifiesCacheTree(t, dir); err != nil {
				t.Fatalf("git's check of the cache tree: %v\n%s", err, out)
			}
			if tc.name == "v2" {
				ct := cacheTreeOf(t, dir)
				for _, d := range []string{"", "incidents", "incidents/2026", "incidents/2026/11", "incidents/2026/10", "dir", "z"} {
					rev := "HEAD:" + d
					if d == "" {
						rev = "HEAD^{tree}"
					}
					want := strings.TrimSpace(gitOut(t, dir, "rev-parse", rev))
					if got, ok := ct[d]; !ok || got.String() != want {
						t.Errorf("cache tree for %q = %v (valid %v), want %s", d, got, ok, want)
					}
				}
			}
			if got := gitOut(t, dir, "status", "--porcelain"); got != "" {
				t.Errorf("status = %q", got)
			}

			// A new folder on the path: the folders above it are left for git to rebuild.
			mustCommitFiles(t, r, "new month", map[string]string{"incidents/2026/12/k.md": "k\n"})
			if out, err := gitVerifiesCacheTree(t, dir); err != nil {
				t.Fatalf("git's check of the cache tree after a new folder: %v\n%s", err, out)
			}
			if tc.name == "v2" {
				ct := cacheTreeOf(t, dir)
				for _, d := range []string{"", "incidents", "incidents/2026"} {
					if _, ok := ct[d]; ok {
						t.Errorf("cache tree vouches for %q, above a folder it has no node for", d)
					}
				}
				if _, ok := ct["incidents/2026/11"]; !ok {
					t.Errorf("cache tree lost incidents/2026/11, which the commit did not touch")
				}
			}

			// Something staged by the user beside ours: the root stays invalid, and their
			// next commit holds both.
			writeFile(t, dir, "z/zz.txt", "staged\n")
			gitOut(t, dir, "add", "z/zz.txt")
			gitOut(t, dir, "commit", "-q", "--allow-empty", "-m", "rebuilds the cache tree", "--", "a.txt")
			mustCommitFiles(t, r, "ours again", map[string]string{"incidents/2026/10/j.md": "j2\n"})
			if out, err := gitVerifiesCacheTree(t, dir); err != nil {
				t.Fatalf("git's check of the cache tree beside a staged file: %v\n%s", err, out)
			}
			if tc.name == "v2" {
				if h, ok := cacheTreeOf(t, dir)[""]; ok {
					t.Errorf("cache tree vouches for the root (%s) with z/zz.txt staged beside the commit", h)
				}
			}
			gitOut(t, dir, "commit", "-q", "-m", "user")
			if got := gitOut(t, dir, "diff", "--name-only", "HEAD~1", "HEAD"); got != "z/zz.txt\n" {
				t.Errorf("the user's commit holds %q, want z/zz.txt", got)
			}
			if got := gitOut(t, dir, "show", "HEAD:incidents/2026/10/j.md"); got != "j2\n" {
				t.Errorf("j.md = %q", got)
			}
			fsck(t, dir)
		})
	}
}

// The check above is git's: a cache tree naming a wrong tree fails it.
func TestGitCatchesAWrongCacheTree(t *testing.T) {
	t.Parallel()
	dir := newRepo(t, map[string]string{"a/1.txt": "1\n", "b/2.txt": "2\n"})
	writeFile(t, dir, "a/1.txt", "one\n")
	gitOut(t, dir, "commit", "-q", "-a", "-m", "two")
	if out, err := gitVerifiesCacheTree(t, dir); err != nil {
		t.Fatalf("setup: %v\n%s", err, out)
	}
	// Name the previous commit's tree in the root node.
	path := filepath.Join(dir, ".git", "index")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	at := strings.Index(string(data), "TREE")
	if at < 0 {
		t.Fatal("setup: no cache tree")
	}
	root := at + 8 + strings.IndexByte(string(data[at+8:]), '\n') + 1 // after "\x00<count> <subtrees>\n"
	old := plumbing.NewHash(strings.TrimSpace(gitOut(t, dir, "rev-parse", "HEAD~1^{tree}")))
	copy(data[root:root+20], old[:])
	sum := sha1.Sum(data[:len(data)-20])
	copy(data[len(data)-20:], sum[:])
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gitVerifiesCacheTree(t, dir); err == nil {
		t.Fatal("git accepted a cache tree that names the wrong tree for the root")
	}
}
