package odb

import (
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"golang.org/x/sys/unix"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// writeBlobs stores n new blobs with git and returns their names.
func writeBlobs(t *testing.T, dir, tag string, n int) []plumbing.Hash {
	t.Helper()
	var paths strings.Builder
	for i := range n {
		name := fmt.Sprintf("%s-%d", tag, i)
		gittest.WriteFile(t, dir, "blobs/"+name, name+"\n")
		paths.WriteString("blobs/" + name + "\n")
	}
	var out []plumbing.Hash
	for _, l := range strings.Fields(gittest.OutStdin(t, dir, []byte(paths.String()), "hash-object", "-w", "--stdin-paths")) {
		out = append(out, plumbing.NewHash(l))
	}
	return out
}

// packBlobs moves the loose objects hs into a pack of their own.
func packBlobs(t *testing.T, dir string, hs []plumbing.Hash) {
	t.Helper()
	var in strings.Builder
	for _, h := range hs {
		in.WriteString(h.String() + "\n")
	}
	gittest.OutStdin(t, dir, []byte(in.String()), "pack-objects", "-q", ".git/objects/pack/pack")
	gittest.Out(t, dir, "prune-packed")
}

// Opening the packs maps none of their data, and reading objects that are not in the big pack (in the small packs of later fetches, or loose
// and read before) does not look for them in the big pack's .idx: a miss there maps a block of
// that .idx into the process (the kernel's fault-around), which made a sync at 100,000
// incidents hold 10 MB of its 20 MB .idx.
func TestReadsElsewhereKeepTheBigIdxOutOfMemory(t *testing.T) {
	dir := gittest.NewRepo(t, map[string]string{"a.md": "a\n"})
	big := writeBlobs(t, dir, "big", 30000) // an .idx of 820 KB
	packBlobs(t, dir, big)
	var small []plumbing.Hash
	for i := range 5 {
		hs := writeBlobs(t, dir, fmt.Sprintf("small%d", i), 40)
		packBlobs(t, dir, hs)
		small = append(small, hs...)
	}
	loose := writeBlobs(t, dir, "loose", 200)

	ResetCache()
	s := openStore(t, dir)
	if _, _, err := s.ReadFast(small[0]); err != nil { // opens the packs
		t.Fatal(err)
	}
	var bigPack *pack
	for _, p := range s.packs.packs {
		if bigPack == nil || p.n > bigPack.n {
			bigPack = p
		}
	}
	if bigPack.n < 30000 {
		t.Fatalf("the biggest pack has %d objects", bigPack.n)
	}
	// Opening a pack checks its header and checksum with plain reads: a pack nothing was
	// read from has none of its data in the process.
	if kb := gittest.ResidentKB(t, bigPack.data); kb > 0 {
		t.Errorf("%d KB of the big .pack resident, though no object was read from it", kb)
	}
	// Nothing of the big .idx in memory (opening the pack read its header and trailer): the
	// reads below must not touch it at all. (How much one touch maps depends on the kernel's
	// fault-around and the page cache's folios, so only none is a stable measure.)
	unix.Madvise(bigPack.idx, unix.MADV_DONTNEED)
	for _, h := range small {
		if _, _, err := s.ReadFast(h); err != nil {
			t.Fatal(err)
		}
	}
	if kb := gittest.ResidentKB(t, bigPack.idx); kb > 0 {
		t.Errorf("%d KB of the %d KB big .idx resident after reading %d objects of the small packs",
			kb, len(bigPack.idx)>>10, len(small))
	}

	// Loose objects: the first read looks in every pack, as git does; a second one finds them
	// in the cache first.
	for _, h := range loose {
		if _, _, err := s.ReadFast(h); err != nil {
			t.Fatal(err)
		}
	}
	unix.Madvise(bigPack.idx, unix.MADV_DONTNEED)
	for _, h := range loose {
		if _, _, err := s.ReadFast(h); err != nil {
			t.Fatal(err)
		}
	}
	if kb := gittest.ResidentKB(t, bigPack.idx); kb > 0 {
		t.Errorf("%d KB of the big .idx resident after reading %d loose objects again", kb, len(loose))
	}
}
