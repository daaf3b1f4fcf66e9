package sync

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// MarkerError: a document about to be pushed holds git conflict markers (a text merge in a
// clone without the merge driver, committed as it was). Nothing was pushed.
type MarkerError struct {
	Files []string // "path:line"
}

func (e *MarkerError) Error() string {
	return i18n.For(i18n.English).T("sync.markers", "Files", strings.Join(e.Files, ", "), "Count", len(e.Files))
}

// Unwrap gives the catalogue message, so that the CLI prints it in the reader's language.
func (e *MarkerError) Unwrap() error {
	return i18n.Errorf("sync.markers", "Files", strings.Join(e.Files, ", "), "Count", len(e.Files))
}

// checkMarkers refuses to share incident documents that hold conflict markers: the ones the
// push would change on the remote (changed between theirs, when the remote has the branch,
// and local).
func checkMarkers(repo *gitrepo.Repo, incidentsDir string, theirs plumbing.Hash, found bool, local plumbing.Hash) error {
	dir := path.Clean(incidentsDir)
	var paths []string
	if found {
		var err error
		if paths, err = repo.ChangedFiles(theirs, local, []string{dir}); err != nil {
			return err
		}
	} else { // the remote has no such branch yet: every document is new there
		files, err := repo.TreeFiles(local, dir)
		if err != nil {
			return err
		}
		for p := range files {
			paths = append(paths, p)
		}
		slices.Sort(paths)
	}
	var bad []string
	for _, p := range paths {
		if !isIncidentDocument(incidentsDir, p) {
			continue
		}
		src, _, ok, err := repo.ReadAt(local, p)
		if err != nil || !ok {
			continue // deleted by the push, or unreadable here: nothing of this kind to refuse
		}
		if line := incident.ConflictMarkerLine(src); line > 0 {
			bad = append(bad, fmt.Sprintf("%s:%d", p, line))
		}
	}
	if len(bad) > 0 {
		return &MarkerError{Files: bad}
	}
	return nil
}
