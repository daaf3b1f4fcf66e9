package index

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// These tests compare the splice with git itself: the same change made by `git update-index`
// on a copy of the same index must give the same bytes (version 4 names, TREE, UNTR), and
// git must read the result as it reads its own.

func gitIn(t *testing.T, dir string, env []string, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir, "GIT_AUTHOR_NAME=t",
		"GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com"), env...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

func writeFile(t *testing.T, dir, path, content string) {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
}

// untrackedRepo is a repository with a version 4 index (or 2) holding a cache tree and an
// untracked cache filled by git status, with untracked files in several folders.
func untrackedRepo(t *testing.T, version int, statusArgs ...string) (dir string, data []byte) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir = t.TempDir()
	gitIn(t, dir, nil, "", "init", "-q", "-b", "main")
	gitIn(t, dir, nil, "", "config", "core.untrackedCache", "true")
	gitIn(t, dir, nil, "", "config", "index.version", fmt.Sprint(version))
	for _, p := range []string{"README.md", "incidents/2026/10/261001-aaaa-one.md", "incidents/2026/10/261002-bbbb-two.md",
		"incidents/2026/10/261003-cccc-three.md", "incidents/2026/11/261101-dddd-four.md", "incidents/2026/11/261102-eeee-five.md",
		"templates/incident.md", "z/last.md"} {
		writeFile(t, dir, p, "content of "+p+"\n")
	}
	gitIn(t, dir, nil, "", "add", "-A")
	gitIn(t, dir, nil, "", "commit", "-q", "-m", "init")
	for _, p := range []string{"notes.txt", "incidents/2026/10/draft.txt", "incidents/2026/11/scratch/a.txt",
		"incidents/2026/12/261201-ffff-new-untracked.md", "other/x.txt"} {
		writeFile(t, dir, p, "untracked "+p+"\n")
	}
	gitIn(t, dir, nil, "", append([]string{"status", "--porcelain"}, statusArgs...)...)
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if got := extensionNames(t, data); !strings.Contains(got, "UNTR") || !strings.Contains(got, "TREE") {
		t.Fatalf("setup: the index has the extensions %q, want TREE and UNTR", got)
	}
	return dir, data
}

func extensionNames(t *testing.T, data []byte) string {
	t.Helper()
	version, count, err := indexHeader(data)
	if err != nil {
		t.Fatal(err)
	}
	var off int
	if version == 4 {
		off, err = skipEntriesV4(data, count)
	} else {
		off, err = skipEntries(data, indexHeaderLen, len(data)-indexTrailerLen, version, count)
	}
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for ext := data[off : len(data)-indexTrailerLen]; len(ext) >= 8; {
		size := int(binary.BigEndian.Uint32(ext[4:]))
		names = append(names, string(ext[:4]))
		ext = ext[8+size:]
	}
	return strings.Join(names, " ")
}

