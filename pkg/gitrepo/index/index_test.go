package index

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/index"
)

// testEntry describes one hand-built index entry.
type testEntry struct {
	name  string
	stage int
	ext   uint16 // extended flags (v3); 0 = not extended
	hash  plumbing.Hash
	stat  Stat
}

func hashOf(s string) plumbing.Hash { return plumbing.ComputeHash(plumbing.BlobObject, []byte(s)) }

func encodeTestEntry(e testEntry) []byte {
	var b []byte
	var st [entryStatLen]byte
	e.stat.put(st[:])
	b = append(b, st[:]...)
	b = append(b, e.hash[:]...)
	flags := uint16(e.stage) << 12
	if len(e.name) < 0xfff {
		flags |= uint16(len(e.name))
	} else {
		flags |= 0xfff
	}
	if e.ext != 0 {
		flags |= flagExtended
	}
	b = binary.BigEndian.AppendUint16(b, flags)
	if e.ext != 0 {
		b = binary.BigEndian.AppendUint16(b, e.ext)
	}
	b = append(b, e.name...)
	for pad := 8 - len(b)%8; pad > 0; pad-- { // 1..8 NULs
		b = append(b, 0)
	}
	return b
}

func ext(sig string, body []byte) []byte {
	b := append([]byte(sig), 0, 0, 0, 0)
	binary.BigEndian.PutUint32(b[4:], uint32(len(body)))
	return append(b, body...)
}

func buildIndex(version uint32, entries []testEntry, exts ...[]byte) []byte {
	b := []byte("DIRC")
	b = binary.BigEndian.AppendUint32(b, version)
	b = binary.BigEndian.AppendUint32(b, uint32(len(entries)))
	for _, e := range entries {
		b = append(b, encodeTestEntry(e)...)
	}
	for _, x := range exts {
		b = append(b, x...)
	}
	sum := sha1.Sum(b)
	return append(b, sum[:]...)
}

func old(name string) testEntry {
	return testEntry{name: name, hash: hashOf("old " + name), stat: Stat{MtimeSec: 7, Mode: 0o100644, Size: 3, Ino: 99}}
}

func newStat(i int) Stat {
	return Stat{CtimeSec: 1000 + uint32(i), CtimeNsec: 5, MtimeSec: 2000 + uint32(i), MtimeNsec: 6, Dev: 7, Ino: 8, Mode: modeRegular, UID: 9, GID: 10, Size: 11}
}

// splice runs the whole prepare/SetStat/finish sequence.
func splice(t *testing.T, data []byte, paths ...string) ([]byte, error) {
	t.Helper()
	updates := make([]Update, len(paths))
	for i, p := range paths {
		updates[i] = Update{Path: p, Hash: hashOf("new " + p)}
	}
	plan, err := Prepare("test-index", data, updates)
	if err != nil {
		return nil, err
	}
	for i := range paths {
		plan.SetStat(i, newStat(i))
	}
	return plan.bytes()
}

func updated(name string, i int) testEntry {
	return testEntry{name: name, hash: hashOf("new " + name), stat: newStat(i)}
}

