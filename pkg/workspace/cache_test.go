package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/settle"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// walkEntries is Entries without the cache: what a walk of the folder finds.
func walkEntries(t *testing.T, w *Workspace) []Entry {
	t.Helper()
	var out []Entry
	err := filepath.WalkDir(w.abs(w.incidentsDir()), func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".md") {
			return nil
		}
		if id := incident.IDFromFileName(de.Name()); id != "" {
			rel, _ := filepath.Rel(w.Root(), p)
			out = append(out, Entry{ID: id, Path: filepath.ToSlash(rel)})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sortEntries(out)
	return out
}

// shortRacyWindow lets folders and files settle in milliseconds instead of seconds.
func shortRacyWindow(t *testing.T) {
	saved := settle.Window
	settle.Window = 30 * time.Millisecond
	t.Cleanup(func() { settle.Window = saved })
}

func waitSettled() { time.Sleep(40 * time.Millisecond) }

// The cached folder listings give exactly what a walk gives, whatever changes in between:
// documents added, removed, renamed across folders, folders added and removed, files that are
// not documents, links.
func TestEntriesCacheMatchesWalk(t *testing.T) {
	shortRacyWindow(t)
	w := newRepo(t)
	rng := rand.New(rand.NewPCG(3, 4))
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	var docs []string
	newDoc := func() string {
		rnd := make([]byte, 5)
		for i := range rnd {
			rnd[i] = alphabet[rng.IntN(32)]
		}
		y, m := 2020+rng.IntN(4), 1+rng.IntN(3)
		id := fmt.Sprintf("%02d%02d%02d-%s", y%100, m, 1+rng.IntN(28), rnd)
		p := fmt.Sprintf("incidents/%d/%02d/%s-x.md", y, m, id)
		if rng.IntN(10) == 0 {
			p = fmt.Sprintf("incidents/%s.md", id) // not in its month folder: still found
		}
		return p
	}
	write := func(p string) {
		abs := filepath.Join(w.Root(), p)
		if err := os.MkdirAll(filepath.Dir(abs), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for range 40 {
		p := newDoc()
		write(p)
		docs = append(docs, p)
	}
	for step := range 60 {
		switch op := rng.IntN(8); {
		case op < 2:
			p := newDoc()
			write(p)
			docs = append(docs, p)
		case op == 2 && len(docs) > 0:
			i := rng.IntN(len(docs))
			os.Remove(filepath.Join(w.Root(), docs[i]))
			docs = slices.Delete(docs, i, i+1)
		case op == 3 && len(docs) > 0: // move to another folder
			i := rng.IntN(len(docs))
			to := filepath.Dir(newDoc()) + "/" + filepath.Base(docs[i])
			os.MkdirAll(filepath.Join(w.Root(), filepath.Dir(to)), 0o777)
			if err := os.Rename(filepath.Join(w.Root(), docs[i]), filepath.Join(w.Root(), to)); err != nil {
				t.Fatal(err)
			}
			docs[i] = to
		case op == 4: // not documents
			write(fmt.Sprintf("incidents/202%d/notes-%d.txt", rng.IntN(4), step))
			write(fmt.Sprintf("incidents/202%d/261101-abcde-draft.md.bak", rng.IntN(4)))
		case op == 5: // a whole folder goes
			os.RemoveAll(filepath.Join(w.Root(), fmt.Sprintf("incidents/202%d/0%d", rng.IntN(4), 1+rng.IntN(3))))
			docs = slices.DeleteFunc(docs, func(p string) bool {
				_, err := os.Stat(filepath.Join(w.Root(), p))
				return err != nil
			})
		case op == 6: // a link to a document and a link to a folder
			os.Symlink("../../2020/01", filepath.Join(w.Root(), fmt.Sprintf("incidents/2021/201101-lnk%02d-dir.md", step)))
			os.Symlink("x.md", filepath.Join(w.Root(), fmt.Sprintf("incidents/201101-ln%03d.md", step)))
		default:
			waitSettled() // let the folders settle, so the next listing caches them
		}
		want := walkEntries(t, w)
		got, err := w.Entries()
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("step %d: entries differ:\n%v\nwalk:\n%v", step, got, want)
		}
		// Find agrees with the walk for every prefix of a random part.
		if len(want) > 0 {
			e := want[rng.IntN(len(want))]
			q := e.ID[7 : 7+1+rng.IntN(4)]
			var matches []Entry
			for _, o := range want {
				if strings.HasPrefix(o.ID, q) || strings.HasPrefix(o.ID[7:], q) {
					matches = append(matches, o)
				}
			}
			f, err := w.Find(q)
			switch {
			case len(matches) == 1 && (err != nil || f != matches[0]):
				t.Fatalf("step %d: Find(%q) = %v, %v; want %v", step, q, f, err, matches[0])
			case len(matches) > 1 && (err == nil || !strings.Contains(err.Error(), fmt.Sprintf("matches %d incidents", len(matches)))):
				t.Fatalf("step %d: Find(%q) = %v, %v; want ambiguous among %d", step, q, f, err, len(matches))
			}
		}
	}
	if _, err := os.Stat(filepath.Join(w.cacheDir(), "entries")); err != nil {
		t.Errorf("the cache was never written: %v", err)
	}
}

// listAll returns what List returns, as comparable values.
func listAll(t *testing.T, w *Workspace, f Filter) ([]*incident.Document, []string) {
	t.Helper()
	res, err := w.List(f)
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.Error())
	}
	return res.Incidents, errs
}

