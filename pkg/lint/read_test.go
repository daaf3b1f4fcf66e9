//go:build linux

package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
)

// TestRunReusesReadBuffer: documents read one after the other into one worker's buffer
// (lintFile's quick read) give the findings each gives alone: nothing a finding or the
// cross-document rules keep still points into the buffer when the next document overwrites
// it. The documents differ in length, so a longer one's bytes are left behind a shorter one.
func TestRunReusesReadBuffer(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1)) // one worker, one buffer for all
	long := strings.Repeat("- 2026-11-23T10:06:00+09:00 [bob] error rate 31% on checkout-api since deploy 4812\n", 40)
	variants := []string{
		validDoc,
		replace(validDoc, "severity: SEV2", "severity: SEV9", "status: investigating", "status: open") + "- later\n",
		replace(validDoc, "template:", "team: payments\ntemplate:"),
		replace(validDoc, "title: Checkout API returns 500s", `title: "Checkout API`),
		validDoc + long,
		replace(validDoc, "impact: Checkout failing", "impact: Checkout failing \x1b[31m") + long,
		replace(validDoc, "identified_at: null", "identified_at: yesterday 10:20"),
		validDoc + "- 2026-11-23T10:20:00+09:00 [bob] token: Zq8mT3vR9kLw2XyPq4Nb\n",
		replace(resolved(validDoc), "postmortem: https://wiki.example.com/pm/k7xqm", "postmortem: postmortems/2026/11/missing.md"),
		"---\nid: nope\n---\n",
	}
	dir := t.TempDir()
	// Documents i and i+30 share an ID (each pair its own), so that id-unique shows whether
	// the IDs kept were still each document's own when the rules across documents ran.
	const pairs = 30
	idOf := func(i int) string {
		return fmt.Sprintf("261123-%c%c%c%c%c", 'a'+i%pairs%26, 'b'+i%pairs/26, 'm', 'n', 'p')
	}
	var paths []string
	for i := range 2 * pairs {
		src := strings.ReplaceAll(variants[(i*7)%len(variants)], "261123-k7xqm", idOf(i))
		if strings.HasPrefix(src, "---\nid: nope") {
			src = strings.Replace(src, "nope", idOf(i), 1)
		}
		rel := fmt.Sprintf("incidents/drafts/doc-%02d.md", i)
		write(t, dir, rel, src)
		paths = append(paths, rel)
	}
	res := run(t, Options{Root: dir})
	var got []string
	for _, f := range res.Findings {
		if f.Rule != RuleIDUnique {
			got = append(got, fmt.Sprintf("%s:%d:%d %s %s", f.Path, f.Line, f.Col, f.Rule, f.Message))
		}
	}
	var want []string
	parsed := map[string]bool{}
	for _, rel := range paths {
		src, err := os.ReadFile(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		c := testChecker(t, config.Lint{})
		c.severities, c.sevFrom, c.root = nil, "", dir
		if err := c.fillDefaults(); err != nil {
			t.Fatal(err)
		}
		d, fd := c.check(rel, src)
		parsed[rel] = d != nil
		for _, f := range fd.out {
			want = append(want, fmt.Sprintf("%s:%d:%d %s %s", f.Path, f.Line, f.Col, f.Rule, f.Message))
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("lint of the folder:\n%s\n\neach document alone:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(want) < 40 {
		t.Fatalf("only %d findings: the documents no longer exercise the rules", len(want))
	}
	// Every pair of parsed documents gives one id-unique finding, naming its own ID and
	// its partner.
	var wantIDs, gotIDs []string
	for i := range pairs {
		if a, b := paths[i], paths[i+pairs]; parsed[a] && parsed[b] {
			wantIDs = append(wantIDs, fmt.Sprintf("%s: id %s is also the id of %s", b, idOf(i), a))
		}
	}
	for _, f := range res.Findings {
		if f.Rule == RuleIDUnique {
			msg, _, _ := strings.Cut(f.Message, ":")
			gotIDs = append(gotIDs, f.Path+": "+msg)
		}
	}
	if !slices.Equal(gotIDs, wantIDs) || len(wantIDs) < 10 {
		t.Fatalf("id-unique findings:\n%s\nwant:\n%s", strings.Join(gotIDs, "\n"), strings.Join(wantIDs, "\n"))
	}
}

// TestQuickReadFallsBack: what the quick read (pkg/quickread, whose tests check what it takes)
// does not take, a FIFO (which must not block the open) or a link, is read the ordinary way
// and reported as before.
func TestQuickReadFallsBack(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, validPath, validDoc)
	fifo := filepath.Join(dir, "incidents/2026/11/261123-ddddd-fifo.md")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, validPath), filepath.Join(dir, "incidents/2026/11/261123-eeeee-link.md")); err != nil {
		t.Fatal(err)
	}
	res := run(t, Options{Root: dir})
	want := []string{
		"incidents/2026/11/261123-ddddd-fifo.md unreadable@001",
		"incidents/2026/11/261123-eeeee-link.md unreadable@001",
	}
	if got := briefPaths(res.Findings); !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
}

// TestQuickReadFallsBackPostmortems: the same for the postmortems folder, whose pass reads
// with pkg/quickread too: a FIFO and a link named like a postmortem are reported, a link
// with another name is skipped, and a postmortem read quickly is linted as before.
func TestQuickReadFallsBackPostmortems(t *testing.T) {
	dir := t.TempDir()
	pm := "postmortems/2026/11/261123-k7xqm-review.md"
	write(t, dir, pm, "---\nincident: 261123-k7xqm\nstatus: draft\nowner: bob\nfollowups:\n  - id: 261123-k7xqm-F1\n    text: Add an alert\n    owner: \"\"\n    due: 2026-12-20\n---\n# Postmortem\n")
	if err := syscall.Mkfifo(filepath.Join(dir, "postmortems/2026/11/261123-ddddd-fifo.md"), 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	if err := os.Symlink(filepath.Join(dir, pm), filepath.Join(dir, "postmortems/2026/11/261123-eeeee-link.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, pm), filepath.Join(dir, "postmortems/notes.md")); err != nil {
		t.Fatal(err)
	}
	res := run(t, Options{Root: dir})
	want := []string{
		"postmortems/2026/11/261123-ddddd-fifo.md unreadable@001",
		"postmortems/2026/11/261123-eeeee-link.md unreadable@001",
		"postmortems/2026/11/261123-k7xqm-review.md followup-incomplete@008",
	}
	if got := briefPaths(res.Findings); !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	if res.Documents != 3 {
		t.Errorf("%d documents, want 3 (the link named notes.md is no postmortem)", res.Documents)
	}
}
