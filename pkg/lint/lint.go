// Package lint checks incident documents: what would make them wrong, unreadable for the CLI,
// or dangerous to publish. It reads the documents with the same parser the commands use
// (pkg/incident), adds the rules that need the repository (severity definitions, unique IDs)
// and, with a base commit, the rules that keep the log a record (nothing rewritten).
//
// Every finding names a file, a line and column counted in the whole file, a rule ID and what
// to do about it. Rules are listed in Rules; .incidentctl.yaml can change their levels.
package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/quickread"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

// Finding is one problem at one place.
type Finding struct {
	Path     string `json:"path"` // repository path, slash-separated
	Line     int    `json:"line"` // 1-based, counted in the whole file
	Col      int    `json:"col"`  // 1-based, in bytes
	Severity Level  `json:"severity"`
	Rule     string `json:"rule"`
	Message  string `json:"message"`
	// pending marks a finding about work not due yet (a postmortem before its deadline): it
	// stays a warning while its rule is an error, and --strict does not fail on it.
	pending bool
}

// Options is one lint run.
type Options struct {
	// Root is the repository's top-level folder (outside a repository: the current folder).
	Root string
	// Config is the repository's .incidentctl.yaml (defaults when it has none).
	Config config.Config
	// Paths are files or folders to lint, as the user typed them (relative to the current
	// folder); none means every document in the incidents folder.
	Paths []string
	// Severities are the repository's definitions; nil means the built-in defaults.
	Severities     *severity.Set
	SeveritiesFrom string
	// Now is the time the future-time rule compares with.
	Now time.Time
	// Repo is the git repository, nil outside one.
	Repo *gitrepo.Repo
	// Base, when set, compares every changed document with its version at the merge base of
	// HEAD and this revision, and lints only the documents changed since then.
	Base string
	// Cache is the folder of the result cache (cache.go), normally <git dir>/incidentctl; ""
	// lints without one.
	Cache string
}

// Result is what a run found.
type Result struct {
	Findings  []Finding // sorted by path, line, column
	Documents int       // how many documents were linted
	Skipped   []string  // paths named on the command line that are not incident documents, with why
	MergeBase string    // the commit compared with, when Base was given
	// Pending counts the warnings about work not due yet (a postmortem before its deadline):
	// --strict does not fail on them, so CI stays green after a close.
	Pending int
}

// Count returns the number of errors and warnings.
func (r *Result) Count() (errs, warnings int) {
	for _, f := range r.Findings {
		if f.Severity == Error {
			errs++
		} else {
			warnings++
		}
	}
	return errs, warnings
}

// ArgError is a wrong command line: a path that does not exist, a --base that names no commit.
type ArgError struct{ Msg string }

func (e *ArgError) Error() string { return e.Msg }

func argErr(format string, args ...any) error { return &ArgError{fmt.Sprintf(format, args...)} }

// candidate is a file that may be an incident document.
type candidate struct {
	rel      string // repository path
	abs      string
	explicit bool // named on the command line
	sure     bool // a document by its name or place, whatever its content
	scenario bool // a drill scenario (drills/<name>.md), not an incident document
}