// loadOrdinary reads and parses a document the way the listings did before the quick reader
// (pkg/quickread): the reference its fallback must match.
func loadOrdinary(w *Workspace, e Entry) (*incident.Document, error) {
	if err := w.checkRegular(e.Path); err != nil {
		return nil, err
	}
	src, err := readFile(w.abs(e.Path))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %v", e.Path, err)
	}
	return incident.Parse(e.Path, src)
}

// A listing from the meta cache is exactly the listing from parsing every document: the same
// documents in the same order, the same errors, and (MetaOnly) the same front matter, through
// hand edits, broken and removed documents, and times in every zone (the local one included).
func TestListCacheIsExact(t *testing.T) {
	shortRacyWindow(t)
	saved := time.Local
	time.Local = time.FixedZone("JST", 9*3600) // some documents are written in the local offset
	t.Cleanup(func() { time.Local = saved })
	dir := filepath.Join(t.TempDir(), "repo")
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	if _, err := synth.Generate(dir, synth.Options{Incidents: 300, Seed: 8, OpenFraction: 0.05}); err != nil {
		t.Fatal(err)
	}
	w, err := Open(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	// The reference: parse every document, read the ordinary way, as List did before it had a
	// cache and a quick reader.
	fresh := func(f Filter) ([]*incident.Document, []string) {
		var sevs []string
		for _, s := range f.Severities {
			sevs = append(sevs, strings.Split(s, ",")...)
		}
		status := f.Status
		if status == "" {
			status = "open"
		}
		var docs []*incident.Document
		var errs []string
		for _, e := range walkEntries(t, w) {
			d, err := loadOrdinary(w, e)
			if err != nil {
				errs = append(errs, err.Error())
				continue
			}
			open := d.Meta.Status != incident.StatusResolved
			switch {
			case f.Drills == NoDrills && d.Meta.IsDrill(), f.Drills == OnlyDrills && !d.Meta.IsDrill():
			case status == "open" && !open, status != "open" && status != "all" && d.Meta.Status != status:
			case len(sevs) > 0 && !slices.Contains(sevs, d.Meta.Severity):
			default:
				docs = append(docs, d)
			}
		}
		slices.SortStableFunc(docs, func(a, b *incident.Document) int {
			if c := b.Meta.DeclaredAt.Compare(a.Meta.DeclaredAt); c != 0 {
				return c
			}
			return strings.Compare(b.Meta.ID, a.Meta.ID)
		})
		return docs, errs
	}
	filters := []Filter{{Status: "all"}, {}, {Status: "resolved", Severities: []string{"SEV1,SEV2"}}, {Status: "mitigated"},
		{Status: "all", Drills: WithDrills}, {Drills: OnlyDrills}, {Status: "all", Drills: OnlyDrills}}
	check := func(stage string) {
		t.Helper()
		for _, f := range filters {
			wantDocs, wantErrs := fresh(f)
			waitSettled()
			listAll(t, w, f) // parses what changed and writes the cache
			for _, metaOnly := range []bool{false, true} {
				f.MetaOnly = metaOnly
				gotDocs, gotErrs := listAll(t, w, f)
				if !reflect.DeepEqual(gotErrs, wantErrs) {
					t.Fatalf("%s %+v: errors %v, want %v", stage, f, gotErrs, wantErrs)
				}
				if len(gotDocs) != len(wantDocs) {
					t.Fatalf("%s %+v: %d documents, want %d", stage, f, len(gotDocs), len(wantDocs))
				}
				for i := range gotDocs {
					g, want := gotDocs[i], wantDocs[i]
					if g.Path != want.Path || !reflect.DeepEqual(g.Meta, want.Meta) {
						t.Fatalf("%s %+v: document %d = %s %+v\nwant %s %+v", stage, f, i, g.Path, g.Meta, want.Path, want.Meta)
					}
					if !metaOnly && !reflect.DeepEqual(g, want) {
						t.Fatalf("%s %+v: document %s differs in full", stage, f, g.Path)
					}
				}
			}
		}
	}
	check("generated")
	if _, err := os.Stat(filepath.Join(w.cacheDir(), "meta")); err != nil {
		t.Fatalf("no meta cache: %v", err)
	}
	entries := walkEntries(t, w)
	edit := func(e Entry, from, to string) {
		t.Helper()
		replaceInEntry(t, dir, e, from, to)
	}
	edit(entries[3], "status: resolved", "status: mitigated") // reopened by hand, same size
	edit(entries[5], "## Log", "## Journal")                  // no longer parses
	edit(entries[7], "title: ", "title: Renamed ")            // another title
	edit(entries[9], "declared_at: 20", "declared_at: \"20")  // quoted: still a time?
	os.Remove(filepath.Join(dir, entries[11].Path))           // gone
	edit(entries[13], "+09:00\n", "Z\n")                      // another zone, written as Z
	edit(entries[15], "severity: SEV", "severity: sev")       // unknown to the filter
	edit(entries[17], "\ntitle: ", "\nkind: drill\nscenario: drills/x.md\nvariant: 0a1b2c3d4e5f\nspeed: 60\ntitle: ")
	edit(entries[19], "\ntitle: ", "\nkind: drill\ntitle: ")
	edit(entries[21], "\ntitle: ", "\nkind: drill\nfacilitator: erin\ntitle: ")
	// What the quick read leaves to the ordinary one, which refuses it: a link to a document,
	// a FIFO, a document over the size limit.
	os.Remove(filepath.Join(dir, entries[23].Path))
	if err := os.Symlink(filepath.Join(dir, entries[25].Path), filepath.Join(dir, entries[23].Path)); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, entries[27].Path))
	if err := mkfifo(filepath.Join(dir, entries[27].Path)); err != nil {
		t.Fatal(err)
	}
	edit(entries[29], "## Log\n", "## Log\n\n"+strings.Repeat("padding\n", incident.MaxSize/8))
	check("hand-edited")
	_, errs := listAll(t, w, Filter{Status: "all"})
	for _, want := range []string{
		entries[23].Path + " is a symbolic link",
		entries[27].Path + " is not a regular file",
		"reading " + entries[29].Path + ": " + filepath.Join(dir, entries[29].Path) + " is ",
	} {
		if !slices.ContainsFunc(errs, func(e string) bool { return strings.HasPrefix(e, want) }) {
			t.Errorf("no error %q among %q", want, errs)
		}
	}
	// A drill becoming an incident again (its kind removed, same size: padded) is seen.
	edit(entries[19], "kind: drill\n", "kind: \"\"   \n")
	check("drill no more")
}

