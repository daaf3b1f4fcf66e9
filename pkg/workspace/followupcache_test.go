package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
)

// exactFollowups is what the follow-ups listing was before it streamed, computed from scratch:
// every postmortem found by filepath.WalkDir parsed, the follow-ups by postmortem path, the
// unreadable postmortems in the order of the walk.
func exactFollowups(t *testing.T, w *Workspace) (items []string, errs []string) {
	t.Helper()
	fus, errs := parseEveryPostmortem(t, w)
	for _, f := range fus {
		items = append(items, showFollowup(f))
	}
	return items, errs
}

// parseEveryPostmortem is the follow-ups the slow, sure way: every postmortem found by
// filepath.WalkDir parsed, its follow-ups by postmortem path, and the errors of the unreadable
// ones in the order of the walk.
func parseEveryPostmortem(t *testing.T, w *Workspace) (fus []Followup, errs []string) {
	t.Helper()
	type pm struct {
		path string
		fus  []Followup
	}
	var pms []pm
	root := w.abs(w.postmortemsDir())
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return nil
			}
			return err
		}
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".md") || incident.IDFromFileName(de.Name()) == "" {
			return nil
		}
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(w.Root(), p)
		rel = filepath.ToSlash(rel)
		doc, err := w.loadPostmortem(rel)
		if err != nil {
			errs = append(errs, err.Error())
			return nil
		}
		x := pm{path: rel}
		for _, f := range doc.Meta.Followups {
			x.fus = append(x.fus, Followup{Followup: f, Incident: doc.Meta.Incident, Path: rel, Overdue: f.Overdue(w.Now())})
		}
		pms = append(pms, x)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortStableFunc(pms, func(a, b pm) int { return strings.Compare(a.path, b.path) })
	for _, p := range pms {
		fus = append(fus, p.fus...)
	}
	return fus, errs
}

// showFollowup writes out everything a follow-up holds (a time as its instant and offset, what
// the output shows of it).
func showFollowup(f Followup) string {
	done := "-"
	if f.DoneAt != nil {
		done = f.DoneAt.Format(time.RFC3339Nano)
	}
	return fmt.Sprintf("%s %s|%s|%s|%s|%s|%s|%v|%s|%d:%d|%s|%v", f.Path, f.ID, f.Incident, f.Text, f.Owner, f.Due, f.Kind, f.Done, done, f.Line, f.Col, f.Link, f.Overdue)
}

// checkFollowups requires Followups to give exactly what exactFollowups gives, and reports how
// many postmortems it parsed.
func checkFollowups(t *testing.T, w *Workspace, stage string) int64 {
	t.Helper()
	want, wantErrs := exactFollowups(t, w)
	before := postmortemReads.Load()
	items, errs, err := w.Followups(FollowupFilter{})
	reads := postmortemReads.Load() - before
	if err != nil {
		t.Fatalf("%s: %v", stage, err)
	}
	var got, gotErrs []string
	for _, f := range items {
		got = append(got, showFollowup(f))
	}
	for _, e := range errs {
		gotErrs = append(gotErrs, e.Error())
	}
	if !slices.Equal(got, want) || !slices.Equal(gotErrs, wantErrs) {
		t.Fatalf("%s: follow-ups\n%s\nerrors %q\nwant\n%s\nerrors %q", stage, strings.Join(got, "\n"), gotErrs, strings.Join(want, "\n"), wantErrs)
	}
	return reads
}

