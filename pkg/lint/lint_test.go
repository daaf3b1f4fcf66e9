package lint

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
)

func write(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// briefPaths renders findings as "path rule@line" for comparison.
func briefPaths(fs []Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s@%03d", f.Path, f.Rule, f.Line)
	}
	return out
}

func run(t *testing.T, opts Options) *Result {
	t.Helper()
	if opts.Config.Incidents == "" {
		opts.Config = config.Default()
	}
	opts.Now = testNow
	res, err := Run(opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestRunFolder(t *testing.T) {
	dir := t.TempDir()
	other := replace(validDoc, "title: Checkout API returns 500s", "title: Copy")
	write(t, dir, validPath, validDoc)
	write(t, dir, "incidents/2026/11/261123-k7xqm-copy.md", other)         // same ID
	write(t, dir, "incidents/README.md", "# Incidents\n")                  // not a document
	write(t, dir, "incidents/2026/11/notes.md", "binary \x00\xff garbage") // in a month folder: a document
	write(t, dir, "incidents/2026/11/261124-zzzzz-x.png", "\x89PNG")       // not Markdown
	write(t, dir, "incidents/drafts/plan.md", "---\nid: nope\n---\n")      // front matter: a document
	big := filepath.Join(dir, "incidents/2026/11/261123-bbbbb-dump.md")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(50 << 20); err != nil { // 50 MB, sparse: never read
		t.Fatal(err)
	}
	f.Close()
	if err := os.Symlink("/dev/zero", filepath.Join(dir, "incidents/2026/11/261123-ccccc-link.md")); err != nil {
		t.Fatal(err)
	}

	res := run(t, Options{Root: dir})
	want := []string{
		"incidents/2026/11/261123-bbbbb-dump.md unreadable@001",
		"incidents/2026/11/261123-ccccc-link.md unreadable@001",
		"incidents/2026/11/261123-k7xqm-copy.md id-unique@002",
		"incidents/2026/11/notes.md unreadable@001",
		"incidents/drafts/plan.md required-key@002",
	}
	if got := briefPaths(res.Findings); !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		for _, f := range res.Findings {
			t.Logf("%s:%d: %s: %s", f.Path, f.Line, f.Rule, f.Message)
		}
	}
	if res.Documents != 6 {
		t.Errorf("%d documents, want 6", res.Documents)
	}

	// Narrowed to one file, the ID is still compared with the whole folder (by file name).
	t.Chdir(dir)
	res = run(t, Options{Root: dir, Paths: []string{validPath}})
	if got := briefPaths(res.Findings); !slices.Equal(got, []string{validPath + " id-unique@002"}) {
		t.Errorf("narrowed: %v", got)
	}
	// A named file that is not a document is skipped, with a note.
	res = run(t, Options{Root: dir, Paths: []string{"incidents/README.md"}})
	if res.Documents != 0 || len(res.Skipped) != 1 || !strings.Contains(res.Skipped[0], "README.md") {
		t.Errorf("README: %d documents, skipped %v", res.Documents, res.Skipped)
	}
	// Levels from the config apply.
	cfg := config.Default()
	cfg.Lint.Rules = map[string]string{"unreadable": "off", "id-unique": "warning"}
	res = run(t, Options{Root: dir, Config: cfg})
	errs, warns := res.Count()
	if errs != 1 || warns != 1 {
		t.Errorf("with levels changed: %d errors, %d warnings: %v", errs, warns, briefPaths(res.Findings))
	}

	// Paths that overlap (a folder and a file in it, a folder twice) lint each document once.
	res = run(t, Options{Root: dir, Paths: []string{"incidents", validPath, "incidents/2026", "incidents"}})
	if res.Documents != 6 || len(res.Skipped) != 0 {
		t.Errorf("overlapping paths: %d documents, skipped %v", res.Documents, res.Skipped)
	}

	for _, bad := range [][]string{{"nope.md"}, {"../outside.md"}} {
		if bad[0] == "../outside.md" {
			write(t, filepath.Dir(dir), "outside.md", validDoc)
		}
		_, err := Run(Options{Root: dir, Config: config.Default(), Paths: bad, Now: testNow})
		var ae *ArgError
		if !errors.As(err, &ae) {
			t.Errorf("%v: err = %v, want an ArgError", bad, err)
		}
	}
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

func TestRunBase(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	sev1 := replace(validDoc, "id: 261123-k7xqm", "id: 261120-aaaaa", "severity: SEV2", "severity: SEV3")
	write(t, dir, validPath, validDoc)
	write(t, dir, "incidents/2026/11/261120-aaaaa-old.md", sev1)
	write(t, dir, "incidents/2026/11/261121-bbbbb-gone.md", replace(sev1, "id: 261120-aaaaa", "id: 261121-bbbbb"))
	write(t, dir, "incidents/2026/11/261122-ccccc-renamed.md", replace(sev1, "id: 261120-aaaaa", "id: 261122-ccccc"))
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "base")
	git(t, dir, "switch", "-q", "-c", "pr")
	// Committed on the branch: an edited log line, a deletion, a rename, an ID taken again.
	write(t, dir, validPath, replace(validDoc, "error rate 12%", "error rate 15%"))
	git(t, dir, "rm", "-q", "incidents/2026/11/261121-bbbbb-gone.md")
	git(t, dir, "mv", "incidents/2026/11/261122-ccccc-renamed.md", "incidents/2026/11/261122-ccccc-new-name.md")
	write(t, dir, "incidents/2026/11/261120-aaaaa-again.md", sev1)
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "pr")
	// Main moves on meanwhile: the comparison is with the merge base, not main's tip.
	git(t, dir, "switch", "-q", "main")
	write(t, dir, "incidents/2026/11/261120-aaaaa-old.md", sev1+"- 2026-11-23T10:30:00+09:00 [x] later on main\n")
	git(t, dir, "commit", "-q", "-am", "main moves")
	git(t, dir, "switch", "-q", "pr")
	// Not committed: an edit in the working tree and an untracked file.
	write(t, dir, "incidents/2026/11/261120-aaaaa-old.md", replace(sev1, entry1, ""))
	write(t, dir, "incidents/2026/11/261123-ddddd-new.md", replace(validDoc, "id: 261123-k7xqm", "id: 261123-ddddd", "status: investigating", "status: open"))

	repo, err := gitrepo.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer repo.Close()
	res := run(t, Options{Root: dir, Repo: repo, Base: "main"})
	want := []string{
		"incidents/2026/11/261120-aaaaa-again.md id-reused@002",
		"incidents/2026/11/261120-aaaaa-old.md log-rewritten@034",
		"incidents/2026/11/261121-bbbbb-gone.md document-removed@001",
		"incidents/2026/11/261123-ddddd-new.md status@005",
		validPath + " log-rewritten@035",
	}
	if got := briefPaths(res.Findings); !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		for _, f := range res.Findings {
			t.Logf("%s:%d: %s: %s", f.Path, f.Line, f.Rule, f.Message)
		}
	}
	if res.Documents != 5 {
		t.Errorf("%d documents linted, want the 5 changed ones", res.Documents)
	}
	if _, err := Run(Options{Root: dir, Repo: repo, Base: "no-such-branch", Config: config.Default()}); !errors.As(err, new(*ArgError)) {
		t.Errorf("unknown base: %v", err)
	}
}