// Run lints the documents the options select.
func Run(opts Options) (*Result, error) {
	policy, err := NewPolicy(opts.Config.Lint)
	if err != nil {
		return nil, err
	}
	c := &checker{policy: policy, severities: opts.Severities, sevFrom: opts.SeveritiesFrom, now: opts.Now,
		incidents: path.Clean(opts.Config.Incidents), secrets: policy.Secrets(), fields: opts.Config.Fields}
	c.keepDocs = opts.Base != ""
	c.root, c.pmConfig = opts.Root, opts.Config.Postmortem
	c.postmortems = path.Clean(opts.Config.Postmortem.Folder)
	if err := c.fillDefaults(); err != nil {
		return nil, err
	}
	root, err := filepath.Abs(opts.Root)
	if err != nil {
		return nil, err
	}
	roots, explicit, err := resolvePaths(root, c.incidents, opts.Paths)
	if err != nil {
		return nil, err
	}
	c.root = root
	c.cache = openCache(opts.Cache, c, opts)
	if len(opts.Paths) == 0 && c.postmortems != "." {
		roots = append(roots, c.postmortems) // postmortems.go: their own pass
	}
	res := &Result{}
	var cands []candidate      // with --base: the changed documents
	var listed map[string]bool // without: the files named on the command line that the walk listed
	var base *baseRun
	if opts.Base != "" {
		if opts.Repo == nil {
			return nil, argErr("--base %s needs a git repository, and %s is not inside one", opts.Base, root)
		}
		base, err = newBaseRun(opts.Repo, opts.Base, roots)
		if err != nil {
			return nil, err
		}
		res.MergeBase = base.mergeBase.String()
		for _, rel := range base.changed {
			abs := filepath.Join(root, filepath.FromSlash(rel))
			if _, err := os.Lstat(abs); err != nil {
				continue // deleted: the base rules look at it
			}
			if cd, ok := classify(rel, abs, c.incidents, explicit[rel]); ok {
				cands = append(cands, cd)
			}
		}
	}
	var pmCands []candidate // the postmortems folder's files: linted by their own pass
	docs, err := c.lintAll(func(lint func(candidate)) error {
		emit := func(cd candidate) {
			if c.isPostmortemPath(cd.rel) {
				pmCands = append(pmCands, cd)
				return
			}
			lint(cd)
		}
		if base != nil {
			for _, cd := range cands {
				emit(cd)
			}
			return nil
		}
		// The workers lint what the walk has listed while it lists the rest.
		var err error
		listed, err = walk(root, roots, explicit, c.incidents, emit)
		return err
	})
	if err != nil {
		return nil, err
	}
	pmDocs := c.lintPostmortems(pmCands)
	if c.cache != nil {
		c.cache.save(append(docs, pmDocs...))
	}
	tmpl := path.Clean(opts.Config.ActionList)
	for rel := range explicit {
		if rel == tmpl {
			continue // the template rule checks it
		}
		if base == nil && !listed[rel] {
			res.Skipped = append(res.Skipped, rel+": not a Markdown (.md) file, so not an incident document; skipped")
		}
	}

	var findings []Finding
	linted := make(map[string]*lintedDoc, len(docs))
	order := make([]*lintedDoc, 0, len(docs)) // linted, by path
	for _, d := range docs {
		if d.skipped {
			if d.explicit && base == nil && d.rel != tmpl {
				res.Skipped = append(res.Skipped, d.rel+": not an incident document (no front matter and no incident ID in its name); skipped")
			}
			continue
		}
		res.Documents++
		findings = append(findings, d.findings...)
		linted[d.rel] = d
		order = append(order, d)
	}
	for _, pd := range pmDocs {
		if pd.skipped {
			if pd.explicit {
				res.Skipped = append(res.Skipped, pd.rel+": not a postmortem (no front matter and no incident ID in its name); skipped")
			}
			continue
		}
		res.Documents++
		findings = append(findings, pd.findings...)
	}
	slices.Sort(res.Skipped)
	reused := map[string]bool{}
	if base != nil {
		// The record rules are about incident documents; postmortems had their own pass.
		base.changed = slices.DeleteFunc(base.changed, c.isPostmortemPath)
		bf, err := base.check(c, root, linted)
		if err != nil {
			return nil, err
		}
		for _, f := range bf {
			if f.Rule == RuleIDReused {
				reused[f.Path] = true
			}
		}
		findings = append(findings, bf...)
		ff, err := base.checkFlowChange(opts.Config.FlowPaths()) // flowchange.go
		if err != nil {
			return nil, err
		}
		findings = append(findings, ff...)
	}
	scope := idScopeAll
	switch {
	case base != nil:
		scope = idScopeNear
	case len(opts.Paths) > 0:
		scope = idScopeFolder
	}
	uf, err := c.uniqueIDs(root, order, linted, reused, scope)
	if err != nil {
		return nil, err
	}
	findings = append(findings, uf...)
	if opts.Config.ActionList != "" && (len(opts.Paths) == 0 || slices.Contains(roots, tmpl)) {
		findings = append(findings, checkTemplate(root, tmpl, c.severities, c.now)...)
	}

	for _, f := range findings {
		if f.Severity = policy.Level(f.Rule); f.Severity != Off {
			if f.pending {
				f.Severity = Warning
				res.Pending++
			}
			res.Findings = append(res.Findings, f)
		}
	}
	SortFindings(res.Findings)
	return res, nil
}

