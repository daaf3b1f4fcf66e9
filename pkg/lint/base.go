package lint

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/secret"
)

// The log is a record only if nobody rewrites it. With --base, each changed document is
// compared with its version at the merge base: entries that existed there must still be there,
// unchanged and in the same order; a resolved incident keeps its times; IDs are not reused.

type baseRun struct {
	repo      *gitrepo.Repo
	rev       string
	mergeBase plumbing.Hash
	changed   []string // repository paths under the roots that differ from the merge base
}

// newBaseRun finds the merge base of HEAD and rev, and the files under the roots that differ
// from it in HEAD or in the working tree. Only the trees that differ are read.
func newBaseRun(repo *gitrepo.Repo, rev string, roots []string) (*baseRun, error) {
	h, err := repo.Head()
	if err != nil {
		return nil, err
	}
	if h.Unborn {
		return nil, argErr("--base %s: this branch has no commit yet, so there is nothing to compare with", rev)
	}
	other, err := repo.ResolveCommit(rev)
	if err != nil {
		return nil, argErr("--base %s: %v", rev, err)
	}
	mb, err := repo.MergeBase(h.Commit, other)
	if err != nil {
		return nil, argErr("--base %s: %v", rev, err)
	}
	committed, err := repo.ChangedFiles(mb, h.Commit, roots)
	if err != nil {
		return nil, err
	}
	work, err := repo.WorktreeChanges(h.Commit, roots)
	if err != nil {
		return nil, err
	}
	changed := append(committed, work...)
	slices.Sort(changed)
	return &baseRun{repo: repo, rev: rev, mergeBase: mb, changed: slices.Compact(changed)}, nil
}

// isIncidentPath says whether a repository path is where incidentctl keeps documents.
func isIncidentPath(rel, incidents string) bool {
	if !strings.HasSuffix(rel, ".md") {
		return false
	}
	if incident.IDFromFileName(rel) != "" {
		return true
	}
	rest, ok := strings.CutPrefix(rel, incidents+"/")
	return ok && monthDirRE().MatchString(path.Dir(rest))
}

// check compares the changed documents with the merge base.
func (b *baseRun) check(c *checker, root string, linted map[string]*lintedDoc) ([]Finding, error) {
	// Messages name the base as the user typed it: stable, and what they can type back.
	rev := b.rev
	// Where a file with a given ID can be at the merge base: its month folder (the ID starts
	// with the date), the new file's own folder, and the changed paths (a file moved or deleted
	// since). A copy left unchanged in some other folder still exists, and id-unique reports it.
	folders := map[string]map[string]plumbing.Hash{} // folder at the merge base -> its files
	idAtBase := func(id, rel string) (string, error) {
		dirs := []string{path.Dir(rel)}
		if incident.ValidID(id) {
			dirs = append(dirs, c.incidents+"/20"+id[:2]+"/"+id[2:4])
		}
		prev := ""
		consider := func(p string) {
			if p != rel && incident.IDFromFileName(p) == id && (prev == "" || p < prev) {
				prev = p
			}
		}
		for _, d := range dirs {
			files, ok := folders[d]
			if !ok {
				var err error
				if files, err = b.repo.TreeFiles(b.mergeBase, d); err != nil {
					return "", err
				}
				folders[d] = files
			}
			for p := range files {
				consider(p)
			}
		}
		for _, p := range b.changed {
			if incident.IDFromFileName(p) != id || p == rel {
				continue
			}
			atBase, err := b.repo.TreeFiles(b.mergeBase, p) // a tree lookup: the blob is not read
			if err != nil {
				return "", err
			}
			if len(atBase) > 0 {
				consider(p)
			}
		}
		return prev, nil
	}
	exists := func(rel string) bool {
		_, err := os.Lstat(filepath.Join(root, filepath.FromSlash(rel)))
		return err == nil
	}
	// IDs the changed, existing documents carry: a deleted file whose ID lives on was renamed.
	liveIDs := map[string]string{}
	for _, rel := range b.changed {
		if ld, ok := linted[rel]; ok {
			if ld.doc != nil && ld.doc.Meta.ID != "" {
				liveIDs[ld.doc.Meta.ID] = rel
			}
			if id := incident.IDFromFileName(rel); id != "" {
				liveIDs[id] = rel
			}
		}
	}

	var out []Finding
	for _, rel := range b.changed {
		ld, ok := linted[rel]
		if !ok {
			if exists(rel) || !isIncidentPath(rel, c.incidents) {
				continue // not a document, or not one that was deleted
			}
			atBase, err := b.repo.TreeFiles(b.mergeBase, rel) // a tree lookup: the blob is not read
			if err != nil {
				return nil, err
			}
			id := incident.IDFromFileName(rel)
			if len(atBase) > 0 && (id == "" || liveIDs[id] == "") {
				out = append(out, Finding{Path: rel, Line: 1, Col: 1, Rule: RuleDocumentRemoved,
					Message: fmt.Sprintf("this incident document exists at the merge base with %s and was deleted: incident documents are the record; restore it (git checkout %s -- %s)", rev, rev, rel)})
			}
			continue
		}
		if ld.doc == nil {
			continue // it does not parse: its own findings say why
		}
		baseSrc, _, atBase, err := b.repo.ReadAt(b.mergeBase, rel)
		if err != nil {
			return nil, err
		}
		basePath := rel
		if !atBase {
			prev, err := idAtBase(ld.doc.Meta.ID, rel)
			if err != nil {
				return nil, err
			}
			if prev == "" {
				continue // a new incident
			}
			if exists(prev) {
				l, col := pos(ld.doc, incident.KeyID)
				out = append(out, Finding{Path: rel, Line: l, Col: col, Rule: RuleIDReused,
					Message: fmt.Sprintf("id %s is already used at the merge base with %s by %s: a new incident needs a new id (incidentctl new makes one); if this file replaces that one, delete it in the same change", ld.doc.Meta.ID, rev, prev)})
				continue
			}
			// Renamed: compare with the old file.
			if baseSrc, _, atBase, err = b.repo.ReadAt(b.mergeBase, prev); err != nil || !atBase {
				continue
			}
			basePath = prev
		}
		bd, err := incident.Parse(basePath, baseSrc)
		if err != nil {
			continue // the base version was broken already; nothing trustworthy to compare with
		}
		f := &finder{path: rel}
		compareDocuments(f, c.secrets, bd, ld.doc, rev)
		out = append(out, f.out...)
	}
	return out, nil
}

