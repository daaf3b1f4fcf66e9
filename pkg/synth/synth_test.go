package synth

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func isolateGit(t *testing.T) {
	t.Helper()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
}

func gitT(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// The generated documents are byte for byte what the commands write: each incident's life is
// replayed through pkg/workspace (log, update, close; the declaration through incident.New) in
// a real repository, and after every command the file must equal the generator's rendering.
func TestDocumentsAreWhatTheCommandsWrite(t *testing.T) {
	isolateGit(t)
	g, err := NewGenerator(Options{Incidents: 400, Seed: 42})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gitT(t, dir, "init", "-q", "-b", "main")
	gitT(t, dir, "config", "user.name", "bench")
	gitT(t, dir, "config", "user.email", "bench@example.com")
	ws, err := workspace.Open(dir, func() time.Time { return g.opts.End })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Init(); err != nil {
		t.Fatal(err)
	}
	// A spread of incidents: every severity, open and resolved, closed with and without
	// skipping required actions, with a commander change.
	var picked []int
	kinds := map[string]bool{}
	for i := range g.Len() {
		p := g.plan(i)
		kind := p.meta.Severity + fmt.Sprint(p.open)
		for _, e := range p.events {
			if e.kind == evCommander {
				kind += " commander"
			}
			if e.kind == evClose && len(g.flow.stateAt(p, len(p.events)).log) > len(p.events)+1 {
				kind += " forced"
			}
		}
		if !kinds[kind] && len(picked) < 14 {
			kinds[kind] = true
			picked = append(picked, i)
		}
	}
	seen := map[string]bool{}
	for _, i := range picked {
		p := g.plan(i)
		seen[p.meta.Severity] = true
		path, declared := g.Document(i, 0)

		// The declaration, as Declare builds it.
		ra := g.flow.bySev[p.meta.Severity]
		first := g.flow.declared(p.meta, p.author).log[0]
		d, err := incident.New(path, p.meta, ra.text+"\n", first)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(d.Src, declared) {
			t.Fatalf("incident %d declared:\n%s\nwant (incident.New):\n%s", i, declared, d.Src)
		}
		abs := filepath.Join(dir, filepath.FromSlash(path))
		if err := os.MkdirAll(filepath.Dir(abs), 0o777); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, declared, 0o644); err != nil {
			t.Fatal(err)
		}
		gitT(t, dir, "add", path)
		gitT(t, dir, "commit", "-q", "-m", "declare")

		for k, e := range p.events {
			t.Setenv("GIT_AUTHOR_NAME", e.author)
			opts := workspace.Options{At: e.at}
			switch e.kind {
			case evLog:
				_, err = ws.Log(p.meta.ID, e.text, opts)
			case evStatus:
				_, err = ws.Update(p.meta.ID, workspace.Change{Status: &e.text}, opts)
			case evCheck:
				_, err = ws.Update(p.meta.ID, workspace.Change{Checks: []string{strconv.Itoa(e.action + 1)}}, opts)
			case evRole:
				_, err = ws.Update(p.meta.ID, workspace.Change{Roles: []incident.Role{{Name: e.role, Holder: e.text}}}, opts)
			case evCommander:
				_, err = ws.Update(p.meta.ID, workspace.Change{Commander: &e.text}, opts)
			case evClose:
				_, err = ws.Close(p.meta.ID, e.text, true, opts)
			}
			if err != nil {
				t.Fatalf("incident %d event %d (%+v): %v", i, k, e, err)
			}
			got, err := os.ReadFile(abs)
			if err != nil {
				t.Fatal(err)
			}
			if _, want := g.Document(i, k+1); !bytes.Equal(got, want) {
				t.Fatalf("incident %d after event %d (%+v): generator wrote\n%s\nthe commands wrote\n%s", i, k, e, want, got)
			}
		}
	}
	if len(seen) != 4 {
		t.Errorf("severities covered: %v", seen)
	}
}