// byGit is the index git update-index writes for updates (entries without stat data, as
// --index-info gives them) on a copy of data.
func byGit(t *testing.T, dir string, data []byte, updates []Update) []byte {
	t.Helper()
	tmp := filepath.Join(t.TempDir(), "index")
	if err := os.WriteFile(tmp, data, 0o666); err != nil {
		t.Fatal(err)
	}
	var info strings.Builder
	for _, u := range updates {
		fmt.Fprintf(&info, "100644 %s\t%s\n", u.Hash, u.Path)
	}
	gitIn(t, dir, []string{"GIT_INDEX_FILE=" + tmp}, info.String(), "update-index", "--index-info")
	b, err := os.ReadFile(tmp)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func blob(t *testing.T, dir, content string) plumbing.Hash {
	t.Helper()
	return plumbing.NewHash(strings.TrimSpace(gitIn(t, dir, nil, content, "hash-object", "-w", "--stdin")))
}

func TestSpliceMatchesGit(t *testing.T) {
	cases := map[string][]string{
		"replace":               {"incidents/2026/10/261002-bbbb-two.md"},
		"replace first":         {"README.md"},
		"replace last":          {"z/last.md"},
		"insert in a folder":    {"incidents/2026/10/261004-gggg-six.md"},
		"insert a new folder":   {"incidents/2026/12/261202-hhhh-seven.md"},
		"track an untracked":    {"incidents/2026/12/261201-ffff-new-untracked.md"},
		"insert first":          {"0.md"},
		"insert last":           {"zz/q.md"},
		"insert before a share": {"incidents/2026/10/261001-aaa.md"},
		"several":               {"README.md", "incidents/2026/10/261001-aaaa-one.md", "incidents/2026/10/2610015.md", "incidents/2026/11/261103-iiii.md", "zzz.md"},
		"root file untracked":   {"notes.txt"},
	}
	for _, version := range []int{2, 4} {
		for _, status := range [][]string{nil, {"-uall"}} {
			dir, data := untrackedRepo(t, version, status...)
			for name, paths := range cases {
				t.Run(fmt.Sprintf("v%d/%v/%s", version, status, name), func(t *testing.T) {
					var updates []Update
					for _, p := range paths {
						updates = append(updates, Update{Path: p, Hash: blob(t, dir, "new "+p+"\n")})
					}
					want := byGit(t, dir, data, updates)
					plan, err := Prepare("index", data, updates)
					if err != nil {
						t.Fatal(err)
					}
					got, err := plan.bytes()
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want) {
						t.Fatalf("the splice differs from git update-index:\n got %d bytes, extensions %s\nwant %d bytes, extensions %s\nfirst difference at %d",
							len(got), extensionNames(t, got), len(want), extensionNames(t, want), firstDiff(got, want))
					}
					if exts := extensionNames(t, got); !strings.Contains(exts, "UNTR") || !strings.Contains(exts, "TREE") {
						t.Fatalf("extensions %q: TREE and UNTR must be kept", exts)
					}
				})
			}
		}
	}
}

// TestSpliceStatusMatchesGit: git status (untracked files shown in full and by folder) reads
// the spliced index exactly as the one git wrote for the same change, as new untracked files
// come and tracked ones go.
func TestSpliceStatusMatchesGit(t *testing.T) {
	for _, version := range []int{2, 4} {
		for _, status := range [][]string{nil, {"-uall"}} {
			t.Run(fmt.Sprintf("v%d/%v", version, status), func(t *testing.T) {
				dir, data := untrackedRepo(t, version, status...)
				twin := t.TempDir()
				gitIn(t, twin, nil, "", "clone", "-q", dir, ".")
				gitIn(t, twin, nil, "", "config", "core.untrackedCache", "true")
				gitIn(t, twin, nil, "", "config", "index.version", fmt.Sprint(version))
				// The twin is the same repository after git's own write.
				steps := [][]string{
					{"incidents/2026/12/261201-ffff-new-untracked.md"},
					{"incidents/2026/10/draft.txt", "notes.txt"},
					{"incidents/2026/11/scratch/a.txt"},
					{"brand/new/folder/file.md"},
				}
				sync := func() {
					// Same working tree in the twin: copy every file of dir's working tree.
					filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
						rel, _ := filepath.Rel(dir, p)
						if err != nil || rel == ".git" || strings.HasPrefix(rel, ".git"+string(filepath.Separator)) {
							if fi != nil && fi.IsDir() && rel == ".git" {
								return filepath.SkipDir
							}
							return nil
						}
						if fi.Mode().IsRegular() {
							b, _ := os.ReadFile(p)
							writeFile(t, twin, filepath.ToSlash(rel), string(b))
						}
						return nil
					})
				}
				sync()
				os.WriteFile(filepath.Join(twin, ".git", "index"), data, 0o666)
				for i, paths := range steps {
					// git as built here compares whole seconds: a file created in the same second
					// as the untracked cache's last look at its folder leaves the folder's time
					// unchanged to git, whoever writes the index next (git update-index writes the
					// very same bytes: TestSpliceMatchesGit). That is not what is tested here.
					time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second + 20*time.Millisecond)))
					for _, p := range paths {
						writeFile(t, dir, p, fmt.Sprintf("step %d %s\n", i, p))
					}
					writeFile(t, dir, fmt.Sprintf("incidents/2026/11/untracked-%d.txt", i), "x\n")
					writeFile(t, dir, fmt.Sprintf("fresh-%d/u.txt", i), "x\n")
					sync()
					var updates []Update
					for _, p := range paths {
						updates = append(updates, Update{Path: p, Hash: blob(t, dir, fmt.Sprintf("step %d %s\n", i, p))})
					}
					cur, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
					if err != nil {
						t.Fatal(err)
					}
					plan, err := Prepare("index", cur, updates)
					if err != nil {
						t.Fatal(err)
					}
					got, err := plan.bytes()
					if err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(filepath.Join(dir, ".git", "index"), got, 0o666); err != nil {
						t.Fatal(err)
					}
					gitIn(t, twin, nil, "", append([]string{"update-index", "--add", "--"}, paths...)...)
					for _, args := range [][]string{{"status", "--porcelain"}, {"status", "--porcelain", "-uall"}, {"status", "--porcelain", "-unormal"}} {
						a := gitIn(t, dir, nil, "", args...)
						b := gitIn(t, twin, nil, "", args...)
						if a != b {
							t.Fatalf("step %d: git %s after the splice:\n%s\nafter git update-index:\n%s", i, strings.Join(args, " "), a, b)
						}
					}
					ls := gitIn(t, dir, nil, "", "ls-files", "--stage")
					for _, p := range paths {
						if !strings.Contains(ls, "\t"+p+"\n") {
							t.Fatalf("step %d: %s is not in the index:\n%s", i, p, ls)
						}
					}
					gitIn(t, dir, nil, "", "fsck", "--no-progress")
				}
			})
		}
	}
}

