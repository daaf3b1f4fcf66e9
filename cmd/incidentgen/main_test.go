package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/synth"
)

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{nil, {"generate"}, {"gen"}, {"gen", "-o", t.TempDir(), "extra"}, {"gen", "-n", "x"}} {
		if code := run(args); code != 2 {
			t.Errorf("run(%q) = %d, want 2 (usage)", args, code)
		}
	}
}

// gen writes a repository git accepts, with the counts asked for.
func TestGen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "repo")
	if code := run([]string{"gen", "-n", "30", "-commits", "12", "-unrelated", "5", "-o", dir}); code != 0 {
		t.Fatalf("exit %d", code)
	}
	m, err := synth.ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Incidents != 30 || m.Commits != 12 || m.Unrelated != 5 {
		t.Errorf("manifest says %d incidents, %d commits, %d unrelated; want 30, 12, 5", m.Incidents, m.Commits, m.Unrelated)
	}
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	git("fsck", "--strict")
	if s := git("status", "--porcelain"); s != "" {
		t.Errorf("git status after gen:\n%s", s)
	}
	if n := strings.Count(git("log", "--format=%H"), "\n"); n != 12 {
		t.Errorf("%d commits, want 12", n)
	}
	docs := strings.Fields(git("ls-files", "incidents/*/*/*.md")) // incidents/YYYY/MM/<id>-<slug>.md
	if len(docs) != 30 {
		t.Errorf("%d documents under incidents/, want 30", len(docs))
	}
	// A folder that is not empty is refused.
	if code := run([]string{"gen", "-n", "5", "-o", dir}); code != 1 {
		t.Errorf("gen into a non-empty folder: exit %d, want 1", code)
	}
}
