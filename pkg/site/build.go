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

	all       []*summary // every document read, drills included, by path
	open      []*summary // open incidents, the most severe first
	history   []*summary // resolved incidents, the newest declaration first
	broken    []*summary // documents that could not be read
	updated   time.Time  // the latest time in the published record
	filters   *filters
	pms       map[string]*pmState // each incident's postmortem, by incident ID
	pmDupes   []pmDupe            // second postmortems of an incident
	published map[string]bool     // the IDs of the incidents with a page of their own
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
	cat := catalogueFor(opts.Lang)
	if opts.Site.Title == "" || opts.Site.Title == config.Default().Site.Title {
		opts.Site.Title = cat.T("site.title") // the default title in the pages' language
	}
	b := &builder{opts: opts, cat: cat, published: map[string]bool{}}
	key := b.key()
	if prev != nil && prev.Key != key {
		// Other settings: every page changes; only the record of what is on disk still helps.
		prev.Sources, prev.Postmortems = nil, nil
	}
	if prev == nil {
		prev = &manifest{}
	}
	next := &manifest{Version: manifestVersion, Key: key, BuiltAt: time.Now(), Sources: make(map[string]*sourceState, len(srcs)),
		Postmortems: make(map[string]*pmState, len(opts.Postmortems))}
	res := &Result{Out: opts.Out}

	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return nil, fmt.Errorf("creating --out %s: %v", opts.Out, err)
	}
	em := &emitter{out: opts.Out, prev: prev.Outputs, next: map[string]outputState{}, res: res}
	var renderers sync.Pool
	renderers.New = func() any { return b.newRenderer() }
	getRenderer := func() *pageRenderer { return renderers.Get().(*pageRenderer) }
	putRenderer := func(r *pageRenderer) { renderers.Put(r) }

	// The postmortems first: an incident's page shows its postmortem's link and follow-ups.
	pmSrcs := slices.Clone(opts.Postmortems)
	slices.SortFunc(pmSrcs, func(x, y Source) int { return strings.Compare(x.Path, y.Path) })
	pmStates := make([]*pmState, len(pmSrcs))
	pmErrs := make([]error, len(pmSrcs))
	parallel(len(pmSrcs), func(i int) { pmStates[i], pmErrs[i] = b.postmortem(pmSrcs[i], prev.Postmortems[pmSrcs[i].Path], prev) })
	if err := errors.Join(pmErrs...); err != nil {
		return nil, err
	}
	b.indexPostmortems(pmStates)

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
	errs := make([]error, len(srcs))
	parallel(len(srcs), func(i int) {
		st, page, err := b.source(srcs[i], prev.Sources[srcs[i].Path], prev, getRenderer, putRenderer)
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
		if st.Stat.parsed {
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
		if !s.Broken {
			b.published[s.ID] = true
		}
		switch {
		case deferred[i] != nil:
			em.emit(deferred[i].rel, deferred[i].data)
		case !st.Stat.parsed && st.Page != "":
			em.keep(st.Page)
		}
	}
	b.sort()
	res.Incidents = len(b.open) + len(b.history)
	for _, s := range b.broken {
		res.Broken = append(res.Broken, Broken{Path: s.Path, Problems: s.Problems})
	}

	// The postmortems of the published incidents.
	if err := b.postmortemPages(em, prev, next, getRenderer, putRenderer); err != nil {
		return nil, err
	}
	for _, st := range pmStates {
		if st == nil {
			continue
		}
		if st.Stat.parsed {
			res.Parsed++
		}
		next.Postmortems[st.Sum.Path] = st
		if b.publishedPM(st.Sum.Incident) == st {
			res.Postmortems++
			if st.Sum.Broken {
				res.Broken = append(res.Broken, Broken{Path: st.Sum.Path, Problems: st.Sum.Problems})
			}
		}
	}
	for _, d := range b.pmDupes {
		if b.published[d.incident] {
			res.Broken = append(res.Broken, d.Broken)
		}
	}
	slices.SortFunc(res.Broken, func(a, c Broken) int { return strings.Compare(a.Path, c.Path) })

	shared, err := b.shared(getRenderer())
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

// outFile is where a file of the site is written.
func (b *builder) outFile(rel string) string {
	return filepath.Join(b.opts.Out, filepath.FromSlash(rel))
}

// key names the settings every page depends on.
func (b *builder) key() string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", rendererKey(), b.opts.Site.Title, b.opts.Site.BaseURL, b.cat.lang)
	if s := b.opts.Severities; s != nil {
		for _, l := range s.Levels {
			fmt.Fprintf(h, "%s\x00%s\x00%d\x00", l.ID, l.Summary, l.Rank)
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// rendererKey names this build of incidentctl (its pages may differ from another's): the
// executable's path, size and time, as the workspace caches do. Found on the first build, not
// at every start of the program.
var rendererKey = sync.OnceValue(func() string {
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
})

// refresh stats a file against what the last build saw of it. same is true when it is
// unchanged: by its stat data (data is then nil: the file was not read) or, when those
// changed, by its content (data holds it). A file removed while the build ran gives nil.
func (b *builder) refresh(src Source, old *fileState, prev *manifest) (st *fileState, data []byte, same bool, err error) {
	fi, err := os.Stat(src.File)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, false, nil // removed while the build ran
		}
		return nil, nil, false, fmt.Errorf("reading %s: %v", src.Path, err)
	}
	st = &fileState{}
	st.Size, st.MTime, st.CTime, st.Ino = statOf(fi)
	limit := prev.BuiltAt.Add(-racyWindow).UnixNano()
	if old != nil && st.MTime < limit && st.CTime < limit && old.Size == st.Size && old.MTime == st.MTime && old.CTime == st.CTime && old.Ino == st.Ino {
		st.Hash = old.Hash
		return st, nil, true, nil
	}
	if data, err = readFile(src.File); err != nil {
		return nil, nil, false, fmt.Errorf("reading %s: %v", src.Path, err)
	}
	st.Hash = sha256.Sum256(data)
	return st, data, old != nil && old.Hash == st.Hash, nil
}

// readFile is os.ReadFile.
var readFile = os.ReadFile

// source brings one document up to date: its summary from the manifest while the file and its
// page are unchanged and the incident is resolved (a resolved incident's page does not depend
// on the time), otherwise read, parsed and its page rendered.
func (b *builder) source(src Source, old *sourceState, prev *manifest, get func() *pageRenderer, put func(*pageRenderer)) (*sourceState, *output, error) {
	stable := func(o *sourceState) bool {
		if o == nil || o.Sum == nil || !o.Sum.Drill && (o.Sum.open() || o.Deps != b.pmDeps(o.Sum.ID)) {
			return false
		}
		if o.Page != "" {
			if p, ok := prev.Outputs[o.Page]; !ok || !onDisk(b.outFile(o.Page), p) {
				return false
			}
		}
		return true
	}
	var oldFile *fileState
	if stable(old) {
		oldFile = &old.Stat
	}
	fst, data, same, err := b.refresh(src, oldFile, prev)
	if err != nil || fst == nil {
		return nil, nil, err
	}
	st := &sourceState{Stat: *fst}
	if same {
		st.Sum, st.Page, st.Deps = old.Sum, old.Page, old.Deps
		return st, nil, nil
	}
	st.Stat.parsed = true
	r := get()
	defer put(r)
	d, perr := incident.Parse(src.Path, data)
	if perr != nil {
		st.Sum = brokenSummary(src.Path, b.problemsFor(src.Path, perr))
		st.Page = config.IncidentPage(st.Sum.ID)
		return st, &output{st.Page, r.brokenPage(st.Sum, data)}, nil
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
		return st, &output{st.Page, r.brokenPage(st.Sum, data)}, nil
	}
	st.Page = config.IncidentPage(st.Sum.ID)
	st.Deps = b.pmDeps(st.Sum.ID)
	return st, &output{st.Page, r.incidentPage(d, st.Sum)}, nil
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
		data, err := r.list(severityPage(sev), "sev:"+sev, b.cat.T("site.filter.severity", "Severity", sev), open, hist)
		if err := add(severityPage(sev), data, err); err != nil {
			return nil, err
		}
	}
	for _, st := range incident.Statuses {
		open, hist := filter(func(s *summary) bool { return s.Status == st })
		data, err := r.list(statusPage(st), "status:"+st, b.cat.T("site.filter.status", "Status", statusLabel(b.cat, st)), open, hist)
		if err := add(statusPage(st), data, err); err != nil {
			return nil, err
		}
	}
	for _, y := range b.years() {
		open, hist := filter(func(s *summary) bool { return s.DeclaredAt.UTC().Format("2006") == y })
		data, err := r.list(yearPage(y), "year:"+y, b.cat.T("site.history.year", "Year", y), open, hist)
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