// The streamed follow-ups listing (one postmortem at a time, the cache read alongside) gives
// exactly what parsing every postmortem gives, in the same order, with the same errors in the
// same order, through everything that changes postmortems: added, changed, removed, broken and
// mended, names that sort differently as paths than as a walk ("<id>-x.md" beside a folder
// "<id>"), and a damaged cache (cut anywhere, a byte changed, garbage after it). Once nothing
// changed, a listing parses nothing.
func TestFollowupsStreamIsExact(t *testing.T) {
	shortRacyWindow(t)
	w := newRepo(t)
	zones := []*time.Location{time.UTC, time.FixedZone("", 9*3600), time.FixedZone("", -(5*3600 + 30*60))}
	write := func(rel, id string, n int) {
		t.Helper()
		m := postmortem.Meta{Incident: id, Title: "Checkout fails", Status: postmortem.StatusFinal, Owner: "alice"}
		for f := 1; f <= n; f++ {
			fu := postmortem.Followup{ID: postmortem.FollowupID(id, f), Text: fmt.Sprintf("Alert on 5xx %d → 日本", f), Owner: []string{"bob", "carol", ""}[f%3],
				Due: fmt.Sprintf("2026-11-%02d", 10+f), Kind: []string{"", "detect", "prevent"}[f%3]}
			if f%2 == 1 {
				at := time.Date(2026, 11, 1+f, 10, 2, 3, f*1000, zones[f%len(zones)])
				fu.Done, fu.DoneAt, fu.Link = true, &at, "https://example.com/pr/"+fmt.Sprint(f)
			}
			m.Followups = append(m.Followups, fu)
		}
		doc, err := postmortem.New(rel, m, "# Postmortem\n")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(w.abs(rel)), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(w.abs(rel), doc.Src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	broken := func(rel string) {
		t.Helper()
		os.MkdirAll(filepath.Dir(w.abs(rel)), 0o777)
		if err := os.WriteFile(w.abs(rel), []byte("---\nincident: [\n---\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if reads := checkFollowups(t, w, "no postmortems folder"); reads != 0 {
		t.Fatalf("no postmortems: %d read", reads)
	}
	for i := range 40 {
		id := fmt.Sprintf("2611%02d-a%04d", i%28+1, i)
		write(fmt.Sprintf("postmortems/2026/%02d/%s-checkout-fails.md", 9+i%3, id), id, i%5)
	}
	// A folder named like an ID beside postmortems whose names start with it, sorting apart as
	// paths and as a walk; notes and other files that are not postmortems.
	write("postmortems/261101-zzzzz/261101-zzzzy-inside.md", "261101-zzzzy", 2)
	write("postmortems/261101-zzzzz-beside.md", "261101-zzzzz", 3)
	write("postmortems/261101-zzzzz.md", "261101-zzzzz", 1)
	broken("postmortems/261101-zzzzz/261101-zzzzx-broken.md")
	broken("postmortems/261101-zzzzw-broken.md")
	broken("postmortems/261101-zzzzz-broken.md") // reported after the one in the folder 261101-zzzzz, as the walk finds them
	os.WriteFile(w.abs("postmortems/README.md"), []byte("# Postmortems\n"), 0o644)
	os.WriteFile(w.abs("postmortems/2026/09/notes.txt"), []byte("notes\n"), 0o644)

	checkFollowups(t, w, "cold")
	if _, err := os.Stat(filepath.Join(w.cacheDir(), "followups")); err != nil {
		t.Fatalf("no cache written: %v", err)
	}
	waitSettled()
	checkFollowups(t, w, "settled")
	if reads := checkFollowups(t, w, "warm"); reads != 3 {
		t.Fatalf("warm: %d postmortems parsed, want the 3 broken ones", reads)
	}

	// Changes: one changed, one removed, one added in the middle, one broken, one mended.
	write("postmortems/2026/10/261102-a0001-checkout-fails.md", "261102-a0001", 4)
	os.Remove(w.abs("postmortems/2026/11/261103-a0002-checkout-fails.md"))
	write("postmortems/2026/10/261115-a9999-new.md", "261115-a9999", 2)
	broken("postmortems/2026/09/261104-a0003-checkout-fails.md")
	write("postmortems/261101-zzzzw-broken.md", "261101-zzzzw", 2)
	checkFollowups(t, w, "changed (not settled yet)")
	waitSettled()
	checkFollowups(t, w, "changed, settled")
	if reads := checkFollowups(t, w, "changed, warm"); reads != 3 {
		t.Fatalf("changed, warm: %d postmortems parsed, want the 3 broken ones", reads)
	}

	// A damaged cache is never believed, and is written again.
	p := filepath.Join(w.cacheDir(), "followups")
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 5, len(w.followupsHeader()), len(w.followupsHeader()) + 3, len(good) / 3, len(good) / 2, len(good) - 5, len(good) - 1} {
		flipped := slices.Clone(good)
		flipped[n] ^= 0x20
		for _, damaged := range [][]byte{good[:n], flipped, append(slices.Clone(good), "garbage"...)} {
			if err := os.WriteFile(p, damaged, 0o600); err != nil {
				t.Fatal(err)
			}
			checkFollowups(t, w, fmt.Sprintf("cache damaged at %d of %d bytes", n, len(good)))
			if reads := checkFollowups(t, w, "and again"); reads != 3 {
				t.Fatalf("damaged at %d: the cache was not written again (%d parsed)", n, reads)
			}
		}
	}

	// EachFollowup with a filter: Followups' items, in order; its caller's error stops it.
	want, _, _ := w.Followups(FollowupFilter{Open: true, Owner: " CAROL"})
	var got []Followup
	if _, err := w.EachFollowup(FollowupFilter{Open: true, Owner: " CAROL"}, func(f Followup) error { got = append(got, f); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || len(got) != len(want) {
		t.Fatalf("EachFollowup: %d, Followups: %d", len(got), len(want))
	}
	for i := range got {
		if showFollowup(got[i]) != showFollowup(want[i]) || got[i].Done || !strings.EqualFold(got[i].Owner, "carol") {
			t.Fatalf("EachFollowup %d: %s; Followups: %s", i, showFollowup(got[i]), showFollowup(want[i]))
		}
	}
	stop := errors.New("stop")
	n := 0
	if _, err := w.EachFollowup(FollowupFilter{}, func(Followup) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	}); err != stop || n != 3 {
		t.Fatalf("the caller's error: %v after %d", err, n)
	}
}

// walkPostmortems visits what a plain walk of the folders finds, in the same order, with the
// same stat data: the postmortems (a link to one followed), each folder entered (its Lstat
// data) before what it holds, and nothing else (notes, a link to a folder, a broken link, a
// FIFO, a folder named like a postmortem).
func TestWalkPostmortemsIsAWalk(t *testing.T) {
	repo := t.TempDir()
	root := filepath.Join(repo, "postmortems")
	write := func(rel string) {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(rel), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, rel := range []string{"261101-abcde-x.md", "261101-abcde/261102-bcdef-y.md", "2026/11/261103-cdefg-z.md",
		"2026/11/261104-defgh.md", "2026/11-x/261105-efghj-w.md", "2026/README.md", "2026/11/notes.txt", "2025/261106-fghjk-v.md"} {
		write(rel)
	}
	os.Symlink("11/261103-cdefg-z.md", filepath.Join(root, "2026", "261107-ghjkm-link.md"))
	os.Symlink("11", filepath.Join(root, "2026", "261108-hjkmn-dir.md"))
	os.Symlink("missing.md", filepath.Join(root, "2026", "261109-jkmnp-broken.md"))
	mkfifo(filepath.Join(root, "2026", "261110-kmnpq-fifo.md"))
	os.MkdirAll(filepath.Join(root, "2026", "261111-mnpqr-folder.md"), 0o777)

	// The reference: every entry by path, folders before what they hold, the names of a folder
	// in the order of the paths they lead to.
	var want []string
	var walk func(dir string)
	walk = func(dir string) {
		fi, err := os.Lstat(dir)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repo, dir)
		want = append(want, fmt.Sprintf("dir %s %v", filepath.ToSlash(rel), keyOf(fi)))
		des, _ := os.ReadDir(dir)
		slices.SortFunc(des, func(a, b fs.DirEntry) int {
			x, y := a.Name(), b.Name()
			if a.IsDir() {
				x += "/"
			}
			if b.IsDir() {
				y += "/"
			}
			return strings.Compare(x, y)
		})
		for _, de := range des {
			p := filepath.Join(dir, de.Name())
			if de.IsDir() {
				walk(p)
				continue
			}
			if !strings.HasSuffix(de.Name(), ".md") || incident.IDFromFileName(de.Name()) == "" {
				continue
			}
			fi, err := os.Stat(p)
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			rel, _ := filepath.Rel(repo, p)
			want = append(want, fmt.Sprintf("pm %s %v", filepath.ToSlash(rel), keyOf(fi)))
		}
	}
	walk(root)

	var got []string
	err := walkPostmortems(root, repo, func(rel string, key statKey) {
		got = append(got, fmt.Sprintf("dir %s %v", rel, key))
	}, func(rel string, key statKey) error {
		got = append(got, fmt.Sprintf("pm %s %v", rel, key))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatalf("walkPostmortems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(strings.Join(want, "\n"), "pm "); n != 7 {
		t.Fatalf("the reference walk found %d postmortems, want 7: the test is not what it thinks", n)
	}
	// A missing root is no postmortem yet.
	if err := walkPostmortems(filepath.Join(repo, "none"), repo, nil, func(string, statKey) error {
		t.Fatal("visited a postmortem under a missing folder")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
