package gitrepo

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/work"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// workRepo builds a repository shaped like an incident repository that has grown: n files in
// archive/ (sorting before incidents/), a few incidents, and a fixed tail after them. Only the
// part before the incident being changed grows with n.
func workRepo(t *testing.T, n int) string {
	t.Helper()
	dir := t.TempDir()
	gitOut(t, dir, "init", "-q", "-b", "main")
	var paths []string
	for i := 0; i < n; i++ {
		paths = append(paths, fmt.Sprintf("archive/%02d/postmortem-%06d-checkout-api-returned-errors.md", i/200, i))
	}
	for i := 0; i < 3; i++ {
		paths = append(paths, fmt.Sprintf("incidents/2026/11/261101-inc%02d.md", i))
	}
	for i := 0; i < 20; i++ {
		paths = append(paths, fmt.Sprintf("zz/tail-%02d.txt", i))
	}
	var s bytes.Buffer
	for i := range paths {
		content := fmt.Sprintf("file %d\n", i)
		fmt.Fprintf(&s, "blob\nmark :%d\ndata %d\n%s\n", i+1, len(content), content)
	}
	fmt.Fprintf(&s, "commit refs/heads/main\nmark :%d\ncommitter W <w@example.com> 1700000000 +0000\ndata 8\nfixture\n", len(paths)+1)
	for i, p := range paths {
		fmt.Fprintf(&s, "M 100644 :%d %s\n", i+1, p)
	}
	s.WriteString("\n")
	if out, errOut, err := gitRun(dir, s.Bytes(), "-c", "core.fsync=none", "fast-import", "--quiet"); err != nil {
		t.Fatalf("fast-import: %v\n%s%s", err, out, errOut)
	}
	// A full index, but only incidents/ and zz/ in the working tree: writing the archive's
	// files would only make the test slow (the checks below look at those two folders).
	gitOut(t, dir, "read-tree", "HEAD")
	gitOut(t, dir, append([]string{"checkout-index", "-u", "-f", "--"}, paths[n:]...)...)
	// Files written an hour ago, so that none is racily clean and the racy check reads the same
	// entries however the checkout and the commits fall across second boundaries.
	hourAgo := time.Now().Add(-time.Hour)
	for _, p := range paths[n:] {
		if err := os.Chtimes(filepath.Join(dir, filepath.FromSlash(p)), hourAgo, hourAgo); err != nil {
			t.Fatal(err)
		}
	}
	gitOut(t, dir, "update-index", "-q", "--refresh")
	return dir
}

type workSnapshot struct {
	objectsRead, objectBytes, entriesParsed, entriesSkimmed, bytesHashed, prefixCopied, racyChecked int64
}

func takeWorkSnapshot() workSnapshot {
	return workSnapshot{
		objectsRead:    work.Counts.ObjectsRead.Load(),
		objectBytes:    work.Counts.ObjectBytes.Load(),
		entriesParsed:  work.Counts.EntriesParsed.Load(),
		entriesSkimmed: work.Counts.EntriesSkimmed.Load(),
		bytesHashed:    work.Counts.BytesHashed.Load(),
		prefixCopied:   work.Counts.PrefixCopied.Load(),
		racyChecked:    work.Counts.RacyChecked.Load(),
	}
}

// oneFileChange is what `incidentctl log` does: FileState, then Commit of that file.
func oneFileChange(t *testing.T, r *Repo, path string, i int) workSnapshot {
	t.Helper()
	odb.ResetCache() // as in a new process: nothing read yet
	work.Reset()
	if _, err := r.FileState(path); err != nil {
		t.Fatal(err)
	}
	h, err := r.Head()
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Commit(CommitRequest{
		Changes: []Change{{Path: path, Content: fmt.Appendf(nil, "change %d\n", i)}},
		Message: "log", Parent: h.Commit, Author: testSig(), Committer: testSig(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return takeWorkSnapshot()
}

// A one-file commit must not do work in proportion to the repository: the objects it reads and
// writes, the index entries it decodes and the bytes of the index it hashes are the same with
// 100 files before the incident as with 5,000. (Entries it only skims and the unchanged prefix
// it copies into the new index do grow: git's index format needs the whole file rewritten.)
func TestCommitWorkDoesNotGrowWithRepository(t *testing.T) {
	defer index.SetHashCheckpoint(4 << 10)() // so that both indexes are big enough for saved hash states
	hashCheckpoint := index.HashCheckpoint()

	const path = "incidents/2026/11/261101-inc01.md"
	measure := func(n int) workSnapshot {
		dir := workRepo(t, n)
		r := openRepo(t, dir)
		oneFileChange(t, r, path, 0) // saves the hash states of the index it writes
		w := oneFileChange(t, r, path, 1)
		if out := gitOut(t, dir, "status", "--porcelain", "--", "incidents", "zz"); out != "" {
			t.Errorf("n=%d: git status after the commits: %q", n, out)
		}
		if out := gitOut(t, dir, "diff", "--cached", "--name-only"); out != "" {
			t.Errorf("n=%d: git diff --cached: %q", n, out)
		}
		t.Logf("n=%d: %+v", n, w)
		return w
	}
	small, big := measure(100), measure(5000)

	if big.objectsRead != small.objectsRead {
		t.Errorf("objects read: %d with 5,000 files, %d with 100", big.objectsRead, small.objectsRead)
	}
	if big.objectBytes != small.objectBytes {
		t.Errorf("object bytes written: %d with 5,000 files, %d with 100", big.objectBytes, small.objectBytes)
	}
	// The racy check reads the entries the last commit's bound names (index-sha1), not all:
	// here the one file the commits wrote.
	if big.racyChecked != small.racyChecked || big.racyChecked > 1 {
		t.Errorf("index entries a racy check read: %d with 5,000 files, %d with 100", big.racyChecked, small.racyChecked)
	}
	if big.entriesParsed != small.entriesParsed {
		t.Errorf("index entries decoded: %d with 5,000 files, %d with 100", big.entriesParsed, small.entriesParsed)
	}
	// The hash resumes from the last saved state before the change, which lies anywhere in the
	// hashCheckpoint bytes before it.
	if big.bytesHashed > small.bytesHashed+hashCheckpoint || big.bytesHashed > 3*hashCheckpoint {
		t.Errorf("index bytes hashed: %d with 5,000 files, %d with 100 (checkpoints every %d)",
			big.bytesHashed, small.bytesHashed, hashCheckpoint)
	}
	// The guard can see growth: the prefix of the index does grow.
	if big.prefixCopied < 10*small.prefixCopied {
		t.Errorf("the index prefix copied did not grow (%d vs %d): is the fixture still shaped as intended?",
			big.prefixCopied, small.prefixCopied)
	}
}
