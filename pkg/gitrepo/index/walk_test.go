package index

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// walkLines is what Walk finds, as `git ls-files --stage` prints it.
func walkLines(t *testing.T, dir, prefix string) (string, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	err = Walk(data, prefix, func(w *Walked) {
		fmt.Fprintf(&b, "%06o %s %d\t%s\n", w.Mode, hex.EncodeToString(w.Hash[:]), w.Stage, w.Name)
	})
	return b.String(), err
}

// Walk reads what git writes: versions 2, 3 (extended flags) and 4 (prefix-compressed names),
// long and short names, conflicts; a split index is refused.
func TestWalkAgreesWithGit(t *testing.T) {
	files := map[string]string{"README.md": "r\n", "incidents/2026/11/a.md": "a\n", "incidents/2026/11/ab.md": "ab\n",
		"incidents/2026/12/b.md": "b\n", "incidents-other/x.md": "x\n", "z/" + strings.Repeat("long", 40) + ".md": "long\n"}
	for _, version := range []string{"2", "3", "4"} {
		t.Run("v"+version, func(t *testing.T) {
			dir := gittest.NewRepo(t, files)
			if version == "3" {
				gittest.WriteFile(t, dir, "incidents/2026/12/new.md", "new\n")
				gittest.Out(t, dir, "add", "-N", "incidents/2026/12/new.md") // intent to add: extended flags
			}
			gittest.Out(t, dir, "update-index", "--index-version", version)
			if version == "4" {
				// A conflict: stages 1 to 3 of one path.
				gittest.Out(t, dir, "checkout", "-q", "-b", "other")
				gittest.WriteFile(t, dir, "incidents/2026/11/a.md", "other\n")
				gittest.Out(t, dir, "commit", "-qam", "other")
				gittest.Out(t, dir, "checkout", "-q", "main")
				gittest.WriteFile(t, dir, "incidents/2026/11/a.md", "main\n")
				gittest.Out(t, dir, "commit", "-qam", "main")
				gittest.Run(dir, nil, "merge", "-q", "other")
			}
			for _, prefix := range []string{"", "incidents/", "incidents/2026/11/a", "nothing/"} {
				got, err := walkLines(t, dir, prefix)
				if err != nil {
					t.Fatal(err)
				}
				var want strings.Builder
				for _, l := range strings.SplitAfter(gittest.Out(t, dir, "ls-files", "--stage"), "\n") {
					_, name, _ := strings.Cut(l, "\t")
					if l != "" && strings.HasPrefix(name, prefix) {
						want.WriteString(l)
					}
				}
				if got != want.String() {
					t.Fatalf("prefix %q:\n%s\nwant (git ls-files --stage):\n%s", prefix, got, want.String())
				}
			}
		})
	}
	t.Run("split", func(t *testing.T) {
		dir := gittest.NewRepo(t, files)
		gittest.Out(t, dir, "update-index", "--split-index")
		if _, err := walkLines(t, dir, ""); !errors.Is(err, ErrNotWalkable) {
			t.Fatalf("split index: %v, want ErrNotWalkable", err)
		}
	})
}