func TestIndexSplice(t *testing.T) {
	long := strings.Repeat("l", 5000) // longer than the 12-bit length field
	for _, tc := range []struct {
		name    string
		version uint32
		before  []testEntry
		paths   []string // updates, in the order given to Prepare
		after   []testEntry
	}{
		{"insert at start", 2, []testEntry{old("b"), old("c")}, []string{"a"},
			[]testEntry{updated("a", 0), old("b"), old("c")}},
		{"insert in the middle", 2, []testEntry{old("a"), old("c")}, []string{"b"},
			[]testEntry{old("a"), updated("b", 0), old("c")}},
		{"insert at end", 2, []testEntry{old("a"), old("b")}, []string{"z/z"},
			[]testEntry{old("a"), old("b"), updated("z/z", 0)}},
		{"replace", 2, []testEntry{old("a"), old("b"), old("c")}, []string{"b"},
			[]testEntry{old("a"), updated("b", 0), old("c")}},
		{"several at once, unsorted input", 2,
			[]testEntry{old("b"), old("d"), old("f")},
			[]string{"g", "d", "a", "c"},
			[]testEntry{updated("a", 2), old("b"), updated("c", 3), updated("d", 1), old("f"), updated("g", 0)}},
		{"empty index", 2, nil, []string{"x/y", "a"}, []testEntry{updated("a", 1), updated("x/y", 0)}},
		{"byte order, not directory order", 2,
			[]testEntry{old("a-b"), old("a/b"), old("a0")}, []string{"a.b", "a/a"},
			[]testEntry{old("a-b"), updated("a.b", 0), updated("a/a", 1), old("a/b"), old("a0")}},
		{"v3 keeps extended entries", 3,
			[]testEntry{{name: "a", ext: extFlagIntentToAdd, hash: hashOf("")}, old("c"), {name: "d", ext: 0x4000, hash: hashOf("d")}},
			[]string{"b", "c"},
			[]testEntry{{name: "a", ext: extFlagIntentToAdd, hash: hashOf("")}, updated("b", 0), updated("c", 1), {name: "d", ext: 0x4000, hash: hashOf("d")}}},
		{"v3 replaces an intent-to-add entry", 3,
			[]testEntry{{name: "a", ext: extFlagIntentToAdd, hash: hashOf("")}, old("b")},
			[]string{"a"},
			[]testEntry{updated("a", 0), old("b")}},
		{"unmerged stages become one entry", 2,
			[]testEntry{old("a"), {name: "c", stage: 1, hash: hashOf("1")}, {name: "c", stage: 2, hash: hashOf("2")}, {name: "c", stage: 3, hash: hashOf("3")}, old("d")},
			[]string{"c"},
			[]testEntry{old("a"), updated("c", 0), old("d")}},
		{"long names", 2, []testEntry{old("a"), old(long + "x")}, []string{long, "b"},
			[]testEntry{old("a"), updated("b", 1), updated(long, 0), old(long + "x")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := splice(t, buildIndex(tc.version, tc.before), tc.paths...)
			if err != nil {
				t.Fatal(err)
			}
			want := buildIndex(tc.version, tc.after)
			if !bytes.Equal(got, want) {
				t.Errorf("spliced index differs from the expected bytes (%d vs %d bytes, first difference at %d)",
					len(got), len(want), firstDiff(got, want))
			}
			// go-git's decoder, as an independent reader, agrees (and
			// verifies the checksum).
			idx := &index.Index{}
			if err := index.NewDecoder(bytes.NewReader(got)).Decode(idx); err != nil {
				t.Fatalf("go-git cannot decode the result: %v", err)
			}
			if len(idx.Entries) != len(tc.after) {
				t.Fatalf("%d entries, want %d", len(idx.Entries), len(tc.after))
			}
			for i, e := range idx.Entries {
				if e.Name != tc.after[i].name || e.Hash != tc.after[i].hash {
					t.Errorf("entry %d = %.40s %s, want %.40s %s", i, e.Name, e.Hash, tc.after[i].name, tc.after[i].hash)
				}
			}
		})
	}
}

