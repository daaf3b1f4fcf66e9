package index

import (
	"crypto/sha1"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// Integrate's reads of a sparsely mapped index (MapSparse) keep only a window of it resident:
// the racy pass, the plan and the write each walk all of it, and none leaves it all in the
// process's memory (the page cache keeps it).
func TestSparseIndexStaysOutOfMemory(t *testing.T) {
	data, names := synthIndex(40000) // about 4 MB
	// Every seventh entry racy: a size (synthIndex writes none) and an mtime of 0.
	off := indexHeaderLen
	for i, name := range names {
		if i%7 == 0 {
			binary.BigEndian.PutUint32(data[off+36:], uint32(1+i))
		}
		off += (entryFixedLen + len(name) + 8) &^ 7
	}
	sum := sha1.Sum(data[:len(data)-indexTrailerLen])
	copy(data[len(data)-indexTrailerLen:], sum[:])
	path := filepath.Join(t.TempDir(), "index")
	if err := os.WriteFile(path, data, 0o666); err != nil {
		t.Fatal(err)
	}
	mapped, unmap, err := MapSparse(path)
	if err != nil {
		t.Fatal(err)
	}
	defer unmap()
	const bound = (evictWindow + 256<<10) >> 10 // a window, and the kernel's fault-around beside it
	if kb := gittest.ResidentKB(t, mapped); kb > bound {
		t.Fatalf("%d KB resident right after MapSparse", kb)
	}

	want, err := RacyEntries(data, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := RacyEntriesStreamed(mapped, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) != (len(names)+6)/7 || !slices.Equal(got, want) {
		t.Fatalf("RacyEntriesStreamed found %d entries, RacyEntries %d", len(got), len(want))
	}
	if kb := gittest.ResidentKB(t, mapped); kb > bound {
		t.Errorf("%d KB of the %d KB index resident after the racy pass (bound %d KB)", kb, len(data)>>10, bound)
	}

	plan, dirty, err := PlanEdits(path, mapped, []Edit{{Path: names[len(names)/2]}})
	if err != nil || len(dirty) != 1 { // removing an entry the old tip does not have: dirty
		t.Fatalf("PlanEdits: %v, dirty %q", err, dirty)
	}
	if kb := gittest.ResidentKB(t, mapped); kb > bound {
		t.Errorf("%d KB resident after PlanEdits (bound %d KB)", kb, bound)
	}
	var out countingWriter
	if err := plan.WriteIndex(&out); err != nil {
		t.Fatal(err)
	}
	if kb := gittest.ResidentKB(t, mapped); kb > bound {
		t.Errorf("%d KB resident after WriteIndex (bound %d KB)", kb, bound)
	}
}

type countingWriter struct{ n int }

func (w *countingWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }
