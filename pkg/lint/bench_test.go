package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// corpusDoc builds one realistic document through the format's own API: the default flow's
// action list at SEV2, a dozen log entries, a few checked actions, resolved with a postmortem.
func corpusDoc(t testing.TB) *incident.Document {
	t.Helper()
	at := time.Date(2026, 10, 1, 10, 2, 0, 0, time.FixedZone("", 9*3600))
	m := incident.Meta{ID: "261001-aaaaa", Title: "Checkout API returns 500s", Severity: "SEV2",
		Status: incident.StatusInvestigating, Commander: "alice", Impact: "30% of checkouts fail",
		DeclaredAt: at, Template: "903ebdd42c226855aee3504eb042db723be969bf"}
	d, err := incident.New("incidents/2026/10/261001-aaaaa-checkout-api-returns-500s.md", m, sev2Actions,
		incident.LogEntry{At: at, Author: "alice", Text: "Declared SEV2: Checkout API returns 500s; commander alice"})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"paged on-call (bob)", "error rate 31% on checkout-api since deploy 4812", "rolled back deploy 4812",
		"error rate back to 0.2%", "announced on the status page", "support briefed", "root cause: connection pool limit halved by config change",
		"status investigating → mitigated", "verified recovery for 30 minutes", "status mitigated → resolved: rolled back deploy 4812",
		"postmortem: https://wiki.example.com/postmortems/261001-aaaaa"}
	for i, txt := range texts {
		if d, err = d.AppendLog(incident.LogEntry{At: at.Add(time.Duration(i+1) * 4 * time.Minute), Author: "bob", Text: txt}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range d.Actions {
		if d, err = d.Check(i); err != nil {
			t.Fatal(err)
		}
	}
	res := at.Add(50 * time.Minute)
	mit := at.Add(16 * time.Minute)
	for _, step := range []func() (*incident.Document, error){
		func() (*incident.Document, error) { return d.SetTime(incident.KeyMitigatedAt, &mit) },
		func() (*incident.Document, error) { return d.SetTime(incident.KeyResolvedAt, &res) },
		func() (*incident.Document, error) { return d.SetString(incident.KeyStatus, incident.StatusResolved) },
		func() (*incident.Document, error) {
			return d.SetString(incident.KeyResolution, "rolled back deploy 4812")
		},
		func() (*incident.Document, error) { return d.RefreshStatus() },
	} {
		if d, err = step(); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

const sev2Actions = `### Declare

- [ ] Name the incident commander (IC) and tell the war room who it is <!-- required: SEV1 SEV2 SEV3 SEV4 -->
- [ ] Decide the severity from the definitions (` + "`incidentctl severities`" + `) <!-- required: SEV1 SEV2 SEV3 SEV4 -->
- [ ] Open the war room channel and post the link to this document <!-- required: SEV1 SEV2 SEV3 -->
- [ ] Page the on-call engineer <!-- required: SEV1 SEV2 --> <!-- due: 5m SEV1 SEV2 -->

### Assess

- [ ] Assess the impact: who is affected, which features, since when <!-- required: SEV1 SEV2 SEV3 SEV4 -->
- [ ] Read ahead to the worst case: what if this gets worse or lasts for hours? <!-- required: SEV1 SEV2 -->
- [ ] Assign roles: the IC decides, others investigate and communicate
- [ ] Release the people who are not needed for the response
- [ ] IC check: am I overwhelmed? If someone else fits better, hand over command

### Communicate

- [ ] Announce to users and customer support <!-- required: SEV1 SEV2 --> <!-- due: 30m SEV1 SEV2 -->
- [ ] Post status updates at a regular interval (every 30 minutes)

### Mitigate and recover

- [ ] Mitigate first, find the root cause later (roll back, fail over, turn the feature off) <!-- required: SEV1 SEV2 SEV3 -->
- [ ] Verify recovery: error rate and latency are back to normal <!-- required: SEV1 SEV2 SEV3 SEV4 -->
- [ ] Announce recovery to users and customer support <!-- required: SEV1 SEV2 -->

### Follow up

- [ ] Schedule the postmortem <!-- required: SEV1 SEV2 -->
- [ ] Propose changes to this action list from what the postmortem found
`

// writeCorpus writes n documents like corpusDoc's under dir/incidents, each with its own ID,
// title and times, spread over month folders.
func writeCorpus(t testing.TB, dir string, n int) {
	t.Helper()
	src := string(corpusDoc(t).Src)
	const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		day := start.AddDate(0, 0, i/8)
		var rnd [5]byte
		for k, v := 4, i; k >= 0; k-- {
			rnd[k] = alphabet[v%32]
			v /= 32
		}
		id := day.Format("060102") + "-" + string(rnd[:])
		title := "Checkout API returns 500s " + strconv.Itoa(i)
		doc := strings.NewReplacer("261001-aaaaa", id, "2026-10-01T", day.Format("2006-01-02T"),
			"Checkout API returns 500s", title, "aaaaa", string(rnd[:])).Replace(src)
		rel := filepath.Join("incidents", incident.RelPath(id, title, day))
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestWriteCorpus writes a corpus for timing the command:
//
//	INCIDENTCTL_CORPUS=/tmp/corpus INCIDENTCTL_CORPUS_N=10000 go test -run TestWriteCorpus ./pkg/lint/
func TestWriteCorpus(t *testing.T) {
	dir := os.Getenv("INCIDENTCTL_CORPUS")
	if dir == "" {
		t.Skip("set INCIDENTCTL_CORPUS to a folder to write a corpus there")
	}
	n, _ := strconv.Atoi(os.Getenv("INCIDENTCTL_CORPUS_N"))
	if n == 0 {
		n = 10000
	}
	writeCorpus(t, dir, n)
}

func TestCorpusIsClean(t *testing.T) {
	dir := t.TempDir()
	writeCorpus(t, dir, 40)
	res, err := Run(Options{Root: dir, Config: config.Default(), Now: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if res.Documents != 40 || len(res.Findings) != 0 {
		t.Fatalf("%d documents, findings: %v", res.Documents, res.Findings)
	}
}

// BenchmarkLint10k lints 10,000 documents (go test -bench Lint10k -cpu 2 ./pkg/lint/).
func BenchmarkLint10k(b *testing.B) {
	dir := b.TempDir()
	writeCorpus(b, dir, 10000)
	opts := Options{Root: dir, Config: config.Default(), Now: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)}
	for b.Loop() {
		res, err := Run(opts)
		if err != nil || res.Documents != 10000 || len(res.Findings) != 0 {
			b.Fatalf("%v %d %v", err, res.Documents, fmt.Sprint(res.Findings[:min(3, len(res.Findings))]))
		}
	}
}

// writeSynth writes n generated documents (their final versions) under dir, as the
// benchmark repositories hold them.
func writeSynth(t testing.TB, dir string, n int) {
	t.Helper()
	g, err := synth.NewGenerator(synth.Options{Incidents: n, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range g.Len() {
		p, src := g.Document(i, -1)
		abs := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(abs, src, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// BenchmarkLintSynth lints 2,000 generated documents; us/doc is the CPU-bound cost per
// document with every core working (go test -bench LintSynth -cpu 2 ./pkg/lint/).
func BenchmarkLintSynth(b *testing.B) {
	const n = 2000
	dir := b.TempDir()
	writeSynth(b, dir, n)
	opts := Options{Root: dir, Config: config.Default(), Now: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	for b.Loop() {
		res, err := Run(opts)
		if err != nil || res.Documents != n || len(res.Findings) != 0 {
			b.Fatalf("%v %d %v", err, res.Documents, fmt.Sprint(res.Findings[:min(3, len(res.Findings))]))
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "us/doc")
}

// BenchmarkLintDir lints the repository in $INCIDENTCTL_LINT_DIR (a clone of a benchmark
// repository) with no result cache, as the first lint after a clone does; for profiling:
//
//	INCIDENTCTL_LINT_DIR=/tmp/c1 go test -run '^$' -bench LintDir -benchtime 1x -cpuprofile cpu.out ./pkg/lint/
func BenchmarkLintDir(b *testing.B) {
	dir := os.Getenv("INCIDENTCTL_LINT_DIR")
	if dir == "" {
		b.Skip("set INCIDENTCTL_LINT_DIR to a repository to lint")
	}
	cfg, err := config.Load(dir)
	if err != nil {
		b.Fatal(err)
	}
	// A result cache as the command keeps one, removed before each run (the first lint after a
	// clone writes it).
	opts := Options{Root: dir, Config: cfg, Now: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC), Cache: b.TempDir()}
	defer debug.SetGCPercent(debug.SetGCPercent(400)) // as the command sets it
	for b.Loop() {
		if err := os.Remove(filepath.Join(opts.Cache, "lint")); err != nil && !os.IsNotExist(err) {
			b.Fatal(err)
		}
		res, err := Run(opts)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.Documents), "docs")
	}
}