func TestOverlapping(t *testing.T) {
	for roots, want := range map[string]bool{
		"incidents drills postmortems": false, "incidents incidents-old": false, "a/b a/c": false,
		"incidents incidents": true, "incidents incidents/2026": true, "incidents/2026/x.md incidents": true,
		" incidents": true, "a/./b a/b/c": true, "a ../a/b": true,
	} {
		if got := overlapping(strings.Split(roots, " ")); got != want {
			t.Errorf("overlapping(%q) = %v, want %v", roots, got, want)
		}
	}
}

// TestMergeByPath: the workers' lists come out as one list sorted by path, whether each is
// in order (the walk's) or not.
func TestMergeByPath(t *testing.T) {
	docs := func(rels ...string) []*lintedDoc {
		var out []*lintedDoc
		for _, r := range rels {
			out = append(out, &lintedDoc{rel: r})
		}
		return out
	}
	rels := func(ds []*lintedDoc) string {
		var s []string
		for _, d := range ds {
			s = append(s, d.rel)
		}
		return strings.Join(s, " ")
	}
	for _, c := range []struct {
		lists [][]*lintedDoc
		want  string
	}{
		{[][]*lintedDoc{docs("a", "c", "e"), docs("b", "d")}, "a b c d e"},
		{[][]*lintedDoc{docs("a/x", "a-b"), docs("a/c")}, "a-b a/c a/x"}, // the walk's order is not the paths'
		{[][]*lintedDoc{nil, docs("b", "a"), nil}, "a b"},
		{nil, ""},
	} {
		if got := rels(mergeByPath(c.lists)); got != c.want {
			t.Errorf("mergeByPath = %q, want %q", got, c.want)
		}
	}
}
