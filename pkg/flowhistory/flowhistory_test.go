package flowhistory

import (
	"math/rand"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTrailersAndCites(t *testing.T) {
	msg := "flow: page the database team on a failover\n\nWhat the postmortem found.\n\nIncident: 260917-x31y2\nPostmortem: postmortems/2026/09/261001-abcde-other.md\nSigned-off-by: A <a@example.com>\n"
	tr := Trailers(msg)
	if len(tr) != 3 || tr[0] != (Trailer{"Incident", "260917-x31y2"}) || tr[2].Key != "Signed-off-by" {
		t.Errorf("Trailers = %+v", tr)
	}
	c := Cites(msg)
	if strings.Join(c.Incidents, ",") != "260917-x31y2,261001-abcde" || len(c.Postmortems) != 1 || c.Empty() {
		t.Errorf("Cites = %+v", c)
	}
	for _, m := range []string{
		"subject only\n",
		"Incident: 260917-x31y2\n", // a subject, not a trailer
		"flow: x\n\nIncident: 260917-x31y2\nthis line is prose\n",
		"flow: x\n\nIncident: not-an-id\n",
		"flow: x\n\nSee 260917-x31y2 for why.\n",
	} {
		if c := Cites(m); !c.Empty() {
			t.Errorf("Cites(%q) = %+v", m, c)
		}
	}
	if c := Cites("flow: x\n\nincident: 260917-x31y2, 261001-abcde\n"); len(c.Incidents) != 2 {
		t.Errorf("two incidents in one trailer, key in lower case: %+v", c)
	}
	if c := Cites("flow: x\n\nPostmortem: https://wiki.example.com/pm/42\n"); c.Empty() || len(c.Incidents) != 0 {
		t.Errorf("a postmortem URL: %+v", c)
	}
}

func day(d int) time.Time { return time.Date(2026, 9, d, 12, 0, 0, 0, time.UTC) }

func TestCount(t *testing.T) {
	changes := []Change{ // newest first
		{Commit: "c4", Date: day(20), Template: "A"}, // a revert back to A
		{Commit: "c3", Date: day(15), Template: "B"}, // severities only: same action list as c2
		{Commit: "c2", Date: day(10), Template: "B"},
		{Commit: "c1", Date: day(1), Template: "A"},
	}
	rest := Count(changes, []Declared{
		{"i1", day(5), "A"}, {"i2", day(12), "B"}, {"i3", day(16), "B"}, {"i4", day(25), "A"},
		{"i5", day(9), "B"},         // before c2's date (a laptop's clock): counted with c2
		{"i6", day(3), "builtin:X"}, // before templates/ existed
	})
	got := make([]string, len(changes))
	for i, c := range changes {
		got[i] = c.Commit + "=" + strconv.Itoa(c.Declared) + strings.Join(c.DeclaredIDs(), "+")
	}
	if s := strings.Join(got, " "); s != "c4=1i4 c3=1i3 c2=2i2+i5 c1=1i1" {
		t.Errorf("Count = %s", s)
	}
	if len(rest) != 1 || rest[0].ID != "i6" {
		t.Errorf("rest = %+v", rest)
	}
}

func TestDiff(t *testing.T) {
	a := "# Flow\n\n- [ ] one\n- [ ] two\n- [ ] three\n\n## Later\n\n- [ ] four\n- [ ] five\n- [ ] six\n- [ ] seven\n- [ ] eight\n"
	b := "# Flow\n\n- [ ] one\n- [ ] two and a half\n- [ ] three\n\n## Later\n\n- [ ] four\n- [ ] five\n- [ ] six\n- [ ] seven\n- [ ] eight\n- [ ] nine\n"
	want := `--- a/flow.md
+++ b/flow.md
@@ -1,7 +1,7 @@
 # Flow
 
 - [ ] one
-- [ ] two
+- [ ] two and a half
 - [ ] three
 
 ## Later
@@ -11,3 +11,4 @@
 - [ ] six
 - [ ] seven
 - [ ] eight
+- [ ] nine
`
	if got := Diff("a/flow.md", "b/flow.md", []byte(a), []byte(b)); got != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", got, want)
	}
	if Diff("a", "b", []byte(a), []byte(a)) != "" {
		t.Error("equal texts have a diff")
	}
	if got := Diff("a", "b", []byte("x"), []byte("x\n")); !strings.Contains(got, "-x\n\\ No newline at end of file\n+x\n") {
		t.Errorf("no newline at the end:\n%s", got)
	}
}

// TestDiffApplies applies random diffs back: the result must be the new text.
func TestDiffApplies(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	words := []string{"a", "b", "c", "d", ""}
	gen := func() string {
		var b strings.Builder
		for range rng.Intn(30) {
			b.WriteString(words[rng.Intn(len(words))] + "\n")
		}
		if rng.Intn(4) == 0 {
			b.WriteString("end")
		}
		return b.String()
	}
	for n := range 2000 {
		a, b := gen(), gen()
		d := Diff("a", "b", []byte(a), []byte(b))
		if got := apply(t, a, d); got != b {
			t.Fatalf("case %d: applying the diff of\n%q\nto\n%q\ngives\n%q\n%s", n, a, b, got, d)
		}
	}
}

func apply(t *testing.T, a, d string) string {
	if d == "" {
		return a
	}
	src := splitLines(a)
	var out []line
	pos := 0
	lines := strings.Split(strings.TrimSuffix(d, "\n"), "\n")[2:]
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		if strings.HasPrefix(l, "@@") {
			var as, al int
			f := strings.Fields(l)[1][1:]
			if s, n, ok := strings.Cut(f, ","); ok {
				as, _ = strconv.Atoi(s)
				al, _ = strconv.Atoi(n)
			} else {
				as, _ = strconv.Atoi(f)
				al = 1
			}
			start := as - 1
			if al == 0 {
				start = as
			}
			out = append(out, src[pos:start]...)
			pos = start
			continue
		}
		noEOL := i+1 < len(lines) && lines[i+1] == `\ No newline at end of file`
		switch l[0] {
		case ' ':
			out = append(out, src[pos])
			pos++
		case '-':
			pos++
		case '+':
			out = append(out, line{text: l[1:], noEOL: noEOL})
		case '\\':
		default:
			t.Fatalf("bad diff line %q", l)
		}
	}
	out = append(out, src[pos:]...)
	var b strings.Builder
	for _, l := range out {
		b.WriteString(l.text)
		if !l.noEOL {
			b.WriteString("\n")
		}
	}
	return b.String()
}
