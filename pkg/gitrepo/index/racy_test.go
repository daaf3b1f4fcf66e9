package index

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// racyByWalk is what RacyEntries must find, read with Walk: every stage-0 file or link, not
// smudged, with an mtime no earlier than sec.
func racyByWalk(data []byte, sec uint32) ([]string, error) {
	var names []string
	err := Walk(data, "", func(w *Walked) {
		kind := w.Mode & 0o170000
		if w.Stage == 0 && w.Stat.MtimeSec >= sec && w.Stat.Size != 0 && (kind == 0o100000 || kind == 0o120000) {
			names = append(names, string(w.Name))
		}
	})
	return names, err
}

func racyNames(t *testing.T, data []byte, sec uint32) []string {
	t.Helper()
	got, err := RacyEntries(data, sec)
	if err != nil {
		t.Fatal(err)
	}
	return checkedNames(t, data, got)
}

// checkedNames are the names of the racy entries got of the index data, each checked to point
// at its entry.
func checkedNames(t *testing.T, data []byte, got []Racy) []string {
	t.Helper()
	var names []string
	for _, r := range got {
		names = append(names, r.Name)
		if be := binary.BigEndian; be.Uint32(data[r.Off+8:]) != r.Stat.MtimeSec || be.Uint32(data[r.Off+36:]) != r.Stat.Size {
			t.Errorf("%s: Off %d does not point at its entry", r.Name, r.Off)
		}
	}
	return names
}

// RacyEntries finds exactly the entries Walk reads as racy, in versions 2, 3 and 4, and
// Smudge makes git see their size as 0.
func TestRacyEntries(t *testing.T) {
	files := map[string]string{"README.md": "r\n", "incidents/2026/11/a.md": "a\n", "incidents/2026/11/ab.md": "ab\n",
		"z/" + strings.Repeat("long", 40) + ".md": "long\n"}
	for _, version := range []string{"2", "3", "4"} {
		t.Run("v"+version, func(t *testing.T) {
			dir := gittest.NewRepo(t, files)
			if version == "3" {
				gittest.WriteFile(t, dir, "new.md", "new\n")
				gittest.Out(t, dir, "add", "-N", "new.md") // intent to add: extended flags
			}
			gittest.Out(t, dir, "update-index", "--index-version", version)
			data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
			if err != nil {
				t.Fatal(err)
			}
			for _, sec := range []uint32{0, 1 << 31, ^uint32(0)} {
				want, err := racyByWalk(data, sec)
				if err != nil {
					t.Fatal(err)
				}
				if got := racyNames(t, data, sec); !slices.Equal(got, want) {
					t.Errorf("sec %d: RacyEntries = %q, Walk finds %q", sec, got, want)
				}
			}
			all, _ := RacyEntries(data, 0)
			smudged := Smudge(data, []int{all[0].Off})
			if slices.Contains(racyNames(t, smudged, 0), all[0].Name) {
				t.Errorf("%s is still racy once smudged", all[0].Name)
			}
			if string(data) == string(smudged) {
				t.Errorf("Smudge changed nothing")
			}
		})
	}
}

// FuzzRacyEntries: on any bytes, RacyEntries does not panic, and where Walk reads the
// index it finds what Walk finds.
func FuzzRacyEntries(f *testing.F) {
	for _, version := range []string{"2", "3", "4"} {
		dir := gittest.NewRepo(f, map[string]string{"a": "a\n", "b/c.md": "c\n", "b/cd.md": "cd\n"})
		gittest.Out(f, dir, "update-index", "--index-version", version)
		data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint32(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, sec uint32) {
		got, err := RacyEntries(data, sec)
		want, werr := racyByWalk(data, sec)
		if err != nil || werr != nil {
			return
		}
		var names []string
		for _, r := range got {
			names = append(names, r.Name)
		}
		if !slices.Equal(names, want) {
			t.Errorf("RacyEntries = %q, Walk finds %q", names, want)
		}
	})
}