// TestMetaRecordRoundTrip: a front-matter record (encodeMeta) gives back exactly the Meta the
// parse made (decodeMeta), times included, in whatever zone they were written ("Z", an offset
// that is the local zone's, another one) and whatever the local zone is.
func TestMetaRecordRoundTrip(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	times := []string{"2026-11-23T10:02:00Z", "2026-11-23T10:02:00+00:00", "2026-11-23T10:02:00+09:00",
		"2026-11-23T10:02:00-03:30", "2026-07-01T08:00:00+01:00", "2026-11-23T10:02:00.5+09:00", "2026-11-23T10:02:00.25Z"}
	for _, local := range []*time.Location{time.UTC, time.FixedZone("JST", 9*3600), time.FixedZone("", 0), time.FixedZone("NST", -3*3600-1800)} {
		time.Local = local
		for _, declared := range times {
			for _, resolved := range []string{"null", times[0], times[3]} {
				src := "---\nid: 261123-k7xqm\ntitle: T\nseverity: SEV2\nstatus: resolved\ncommander: alice\nroles:\n  comms: bob\n" +
					"declared_at: " + declared + "\nidentified_at: null\nmitigated_at: " + declared + "\nresolved_at: " + resolved + "\n" +
					"---\n\n# T\n\n## Status\n\n## Action list\n\n## Log\n"
				d, err := incident.ParseMeta("x.md", []byte(src))
				if err != nil {
					t.Fatalf("%s: %v", declared, err)
				}
				m, err := decodeMeta(string(encodeMeta(d)))
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(m, d.Meta) {
					t.Errorf("local %v, declared %s, resolved %s: record gives %+v\nparse %+v", local, declared, resolved, m, d.Meta)
				}
			}
		}
	}
}

// replaceInEntry replaces the first from in the document e (under dir) with to, by hand.
func replaceInEntry(t testing.TB, dir string, e Entry, from, to string) {
	t.Helper()
	p := filepath.Join(dir, e.Path)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(b), from, to, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}
