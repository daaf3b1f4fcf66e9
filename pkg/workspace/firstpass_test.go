package workspace

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The first listing (no caches) reads every document once, whatever the filter, and gives
// what Each gives; so do the listings after it, which read none (but the ones that do not
// parse). Documents not settled yet are listed from the first pass's file all the same, and
// not kept.
func TestFirstListingReadsOnce(t *testing.T) {
	shortRacyWindow(t)
	w := synthRepo(t, 300, 0.2)
	w.Now = clock
	entries := walkEntries(t, w)
	// One that does not parse, one that is not settled when listed.
	broken := filepath.Join(w.Root(), entries[5].Path)
	b, err := os.ReadFile(broken)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, []byte(strings.Replace(string(b), "## Log", "## Journal", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	filters := []Filter{{Status: "all"}, {}, {Status: "resolved", Severities: []string{"SEV1,SEV2"}}, {Status: "all", Drills: WithDrills}}
	for _, settled := range []bool{true, false} {
		for _, f := range filters {
			if err := os.RemoveAll(w.cacheDir()); err != nil {
				t.Fatal(err)
			}
			if settled {
				waitSettled()
			} else {
				settleLater(t, w, entries)
			}
			before := docReads.Load()
			var got bytes.Buffer
			errs, err := EachCached(w, f, ElementCache{Name: "test-elements", Context: "a"}, testElement("a"), func(b []byte) error {
				got.Write(b)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if read := docReads.Load() - before; read != int64(len(entries)) {
				t.Fatalf("settled %v, %+v: the first listing read %d documents, there are %d", settled, f, read, len(entries))
			}
			if len(errs) != 1 {
				t.Fatalf("settled %v, %+v: errors %v", settled, f, errs)
			}
			_, want, _, _ := eachBytes(t, w, f, "a")
			if !bytes.Equal(got.Bytes(), want) || len(want) == 0 {
				t.Fatalf("settled %v, %+v: the first listing differs from Each (%d bytes, want %d)", settled, f, got.Len(), len(want))
			}
			waitSettled()
			for run := range 2 {
				before := docReads.Load()
				gotB, want, gotErrs, wantErrs := eachBytes(t, w, f, "a")
				if !bytes.Equal(gotB, want) || gotErrs != wantErrs {
					t.Fatalf("settled %v, %+v, run %d: the listing differs from Each", settled, f, run)
				}
				// eachBytes's Each reads every listed document, EachCached what the cache lacks.
				if settled && run == 1 && docReads.Load()-before > int64(bytes.Count(want, []byte("\n")))+2 {
					t.Fatalf("%+v: a listing after the first read %d documents for %d listed", f, docReads.Load()-before, bytes.Count(want, []byte("\n")))
				}
			}
		}
	}
}

// settleLater touches every document, so that none has settled when the listing starts.
func settleLater(t *testing.T, w *Workspace, entries []Entry) {
	t.Helper()
	for _, e := range entries {
		p := filepath.Join(w.Root(), e.Path)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