// SplitRacyEntries finds the shared index's racy entries whatever the shared index's own time
// says (git and incidentctl freshen it on every write), and the newest second its table of
// contents records lets it skip them only when none can be racy: read fresh, from the saved
// table of contents, and from a damaged one.
func TestSplitRacyEntriesBound(t *testing.T) {
	dir := gittest.NewRepo(t, map[string]string{"old.md": "old\n", "incidents/new.md": "new\n", "empty.md": "", "mid.md": "mid\n"})
	for name, sec := range map[string]int64{"old.md": 1_000_000_000, "incidents/new.md": 2_000_000_000, "empty.md": 2_100_000_000, "mid.md": 1_500_000_000} {
		when := time.Unix(sec, 0)
		if err := os.Chtimes(filepath.Join(dir, name), when, when); err != nil {
			t.Fatal(err)
		}
	}
	gittest.Out(t, dir, "update-index", "--refresh")
	gittest.Out(t, dir, "update-index", "--split-index")
	indexPath := filepath.Join(dir, ".git", "index")
	data, err := os.ReadFile(indexPath)
	if err != nil {
		t.Fatal(err)
	}
	shared, _ := filepath.Glob(filepath.Join(dir, ".git", "sharedindex.*"))
	if len(shared) != 1 {
		t.Fatalf("shared indexes: %q", shared)
	}
	sharedData, err := os.ReadFile(shared[0])
	if err != nil {
		t.Fatal(err)
	}
	toc := tocPath(shared[0])
	for _, c := range []struct {
		name  string
		setup func()
	}{
		{"no table of contents", func() { os.Remove(toc) }},
		{"saved table of contents", func() {}},
		{"damaged table of contents", func() {
			b, err := os.ReadFile(toc)
			if err != nil {
				t.Fatal(err)
			}
			b[len(tocMagic)+28] ^= 0xff // the newest second
			if err := os.WriteFile(toc, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		for _, sec := range []uint32{1_000_000_000, 1_500_000_001, 2_000_000_000, 2_000_000_001} {
			// The shared index freshened to the index's second or later: only its entries can say.
			freshened := time.Unix(int64(sec)+5, 0)
			if err := os.Chtimes(shared[0], freshened, freshened); err != nil {
				t.Fatal(err)
			}
			c.setup()
			names := splitRacyNames(t, indexPath, data, sec)
			want, err := racyByWalk(sharedData, sec)
			if err != nil {
				t.Fatal(err)
			}
			slices.Sort(want)
			if !slices.Equal(names, want) {
				t.Errorf("%s, index second %d: SplitRacyEntries = %q, the shared index holds %q", c.name, sec, names, want)
			}
		}
		if b, err := os.ReadFile(toc); err != nil || len(b) == 0 {
			t.Errorf("%s: no table of contents saved (%v)", c.name, err)
		}
	}
	// The bound itself: the newest second of an entry a racy check looks at (empty.md has no size).
	sh, unmap, err := openShared(shared[0])
	if err != nil {
		t.Fatal(err)
	}
	defer unmap()
	if got := sh.newestSecond(shared[0]); got != 2_000_000_000 {
		t.Errorf("newestSecond = %d, want 2000000000", got)
	}
}

// The racy replacements of a split index are named from the shared index by jumping through its
// table of contents to each one's position: every one is found, with its own name, whichever
// recorded entry it lies after.
func TestSplitRacyReplacementsNamed(t *testing.T) {
	defer func(n int) { tocEvery = n }(tocEvery)
	files := map[string]string{}
	for i := range 300 {
		files[fmt.Sprintf("incidents/%03d.md", i)] = fmt.Sprintf("doc %d\n", i)
	}
	for _, every := range []int{1, 4, 7, 256} {
		t.Run(fmt.Sprint("toc every ", every), func(t *testing.T) {
			tocEvery = every
			dir := gittest.NewRepo(t, files)
			gittest.Out(t, dir, "update-index", "--split-index")
			future := time.Unix(2_000_000_000, 0)
			var want []string
			for _, i := range []int{0, 3, 4, 5, 129, 255, 256, 257, 299} {
				name := fmt.Sprintf("incidents/%03d.md", i)
				gittest.WriteFile(t, dir, name, fmt.Sprintf("doc %d, changed\n", i))
				if err := os.Chtimes(filepath.Join(dir, name), future, future); err != nil {
					t.Fatal(err)
				}
				want = append(want, name)
			}
			gittest.Out(t, dir, append([]string{"update-index", "--"}, want...)...)
			indexPath := filepath.Join(dir, ".git", "index")
			data, err := os.ReadFile(indexPath)
			if err != nil {
				t.Fatal(err)
			}
			for _, run := range []string{"table of contents built", "table of contents read"} {
				names := splitRacyNames(t, indexPath, data, 2_000_000_000)
				if !slices.Equal(names, want) {
					t.Errorf("%s: SplitRacyEntries = %q, want %q", run, names, want)
				}
			}
		})
	}
}

// splitRacyNames is SplitRacyEntries's names, sorted.
func splitRacyNames(t *testing.T, indexPath string, data []byte, sec uint32) []string {
	t.Helper()
	got, err := SplitRacyEntries(indexPath, data, sec)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range got {
		names = append(names, r.Name)
	}
	slices.Sort(names)
	return names
}
