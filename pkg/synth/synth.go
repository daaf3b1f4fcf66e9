// Package synth generates synthetic incident repositories for benchmarks: N incidents written in
// the real document format with realistic logs, a history of M commits, and optionally K
// unrelated files, all determined by a seed. The history is streamed into `git fast-import`, so
// a repository of 100,000 incidents takes about a minute.
//
// Every incident is a list of events, each one command a responder runs (new, log, update,
// close), and every version in the history is rendered from the state after some of those events
// in exactly the bytes incidentctl writes (the tests replay the events through pkg/incident's
// edits and compare).
package synth

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/scaffold"
	incsync "github.com/incidentctl/incidentctl/pkg/sync"
)

// Options describes a repository to generate.
type Options struct {
	Incidents int // N: incident documents
	// Commits is M, the number of commits in the history, the initial one (scaffold and
	// unrelated files) included. 0 means one commit per incident plus the initial one. With
	// fewer commits than incidents, several incidents are recorded per commit; with more,
	// incidents get intermediate versions (declared, partway, final).
	Commits   int
	Unrelated int    // K: files outside incidents/ (code, runbooks, dashboards)
	Seed      uint64 // the same seed gives the same repository, byte for byte
	// Years is how far back the first declaration lies before End (default 10).
	Years int
	// End is when the last incident was declared (default 2026-11-01T00:00:00Z).
	End time.Time
	// OpenFraction of the incidents, the most recently declared ones, are still open
	// (default 0.002, at least 3 when there are that many incidents).
	OpenFraction float64
	// Postmortems: a share of the resolved incidents has a postmortem with follow-ups
	// (postmortem.go).
	Postmortems bool
	// Progress receives a line per phase; nil keeps quiet.
	Progress io.Writer
}

// Defaults fills in the zero fields.
func (o Options) Defaults() Options {
	if o.Commits <= 0 {
		o.Commits = o.Incidents + 1
	}
	if o.Years <= 0 {
		o.Years = 10
	}
	if o.End.IsZero() {
		o.End = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.OpenFraction <= 0 {
		o.OpenFraction = 0.002
	}
	return o
}

// Entry is one generated incident.
type Entry struct {
	ID   string `json:"id"`
	Path string `json:"path"`
	// UniqueRandom: no other incident has the same random part, so it alone finds this one.
	UniqueRandom bool `json:"unique_random"`
}

// Manifest describes a generated repository; Generate writes it to .git/incidentgen.json.
type Manifest struct {
	Incidents int    `json:"incidents"`
	Commits   int    `json:"commits"`
	Unrelated int    `json:"unrelated"`
	Seed      uint64 `json:"seed"`
	Tip       string `json:"tip"` // the generated branch's last commit
	Branch    string `json:"branch"`
	// Open lists the open incidents; Resolved a sample of resolved ones whose random part is
	// unique in the repository (so the five letters alone find them).
	Open     []Entry `json:"open"`
	Resolved []Entry `json:"resolved"`
	Seconds  float64 `json:"seconds"` // how long generating took
}

// ManifestFile is where Generate leaves the manifest, relative to the repository root.
const ManifestFile = ".git/incidentgen.json"

// ReadManifest reads the manifest of a generated repository.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", filepath.Join(dir, ManifestFile), err)
	}
	return &m, nil
}

// incidentInfo is what the generator keeps per incident between its two passes.
type incidentInfo struct {
	id       string
	declared time.Time
	open     bool
	path     string
}

// commitPlan is one commit of the history: versions of one or more incidents.
type commitPlan struct {
	at       time.Time
	versions []version
}

type version struct {
	incident int
	k        int // events applied; -1 means all of them
}

// Generator renders the incidents of one seed; Generate uses it, and tests use it to check the
// documents.
type Generator struct {
	opts      Options
	flow      *flow
	incidents []incidentInfo
}

// NewGenerator draws the incidents' IDs, times and places.
func NewGenerator(opts Options) (*Generator, error) {
	opts = opts.Defaults()
	if opts.Incidents < 0 {
		return nil, fmt.Errorf("the number of incidents cannot be negative")
	}
	f, err := newFlow()
	if err != nil {
		return nil, err
	}
	g := &Generator{opts: opts, flow: f}
	r := rand.New(rand.NewPCG(opts.Seed, 0x1d))
	start := opts.End.AddDate(-opts.Years, 0, 0)
	span := opts.End.Unix() - start.Unix()
	times := make([]int64, opts.Incidents)
	for i := range times {
		times[i] = start.Unix() + r.Int64N(span)
	}
	slices.Sort(times)
	open := int(float64(opts.Incidents) * opts.OpenFraction)
	if open < 3 {
		open = min(3, opts.Incidents)
	}
	ids := make(map[string]bool, opts.Incidents)
	g.incidents = make([]incidentInfo, opts.Incidents)
	for i, t := range times {
		at := time.Unix(t, 0).In(zones[r.IntN(len(zones))])
		var id string
		for {
			var rnd [incident.IDRandomLen]byte
			for k := range rnd {
				rnd[k] = idAlphabet[r.IntN(len(idAlphabet))]
			}
			id = at.UTC().Format("060102") + "-" + string(rnd[:])
			if !ids[id] {
				break
			}
		}
		ids[id] = true
		g.incidents[i] = incidentInfo{id: id, declared: at, open: i >= opts.Incidents-open}
	}
	return g, nil
}

