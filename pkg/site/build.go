package site

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// builder is one build in progress.
type builder struct {
	opts Options
	cat  *catalogue

	all     []*summary // every document read, drills included, by path
	open    []*summary // open incidents, the most severe first
	history []*summary // resolved incidents, the newest declaration first
	broken  []*summary // documents that could not be read
	updated time.Time  // the latest time in the published record
	filters *filters
}

// racyWindow: a document modified this close to the previous build may have changed again
// within the same clock tick, so its stat data is not trusted (as git does for its index).
const racyWindow = 2 * time.Second

// Build writes the site for these documents into opts.Out.
func Build(srcs []Source, opts Options) (*Result, error) {
	_, prev, err := checkOut(opts)
	if err != nil {
		return nil, err
	}
	if opts.Site.Title == "" {
		opts.Site.Title = config.Default().Site.Title
	}
	b := &builder{opts: opts, cat: catalogueFor(opts.Lang)}
	key := b.key()
	if prev != nil && prev.Key != key {
		// Other settings: every page changes; only the record of what is on disk still helps.
		prev.Sources = nil
	}
	if prev == nil {
		prev = &manifest{}
	}
	next := &manifest{Version: manifestVersion, Key: key, BuiltAt: time.Now(), Sources: make(map[string]*sourceState, len(srcs))}
	res := &Result{Out: opts.Out}

	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("creating --out %s: %v", opts.Out, err)
	}
	em := &emitter{out: opts.Out, prev: prev.Outputs, next: map[string]outputState{}, res: res}

	// Read what changed, render the pages of what changed and of every open incident, and write
	// them as they come (pages are not kept in memory). A page whose path is not certain to be
	// its document's alone (its ID differs from its file name's, or the file name's ID is used
	// twice) waits until every document is known.
	byName := map[string]int{}
	for _, src := range srcs {
		byName[incident.IDFromFileName(filepath.Base(src.Path))]++
	}
	states := make([]*sourceState, len(srcs))
	deferred := make([]*output, len(srcs))
	var renderers sync.Pool
	renderers.New = func() any { return b.newRenderer() }
	errs := make([]error, len(srcs))
	parallel(len(srcs), func(i int) {
		st, page, err := b.source(srcs[i], prev.Sources[srcs[i].Path], prev, &renderers)
		states[i], errs[i] = st, err
		if page == nil {
			return
		}
		if name := incident.IDFromFileName(filepath.Base(srcs[i].Path)); name != st.Sum.ID || byName[name] > 1 {
			deferred[i] = page
			return
		}
		em.emit(page.rel, page.data)
	})
	if err := errors.Join(append(errs, em.err)...); err != nil {
		return nil, err
	}
	seenID := map[string]string{}
	for i, st := range states {
		if st == nil {
			continue
		}
		if st.parsed {
			res.Parsed++
		}
		next.Sources[srcs[i].Path] = st
		s := st.Sum
		if s.Drill {
			res.Drills++
			continue
		}
		if other, dup := seenID[s.ID]; dup {
			// Two documents with one ID: the first by path keeps the page; lint reports both.
			res.Broken = append(res.Broken, Broken{Path: s.Path, Problems: []Problem{{Line: 1, Col: 1, Rule: "id-unique",
				Message: fmt.Sprintf("ID %s is also used by %s, whose page the site shows: give one of them a new ID", s.ID, other)}}})
			continue
		}
		seenID[s.ID] = s.Path
		b.all = append(b.all, s)
		switch {
		case deferred[i] != nil:
			em.emit(deferred[i].rel, deferred[i].data)
		case !st.parsed && st.Page != "":
			em.keep(st.Page)
		}
	}
	b.sort()
	res.Incidents = len(b.open) + len(b.history)
	for _, s := range b.broken {
		res.Broken = append(res.Broken, Broken{Path: s.Path, Problems: s.Problems})
	}
	slices.SortFunc(res.Broken, func(a, c Broken) int { return strings.Compare(a.Path, c.Path) })

	shared, err := b.shared(renderers.Get().(*pageRenderer))
	if err != nil {
		return nil, err
	}
	parallel(len(shared), func(i int) { em.emit(shared[i].rel, shared[i].data) })
	if em.err != nil {
		return nil, em.err
	}
	if err := em.removeStale(); err != nil {
		return nil, err
	}
	next.Outputs = em.next
	sort.Strings(res.Written)
	sort.Strings(res.Removed)
	if err := writeManifest(opts.Out, next); err != nil {
		return nil, fmt.Errorf("writing %s: %v", filepath.Join(opts.Out, ManifestName), err)
	}
	return res, nil
}