// SortFindings orders findings by path, line, column and rule.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		if a.Col != b.Col {
			return a.Col - b.Col
		}
		return strings.Compare(a.Rule, b.Rule)
	})
}

// resolvePaths turns the command line's paths into repository paths. explicit holds the files
// named directly.
func resolvePaths(root, incidents string, args []string) (roots []string, explicit map[string]bool, err error) {
	explicit = map[string]bool{}
	if len(args) == 0 {
		return []string{incidents, scenariosDir}, explicit, nil // scenarios: drill.go
	}
	for _, a := range args {
		abs, err := filepath.Abs(a)
		if err != nil {
			return nil, nil, argErr("%s: %v", a, err)
		}
		fi, err := os.Lstat(abs)
		if err != nil {
			return nil, nil, argErr("%s: no such file or folder", a)
		}
		rel, err := filepath.Rel(root, abs)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, nil, argErr("%s is outside the repository %s", a, root)
		}
		rel = filepath.ToSlash(rel)
		if rel == "." {
			rel = ""
		}
		if !fi.IsDir() {
			explicit[rel] = true
		}
		roots = append(roots, rel)
	}
	return roots, explicit, nil
}

var monthDirRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{4}/\d{2}$`) })

// classify decides whether a file is a candidate document. A Markdown file is one when its name
// starts with an incident ID or it sits in a YYYY/MM folder of the incidents folder; any other
// Markdown file is one if it starts with front matter, which the worker checks.
func classify(rel, abs, incidents string, explicit bool) (candidate, bool) {
	if !strings.HasSuffix(rel, ".md") {
		return candidate{}, false
	}
	cd := candidate{rel: rel, abs: abs, explicit: explicit}
	if isScenarioPath(rel) { // drill.go
		cd.sure, cd.scenario = true, true
		return cd, true
	}
	if incident.IDFromFileName(rel) != "" {
		cd.sure = true
	} else if rest, ok := strings.CutPrefix(rel, incidents+"/"); ok && monthDirRE().MatchString(path.Dir(rest)) {
		cd.sure = true
	}
	return cd, true
}

// walk lists the candidates under the roots and hands each to emit as soon as it finds it. It
// returns which of the explicit files were candidates. It keeps nothing else: at 100,000
// documents a list of the candidates (and a set of the paths seen) would be megabytes the
// collector marks on every cycle of the run.
func walk(root string, roots []string, explicit map[string]bool, incidents string, emit func(candidate)) (map[string]bool, error) {
	var seen map[string]bool // only when a file can be under two roots
	if overlapping(roots) {
		seen = map[string]bool{}
	}
	listed := map[string]bool{}
	for _, r := range roots {
		start := filepath.Join(root, filepath.FromSlash(r))
		err := filepath.WalkDir(start, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) && p == start {
					return nil // no incidents folder yet: nothing to lint
				}
				return fmt.Errorf("reading %s: %v", p, err)
			}
			if de.IsDir() {
				if de.Name() == ".git" || de.Name() == "node_modules" {
					return filepath.SkipDir
				}
				return nil
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return nil
			}
			rel = filepath.ToSlash(rel)
			if seen != nil {
				if seen[rel] {
					return nil
				}
				seen[rel] = true
			}
			if cd, ok := classify(rel, p, incidents, explicit[rel]); ok {
				if cd.explicit {
					listed[rel] = true
				}
				emit(cd)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return listed, nil
}

// overlapping reports whether a file can be under two of the roots (repository paths, ""
// for the top): one is the other, or inside it.
func overlapping(roots []string) bool {
	for i, a := range roots {
		for _, b := range roots[i+1:] {
			if a == b || a == "" || b == "" || strings.HasPrefix(b, a+"/") || strings.HasPrefix(a, b+"/") ||
				strings.HasPrefix(a, "..") || strings.HasPrefix(b, "..") || path.Clean(a) != a || path.Clean(b) != b {
				return true
			}
		}
	}
	return false
}

// lintedDoc is one candidate after the single-document rules.
type lintedDoc struct {
	rel      string
	explicit bool
	skipped  bool // not an incident document after all
	parsed   bool
	id       string // the front-matter id when parsed
	idLine   int    // where it is written
	idCol    int
	doc      *incident.Document // kept only when the base rules need it
	findings []Finding
	entry    *cacheEntry // its result cache entry, nil when it is not kept
	reused   bool        // taken from the cache
}

// lintAll runs the single-document rules on every core over the candidates list hands to its
// emit function, while list is still running; the result is sorted by path.
func (c *checker) lintAll(list func(emit func(candidate)) error) ([]*lintedDoc, error) {
	workers := runtime.GOMAXPROCS(0)
	done := make([][]*lintedDoc, workers) // one slice per worker: no lock
	var wg sync.WaitGroup
	next := make(chan candidate, 256)
	for w := range workers {
		wg.Go(func() {
			r := quickread.New(incident.MaxSize) // the worker's
			defer r.Close()
			var pr *incident.Reader // the worker's too: it is done with each document before the next
			if !c.keepDocs {
				pr = new(incident.Reader)
			}
			for cd := range next {
				done[w] = append(done[w], c.lintFile(cd, r, pr))
			}
		})
	}
	err := list(func(cd candidate) { next <- cd })
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return mergeByPath(done), nil
}

// lintPostmortems lints the postmortems on every core (tens of thousands of them at 100,000
// incidents, each parsed in full); the results are in the order of cands.
func (c *checker) lintPostmortems(cands []candidate) []*lintedDoc {
	out := make([]*lintedDoc, len(cands))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cands)) {
		wg.Go(func() {
			r := quickread.New(postmortem.MaxSize) // the worker's
			defer r.Close()
			for i := int(next.Add(1) - 1); i < len(cands); i = int(next.Add(1) - 1) {
				out[i] = c.lintPostmortem(cands[i], r)
			}
		})
	}
	wg.Wait()
	return out
}

// mergeByPath merges the workers' lists into one sorted by path. Each list is in the order
// the walk listed its documents, which is (almost always) sorted already: merging them is a
// fraction of the cost of sorting everything, and a sort afterwards catches the rest.
func mergeByPath(lists [][]*lintedDoc) []*lintedDoc {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	out := make([]*lintedDoc, 0, n)
	for len(lists) > 0 {
		k := -1 // the list whose head comes first
		for i, l := range lists {
			if len(l) > 0 && (k < 0 || l[0].rel < lists[k][0].rel) {
				k = i
			}
		}
		if k < 0 {
			break
		}
		out = append(out, lists[k][0])
		lists[k] = lists[k][1:]
	}
	if !slices.IsSortedFunc(out, func(a, b *lintedDoc) int { return strings.Compare(a.rel, b.rel) }) {
		slices.SortFunc(out, func(a, b *lintedDoc) int { return strings.Compare(a.rel, b.rel) })
	}
	return out
}

// lintFile reads one candidate and lints it. Nothing about the file can make it fail: what
// cannot be read is a finding.
//
// A document the result cache holds no reading of (every one, the first time after a clone
// or in CI) is read in one go: open (by name in its folder, which stays open), fstat, one
// read into the worker's buffer, close (pkg/quickread). Its stat data then come from the open
// file, and the next document reuses the buffer: nothing the rules keep refers to it (the
// parsed document is dropped, its strings are copies), except with --base, which keeps the
// documents (and gets a copy). What the quick read does not handle (a link, not a regular
// file, an error, a file too large or changing while read) goes the ordinary way below,
// which says what is wrong.
func (c *checker) lintFile(cd candidate, r *quickread.Reader, pr *incident.Reader) *lintedDoc {
	ld := &lintedDoc{rel: cd.rel, explicit: cd.explicit}
	if !cd.scenario && (c.cache == nil || c.cache.old[cd.rel] == nil) {
		if src, st, ok := r.Read(cd.abs); ok {
			key := statKey{size: st.Size, mtime: st.Mtime, ctime: st.Ctime, ino: st.Ino}
			if c.keepDocs {
				src = slices.Clone(src) // the base rules keep the document
			}
			return c.lintContent(cd, ld, key, src, pr)
		}
	}
	unreadable := func(msg string) *lintedDoc {
		ld.findings = []Finding{{Path: cd.rel, Line: 1, Col: 1, Rule: RuleUnreadable, Message: msg}}
		return ld
	}
	fi, err := os.Lstat(cd.abs)
	if err != nil {
		return unreadable(fmt.Sprintf("cannot read the file: %v", err))
	}
	if !fi.Mode().IsRegular() {
		if !cd.sure {
			ld.skipped = true
			return ld
		}
		return unreadable("not a regular file (a symbolic link or a device): an incident document is a plain Markdown file; replace it with the document itself")
	}
	key := keyOf(fi)
	if c.cache != nil && !cd.scenario {
		if e := c.cache.lookup(c, cd.rel, key); e != nil {
			e.use(ld)
			return ld
		}
	}
	f, err := os.Open(cd.abs)
	if err != nil {
		return unreadable(fmt.Sprintf("cannot read the file: %v", err))
	}
	defer f.Close()
	if !cd.sure {
		head := make([]byte, 8)
		n, _ := io.ReadFull(f, head)
		if !frontMatterStart(head[:n]) {
			ld.skipped = true
			return c.keep(cd, ld, key, nil)
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return unreadable(fmt.Sprintf("cannot read the file: %v", err))
		}
	}
	if fi.Size() > incident.MaxSize {
		unreadable(fmt.Sprintf("the file is %d bytes, more than the %d (4 MiB) an incident document may have: keep large logs and dumps elsewhere and link them", fi.Size(), incident.MaxSize))
		return c.keep(cd, ld, key, nil)
	}
	src := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, src); err != nil {
		return unreadable(fmt.Sprintf("cannot read the file: %v", err))
	}
	if cd.scenario {
		ld.findings = c.checkScenario(cd.rel, cd.abs, src) // drill.go
		return ld
	}
	return c.lintContent(cd, ld, key, src, pr)
}

// frontMatterStart reports whether the first bytes of a file (at least 8 when it has them)
// open front matter: a first line of "---".
func frontMatterStart(head []byte) bool {
	first, _, _ := bytes.Cut(head[:min(len(head), 8)], []byte("\n"))
	return string(bytes.TrimRight(first, " \t\r")) == "---"
}

// lintContent runs the single-document rules on a candidate's content, read with stat data
// key, and records the reading in the result cache. pr, when not nil, parses the document in
// the memory of the worker's last one: nothing of the parsed document outlives this call.
func (c *checker) lintContent(cd candidate, ld *lintedDoc, key statKey, src []byte, pr *incident.Reader) *lintedDoc {
	if !cd.sure && !frontMatterStart(src) {
		ld.skipped = true
		return c.keep(cd, ld, key, nil)
	}
	d, fd := c.checkWith(cd.rel, src, pr)
	ld.findings = fd.out
	if d != nil {
		// A copy: the ID is a view into the document's front matter, which the run would
		// otherwise keep for every document (40 MB at 100,000).
		ld.parsed, ld.id = true, strings.Clone(d.Meta.ID)
		ld.idLine, ld.idCol = pos(d, incident.KeyID)
		if c.keepDocs {
			ld.doc = d
		}
	}
	return c.keep(cd, ld, key, fd)
}

// keep records the reading of ld in the result cache: what it found depends on the content
// only.
func (c *checker) keep(cd candidate, ld *lintedDoc, key statKey, f *finder) *lintedDoc {
	if c.cache != nil && !cd.scenario {
		ld.entry = c.cache.entryFor(c, ld, key, f)
	}
	return ld
}

// Where uniqueIDs looks for other documents with a linted document's ID.
const (
	idScopeAll    = iota // the linted documents are the whole incidents folder
	idScopeFolder        // the whole incidents folder, by file name
	// The ID's month folder and the document's own folder: with --base the cost follows the
	// change, not the repository. A copy filed in some other folder is still found by a lint
	// without --base.
	idScopeNear
)

// uniqueIDs reports documents that share an ID, with each other or with another document
// (found by file name, without reading it) where scope says to look. order is linted's
// documents by path: the IDs then come almost sorted, which the sort below finds quickly.
func (c *checker) uniqueIDs(root string, order []*lintedDoc, linted map[string]*lintedDoc, reused map[string]bool, scope int) ([]Finding, error) {
	type member struct {
		id, path string
		ld       *lintedDoc // nil for a document not linted in this run
	}
	// A slice sorted by ID then path groups the documents: cheaper than a map of slices at
	// 10,000 documents, and each group comes out sorted by path.
	ms := make([]member, 0, len(order))
	for _, ld := range order {
		id := ld.id
		if !ld.parsed {
			id = incident.IDFromFileName(ld.rel)
		}
		if id != "" {
			ms = append(ms, member{id, ld.rel, ld})
		}
	}
	other := func(rel string) {
		if id := incident.IDFromFileName(rel); id != "" {
			if _, ok := linted[rel]; !ok {
				ms = append(ms, member{id: id, path: rel})
			}
		}
	}
	switch scope {
	case idScopeNear:
		dirs := map[string]bool{}
		for p, ld := range linted {
			dirs[path.Dir(p)] = true
			id := ld.id
			if id == "" {
				id = incident.IDFromFileName(p)
			}
			if incident.ValidID(id) {
				dirs[c.incidents+"/20"+id[:2]+"/"+id[2:4]] = true
			}
		}
		for dir := range dirs {
			des, err := os.ReadDir(filepath.Join(root, filepath.FromSlash(dir)))
			if err != nil {
				continue // a month folder that does not exist holds no copy
			}
			for _, de := range des {
				if !de.IsDir() && strings.HasSuffix(de.Name(), ".md") {
					other(dir + "/" + de.Name())
				}
			}
		}
	case idScopeFolder:
		err := filepath.WalkDir(filepath.Join(root, filepath.FromSlash(c.incidents)), func(p string, de fs.DirEntry, err error) error {
			if err != nil || de.IsDir() || !strings.HasSuffix(de.Name(), ".md") {
				return nil
			}
			rel, _ := filepath.Rel(root, p)
			other(filepath.ToSlash(rel))
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(ms, func(a, b member) int {
		if c := strings.Compare(a.id, b.id); c != 0 {
			return c
		}
		return strings.Compare(a.path, b.path)
	})
	var out []Finding
	for len(ms) > 0 {
		n := 1
		for n < len(ms) && ms[n].id == ms[0].id {
			n++
		}
		group, id := ms[:n], ms[0].id
		ms = ms[n:]
		if len(group) < 2 || slices.ContainsFunc(group, func(m member) bool { return reused[m.path] }) {
			continue // id-reused already reports this pair
		}
		var report []member
		for _, m := range group[1:] {
			if m.ld != nil && m.ld.parsed {
				report = append(report, m)
			}
		}
		if len(report) == 0 && group[0].ld != nil && group[0].ld.parsed {
			report = group[:1]
		}
		for _, m := range report {
			other := group[0].path
			if other == m.path {
				other = group[1].path
			}
			out = append(out, Finding{Path: m.path, Line: m.ld.idLine, Col: m.ld.idCol, Rule: RuleIDUnique,
				Message: fmt.Sprintf("id %s is also the id of %s: every incident needs its own id; if this file is a copy, delete it, otherwise give it a new id (and rename the file to match)", id, other)})
		}
	}
	return out, nil
}

// fillDefaults gives the checker what the options left out: the default incidents folder, the
// built-in severities, the clock.
func (c *checker) fillDefaults() error {
	if c.incidents == "." || c.incidents == "" {
		c.incidents = "incidents"
	}
	if c.severities == nil {
		sevs, err := severity.Parse("built-in severities", templates.Severities)
		if err != nil {
			return err
		}
		c.severities, c.sevFrom = sevs, "the built-in severity definitions"
	}
	if c.sevFrom == "" {
		c.sevFrom = "the severity definitions"
	}
	if c.now.IsZero() {
		c.now = time.Now()
	}
	return nil
}