// Every generated document parses without a problem, its Status table is current, it lints
// clean, and the repository is clean and consistent.
func TestGeneratedRepository(t *testing.T) {
	isolateGit(t)
	for _, o := range []Options{
		{Incidents: 300, Unrelated: 40, Seed: 3, Commits: 700, Postmortems: true}, // intermediate versions
		{Incidents: 300, Seed: 4, Commits: 20},                                    // several incidents per commit
		{Incidents: 300, Seed: 5, Commits: 20, Postmortems: true, Years: 1},       // recent postmortems: open follow-ups
	} {
		dir := filepath.Join(t.TempDir(), "repo")
		m, err := Generate(dir, o)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(gitT(t, dir, "rev-list", "--count", "HEAD")); got != strconv.Itoa(m.Commits) {
			t.Errorf("%d commits, manifest says %d", mustAtoi(t, got), m.Commits)
		}
		if out := gitT(t, dir, "status", "--porcelain"); out != "" {
			t.Errorf("git status: %s", out)
		}
		gitT(t, dir, "fsck", "--no-progress")
		if len(m.Open) < 3 || len(m.Resolved) < 100 {
			t.Errorf("manifest: %d open, %d resolved", len(m.Open), len(m.Resolved))
		}
		files := strings.Fields(gitT(t, dir, "ls-files", "incidents"))
		docs := 0
		for _, f := range files {
			if !strings.HasSuffix(f, ".md") || strings.HasSuffix(f, "README.md") {
				continue
			}
			docs++
			src, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			d, err := incident.Parse(f, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Problems) > 0 || len(d.Log) < 1 || len(d.Log) > 70 {
				t.Fatalf("%s: problems %v, %d log entries", f, d.Problems, len(d.Log))
			}
			if nd, err := d.RefreshStatus(); err != nil || !bytes.Equal(nd.Src, src) {
				t.Fatalf("%s: the Status table is not current (%v)", f, err)
			}
		}
		if docs != o.Incidents {
			t.Errorf("%d documents, want %d", docs, o.Incidents)
		}
		// Postmortems: in the real format, about a quarter of the resolved incidents, each with
		// follow-ups, some open (due after End), most done.
		pms := strings.Fields(gitT(t, dir, "ls-files", "postmortems"))
		var pmDocs, open, done int
		for _, f := range pms {
			if !strings.HasSuffix(f, ".md") || incident.IDFromFileName(filepath.Base(f)) == "" {
				continue
			}
			pmDocs++
			src, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			d, err := postmortem.Parse(f, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Problems) > 0 || len(d.Meta.Followups) == 0 || d.Meta.Incident != incident.IDFromFileName(filepath.Base(f)) {
				t.Fatalf("%s: problems %v, %d follow-ups, incident %s", f, d.Problems, len(d.Meta.Followups), d.Meta.Incident)
			}
			if nd, err := d.RefreshBlock(); err != nil || !bytes.Equal(nd.Src, src) {
				t.Fatalf("%s: the follow-ups block is not current (%v)", f, err)
			}
			for _, fu := range d.Meta.Followups {
				if fu.Done {
					done++
				} else {
					open++
				}
			}
		}
		resolved := o.Incidents - len(m.Open)
		if !o.Postmortems && pmDocs != 0 || o.Postmortems && (pmDocs < resolved/7 || pmDocs > resolved/3 || done < 2*open || open == 0 && o.Years == 1) {
			t.Errorf("%d postmortems of %d resolved incidents, %d follow-ups open, %d done", pmDocs, resolved, open, done)
		}
		ws, err := workspace.Open(dir, func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) })
		if err != nil {
			t.Fatal(err)
		}
		if fus, errs, err := ws.Followups(workspace.FollowupFilter{}); err != nil || len(errs) > 0 || len(fus) != open+done {
			t.Errorf("followup list: %d follow-ups (%v, %v), want %d", len(fus), errs, err, open+done)
		}
		res, err := lint.Run(lint.Options{Root: dir, Config: config.Default(), Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Documents != o.Incidents+pmDocs || len(res.Findings) > 0 {
			t.Errorf("lint: %d documents, findings %v", res.Documents, res.Findings[:min(5, len(res.Findings))])
		}
	}
}

// The same options give the same repository; another seed another one.
func TestDeterministic(t *testing.T) {
	isolateGit(t)
	tip := func(seed uint64) string {
		m, err := Generate(filepath.Join(t.TempDir(), "r"), Options{Incidents: 200, Unrelated: 20, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		return m.Tip
	}
	a, b, c := tip(9), tip(9), tip(10)
	if a != b || a == c {
		t.Errorf("tips: seed 9 %s and %s, seed 10 %s", a, b, c)
	}
}

func TestPlainSafeAgreesWithYAML(t *testing.T) {
	texts := []string{"checkout-api returns 500s", "30% of users", "a: b", "yes", "Null", "x #y", "rolled back deploy 12 (eu)",
		"ends with colon:", "2026", "a  b", "payments, then login", "-x", "a/b_c.d", "Off", "x: ", "NaN"}
	for _, p := range append(notes, append(impacts, resolutions...)...) {
		texts = append(texts, strings.ReplaceAll(strings.ReplaceAll(p, "%d", "17"), "%s", "checkout-api"))
	}
	safe := 0
	for _, s := range texts {
		var fast bytes.Buffer
		yamlCache{}.str(&fast, "k", s)
		if want := encodeYAML("k", s); fast.String() != string(want) {
			t.Errorf("%q: written %q, the encoder writes %q", s, fast.String(), want)
		}
		if plainSafe(s) {
			safe++
		}
	}
	if safe < len(texts)/2 {
		t.Errorf("only %d of %d texts take the fast path", safe, len(texts))
	}
}

func mustAtoi(t *testing.T, s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