// key names the settings every page depends on.
func (b *builder) key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", rendererKey, b.opts.Site.Title, b.opts.Site.BaseURL, b.cat.lang)
	if s := b.opts.Severities; s != nil {
		for _, l := range s.Levels {
			fmt.Fprintf(h, "%s\x00%s\x00%d\x00", l.ID, l.Summary, l.Rank)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rendererKey names this build of incidentctl (its pages may differ from another's): the
// executable's path, size and time, as the workspace caches do.
var rendererKey = func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
}()

// source brings one document up to date: its summary from the manifest while the file and its
// page are unchanged and the incident is resolved (a resolved incident's page does not depend
// on the time), otherwise read, parsed and its page rendered.
func (b *builder) source(src Source, old *sourceState, prev *manifest, renderers *sync.Pool) (*sourceState, *output, error) {
	fi, err := os.Stat(src.File)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil // removed while the build ran
		}
		return nil, nil, fmt.Errorf("reading %s: %v", src.Path, err)
	}
	st := &sourceState{}
	st.Size, st.MTime, st.CTime, st.Ino = statOf(fi)
	stable := func(o *sourceState) bool {
		if o == nil || o.Sum == nil || o.Sum.open() && !o.Sum.Drill || o.Followups != b.followupsHash(o.Sum.ID) {
			return false
		}
		if o.Page != "" {
			if p, ok := prev.Outputs[o.Page]; !ok || !onDisk(filepath.Join(b.opts.Out, filepath.FromSlash(o.Page)), p) {
				return false
			}
		}
		return true
	}
	settled := st.MTime < prev.BuiltAt.Add(-racyWindow).UnixNano() && st.CTime < prev.BuiltAt.Add(-racyWindow).UnixNano()
	if old != nil && settled && old.Size == st.Size && old.MTime == st.MTime && old.CTime == st.CTime && old.Ino == st.Ino && stable(old) {
		st.Hash, st.Sum, st.Page, st.Followups = old.Hash, old.Sum, old.Page, old.Followups
		return st, nil, nil
	}
	data, err := os.ReadFile(src.File)
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %v", src.Path, err)
	}
	st.Hash = sha256.Sum256(data)
	if old != nil && old.Hash == st.Hash && stable(old) {
		st.Sum, st.Page, st.Followups = old.Sum, old.Page, old.Followups
		return st, nil, nil
	}
	st.parsed = true
	r := renderers.Get().(*pageRenderer)
	defer renderers.Put(r)
	d, perr := incident.Parse(src.Path, data)
	if perr != nil {
		st.Sum = brokenSummary(src.Path, b.problems(src.Path, perr))
		st.Page = config.IncidentPage(st.Sum.ID)
		page, err := r.brokenPage(st.Sum, data)
		if err != nil {
			return nil, nil, err
		}
		return st, &output{st.Page, page}, nil
	}
	st.Sum = summarise(d, b.opts.Now)
	if st.Sum.Drill {
		return st, nil, nil
	}
	if !incident.ValidID(st.Sum.ID) {
		// The ID names the page's file and is part of its links: only an ID's shape is safe.
		line := max(d.KeyLine(incident.KeyID), 1)
		st.Sum = brokenSummary(src.Path, []Problem{{Line: line, Col: 1, Rule: "id",
			Message: fmt.Sprintf("id %q is not an incident ID (YYMMDD-xxxxx, as incidentctl new writes): the site cannot give it a page", d.Meta.ID)}})
		st.Page = config.IncidentPage(st.Sum.ID)
		page, err := r.brokenPage(st.Sum, data)
		if err != nil {
			return nil, nil, err
		}
		return st, &output{st.Page, page}, nil
	}
	st.Page = config.IncidentPage(st.Sum.ID)
	st.Followups = b.followupsHash(st.Sum.ID)
	page, err := r.incidentPage(d, st.Sum)
	if err != nil {
		return nil, nil, err
	}
	return st, &output{st.Page, page}, nil
}

