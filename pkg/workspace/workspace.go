// Package workspace is an ops repository with incidentctl set up: its config, its reviewed
// flow (action list and severities), its incident documents and git. Each operation a command
// offers (declare, update, log, close, find, list, init) is one function here; commands only
// parse flags and call them.
package workspace

import (
	"errors"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// Workspace is one opened repository.
type Workspace struct {
	Repo   *gitrepo.Repo
	Config config.Config
	Now    func() time.Time

	flow      *Flow // read once per command (flowOnce)
	flowErr   error
	sev       *severity.Set // the severities alone, when the flow was not read (severities)
	sevFrom   string
	sevErr    error
	chatState *chatState // chat sinks resolved for this command (notify.go)
	scan      scanState  // what listings remember within this command (cache.go)
}

// Open finds the repository containing dir and reads its config.
func Open(dir string, now func() time.Time) (*Workspace, error) {
	repo, err := gitrepo.Open(dir)
	if err != nil {
		return nil, err
	}
	cfg, err := config.Load(repo.Root())
	if err != nil {
		return nil, err
	}
	if now == nil {
		now = time.Now
	}
	return &Workspace{Repo: repo, Config: cfg, Now: now}, nil
}

// Root is the repository's top-level folder.
func (w *Workspace) Root() string { return w.Repo.Root() }

// abs turns a repository path (slash-separated) into a file path.
func (w *Workspace) abs(rel string) string { return filepath.Join(w.Root(), filepath.FromSlash(rel)) }

// Result is what a write operation did.
type Result struct {
	ID       string
	Path     string // relative to the repository root, slash-separated
	Commit   string // full hash
	Doc      *incident.Document
	Warnings []string
}

// ErrNotRepository is returned by Open outside a git repository.
var ErrNotRepository = gitrepo.ErrNotRepository

// ErrNothingToChange is returned when an operation would commit an identical document.
var ErrNothingToChange = errors.New("nothing to change")

// head returns the branch a change will be committed on, with clear errors where git would
// lose the commit (detached HEAD) or there is nothing to build on yet.
func (w *Workspace) head() (gitrepo.Head, error) {
	h, err := w.Repo.Head()
	if err != nil {
		return h, err
	}
	if h.Detached {
		return h, i18n.Errorf("change.detached")
	}
	return h, nil
}

// incidentsDir is the configured folder, as a repository path.
func (w *Workspace) incidentsDir() string { return path.Clean(w.Config.Incidents) }

// relPath turns a file path given by the user (relative to the current directory) into a
// repository path, or "" when it is outside the repository.
func (w *Workspace) relPath(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(w.Root(), abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return filepath.ToSlash(rel)
}

func readFile(abs string) ([]byte, error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if st.Size() > incident.MaxSize {
		return nil, i18n.Errorf("change.too_big", "Path", abs, "Size", st.Size(), "Max", incident.MaxSize)
	}
	buf := make([]byte, st.Size())
	_, err = f.ReadAt(buf, 0)
	if err != nil && st.Size() > 0 {
		return nil, err
	}
	return buf, nil
}
