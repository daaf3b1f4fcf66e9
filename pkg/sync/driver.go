package sync

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/merge"
)

// The merge driver gives people who use plain `git pull` (or git merge) the same merge as
// incidentctl sync: .gitattributes hands incident documents to the driver named "incidentctl"
// (<incidents>/**/*.md merge=incidentctl), and each clone's config says how to run it. Both
// call merge.Documents with the same three versions, so both produce the same bytes.

// DriverName is the merge driver's name in .gitattributes and the git config.
const DriverName = "incidentctl"

// DriverCommand is how git runs the driver: %O the common ancestor's version, %A ours (where the
// result goes), %B theirs, %P the file's path.
const DriverCommand = "incidentctl merge-driver %O %A %B %P"

// DriverSettings are the config settings that register the driver.
func DriverSettings() []gitrepo.ConfigSetting {
	return []gitrepo.ConfigSetting{
		{Section: "merge", Subsection: DriverName, Key: "name", Value: "incidentctl: field-by-field merge of incident documents"},
		{Section: "merge", Subsection: DriverName, Key: "driver", Value: DriverCommand},
	}
}

// SetupCommands are the `git config` commands that register the driver in a clone by hand.
func SetupCommands() []string {
	var out []string
	for _, s := range DriverSettings() {
		out = append(out, fmt.Sprintf("git config %s %q", s.Name(), s.Value))
	}
	return out
}

// RegisterDriver registers the driver in the repository's config (once per clone: the config
// is not committed). Settings the user gave other values are left alone and returned.
func RegisterDriver(repo *gitrepo.Repo) (added, differing []gitrepo.ConfigSetting, err error) {
	return repo.EnsureConfig(DriverSettings())
}

// MergeFiles is the merge driver: it joins the versions in the files base, ours and theirs of
// the document at path and writes the result into ours, as git expects. On a conflict it
// returns the error and leaves ours as it is; git then marks the file as conflicted. It never
// writes conflict markers.
func MergeFiles(base, ours, theirs, path string) error {
	_, err := MergeFilesWith(base, ours, theirs, path, merge.Options{})
	return err
}

// MergeFilesWith is MergeFiles with merge options; it returns the merge's notes (decisions
// people should know about, also written to the merged log).
func MergeFilesWith(base, ours, theirs, path string, opts merge.Options) ([]string, error) {
	b, err := os.ReadFile(base)
	if err != nil {
		return nil, fmt.Errorf("cannot read the common version of %s: %v", path, err)
	}
	if len(b) == 0 {
		b = nil // git passes an empty file when both sides added the document
	}
	o, err := os.ReadFile(ours)
	if err != nil {
		return nil, fmt.Errorf("cannot read our version of %s: %v", path, err)
	}
	t, err := os.ReadFile(theirs)
	if err != nil {
		return nil, fmt.Errorf("cannot read their version of %s: %v", path, err)
	}
	out, notes, err := merge.Merge(filepath.ToSlash(path), b, o, t, opts)
	if err != nil {
		return nil, &DriverError{Path: path, Err: err}
	}
	tmp := ours + ".incidentctl"
	if err := os.WriteFile(tmp, out, 0o644); err != nil {
		return nil, fmt.Errorf("cannot write the merged %s: %v", path, err)
	}
	if err := os.Rename(tmp, ours); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("cannot write the merged %s: %v", path, err)
	}
	return notes, nil
}

// DriverError: the merge driver could not join a document; git marks it as conflicted.
type DriverError struct {
	Path string
	Err  error
}

func (e *DriverError) Error() string { return e.Localize(i18n.For(i18n.English)) }

// Localize says what happened and how to resolve it in p's language.
func (e *DriverError) Localize(p *i18n.Printer) string {
	return p.Message(e.Err) + "\n" + p.T("merge.driver_advice", "Path", e.Path)
}

func (e *DriverError) Unwrap() error { return e.Err }