func TestEwahMatchesReadBack(t *testing.T) {
	for _, bits := range [][]int{{}, {0}, {0, 1, 2}, {63}, {64}, {0, 63, 64, 127, 128, 1000}, seq(0, 64), seq(0, 200), seq(5, 300)} {
		e := newEwah()
		for _, b := range bits {
			e.set(b)
		}
		got, n, err := readEwah(e.appendTo(nil))
		if err != nil || n != len(e.appendTo(nil)) || fmt.Sprint(got) != fmt.Sprint(bits) && len(bits) > 0 {
			t.Fatalf("bits %v: read back %v (%d bytes, %v)", bits, got, n, err)
		}
	}
}

func seq(from, to int) []int {
	var out []int
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

func TestFindV4(t *testing.T) {
	dir, data := untrackedRepo(t, 4)
	_ = dir
	for _, p := range []string{"README.md", "incidents/2026/10/261002-bbbb-two.md", "z/last.md"} {
		found, err := Find("index", data, p)
		if err != nil || len(found) != 1 || found[0].Hash != plumbing.ComputeHash(plumbing.BlobObject, []byte("content of "+p+"\n")) {
			t.Fatalf("Find(%s) = %v, %v", p, found, err)
		}
	}
	if found, err := Find("index", data, "incidents/2026/10/nope.md"); err != nil || len(found) != 0 {
		t.Fatalf("Find(nope) = %v, %v", found, err)
	}
}

// splitRepo is a repository with a split index whose .git/index already holds replaced and
// added entries.
func splitRepo(t *testing.T) (dir string, data []byte) {
	t.Helper()
	dir, _ = untrackedRepo(t, 2)
	gitIn(t, dir, nil, "", "config", "core.splitIndex", "true")
	gitIn(t, dir, nil, "", "update-index", "--split-index")
	writeFile(t, dir, "incidents/2026/10/261001-aaaa-one.md", "changed\n")
	writeFile(t, dir, "incidents/2026/11/261103-jjjj-added.md", "added\n")
	gitIn(t, dir, nil, "", "add", "incidents/2026/10/261001-aaaa-one.md", "incidents/2026/11/261103-jjjj-added.md")
	gitIn(t, dir, nil, "", "status", "--porcelain")
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	if exts := extensionNames(t, data); !strings.HasPrefix(exts, "link") {
		t.Fatalf("setup: extensions %q, want a split index", exts)
	}
	return dir, data
}

func linkBase(t *testing.T, data []byte) string {
	t.Helper()
	sf, err := parseSplit("index", data)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", sf.base)
}

func TestSplitMatchesGit(t *testing.T) {
	cases := map[string][]string{
		"replace a shared entry":      {"incidents/2026/10/261002-bbbb-two.md"},
		"replace a replaced entry":    {"incidents/2026/10/261001-aaaa-one.md"},
		"replace an added entry":      {"incidents/2026/11/261103-jjjj-added.md"},
		"add":                         {"incidents/2026/11/261104-kkkk.md"},
		"add first":                   {"0.md"},
		"track an untracked":          {"incidents/2026/12/261201-ffff-new-untracked.md"},
		"several":                     {"README.md", "z/last.md", "incidents/2026/11/261103-jjjj-added.md", "incidents/2026/12/x.md", "incidents/2026/10/261003-cccc-three.md"},
		"replace before the replaced": {"incidents/2026/10/261000.md", "README.md"},
	}
	dir, data := splitRepo(t)
	indexPath := filepath.Join(dir, ".git", "index")
	defer func(n int) { tocEvery = n }(tocEvery)
	for _, every := range []int{256, 1, 3} {
		// The table of contents of the shared index, with entries 1 or 3 apart (a real one is 256).
		tocEvery = every
		tocs, _ := filepath.Glob(filepath.Join(dir, ".git", "incidentctl", "*.toc"))
		for _, p := range tocs {
			os.Remove(p)
		}
		for name, paths := range cases {
			t.Run(fmt.Sprintf("toc every %d/%s", every, name), func(t *testing.T) {
				var updates []Update
				for _, p := range paths {
					updates = append(updates, Update{Path: p, Hash: blob(t, dir, "new "+p+"\n")})
				}
				want := byGit(t, dir, data, updates)
				if linkBase(t, want) != linkBase(t, data) {
					t.Fatalf("setup: git wrote a new shared index")
				}
				plan, err := PrepareSplit(indexPath, data, updates, DefaultMaxPercentChange)
				if err != nil {
					t.Fatal(err)
				}
				got, err := plan.bytes()
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("the split index differs from git update-index's:\n got %d bytes, extensions %s\nwant %d bytes, extensions %s\nfirst difference at %d",
						len(got), extensionNames(t, got), len(want), extensionNames(t, want), firstDiff(got, want))
				}
				for _, p := range paths {
					found, err := FindSplit(indexPath, got, p)
					if err != nil || len(found) != 1 || found[0].Hash != plumbing.ComputeHash(plumbing.BlobObject, []byte("new "+p+"\n")) {
						t.Fatalf("FindSplit(%s) = %v, %v", p, found, err)
					}
				}
			})
		}
	}
	// Git writes a new shared index exactly when PrepareSplit hands the change to it.
	for _, maxPercent := range []int{0, 1, 5, 10, 20, 50, 100} {
		for n := 1; n <= 4; n++ {
			t.Run(fmt.Sprintf("maxPercentChange=%d/%d new", maxPercent, n), func(t *testing.T) {
				var updates []Update
				for i := range n {
					p := fmt.Sprintf("incidents/2026/09/new-%d.md", i)
					updates = append(updates, Update{Path: p, Hash: blob(t, dir, p)})
				}
				tmp := filepath.Join(t.TempDir(), "index")
				os.WriteFile(tmp, data, 0o666)
				var info strings.Builder
				for _, u := range updates {
					fmt.Fprintf(&info, "100644 %s\t%s\n", u.Hash, u.Path)
				}
				gitIn(t, dir, []string{"GIT_INDEX_FILE=" + tmp}, info.String(),
					"-c", fmt.Sprintf("splitIndex.maxPercentChange=%d", maxPercent), "update-index", "--index-info")
				after, _ := os.ReadFile(tmp)
				gitNew := linkBase(t, after) != linkBase(t, data)
				_, err := PrepareSplit(indexPath, data, updates, maxPercent)
				var ng *NeedsGit
				if ours := errors.As(err, &ng); ours != gitNew {
					t.Fatalf("git wrote a new shared index: %v; PrepareSplit: %v", gitNew, err)
				}
			})
		}
	}
}
