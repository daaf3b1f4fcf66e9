package index

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

func TestMain(m *testing.M) { gittest.Main(m, nil) }

// A plan resumed from checkpoints writes the same bytes as one hashed in full.
func TestResumedPlan(t *testing.T) {
	dir := gittest.IndexRepo(t, 8000)
	data, err := os.ReadFile(filepath.Join(dir, ".git", "index"))
	if err != nil {
		t.Fatal(err)
	}
	full := newCkHasher()
	full.Write(data[:len(data)-20])
	if !bytes.Equal(full.h.Sum(nil), data[len(data)-20:]) {
		t.Fatal("checkpoint hasher disagrees with the index checksum")
	}
	for _, p := range []string{"incidents/2026/11/261111-f07999-some-long-slug.md", "incidents/2016/01/261100-f00000-some-long-slug.md", "zzz/last.md"} {
		u := []Update{{Path: p, Hash: plumbing.ComputeHash(plumbing.BlobObject, []byte("x"))}}
		a, err := Prepare("index", data, u)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Prepare("index", data, u)
		b.ResumeHash(data, full.cps)
		var wa, wb bytes.Buffer
		b.Begin(&wb)
		if err := a.WriteIndex(&wa); err != nil {
			t.Fatal(err)
		}
		if err := b.WriteIndex(&wb); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(wa.Bytes(), wb.Bytes()) {
			t.Errorf("%s: the resumed plan wrote a different index", p)
		}
		if p == "zzz/last.md" && (b.hasher.cps == nil || b.hasher.cps[0].off != hashCheckpoint) {
			t.Errorf("%s: checkpoints not carried over", p)
		}
	}
}
