package workspace

import (
	"errors"
	"fmt"
	"os"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/scaffold"
	"github.com/incidentctl/incidentctl/pkg/sync"
)

// InitResult says what init did with each file.
type InitResult struct {
	Created []scaffold.File
	Kept    []scaffold.File // the user already has these: never overwritten
	Commit  string          // "" when nothing was created

	// The merge driver (git pull merges incident documents as incidentctl sync does):
	DriverAdded     []string // settings just written to .git/config; empty when already there
	DriverDiffering []string // settings the user gave other values, left as they are
	// AttributesLine is the line .gitattributes lacks for the driver ("" when it has it).
	AttributesLine string

	// Updated are files of the user's that init added a line to (.gitignore: the site's
	// folder), committed with the rest.
	Updated []scaffold.File
	// IgnoreLine is the line .gitignore lacks for the site's folder when init could not add it
	// (the file has uncommitted changes); "" otherwise.
	IgnoreLine string
}

// InitOptions are init's choices.
type InitOptions struct {
	Pages bool // also scaffold the workflow that publishes the web view to GitHub Pages
	// ActionRef is the release tag the scaffolded lint workflow pins the incidentctl action to
	// (scaffold.Options); empty for a build that is not a release.
	ActionRef string
}

// DriverSetupCommands are the commands that register the merge driver in a clone by hand.
func DriverSetupCommands() []string { return sync.SetupCommands() }

// Init scaffolds what a team needs and commits the files it created, and only those. A file
// that exists (committed or not) is kept as it is, so running init twice changes nothing.
func (w *Workspace) Init() (*InitResult, error) { return w.InitWith(InitOptions{}) }

// InitWith is Init with options.
func (w *Workspace) InitWith(opts InitOptions) (*InitResult, error) {
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	res := &InitResult{}
	var changes []gitrepo.Change
	files := scaffold.FilesFor(w.Config, scaffold.Options{ActionRef: opts.ActionRef})
	if opts.Pages {
		files = append(files, scaffold.PagesWorkflow())
	}
	for _, f := range files {
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
	ignore, err := w.ignoreSite(res)
	if err != nil {
		return nil, err
	}
	changes = append(changes, ignore...)
	if len(changes) == 0 {
		return res, w.setUpMergeDriver(res)
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
	return res, w.setUpMergeDriver(res)
}

// setUpMergeDriver registers the merge driver in this clone's config (it cannot be committed,
// so init does it in every clone it runs in, including clones of a repository set up before)
// and checks that a .gitattributes init did not write hands incident documents to it.
func (w *Workspace) setUpMergeDriver(res *InitResult) error {
	added, differing, err := sync.RegisterDriver(w.Repo)
	if err != nil {
		return err
	}
	for _, s := range added {
		res.DriverAdded = append(res.DriverAdded, s.Name())
	}
	for _, s := range differing {
		res.DriverDiffering = append(res.DriverDiffering, s.Name())
	}
	content, err := os.ReadFile(w.abs(scaffold.AttributesFile))
	if errors.Is(err, os.ErrNotExist) {
		content, _, _, err = w.Repo.ReadAtHead(scaffold.AttributesFile)
	}
	if err != nil {
		return err
	}
	if !scaffold.HasAttributesLine(content, w.Config) {
		res.AttributesLine = scaffold.AttributesLine(w.Config)
	}
	return nil
}

// ignoreSite keeps the site's default output folder (incidentctl site) out of git: a new
// .gitignore when there is none, else the line appended to it, but only when the file has no
// uncommitted changes (init commits it, and never sweeps up edits of the user's).
func (w *Workspace) ignoreSite(res *InitResult) ([]gitrepo.Change, error) {
	const name = scaffold.IgnoreFile
	about := "keeps the web view's folder (incidentctl site) out of git"
	cur, statErr := os.ReadFile(w.abs(name))
	head, _, atHead, err := w.Repo.ReadAtHead(name)
	if err != nil {
		return nil, err
	}
	switch {
	case errors.Is(statErr, os.ErrNotExist) && !atHead:
		f := scaffold.File{Path: name, Content: []byte(scaffold.IgnoreContent), About: about, AboutID: "init.about.gitignore"}
		res.Created = append(res.Created, f)
		return []gitrepo.Change{{Path: name, Content: f.Content}}, nil
	case statErr != nil:
		return nil, nil // deleted by hand, or unreadable: the user's business
	case scaffold.HasIgnoreLine(cur):
		return nil, nil
	case !atHead || string(head) != string(cur):
		res.IgnoreLine = scaffold.IgnoreLine
		return nil, nil
	}
	content := append([]byte{}, cur...)
	if len(content) > 0 && content[len(content)-1] != '\n' {
		content = append(content, '\n')
	}
	content = append(content, scaffold.IgnoreContent...)
	res.Updated = append(res.Updated, scaffold.File{Path: name, Content: content, About: "added " + scaffold.IgnoreLine + ": " + about, AboutID: "init.about.gitignore_added"})
	return []gitrepo.Change{{Path: name, Content: content}}, nil
}