// compareDocuments applies the log-rewritten and resolution-changed rules to one document.
func compareDocuments(f *finder, sc *secret.Scanner, base, cur *incident.Document, baseName string) {
	added := compareLog(f, sc, base, cur, baseName)
	compareResolution(f, base, cur, added, baseName)
}

func logKey(e incident.LogEntry) string {
	return incident.FormatTime(e.At) + "\x00" + e.Author + "\x00" + e.Text
}

func quoteEntry(e incident.LogEntry) string {
	s := strings.TrimSpace(incident.FormatLogLine(e))
	if r := []rune(s); len(r) > 120 {
		s = string(r[:119]) + "…"
	}
	return fmt.Sprintf("%q", s)
}

// compareLog checks that the base's log entries are all in the current log, unchanged and in
// the same order, with new entries anywhere between them. It returns the entries that are new.
func compareLog(f *finder, sc *secret.Scanner, base, cur *incident.Document, baseName string) []incident.LogEntry {
	B, C := base.Log, cur.Log
	matchB, matchC := alignLogs(B, C)
	usedC := slices.Clone(matchC)
	hasSecret := func(e incident.LogEntry) bool { return len(sc.Scan(e.Text)) > 0 }

	// Unmatched current entries by key, for entries that moved.
	unmatched := map[string][]int{}
	for j, e := range C {
		if matchC[j] < 0 {
			unmatched[logKey(e)] = append(unmatched[logKey(e)], j)
		}
	}
	take := func(j int) {
		usedC[j] = 1
		k := logKey(C[j])
		unmatched[k] = slices.DeleteFunc(unmatched[k], func(x int) bool { return x == j })
	}
	for i, b := range B {
		if matchB[i] >= 0 {
			continue
		}
		// The gap in C between the matched neighbours of b.
		lo, hi := 0, len(C)
		for k := i - 1; k >= 0; k-- {
			if matchB[k] >= 0 {
				lo = matchB[k] + 1
				break
			}
		}
		for k := i + 1; k < len(B); k++ {
			if matchB[k] >= 0 {
				hi = matchB[k]
				break
			}
		}
		if js := unmatched[logKey(b)]; len(js) > 0 {
			j := js[0]
			take(j)
			f.add(C[j].Line, 1, RuleLogRewritten, fmt.Sprintf("this log entry was moved since the merge base with %s, where it was at line %d: the log is append-only and in time order; put it back where it was",
				baseName, b.Line))
			continue
		}
		edited := -1
		for pass := 0; pass < 2 && edited < 0; pass++ {
			for j := lo; j < hi; j++ {
				if usedC[j] >= 0 {
					continue
				}
				same := C[j].At.Equal(b.At) && C[j].Author == b.Author
				if pass == 1 {
					same = C[j].Text == b.Text
				}
				if same {
					edited = j
					break
				}
			}
		}
		if hasSecret(b) {
			// Taking a credential out of the log is what the secret rule asks for.
			if edited >= 0 {
				take(edited)
			}
			continue
		}
		if edited >= 0 {
			take(edited)
			f.add(C[edited].Line, 1, RuleLogRewritten, fmt.Sprintf("this log entry was edited since the merge base with %s; it was %s: the log is append-only: restore the entry and add the correction as a new entry (incidentctl log %s \"correction: …\")",
				baseName, quoteEntry(b), shortID(cur.Meta.ID)))
			continue
		}
		line := cur.SectionLine(incident.SectionLog)
		if hi < len(C) {
			line = C[hi].Line
		} else if len(C) > 0 {
			line = C[len(C)-1].Line
		}
		f.add(line, 1, RuleLogRewritten, fmt.Sprintf("a log entry was removed here since the merge base with %s, where it was line %d: %s; the log is append-only: restore it, and add any correction as a new entry",
			baseName, b.Line, quoteEntry(b)))
	}
	var added []incident.LogEntry
	for j, e := range C {
		if usedC[j] < 0 {
			added = append(added, e)
		}
	}
	return added
}

