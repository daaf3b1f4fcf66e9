package workspace

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// testElement is an element that depends on the document, the clock (whether an hour has
// passed since the declaration) and a context. Like list --json's, it has lines that most
// documents share (their actions) and lines with keys (`"x": `) before what differs, which the
// cache's dictionary of lines (elemdict.go) takes.
func testElement(ctx string) func(d *incident.Document, now time.Time) (Element, error) {
	return func(d *incident.Document, now time.Time) (Element, error) {
		mark := d.Meta.DeclaredAt.Add(time.Hour)
		late := now.After(mark)
		b := fmt.Appendf(nil, "%s|%s|%+v|%d|%d|late=%v\n", ctx, d.Path, d.Meta, len(d.Actions), len(d.Log), late)
		for _, a := range d.Actions {
			b = fmt.Appendf(b, "    \"action\": %q,\n    \"done\": %v\n", a.Text, a.Done)
		}
		for _, l := range d.Log {
			b = fmt.Appendf(b, "    \"log\": %q\n", l.Text)
		}
		el := Element{B: b, Keep: true, From: math.MinInt64, Until: math.MaxInt64}
		if late {
			el.From = mark.UnixNano()
		} else {
			el.Until = mark.UnixNano()
		}
		return el, nil
	}
}

// eachBytes is the listing through the element cache, and through Each (no cache).
func eachBytes(t *testing.T, w *Workspace, f Filter, ctx string) (got, want []byte, gotErrs, wantErrs string) {
	t.Helper()
	var g, wb bytes.Buffer
	errs, err := EachCached(w, f, ElementCache{Name: "test-elements", Context: ctx}, testElement(ctx), func(b []byte) error {
		g.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	gotErrs = fmt.Sprint(errs)
	now := w.Now()
	errs, err = Each(w, f, func(d *incident.Document) []byte {
		el, _ := testElement(ctx)(d, now)
		return el.B
	}, func(b []byte) error {
		wb.Write(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return g.Bytes(), wb.Bytes(), gotErrs, fmt.Sprint(errs)
}

// The element cache gives exactly what encoding every document gives: cold, warm, after hand
// edits (one of the same size), removed documents, git checkout and reset, a cache deleted or
// damaged, another context, the clock crossing an element's span; and a warm listing reads no
// document.
func TestElementCacheIsExact(t *testing.T) {
	shortRacyWindow(t)
	w := synthRepo(t, 300, 0.2)
	dir := w.Root()
	var clockAt = clock()
	w.Now = func() time.Time { return clockAt }
	file := filepath.Join(w.cacheDir(), "test-elements")
	filters := []Filter{{Status: "all"}, {}, {Status: "resolved", Severities: []string{"SEV1,SEV2"}}, {Status: "all", Drills: WithDrills}}
	check := func(stage string, ctx string) {
		t.Helper()
		for _, f := range filters {
			for run := range 2 {
				got, want, gotErrs, wantErrs := eachBytes(t, w, f, ctx)
				if !bytes.Equal(got, want) || gotErrs != wantErrs {
					t.Fatalf("%s %+v run %d: the cached listing differs (%d bytes, want %d; errors %s, want %s)", stage, f, run, len(got), len(want), gotErrs, wantErrs)
				}
			}
		}
	}
	warm := func(stage string) {
		t.Helper()
		waitSettled()
		check(stage, "a")
		before := docReads.Load()
		var n int
		errs, err := EachCached(w, Filter{Status: "all"}, ElementCache{Name: "test-elements", Context: "a"}, testElement("a"), func([]byte) error { n++; return nil })
		if err != nil {
			t.Fatal(err)
		}
		// Documents that do not parse are read every time.
		if read := docReads.Load() - before; read != int64(len(errs)) || n < 100 {
			t.Fatalf("%s: a warm listing of %d read %d documents", stage, n, read)
		}
	}
	check("cold", "a")
	warm("warm")
	entries := walkEntries(t, w)
	edit := func(e Entry, from, to string) {
		t.Helper()
		replaceInEntry(t, dir, e, from, to)
	}
	fi, _ := os.Stat(file)
	edit(entries[3], "status: resolved", "status: mitigated") // same size
	edit(entries[5], "## Log", "## Journal")                  // no longer parses
	edit(entries[7], "title: ", "title: Renamed ")
	os.Remove(filepath.Join(dir, entries[11].Path))
	edit(entries[13], "+09:00\n", "Z\n")
	check("hand-edited", "a")
	warm("hand-edited, settled")
	if fi2, _ := os.Stat(file); !os.SameFile(fi, fi2) || fi2.Size() <= fi.Size() {
		t.Errorf("the changes were not appended to the cache (%d → %d bytes, same file %v)", fi.Size(), fi2.Size(), os.SameFile(fi, fi2))
	}
	git(t, dir, "checkout", "--", entries[7].Path)
	check("git checkout", "a")
	git(t, dir, "reset", "-q", "--hard", "HEAD")
	check("git reset", "a")
	warm("git reset, settled")
	// The clock crosses the hour after some declarations (and back).
	res, err := w.List(Filter{Status: "all", MetaOnly: true})
	if err != nil || len(res.Incidents) < 10 {
		t.Fatal(err)
	}
	d0, d1 := res.Incidents[0].Meta.DeclaredAt, res.Incidents[len(res.Incidents)/2].Meta.DeclaredAt
	for _, at := range []time.Time{d0.Add(30 * time.Minute), d0.Add(2 * time.Hour), d1.Add(time.Minute), d0.Add(-time.Hour), clock()} {
		clockAt = at
		check("clock "+at.String(), "a")
	}
	check("another context", "b")
	os.Remove(file)
	check("cache deleted", "a")
	for _, damage := range []func(b []byte) []byte{
		func(b []byte) []byte { return b[:len(b)-3] },
		func(b []byte) []byte { b[len(b)-40] ^= 1; return b },
		func(b []byte) []byte { return append(b, "more"...) },
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(file, damage(b), 0o600)
		check("damaged cache", "a")
	}
	// Appends beyond the slack make a fresh file.
	saved := elemSlack
	elemSlack = 0
	t.Cleanup(func() { elemSlack = saved })
	for i := range 4 {
		edit(entries[20+i], "title: ", "title: Again ")
		waitSettled()
		check("many appends", "a")
	}
	if fi3, _ := os.Stat(file); os.SameFile(fi, fi3) {
		t.Errorf("a cache mostly dead was not written afresh")
	}
	warm("after compaction")
}

// An error from emit stops the listing and leaves the cache usable.
func TestElementCacheEmitError(t *testing.T) {
	w := synthRepo(t, 100, 0.2)
	stop := errors.New("stop")
	c := ElementCache{Name: "test-elements", Context: "a"}
	n := 0
	_, err := EachCached(w, Filter{Status: "all"}, c, testElement("a"), func([]byte) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("emit's error: %v after %d", err, n)
	}
	got, want, _, _ := eachBytes(t, w, Filter{Status: "all"}, "a")
	if !bytes.Equal(got, want) {
		t.Fatal("the listing after a stopped one differs")
	}
}

// The element cache changed under a listing that has read its index: truncated (every later
// element is read from its document instead), or replaced by another listing (the open file
// is still the one indexed). Either way the listing is exact.
func TestElementCacheChangedUnderTheReader(t *testing.T) {
	shortRacyWindow(t)
	w := synthRepo(t, 600, 0.2)
	c := ElementCache{Name: "test-elements", Context: "a"}
	file := filepath.Join(w.cacheDir(), c.Name)
	f := Filter{Status: "all"}
	saved := elemReadWindow
	elemReadWindow = 512 // a few elements at a time, so that most are read after the change
	t.Cleanup(func() { elemReadWindow = saved })
	fallbacks := docReads.Load()
	_, want, _, wantErrs := eachBytes(t, w, f, "a")
	waitSettled()
	eachBytes(t, w, f, "a") // the cache holds every element now
	for _, change := range []struct {
		name string
		do   func()
	}{
		{"truncated", func() { os.Truncate(file, 100) }},
		{"emptied", func() { os.Truncate(file, 0) }},
		{"replaced", func() {
			b, _ := os.ReadFile(file)
			os.WriteFile(file+".new", b, 0o600)
			os.Rename(file+".new", file)
		}},
	} {
		eachBytes(t, w, f, "a")
		waitSettled()
		eachBytes(t, w, f, "a")
		fallbacks = docReads.Load()
		var got bytes.Buffer
		n := 0
		errs, err := EachCached(w, f, c, testElement("a"), func(b []byte) error {
			if n++; n == 2 {
				change.do()
			}
			got.Write(b)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if change.name != "replaced" && docReads.Load()-fallbacks < 100 {
			t.Fatalf("%s: the documents were not read instead of the cache", change.name)
		}
		if !bytes.Equal(got.Bytes(), want) || fmt.Sprint(errs) != wantErrs {
			t.Fatalf("%s under the reader: the listing differs (%d bytes, want %d)", change.name, got.Len(), len(want))
		}
		if again, want2, _, _ := eachBytes(t, w, f, "a"); !bytes.Equal(again, want2) {
			t.Fatalf("%s: the listing after differs", change.name)
		}
	}
}

// The meta cache damaged anywhere (truncated mid-record, a flipped byte, sections out of
// order) costs reading documents, never a wrong listing; and it is written again.
func TestStreamedListingWithDamagedMetaCache(t *testing.T) {
	shortRacyWindow(t)
	w := synthRepo(t, 400, 0.2)
	file := filepath.Join(w.cacheDir(), "meta")
	f := Filter{Status: "all"}
	got, want, gotErrs, wantErrs := eachBytes(t, w, f, "a")
	if !bytes.Equal(got, want) || gotErrs != wantErrs {
		t.Fatal("cold listing differs")
	}
	waitSettled()
	eachBytes(t, w, f, "a")
	good, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for i, damage := range []func(b []byte) []byte{
		func(b []byte) []byte { return b[:len(b)/2] },
		func(b []byte) []byte { b[len(b)/3] ^= 0x40; return b },
		func(b []byte) []byte { b[len(b)*2/3] = 0; return b },
		func(b []byte) []byte { return append(b, "F\x00incidents\x001\x00x"...) },
		func(b []byte) []byte { // the first section moved to the end
			h := len(w.metaHeader())
			next := bytes.Index(b[h+2:], []byte("F\x00incidents/"))
			if next < 0 {
				return b
			}
			next += h + 2
			return slices.Concat(b[:h], b[next:], b[h:next])
		},
	} {
		os.WriteFile(file, damage(slices.Clone(good)), 0o600)
		// The element cache must not hide the damage: another context.
		ctx := fmt.Sprint("d", i)
		got, want, gotErrs, wantErrs := eachBytes(t, w, f, ctx)
		if !bytes.Equal(got, want) || gotErrs != wantErrs {
			t.Fatalf("damage %d: the listing differs", i)
		}
		waitSettled()
		before := docReads.Load()
		errs, err := EachCached(w, f, ElementCache{Name: "test-elements", Context: ctx}, testElement(ctx), func([]byte) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		if read := docReads.Load() - before; read != int64(len(errs)) {
			t.Fatalf("damage %d: the next listing read %d documents: the meta cache was not written again", i, read)
		}
	}
}

// Documents declared at the same instant are ordered by ID, IDs longer than the record holds
// inline included, as List orders them.
func TestStreamedListingOrderTies(t *testing.T) {
	shortRacyWindow(t)
	w := synthRepo(t, 60, 0.5)
	entries := walkEntries(t, w)
	for i, e := range entries[:12] {
		p := filepath.Join(w.Root(), e.Path)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		at := s[strings.Index(s, "declared_at: "):]
		at = at[:strings.IndexByte(at, '\n')]
		s = strings.Replace(s, at, "declared_at: 2026-03-01T10:00:00+09:00", 1)
		if i%3 == 0 {
			id := e.ID
			s = strings.Replace(s, "id: "+id, "id: "+id+strings.Repeat("x", i), 1)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for run := range 3 {
		got, want, gotErrs, wantErrs := eachBytes(t, w, Filter{Status: "all"}, "a")
		if gotErrs != "[]" {
			t.Fatalf("the edited documents do not parse: %s", gotErrs)
		}
		if !bytes.Equal(got, want) || gotErrs != wantErrs {
			t.Fatalf("run %d: the order differs:\n%s\nwant\n%s", run, got, want)
		}
		res, err := w.List(Filter{Status: "all"})
		if err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, d := range res.Incidents {
			paths = append(paths, d.Path)
		}
		var listed []string
		for _, line := range strings.Split(strings.TrimSpace(string(got)), "\n") {
			if strings.HasPrefix(line, "a|") { // an element's first line
				listed = append(listed, strings.Split(line, "|")[1])
			}
		}
		if !slices.Equal(paths, listed) {
			t.Fatalf("run %d: EachCached's order is not List's", run)
		}
		waitSettled()
	}
}

// elemDictOf is the dictionary of the cache file, nil when it cannot be opened.
func elemDictOf(t *testing.T, w *Workspace, ctx string) (*elemFile, []byte) {
	t.Helper()
	ef := w.openElemCache(ElementCache{Name: "test-elements", Context: ctx})
	if ef == nil {
		return nil, nil
	}
	ef.f.Close()
	return ef, ef.dict.enc
}

// The element cache stores its elements through a dictionary of the lines they share
// (elemdict.go): the file is a fraction of the elements it gives; the dictionary is made from
// the first elements of a fresh file, kept by the listings that append to the file and by the
// fresh file written when most of it is dead (which copies the old elements as they are), and
// a file whose dictionary is damaged is not used. The listing stays exact throughout.
func TestElementCacheDictionary(t *testing.T) {
	shortRacyWindow(t)
	w := synthRepo(t, 200, 0.2)
	dir := w.Root()
	file := filepath.Join(w.cacheDir(), "test-elements")
	check := func(stage string) []byte {
		t.Helper()
		var got []byte
		for run := range 2 {
			g, want, gotErrs, wantErrs := eachBytes(t, w, Filter{Status: "all"}, "a")
			if !bytes.Equal(g, want) || gotErrs != wantErrs {
				t.Fatalf("%s run %d: the cached listing differs (%d bytes, want %d; errors %s, want %s)", stage, run, len(g), len(want), gotErrs, wantErrs)
			}
			got = g
		}
		return got
	}
	listed := check("cold")
	ef, dict := elemDictOf(t, w, "a")
	if ef == nil || len(ef.dict.lines) == 0 {
		t.Fatalf("no dictionary in the cache (%v)", ef)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() > int64(len(listed))/2 {
		t.Fatalf("the cache is %d bytes for %d bytes of elements", fi.Size(), len(listed))
	}
	entries := walkEntries(t, w)
	edit := func(e Entry, from, to string) {
		t.Helper()
		replaceInEntry(t, dir, e, from, to)
	}

	// Appended to: the same file, the same dictionary.
	edit(entries[1], "title: ", "title: Changed ")
	waitSettled()
	check("appended")
	if fi2, _ := os.Stat(file); !os.SameFile(fi, fi2) || fi2.Size() <= fi.Size() {
		t.Fatalf("the change was not appended to the cache")
	}
	if _, d := elemDictOf(t, w, "a"); !bytes.Equal(d, dict) {
		t.Fatalf("appending changed the dictionary")
	}

	// Written afresh: another file, the same dictionary.
	saved := elemSlack
	elemSlack = 0
	t.Cleanup(func() { elemSlack = saved })
	fi3 := fi
	for i := 0; i < 60 && os.SameFile(fi, fi3); i++ {
		edit(entries[2+i%100], "title: ", "title: Again ")
		waitSettled()
		check("many appends")
		fi3, _ = os.Stat(file)
	}
	if os.SameFile(fi, fi3) {
		t.Fatalf("a cache mostly dead was not written afresh")
	}
	if _, d := elemDictOf(t, w, "a"); !bytes.Equal(d, dict) {
		t.Fatalf("the fresh file has another dictionary")
	}
	elemSlack = saved
	git(t, dir, "checkout", "--", ".")
	check("git checkout")

	// The dictionary damaged: the file is not used, and the next one has a dictionary again.
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	ef, _ = elemDictOf(t, w, "a")
	if ef == nil {
		t.Fatal("no cache")
	}
	b[ef.dataEnd+2] ^= 0x20 // in the dictionary, which the index's checksum covers
	os.WriteFile(file, b, 0o600)
	check("dictionary damaged")
	if now, _ := os.ReadFile(file); bytes.Equal(now, b) {
		t.Fatalf("the cache with a damaged dictionary was kept")
	}
	if ef, _ := elemDictOf(t, w, "a"); ef == nil || len(ef.dict.lines) == 0 {
		t.Fatalf("no dictionary after the damaged cache was replaced")
	}
}

// Decoding what encode made gives the element back, whatever the dictionary and the bytes
// (lines or not, keys or not); decoding arbitrary bytes fails or gives something, never panics.
func FuzzElemDict(f *testing.F) {
	f.Add([]byte("  {\n    \"id\": \"x\",\n    \"done\": false\n  }"), []byte("    \"id\": \"y\",\n    \"done\": false\n"), 1)
	f.Add([]byte("a\nb\n\n\nccc\n"), []byte("a\nccc\nccc\n"), 2)
	f.Add([]byte("\x00\x01\n\x02"), []byte{}, 1)
	f.Fuzz(func(t *testing.T, el, sample []byte, min int) {
		if min < 1 || min > 3 {
			min = 1
		}
		d := buildElemDict([][]byte{sample, el, sample}, min)
		enc := d.encode(nil, el)
		got, err := d.decode(nil, enc)
		if err != nil || !bytes.Equal(got, el) {
			t.Fatalf("decode(encode(%q)) = %q, %v", el, got, err)
		}
		// The dictionary as stored reads back the same.
		d2, used, ok := readElemDict(bufio.NewReader(bytes.NewReader(d.enc)), int64(len(d.enc)))
		if !ok || used != int64(len(d.enc)) || !bytes.Equal(d2.enc, d.enc) {
			t.Fatalf("the dictionary does not read back (%v, %d of %d bytes)", ok, used, len(d.enc))
		}
		d.decode(nil, el) // arbitrary tokens
		readElemDict(bufio.NewReader(bytes.NewReader(el)), int64(len(el)))
	})
}