func TestIndexSpliceExtensions(t *testing.T) {
	h := func(c byte) []byte { return bytes.Repeat([]byte{c}, 20) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	// Root with subtrees a (valid), d (valid, containing e), x (already invalid).
	tree := cat([]byte("\x005 3\n"), h(1),
		[]byte("a\x002 0\n"), h(2),
		[]byte("d\x002 1\n"), h(3),
		[]byte("e\x001 0\n"), h(4),
		[]byte("x\x00-1 0\n"))
	wantTree := cat([]byte("\x00-1 3\n"),
		[]byte("a\x002 0\n"), h(2),
		[]byte("d\x00-1 1\n"),
		[]byte("e\x00-1 0\n"),
		[]byte("x\x00-1 0\n"))
	reuc := []byte("some/path\x00100644\x00100644\x00100644\x00" + string(h(5)) + string(h(6)) + string(h(7)))
	entries := []testEntry{old("a/1"), old("a/2"), old("d/e/f"), old("d/g"), old("x/y")}
	before := buildIndex(2, entries,
		ext("TREE", tree), ext("REUC", reuc), ext("UNTR", []byte("whatever")), ext("FSMN", []byte("bitmap")),
		ext("EOIE", make([]byte, 24)), ext("ZZZZ", []byte("unknown optional")))
	got, err := splice(t, before, "d/e/new")
	if err != nil {
		t.Fatal(err)
	}
	after := []testEntry{old("a/1"), old("a/2"), old("d/e/f"), updated("d/e/new", 0), old("d/g"), old("x/y")}
	want := buildIndex(2, after, ext("TREE", wantTree), ext("REUC", reuc), ext("ZZZZ", []byte("unknown optional")))
	if !bytes.Equal(got, want) {
		t.Errorf("extensions not handled as expected\n got %q\nwant %q", got, want)
	}

	// A cache tree we cannot parse is dropped.
	got, err = splice(t, buildIndex(2, entries, ext("TREE", []byte("garbage"))), "a/3")
	if err != nil {
		t.Fatal(err)
	}
	if want := buildIndex(2, []testEntry{old("a/1"), old("a/2"), updated("a/3", 0), old("d/e/f"), old("d/g"), old("x/y")}); !bytes.Equal(got, want) {
		t.Errorf("garbage TREE not dropped")
	}

	// Mandatory extensions we cannot adjust stop us.
	for sig, msg := range map[string]string{"link": "split-index", "sdir": "sparse index", "abcd": `"abcd"`} {
		_, err := splice(t, buildIndex(2, entries, ext(sig, []byte("x"))), "a/3")
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: err = %v", sig, err)
		}
	}
}

func TestIndexSpliceRejects(t *testing.T) {
	entries := []testEntry{old("a/1"), old("f")}
	good := buildIndex(2, entries)
	for name, tc := range map[string]struct {
		data  []byte
		paths []string
		want  string
	}{
		"file where a directory is needed": {good, []string{"f/x"}, "f is a file in the index"},
		"directory where a file goes":      {good, []string{"a"}, "inside a directory"},
		"too short":                        {good[:20], []string{"b"}, "too short"},
		"truncated entry":                  {append(append([]byte{}, good[:len(good)-30]...), make([]byte, 20)...), []string{"b"}, "truncated"},
		"bad signature":                    {append([]byte("XXXX"), good[4:]...), []string{"b"}, "DIRC"},
		"extended flag in v2":              {buildIndex(2, []testEntry{{name: "a", ext: 0x2000}}), []string{"b"}, "extended flags"},
	} {
		_, err := splice(t, tc.data, tc.paths...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want mention of %q", name, err, tc.want)
		}
	}
}

func TestFindIndexEntries(t *testing.T) {
	data := buildIndex(3, []testEntry{old("a"), {name: "b", ext: extFlagIntentToAdd, hash: hashOf("")},
		{name: "c", stage: 2, hash: hashOf("2")}, {name: "c", stage: 3, hash: hashOf("3")}, old("d")})
	for path, want := range map[string][]EntryInfo{
		"a":  {{Hash: hashOf("old a")}},
		"b":  {{Hash: hashOf(""), IntentToAdd: true}},
		"c":  {{Hash: hashOf("2"), Stage: 2}, {Hash: hashOf("3"), Stage: 3}},
		"bb": nil,
	} {
		got, err := Find("i", data, path)
		if err != nil || len(got) != len(want) {
			t.Errorf("%s: %v %v", path, got, err)
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s[%d] = %+v, want %+v", path, i, got[i], want[i])
			}
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