// alignLogs matches base entries to current ones in order (a longest common subsequence).
// match[i] is the index matched on the other side, -1 for none. Common prefixes and suffixes,
// the usual case (entries appended or backfilled), cost nothing.
func alignLogs(B, C []incident.LogEntry) (matchB, matchC []int) {
	matchB, matchC = make([]int, len(B)), make([]int, len(C))
	for i := range matchB {
		matchB[i] = -1
	}
	for j := range matchC {
		matchC[j] = -1
	}
	kb := make([]string, len(B))
	for i, e := range B {
		kb[i] = logKey(e)
	}
	kc := make([]string, len(C))
	for j, e := range C {
		kc[j] = logKey(e)
	}
	pre := 0
	for pre < len(kb) && pre < len(kc) && kb[pre] == kc[pre] {
		matchB[pre], matchC[pre] = pre, pre
		pre++
	}
	suf := 0
	for suf < len(kb)-pre && suf < len(kc)-pre && kb[len(kb)-1-suf] == kc[len(kc)-1-suf] {
		i, j := len(kb)-1-suf, len(kc)-1-suf
		matchB[i], matchC[j] = j, i
		suf++
	}
	b, c := kb[pre:len(kb)-suf], kc[pre:len(kc)-suf]
	if len(b) == 0 || len(c) == 0 {
		return matchB, matchC
	}
	if len(b)*len(c) > 4_000_000 {
		// Too long for the table: match greedily in order.
		j := 0
		for i := range b {
			for k := j; k < len(c); k++ {
				if b[i] == c[k] {
					matchB[pre+i], matchC[pre+k] = pre+k, pre+i
					j = k + 1
					break
				}
			}
		}
		return matchB, matchC
	}
	n, m := len(b), len(c)
	t := make([]int32, (n+1)*(m+1))
	at := func(i, j int) *int32 { return &t[i*(m+1)+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if b[i] == c[j] {
				*at(i, j) = *at(i+1, j+1) + 1
			} else {
				*at(i, j) = max(*at(i+1, j), *at(i, j+1))
			}
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case b[i] == c[j]:
			matchB[pre+i], matchC[pre+j] = pre+j, pre+i
			i++
			j++
		case *at(i+1, j) >= *at(i, j+1):
			i++
		default:
			j++
		}
	}
	return matchB, matchC
}

// compareResolution: an incident resolved at the base keeps its milestone times and its
// resolution, unless a new log entry says why they change (a reopening, or a correction that
// names the field).
func compareResolution(f *finder, base, cur *incident.Document, added []incident.LogEntry, baseName string) {
	bm, cm := base.Meta, cur.Meta
	if bm.Status != incident.StatusResolved || bm.ResolvedAt == nil {
		return
	}
	explained := func(key string) bool {
		for _, e := range added {
			t := strings.ToLower(e.Text)
			if strings.Contains(t, "reopen") || strings.Contains(t, key) {
				return true
			}
		}
		return false
	}
	fmtTime := func(m *incident.Meta, key string) string {
		t := m.Milestone(key)
		if t == nil || t.IsZero() {
			return "null"
		}
		return incident.FormatTime(*t)
	}
	for _, key := range milestones {
		was, now := fmtTime(&bm, key), fmtTime(&cm, key)
		if was == now || explained(key) {
			continue
		}
		l, col := pos(cur, key)
		if !cur.HasKey(key) {
			l, col = pos(cur, incident.KeyStatus)
		}
		f.add(l, col, RuleResolutionChanged, fmt.Sprintf("%s changed since the merge base with %s, where the incident was already resolved (was %s, now %s): resolution times are the record; if this corrects a mistake, log it (incidentctl log %s \"correction: %s …\"); to reopen, use incidentctl update %s --status investigating",
			key, baseName, was, now, shortID(cm.ID), key, shortID(cm.ID)))
	}
	if bm.Resolution != cm.Resolution && !explained(incident.KeyResolution) {
		l, col := pos(cur, incident.KeyResolution)
		f.add(l, col, RuleResolutionChanged, fmt.Sprintf("resolution changed since the merge base with %s, where the incident was already resolved (was %q): if this corrects it, log why (incidentctl log %s \"correction: resolution …\")",
			baseName, bm.Resolution, shortID(cm.ID)))
	}
}