// followupsHash names what an incident's follow-ups look like now (overdue marks included).
func (b *builder) followupsHash(id string) [32]byte {
	fs := b.opts.Followups[id]
	if len(fs) == 0 {
		return [32]byte{}
	}
	h := sha256.New()
	for _, f := range fs {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%t\x00%t\x00%s\x00", f.ID, f.Text, f.Owner, f.Due, f.Link, f.Done, f.Overdue, f.Postmortem)
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// problems says what is wrong with a document that could not be read: lint's findings when
// the caller gave a way to get them, else the parse error.
func (b *builder) problems(path string, err error) []Problem {
	if b.opts.Diagnose != nil {
		if ps := b.opts.Diagnose(path); len(ps) > 0 {
			return ps
		}
	}
	var pe *incident.ParseError
	if errors.As(err, &pe) {
		return []Problem{{Line: max(pe.Line, 1), Col: max(pe.Col, 1), Rule: pe.Rule, Message: pe.Msg}}
	}
	return []Problem{{Line: 1, Col: 1, Message: err.Error()}}
}

// sort splits the published documents into open, history and broken, and finds the record's
// latest time.
func (b *builder) sort() {
	for _, s := range b.all {
		switch {
		case s.Broken:
			b.broken = append(b.broken, s)
			continue
		case s.open():
			b.open = append(b.open, s)
		default:
			b.history = append(b.history, s)
		}
		if t := s.updatedAt(); t.After(b.updated) {
			b.updated = t
		}
	}
	slices.SortFunc(b.open, b.compareOpen)
	slices.SortFunc(b.history, compareNewest)
	slices.SortFunc(b.broken, func(x, y *summary) int { return strings.Compare(x.Path, y.Path) })
	b.filters = b.makeFilters()
}

// compareOpen orders open incidents as the board does: the most severe first, then the newest.
func (b *builder) compareOpen(x, y *summary) int {
	if c := cmp.Compare(board.Rank(b.opts.Severities, x.Severity), board.Rank(b.opts.Severities, y.Severity)); c != 0 {
		return c
	}
	if c := cmp.Compare(x.Severity, y.Severity); c != 0 {
		return c
	}
	return compareNewest(x, y)
}

func compareNewest(x, y *summary) int {
	if c := y.DeclaredAt.Compare(x.DeclaredAt); c != 0 {
		return c
	}
	return strings.Compare(y.ID, x.ID)
}

// sevClass is the style class of a severity: its rank (1–4, the last for any lower one), or x
// for one the definitions do not know.
func (b *builder) sevClass(sev string) string {
	r := board.Rank(b.opts.Severities, sev)
	if b.opts.Severities == nil || r > len(b.opts.Severities.Levels) {
		return "x"
	}
	return fmt.Sprint(min(r, 4))
}

// indicator is the overall state from the worst open severity.
func (b *builder) indicator() string {
	if len(b.open) == 0 {
		return "none"
	}
	switch b.sevClass(b.open[0].Severity) {
	case "1":
		return "critical"
	case "2":
		return "major"
	}
	return "minor"
}

// severities lists the defined severities, then any other a document uses, in rank order.
func (b *builder) severities() []string {
	var out []string
	if b.opts.Severities != nil {
		out = append(out, b.opts.Severities.IDs()...)
	}
	var extra []string
	for _, s := range b.all {
		if !s.Broken && s.Severity != "" && !slices.Contains(out, s.Severity) && !slices.Contains(extra, s.Severity) {
			extra = append(extra, s.Severity)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

func (b *builder) years() []string {
	seen := map[string]bool{}
	for _, s := range b.all {
		if !s.Broken {
			seen[s.DeclaredAt.UTC().Format("2006")] = true
		}
	}
	ys := sortedKeys(seen)
	slices.Reverse(ys)
	return ys
}

func (b *builder) makeFilters() *filters {
	f := &filters{}
	for _, sev := range b.severities() {
		f.Severities = append(f.Severities, link{Key: "sev:" + sev, Label: sev, Href: severityPage(sev)})
	}
	for _, st := range incident.Statuses {
		f.Statuses = append(f.Statuses, link{Key: "status:" + st, Label: statusLabel(b.cat, st), Href: statusPage(st)})
	}
	for _, y := range b.years() {
		f.Years = append(f.Years, link{Key: "year:" + y, Label: y, Href: yearPage(y)})
	}
	return f
}

// shared renders the pages that list many incidents, the feed, the JSON, the badge, the search
// index and the static files.
func (b *builder) shared(r *pageRenderer) ([]output, error) {
	var outs []output
	add := func(rel string, data []byte, err error) error {
		if err != nil {
			return err
		}
		outs = append(outs, output{rel, data})
		return nil
	}
	data, err := r.index()
	if err := add("index.html", data, err); err != nil {
		return nil, err
	}
	filter := func(keep func(*summary) bool) (open, hist []*summary) {
		for _, s := range b.open {
			if keep(s) {
				open = append(open, s)
			}
		}
		for _, s := range b.history {
			if keep(s) {
				hist = append(hist, s)
			}
		}
		return
	}
	for _, sev := range b.severities() {
		open, hist := filter(func(s *summary) bool { return s.Severity == sev })
		data, err := r.list(severityPage(sev), "sev:"+sev, b.cat.f("filter.severity", sev), open, hist)
		if err := add(severityPage(sev), data, err); err != nil {
			return nil, err
		}
	}
	for _, st := range incident.Statuses {
		open, hist := filter(func(s *summary) bool { return s.Status == st })
		data, err := r.list(statusPage(st), "status:"+st, b.cat.f("filter.status", statusLabel(b.cat, st)), open, hist)
		if err := add(statusPage(st), data, err); err != nil {
			return nil, err
		}
	}
	for _, y := range b.years() {
		open, hist := filter(func(s *summary) bool { return s.DeclaredAt.UTC().Format("2006") == y })
		data, err := r.list(yearPage(y), "year:"+y, b.cat.f("history.year", y), open, hist)
		if err := add(yearPage(y), data, err); err != nil {
			return nil, err
		}
	}
	data, err = b.feed()
	if err := add("feed.atom", data, err); err != nil {
		return nil, err
	}
	data, err = b.statusJSON()
	if err := add("status.json", data, err); err != nil {
		return nil, err
	}
	if err := add("badge.svg", b.badge(), nil); err != nil {
		return nil, err
	}
	data, err = b.searchIndex()
	if err := add("search-index.js", data, err); err != nil {
		return nil, err
	}
	for _, name := range []string{"site.css", "site.js"} {
		data, err := assets.ReadFile("assets/" + name)
		if err := add(name, data, err); err != nil {
			return nil, err
		}
	}
	return outs, nil
}
