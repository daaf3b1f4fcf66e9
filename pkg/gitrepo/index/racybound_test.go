package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

// A chain of commits, each preparing the next index from the last one and its bound (as
// Commit does): the racy entries RacyEntriesBound finds, through the bound index-sha1 keeps or
// by reading every entry, are always the ones Walk finds, at the second the index was written
// and around the bound's newest second. The commits write documents modified before, in and
// after the newest second, empty ones, new paths and old ones, smudge some of what they find,
// and now and then the index is rewritten by someone else (the bound no longer matches) or
// handed a checkout's worth of entries of one second (more than a bound names).
func TestRacyBoundFollowsCommits(t *testing.T) {
	data := indexOf(t, gittest.IndexRepo(t, 8000))
	hashes := filepath.Join(t.TempDir(), "index-sha1")
	rng := rand.New(rand.NewPCG(19, 3))
	var names []string
	_ = Walk(data, "", func(w *Walked) { names = append(names, string(w.Name)) })
	check := func(step int, data []byte, secs ...uint32) *RacyBound {
		t.Helper()
		var rb *RacyBound
		for _, sec := range secs {
			got, b, err := RacyEntriesBound(hashes, data, sec)
			if err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			want, err := racyByWalk(data, sec)
			if err != nil {
				t.Fatal(err)
			}
			if gotNames := checkedNames(t, data, got); !slices.Equal(gotNames, want) {
				t.Fatalf("step %d, second %d: RacyEntriesBound = %q, Walk finds %q", step, sec, gotNames, want)
			}
			if rb == nil {
				rb = b
			}
		}
		return rb
	}
	fromBound := 0
	for step := range 120 {
		base := uint32(1700000000 + step*2)
		rb := check(step, data, base, base+1, base+5, 0)
		if rb != nil {
			check(step, data, rb.Newest-1, rb.Newest, rb.Newest+1)
			if readBound(hashes, data) != nil {
				fromBound++
			}
		}
		// The entries the commit smudges: some of those racy at its second.
		sec := base + uint32(rng.IntN(3))
		racy, bound, _ := RacyEntriesBound(hashes, data, sec)
		var smudged []int
		for _, r := range racy {
			if rng.IntN(2) == 0 {
				smudged = append(smudged, r.Off)
			}
		}
		in := data
		if len(smudged) > 0 {
			in = Smudge(data, smudged)
		}
		var updates []Update
		for k := range 1 + rng.IntN(3) {
			p := names[rng.IntN(len(names))]
			if rng.IntN(4) == 0 {
				p = fmt.Sprintf("incidents/2026/12/26120%d-new%03d-%d.md", k, step, k)
			}
			if !slices.ContainsFunc(updates, func(u Update) bool { return u.Path == p }) {
				updates = append(updates, Update{Path: p, Hash: plumbing.ComputeHash(plumbing.BlobObject, []byte(p))})
			}
		}
		plan, err := Prepare("index", in, updates)
		if err != nil {
			t.Fatal(err)
		}
		plan.SetRacyBound(bound, smudged)
		for i := range updates {
			st := Stat{MtimeSec: sec - 1 + uint32(rng.IntN(3)), Mode: modeRegular, Size: 1 + uint32(rng.IntN(100)), Ino: uint32(step)}
			if bound != nil && rng.IntN(3) == 0 {
				st.MtimeSec = bound.Newest // the bound's own second
			}
			if rng.IntN(10) == 0 {
				st.Size = 0 // an empty document: no racy check looks at it
			}
			plan.SetStat(i, st)
		}
		var w bytes.Buffer
		if err := plan.WriteIndex(&w); err != nil {
			t.Fatal(err)
		}
		data = w.Bytes()
		if err := Walk(data, "", func(*Walked) {}); err != nil {
			t.Fatalf("step %d: the plan wrote a bad index: %v (smudged %v, updates %v)", step, err, smudged, updates)
		}
		plan.SaveHashes(hashes)
		if saved := readBound(hashes, data); saved != nil {
			truth := &RacyBound{}
			if _, err := racyEntries(data, 0, false, truth); err != nil {
				t.Fatal(err)
			}
			// Every entry is at most the saved second, and those of it are the ones named
			// (none when the entries of the old newest second were all written over).
			if truth.over || truth.Newest > saved.Newest || truth.Newest == saved.Newest && !slices.Equal(saved.Offs, truth.Offs) ||
				truth.Newest < saved.Newest && len(saved.Offs) > 0 {
				t.Fatalf("step %d: saved bound %d %v, the index's is %d %v (over %v)", step, saved.Newest, saved.Offs, truth.Newest, truth.Offs, truth.over)
			}
		}
		switch rng.IntN(12) {
		case 0: // someone else rewrites the index: the saved bound is for another one
			data = Smudge(data, nil)
			data[len(data)-1] ^= 1
		case 1: // a checkout: many entries of one second
			data = withMtime(t, data, maxBoundOffs+10, base+1)
		}
		for _, u := range updates {
			if !slices.Contains(names, u.Path) {
				names = append(names, u.Path)
			}
		}
	}
	if fromBound < 60 {
		t.Errorf("only %d of 120 indexes had a bound saved for them: the test hardly covers it", fromBound)
	}
}

// withMtime gives the first n entries mtime sec and a size, and the index a new checksum.
func withMtime(t *testing.T, data []byte, n int, sec uint32) []byte {
	out := bytes.Clone(data)
	version, count, err := indexHeader(out)
	if err != nil {
		t.Fatal(err)
	}
	off := indexHeaderLen
	for range min(n, count) {
		e, err := parseEntry(out, off, len(out)-indexTrailerLen, version)
		if err != nil {
			t.Fatal(err)
		}
		binary.BigEndian.PutUint32(out[off+8:], sec)
		binary.BigEndian.PutUint32(out[off+36:], 5)
		off = e.next
	}
	out[len(out)-1] ^= 1 // not the index the saved bound describes
	return out
}

// The bound is read back as written, and a malformed one is refused.
func TestRacyBoundEncoding(t *testing.T) {
	rb := &RacyBound{Newest: 1700000000, Offs: []int{12, 400, 1 << 33}}
	b := appendBound([]byte("x"), rb)
	got, rest, ok := splitBound(append(b[1:], 'y'))
	if !ok || got.Newest != rb.Newest || !slices.Equal(got.Offs, rb.Offs) || string(rest) != "y" {
		t.Errorf("read back %+v, %q, %v", got, rest, ok)
	}
	if got, rest, ok := splitBound([]byte{0, 'z'}); !ok || got != nil || string(rest) != "z" {
		t.Errorf("no bound: %+v, %q, %v", got, rest, ok)
	}
	for _, bad := range [][]byte{nil, {2}, {1, 0, 0}, b[1 : len(b)-1]} {
		if _, _, ok := splitBound(bad); ok {
			t.Errorf("%x accepted", bad)
		}
	}
	if b := appendBound(nil, &RacyBound{Offs: make([]int, maxBoundOffs+1)}); !bytes.Equal(b, []byte{0}) {
		t.Errorf("a bound of more than %d entries was written: %x", maxBoundOffs, b)
	}
}
