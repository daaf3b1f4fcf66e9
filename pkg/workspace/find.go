package workspace

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Entry is an incident document found on disk, before it is read.
type Entry struct {
	ID   string
	Path string // repository path
}

// Entries lists every incident document under the incidents folder (files whose name starts
// with an ID), sorted by ID. Only folder listings are read, never the files, and only the
// folders that changed since the last time (cache.go).
func (w *Workspace) Entries() ([]Entry, error) {
	folders, err := w.folders()
	if err != nil {
		return nil, fmt.Errorf("listing %s: %v", w.incidentsDir(), err)
	}
	var out []Entry
	for _, f := range folders {
		f.eachDoc(func(name, id string) { out = append(out, Entry{ID: id, Path: f.docPath(name)}) })
	}
	if err := entriesErr(folders); err != nil {
		return nil, err
	}
	sortEntries(out)
	return out, nil
}

func sortEntries(es []Entry) {
	slices.SortFunc(es, func(a, b Entry) int {
		if c := strings.Compare(a.ID, b.ID); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
}

// monthEntries lists the folder where an incident with this full ID lives, if any.
func (w *Workspace) monthEntries(id string) []Entry {
	dir := path.Join(w.incidentsDir(), "20"+id[:2], id[2:4])
	des, err := os.ReadDir(w.abs(dir))
	if err != nil {
		return nil
	}
	var out []Entry
	for _, de := range des {
		// The prefix first: validating every name of a busy month costs more than the listing.
		if !de.IsDir() && strings.HasPrefix(de.Name(), id) && strings.HasSuffix(de.Name(), ".md") && incident.IDFromFileName(de.Name()) == id {
			out = append(out, Entry{ID: id, Path: dir + "/" + de.Name()})
		}
	}
	return out
}

// Find resolves what the user typed: a full ID, any unambiguous prefix of an ID or of its
// random part ("k7x" for 261123-k7xqm), or the path of the document.
func (w *Workspace) Find(ref string) (Entry, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Entry{}, invalid(i18n.Errorf("find.empty"))
	}
	if strings.HasSuffix(ref, ".md") || strings.ContainsRune(ref, filepath.Separator) {
		if rel := w.relPath(ref); rel != "" {
			if id := incident.IDFromFileName(rel); id != "" {
				if _, err := os.Stat(w.abs(rel)); err == nil {
					return Entry{ID: id, Path: rel}, nil
				}
			}
		}
	}
	q := strings.ToLower(ref)
	if incident.ValidID(q) {
		switch m := w.monthEntries(q); len(m) {
		case 1:
			return m[0], nil
		case 0:
			// fall through to the full scan: the file may sit in another folder
		default:
			return Entry{}, ambiguous(ref, m)
		}
	}
	// Every ID, from the cached folder listings: matching is cheap, building 100,000 entries is
	// not, so only the matches become entries.
	folders, err := w.folders()
	if err != nil {
		return Entry{}, fmt.Errorf("listing %s: %v", w.incidentsDir(), err)
	}
	var matches []Entry
	for _, f := range folders {
		f.eachDoc(func(name, id string) {
			if strings.HasPrefix(id, q) || strings.HasPrefix(id[7:], q) {
				matches = append(matches, Entry{ID: id, Path: f.docPath(name)})
			}
		})
	}
	if err := entriesErr(folders); err != nil {
		return Entry{}, err
	}
	sortEntries(matches)
	switch len(matches) {
	case 0:
		return Entry{}, invalid(i18n.Errorf("find.none", "Ref", fmt.Sprintf("%q", ref), "Dir", w.incidentsDir()))
	case 1:
		return matches[0], nil
	}
	return Entry{}, ambiguous(ref, matches)
}

func ambiguous(ref string, matches []Entry) error {
	var b strings.Builder
	for i, m := range matches {
		if i == 10 {
			b.WriteString("\n  " + i18n.Errorf("find.more", "More", len(matches)-10).Error())
			break
		}
		fmt.Fprintf(&b, "\n  %s  %s", m.ID, m.Path)
	}
	return invalid(i18n.Errorf("find.ambiguous", "Ref", fmt.Sprintf("%q", ref), "Count", len(matches), "List", b.String()))
}

// Load finds and parses one incident from the working tree.
func (w *Workspace) Load(ref string) (*incident.Document, error) {
	e, err := w.Find(ref)
	if err != nil {
		return nil, err
	}
	if err := w.checkFolders(e.Path); err != nil {
		return nil, err
	}
	return w.loadEntry(e)
}
