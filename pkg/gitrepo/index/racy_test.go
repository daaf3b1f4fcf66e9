package index

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

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
