package workspace

import (
	"fmt"
	"os"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/scaffold"
)

// InitResult says what init did with each file.
type InitResult struct {
	Created []scaffold.File
	Kept    []scaffold.File // the user already has these: never overwritten
	Commit  string          // "" when nothing was created
}

// Init scaffolds what a team needs and commits the files it created, and only those. A file
// that exists (committed or not) is kept as it is, so running init twice changes nothing.
func (w *Workspace) Init() (*InitResult, error) {
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	res := &InitResult{}
	var changes []gitrepo.Change
	for _, f := range scaffold.Files(w.Config) {
		_, statErr := os.Lstat(w.abs(f.Path))
		_, _, atHead, err := w.Repo.ReadAtHead(f.Path)
		if err != nil {
			return nil, err
		}
		if statErr == nil || atHead {
			res.Kept = append(res.Kept, f)
			continue
		}
		res.Created = append(res.Created, f)
		changes = append(changes, gitrepo.Change{Path: f.Path, Content: f.Content})
	}
	if len(changes) == 0 {
		return res, nil
	}
	author, committer, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.Commit(gitrepo.CommitRequest{
		Changes:   changes,
		Message:   fmt.Sprintf("incidentctl init: scaffold %d files\n\nThe action list and severity definitions are reviewed like code: change them with\npull requests; every new incident is rendered from the version committed at HEAD.\n", len(changes)),
		Parent:    h.Commit,
		Author:    author,
		Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	res.Commit = commit.String()
	return res, nil
}
