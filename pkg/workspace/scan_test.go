package workspace

import (
	"path/filepath"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/synth"
)

// synthRepo generates a repository of n incidents (every file just written, as after a clone)
// and opens it.
func synthRepo(t *testing.T, n int, open float64) *Workspace {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	if _, err := synth.Generate(dir, synth.Options{Incidents: n, Seed: 3, OpenFraction: open}); err != nil {
		t.Fatal(err)
	}
	w, err := Open(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Files written just before a listing (a fresh clone) are kept in the caches at once: the
// racy rule compares their times with the file system's clock at the start of the listing, not
// with a window of seconds, so the second listing reads nothing.
func TestFreshFilesAreCachedAtOnce(t *testing.T) {
	w := synthRepo(t, 200, 0.1)
	before := docReads.Load()
	first, _ := listAll(t, w, Filter{Status: "all", MetaOnly: true})
	if got := docReads.Load() - before; got != int64(len(first)) || len(first) < 200 {
		t.Fatalf("first listing read %d documents, listed %d", got, len(first))
	}
	before = docReads.Load()
	second, _ := listAll(t, w, Filter{Status: "all", MetaOnly: true})
	if got := docReads.Load() - before; got != 0 || len(second) != len(first) {
		t.Fatalf("second listing read %d documents (want 0), listed %d of %d", got, len(second), len(first))
	}
}
