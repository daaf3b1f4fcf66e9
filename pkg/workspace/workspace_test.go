package workspace

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/secret"
)

var jst = time.FixedZone("JST", 9*3600)

func clock() time.Time { return time.Date(2026, 11, 23, 11, 0, 0, 0, jst) }

// newRepo makes a real git repository with incidentctl initialised, isolated from the user's
// git configuration.
func newRepo(t *testing.T) *Workspace {
	t.Helper()
	dir := t.TempDir()
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	git(t, dir, "init", "-q", "-b", "main")
	git(t, dir, "config", "user.name", "Alice")
	git(t, dir, "config", "user.email", "alice@example.com")
	w, err := Open(dir, clock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Init(); err != nil {
		t.Fatal(err)
	}
	return w
}

func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func TestDeclareUpdateClose(t *testing.T) {
	w := newRepo(t)
	res, err := w.Declare(Declaration{Title: "Checkout fails", Severity: "2", At: clock().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if !incident.ValidID(res.ID) || !strings.HasPrefix(res.Path, "incidents/2026/11/"+res.ID+"-checkout-fails") || len(res.Commit) != 40 {
		t.Fatalf("result = %+v", res)
	}
	if res.Doc.Meta.Commander != "Alice" || res.Doc.Meta.Severity != "SEV2" {
		t.Errorf("meta = %+v", res.Doc.Meta)
	}
	status := "mitigated"
	sev := "SEV1"
	up, err := w.Update(res.ID[7:], Change{Status: &status, Severity: &sev, Roles: []incident.Role{{Name: "comms", Holder: "bob"}}, Log: "rolled back"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := up.Doc.Meta
	if m.Status != "mitigated" || m.MitigatedAt == nil || !m.MitigatedAt.Equal(clock()) || m.Severity != "SEV1" || m.Roles.Get("comms") != "bob" {
		t.Errorf("after update: %+v", m)
	}
	if got := git(t, w.Root(), "log", "-1", "--format=%s"); !strings.HasPrefix(got, res.ID+": severity SEV2 → SEV1") {
		t.Errorf("commit subject %q", got)
	}
	if _, err := w.Close(res.ID, "rolled back", false, Options{}); err == nil || !strings.Contains(err.Error(), "required at SEV1 not checked") {
		t.Fatalf("close without force: %v", err)
	}
	cl, err := w.Close(res.ID, "rolled back", true, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if cl.Doc.Meta.Status != "resolved" || cl.Doc.Meta.Resolution != "rolled back" {
		t.Errorf("after close: %+v", cl.Doc.Meta)
	}
	if out := git(t, w.Root(), "status", "--porcelain"); out != "" {
		t.Errorf("git status after the changes:\n%s", out)
	}
	git(t, w.Root(), "fsck", "--strict")
}

func TestNothingToChange(t *testing.T) {
	w := newRepo(t)
	res, err := w.Declare(Declaration{Title: "x", Severity: "SEV3"})
	if err != nil {
		t.Fatal(err)
	}
	sev := "SEV3"
	if _, err := w.Update(res.ID, Change{Severity: &sev}, Options{}); !errors.Is(err, ErrNothingToChange) {
		t.Errorf("same severity: %v, want ErrNothingToChange", err)
	}
}

func TestFind(t *testing.T) {
	w := newRepo(t)
	dir := filepath.Join(w.Root(), "incidents", "2026", "11")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"261120-aaaa1-a.md", "261121-aaab2-b.md", "261121-zzzz9.md", "notes.md", "261121-aaab2-b.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for ref, want := range map[string]string{
		"261120-aaaa1": "261120-aaaa1", "aaaa": "261120-aaaa1", "AAAB": "261121-aaab2", "z": "261121-zzzz9",
		"261120": "261120-aaaa1", filepath.Join(dir, "261121-zzzz9.md"): "261121-zzzz9",
	} {
		e, err := w.Find(ref)
		if err != nil || e.ID != want {
			t.Errorf("Find(%q) = %+v, %v; want %s", ref, e, err, want)
		}
	}
	for ref, want := range map[string]string{
		"aaa":    `"aaa" is ambiguous: it matches 2 incidents`,
		"261121": `"261121" is ambiguous`,
		"q":      `no incident matches "q"`,
		"":       "no incident given",
	} {
		if _, err := w.Find(ref); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Find(%q) error = %v, want %q", ref, err, want)
		}
	}
	entries, err := w.Entries()
	if err != nil || len(entries) != 3 {
		t.Errorf("Entries = %+v, %v; want the 3 files named by an ID", entries, err)
	}
}

// TestCommitMessage: one short subject, no title and no body repeating free text, and a
// suspected secret masked even when a person allowed it into the document.
func TestCommitMessage(t *testing.T) {
	sc := secret.Default
	short := commitMessage(sc, "261123-k7xqm", "log: rolled back")
	if short != "261123-k7xqm: log: rolled back\n" {
		t.Errorf("short message = %q", short)
	}
	long := commitMessage(sc, "261123-k7xqm", strings.Repeat("word ", 30))
	if subject, rest, _ := strings.Cut(long, "\n"); len([]rune(subject)) != 72 || !strings.HasSuffix(subject, "…") || rest != "" {
		t.Errorf("long message = %q", long)
	}
	tok := "ghp_" + strings.Repeat("0A1b", 9)
	if msg := commitMessage(sc, "261123-k7xqm", "log: token "+tok+" leaked"); strings.Contains(msg, tok[4:]) || !strings.Contains(msg, "[redacted: ghp_…, 40 characters]") {
		t.Errorf("message with a token = %q", msg)
	}
}