const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// plan draws incident i's life; it depends only on the seed and i.
func (g *Generator) plan(i int) *plan {
	inc := g.incidents[i]
	r := rand.New(rand.NewPCG(g.opts.Seed, uint64(i)+1))
	return g.flow.newPlan(r, inc.id, inc.declared, inc.open)
}

// path is where incident i lives in the repository.
func (g *Generator) path(i int, p *plan) string {
	if g.incidents[i].path == "" {
		g.incidents[i].path = path.Join("incidents", incident.RelPath(p.meta.ID, p.meta.Title, p.meta.DeclaredAt))
	}
	return g.incidents[i].path
}

// Document returns incident i's path and content after its first k events (-1: all).
func (g *Generator) Document(i, k int) (string, []byte) {
	p := g.plan(i)
	if k < 0 || k > len(p.events) {
		k = len(p.events)
	}
	return g.path(i, p), g.flow.render(g.flow.stateAt(p, k), &yamlCache{})
}

// Len is the number of incidents.
func (g *Generator) Len() int { return len(g.incidents) }

// commits plans the history: which versions each commit records, in time order.
func (g *Generator) commits() []commitPlan {
	n := len(g.incidents)
	c := g.opts.Commits - 1 // the first commit is the scaffold
	var out []commitPlan
	if n == 0 {
		return nil
	}
	if c < n {
		c = max(c, 1)
		out = make([]commitPlan, c)
		for i := range g.incidents {
			p := g.plan(i)
			g.path(i, p)
			j := i * c / n
			out[j].versions = append(out[j].versions, version{incident: i, k: -1})
			at := p.meta.DeclaredAt
			if len(p.events) > 0 {
				at = p.events[len(p.events)-1].at
			}
			if at.After(out[j].at) {
				out[j].at = at
			}
		}
		return out
	}
	extra := c - n
	for i := range g.incidents {
		p := g.plan(i)
		g.path(i, p)
		e := len(p.events)
		ci := 1 + extra/n
		if i < extra%n {
			ci++
		}
		ci = min(ci, e+1)
		for j := 0; j < ci; j++ {
			k := e
			if ci > 1 {
				k = e * j / (ci - 1)
			}
			at := p.meta.DeclaredAt
			if k > 0 {
				at = p.events[k-1].at
			}
			out = append(out, commitPlan{at: at, versions: []version{{incident: i, k: k}}})
		}
	}
	slices.SortStableFunc(out, func(a, b commitPlan) int { return a.at.Compare(b.at) })
	return out
}

// Generate creates a repository in dir (which must not exist or be empty) and returns its
// manifest. It needs git on the PATH.
func Generate(dir string, opts Options) (*Manifest, error) {
	began := time.Now()
	opts = opts.Defaults()
	progress := func(format string, args ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, "incidentgen: "+format+"\n", args...)
		}
	}
	if des, err := os.ReadDir(dir); err == nil && len(des) > 0 {
		return nil, fmt.Errorf("%s is not empty: generate into a new folder", dir)
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, err
	}
	g, err := NewGenerator(opts)
	if err != nil {
		return nil, err
	}
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"config", "user.name", "bench"},
		{"config", "user.email", "bench@example.com"},
		{"config", "gc.auto", "0"}, // no background repacking in the middle of a measurement
		{"config", "commit.gpgSign", "false"},
	} {
		if err := git(dir, nil, args...); err != nil {
			return nil, err
		}
	}
	plans := g.commits()
	progress("%d incidents, %d commits, %d unrelated files: writing the history", g.Len(), len(plans)+1, opts.Unrelated)

	cmd := exec.Command("git", "fast-import", "--quiet", "--done")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("git fast-import: %v", err)
	}
	werr := g.writeStream(stdin, plans)
	stdin.Close()
	if err := cmd.Wait(); err != nil {
		return nil, fmt.Errorf("git fast-import: %v: %s", err, stderr.String())
	}
	if werr != nil {
		return nil, werr
	}
	progress("checking out the working tree")
	if err := git(dir, nil, "reset", "-q", "--hard"); err != nil {
		return nil, err
	}
	tip, err := gitOutput(dir, "rev-parse", "HEAD")
	if err != nil {
		return nil, err
	}
	if err := registerMergeDriver(dir); err != nil {
		return nil, err
	}
	m := &Manifest{Incidents: g.Len(), Commits: len(plans) + 1, Unrelated: opts.Unrelated, Seed: opts.Seed,
		Tip: strings.TrimSpace(tip), Branch: "main"}
	g.fillManifest(m)
	m.Seconds = time.Since(began).Seconds()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o666); err != nil {
		return nil, err
	}
	progress("done in %.1fs", m.Seconds)
	return m, nil
}

// fillManifest lists the open incidents (those whose random part is unique first) and up to
// 200 resolved ones with a unique random part.
func (g *Generator) fillManifest(m *Manifest) {
	randomCount := map[string]int{}
	for _, inc := range g.incidents {
		randomCount[inc.id[7:]]++
	}
	m.Open, m.Resolved = []Entry{}, []Entry{}
	var resolved []Entry
	for _, inc := range g.incidents {
		e := Entry{ID: inc.id, Path: inc.path, UniqueRandom: randomCount[inc.id[7:]] == 1}
		switch {
		case inc.open:
			m.Open = append(m.Open, e)
		case e.UniqueRandom:
			resolved = append(resolved, e)
		}
	}
	slices.SortStableFunc(m.Open, func(a, b Entry) int {
		if a.UniqueRandom == b.UniqueRandom {
			return 0
		}
		if a.UniqueRandom {
			return -1
		}
		return 1
	})
	r := rand.New(rand.NewPCG(g.opts.Seed, 0x5a))
	r.Shuffle(len(resolved), func(i, j int) { resolved[i], resolved[j] = resolved[j], resolved[i] })
	m.Resolved = resolved[:min(200, len(resolved))]
}

// NewDocument renders a freshly declared incident (what `incidentctl new` writes with the
// built-in flow), for a reference side that creates the file by hand.
func NewDocument(id, title, sev, author string, at time.Time) (path string, content []byte, err error) {
	f, err := newFlow()
	if err != nil {
		return "", nil, err
	}
	if _, ok := f.bySev[sev]; !ok {
		return "", nil, fmt.Errorf("unknown severity %q", sev)
	}
	m := incident.Meta{ID: id, Title: title, Severity: sev, Status: incident.StatusInvestigating, Commander: author,
		DeclaredAt: at.Truncate(time.Second), Template: f.templateID}
	return "incidents/" + incident.RelPath(id, title, at), f.render(f.declared(m, author), &yamlCache{}), nil
}

// writeStream renders the commits on every core and writes them in order.
func (g *Generator) writeStream(w io.Writer, plans []commitPlan) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	start := g.opts.End.AddDate(-g.opts.Years, 0, -1)
	if len(plans) > 0 && plans[0].at.Before(start) {
		start = plans[0].at.Add(-time.Hour)
	}
	fmt.Fprintf(bw, "commit refs/heads/main\n")
	sig := fmt.Sprintf("bench <bench@example.com> %d +0000", start.Unix())
	fmt.Fprintf(bw, "author %s\ncommitter %s\n", sig, sig)
	msg := "incidentctl init: scaffold the incident response flow\n"
	fmt.Fprintf(bw, "data %d\n%s", len(msg), msg)
	for _, f := range scaffold.Files(config.Default()) {
		inline(bw, f.Path, f.Content)
	}
	unrelated(bw, g.opts.Seed, g.opts.Unrelated)
	bw.WriteString("\n")

	// Render in chunks on every core; write the chunks in order.
	const chunk = 256
	nchunks := (len(plans) + chunk - 1) / chunk
	type result struct {
		b   []byte
		err error
	}
	results := make([]chan result, nchunks)
	for i := range results {
		results[i] = make(chan result, 1)
	}
	work := make(chan int)
	window := make(chan struct{}, 4*runtime.GOMAXPROCS(0)) // chunks rendered but not yet written
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			enc := &yamlCache{}
			for c := range work {
				var b bytes.Buffer
				var err error
				for _, cp := range plans[c*chunk : min((c+1)*chunk, len(plans))] {
					if err = g.writeCommit(&b, cp, enc); err != nil {
						break
					}
				}
				results[c] <- result{b.Bytes(), err}
			}
		})
	}
	go func() {
		// At most a few chunks ahead of the writer: memory stays small.
		for c := 0; c < nchunks; c++ {
			window <- struct{}{}
			work <- c
		}
		close(work)
	}()
	var err error
	for c := range nchunks {
		res := <-results[c]
		<-window
		if err == nil {
			err = res.err
		}
		if err == nil {
			_, err = bw.Write(res.b)
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	bw.WriteString("done\n")
	return bw.Flush()
}

func (g *Generator) writeCommit(b *bytes.Buffer, cp commitPlan, enc *yamlCache) error {
	type file struct {
		path    string
		content []byte
	}
	var files []file
	var subject, title, author string
	for _, v := range cp.versions {
		p := g.plan(v.incident)
		k := v.k
		if k < 0 || k > len(p.events) {
			k = len(p.events)
		}
		src := g.flow.render(g.flow.stateAt(p, k), enc)
		files = append(files, file{g.path(v.incident, p), src})
		if k == len(p.events) {
			rel, pm, ok, err := g.postmortemOf(v.incident, p, src)
			if err != nil {
				return fmt.Errorf("the postmortem of %s: %v", p.meta.ID, err)
			}
			if ok {
				files = append(files, file{rel, pm})
			}
		}
		if subject == "" {
			subject, title, author = p.meta.ID+": "+g.flow.summary(p, k), p.meta.Title, p.author
			if k > 0 {
				author = p.events[k-1].author
			}
		}
	}
	msg := commitMessage(subject, title)
	if len(cp.versions) > 1 {
		msg = fmt.Sprintf("Record %d incidents\n", len(cp.versions))
	}
	sig := fmt.Sprintf("%s <%s@example.com> %d %s", author, author, cp.at.Unix(), cp.at.Format("-0700"))
	fmt.Fprintf(b, "commit refs/heads/main\nauthor %s\ncommitter %s\ndata %d\n%s", sig, sig, len(msg), msg)
	for _, f := range files {
		inline(b, f.path, f.content)
	}
	b.WriteString("\n")
	return nil
}

// commitMessage follows incidentctl's: "<id>: <change>" cut at 72 characters, then the title.
func commitMessage(subject, title string) string {
	subject = incident.OneLine(subject)
	body := "Incident: " + incident.OneLine(title)
	if r := []rune(subject); len(r) > 72 {
		full := subject
		_, change, _ := strings.Cut(full, ": ")
		subject = string(r[:71]) + "…"
		body = change + "\n\n" + body
	}
	return subject + "\n\n" + body + "\n"
}

func inline(w io.Writer, p string, content []byte) {
	fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", p, len(content))
	w.Write(content)
	io.WriteString(w, "\n")
}

// unrelated writes k files that are not incidents: code, runbooks, infrastructure, dashboards.
func unrelated(w io.Writer, seed uint64, k int) {
	r := rand.New(rand.NewPCG(seed, 0xf11e5))
	for i := range k {
		svc := services[i%len(services)]
		var p string
		var b strings.Builder
		switch i % 5 {
		case 0, 1:
			p = fmt.Sprintf("services/%s/internal/pkg%02d/file%06d.go", svc, (i/len(services))%40, i)
			fmt.Fprintf(&b, "package pkg%02d\n\n", (i/len(services))%40)
			for j := range 5 + r.IntN(30) {
				fmt.Fprintf(&b, "// F%d handles %s.\nfunc F%d(n int) int { return n*%d + %d }\n\n", j, text(r, pick(r, notes)), j, r.IntN(100), r.IntN(1000))
			}
		case 2:
			p = fmt.Sprintf("docs/runbooks/%s/runbook-%06d.md", svc, i)
			fmt.Fprintf(&b, "# Runbook %d for %s\n\n", i, svc)
			for range 5 + r.IntN(20) {
				fmt.Fprintf(&b, "- %s\n", text(r, pick(r, notes)))
			}
		case 3:
			p = fmt.Sprintf("terraform/%s/%s/main-%06d.tf", pick(r, regions), svc, i)
			fmt.Fprintf(&b, "resource \"aws_instance\" \"%s_%d\" {\n  instance_type = \"m5.large\"\n  count = %d\n}\n", strings.ReplaceAll(svc, "-", "_"), i, 1+r.IntN(20))
		default:
			p = fmt.Sprintf("dashboards/%s/panel-%06d.json", svc, i)
			fmt.Fprintf(&b, "{\"title\": %q, \"targets\": [{\"expr\": \"rate(http_requests_total{service=%q}[5m])\"}], \"threshold\": %d}\n", svc, svc, r.IntN(1000))
		}
		inline(w, p, []byte(b.String()))
	}
}

func git(dir string, stdin io.Reader, args ...string) error {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Stdin = stdin
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, out)
	}
	return nil
}

func gitOutput(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, ee.Stderr)
		}
		return "", fmt.Errorf("git %s: %v", strings.Join(args, " "), err)
	}
	return string(out), nil
}

// registerMergeDriver does what `incidentctl init` does in a clone of a set-up repository.
func registerMergeDriver(dir string) error {
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return err
	}
	defer repo.Close()
	_, _, err = incsync.RegisterDriver(repo)
	return err
}
