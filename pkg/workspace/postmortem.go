package workspace

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/quickread"
	"github.com/incidentctl/incidentctl/templates"
)

// PostmortemPrefix starts the incident's log entry that links its postmortem (the lint rule
// reads it, and so do the commands that find a postmortem).
const PostmortemPrefix = postmortem.LinkPrefix

// PostmortemOptions is what `incidentctl postmortem` asks for.
type PostmortemOptions struct {
	Owner        string     // "" means the person drafting it
	Meeting      *time.Time // when the review meeting is, if known
	Draft        bool       // allow an incident that is not resolved yet
	Force        bool       // draft one although the incident links a postmortem elsewhere (a URL)
	IncludeEdits bool       // commit the incident file's uncommitted hand edits along with it
}

// PostmortemResult is what drafting a postmortem did.
type PostmortemResult struct {
	ID           string // the incident
	Path         string // the postmortem, a repository path
	IncidentPath string
	Commit       string
	Doc          *postmortem.Document
	Warnings     []string
}

// postmortemsDir is the configured folder, as a repository path.
func (w *Workspace) postmortemsDir() string { return path.Clean(w.Config.Postmortem.Folder) }

// PostmortemPath is where the postmortem of an incident goes: <folder>/YYYY/MM/<id>-<slug>.md,
// in the month of its declaration like the incident itself.
func (w *Workspace) PostmortemPath(m incident.Meta) string {
	return path.Join(w.postmortemsDir(), incident.RelPath(m.ID, m.Title, m.DeclaredAt))
}

// Postmortem drafts the postmortem of an incident from its record and commits it together with
// the incident's log entry that links it (postmortem: <path>): one commit of the two files.
func (w *Workspace) Postmortem(ref string, opts PostmortemOptions) (*PostmortemResult, error) {
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	if h.Unborn {
		return nil, i18n.Errorf("change.unborn", "Branch", h.Branch)
	}
	e, err := w.Find(ref)
	if err != nil {
		return nil, err
	}
	if err := w.checkClean(e.Path, opts.IncludeEdits); err != nil {
		return nil, err
	}
	d, err := w.loadEntry(e)
	if err != nil {
		return nil, err
	}
	m := d.Meta
	if m.IsDrill() {
		return nil, i18n.Errorf("pmws.drill", "ID", m.ID, "Ref", shortRef(m.ID))
	}
	if m.Status != incident.StatusResolved && !opts.Draft {
		return nil, i18n.Errorf("pmws.not_resolved", "ID", m.ID, "Status", m.Status, "Ref", shortRef(m.ID))
	}
	if p, ok := w.postmortemOf(d); ok {
		return nil, i18n.Errorf("pmws.exists", "ID", m.ID, "Path", p, "Ref", shortRef(m.ID))
	}
	if link, at, ok := externalLink(d); ok && !opts.Force {
		return nil, i18n.Errorf("pmws.linked", "ID", m.ID, "Link", link, "At", incident.FormatTime(at))
	}
	rel := w.PostmortemPath(m)
	if _, err := os.Lstat(w.abs(rel)); err == nil {
		return nil, i18n.Errorf("pmws.other_file", "Path", rel, "ID", m.ID)
	}
	tmpl, tmplFrom, _, warnings, err := w.committed(w.Config.Postmortem.Template, templates.Postmortem)
	if err != nil {
		return nil, err
	}
	if tmplFrom == builtIn {
		tmplFrom = w.Config.Postmortem.Template + " (" + builtIn + ")"
	}
	flow, err := w.Flow()
	if err != nil {
		return nil, err
	}
	author, committer, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	now := w.Now().Truncate(time.Second)
	owner := incident.OneLine(opts.Owner)
	if owner == "" {
		owner = author.Name
	}
	pm := postmortem.Meta{Incident: m.ID, Title: m.Title, Status: postmortem.StatusDraft, Owner: owner, Meeting: opts.Meeting}
	rec := postmortem.FromIncident(d, flow.Severities, now)
	data := postmortem.NewData(rec, pm, w.Config.ActionList, now, postmortem.LabelsFor(string(w.Config.Lang)))
	body, err := postmortem.Render(tmplFrom, tmpl, data)
	if err != nil {
		return nil, err
	}
	doc, err := postmortem.New(rel, pm, body)
	if err != nil {
		return nil, err
	}
	nd, err := d.AppendLog(incident.LogEntry{At: now, Author: author.Name, Text: PostmortemPrefix + " " + rel})
	if err != nil {
		return nil, err
	}
	if nd, err = nd.RefreshStatus(); err != nil {
		return nil, err
	}
	sc, err := w.scanner()
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.Commit(gitrepo.CommitRequest{
		Changes:   []gitrepo.Change{{Path: e.Path, Content: nd.Src}, {Path: rel, Content: doc.Src}},
		Message:   commitMessage(sc, m.ID, "postmortem drafted"),
		Parent:    h.Commit,
		Author:    author,
		Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	return &PostmortemResult{ID: m.ID, Path: rel, IncidentPath: e.Path, Commit: commit.String(), Doc: doc, Warnings: warnings}, nil
}

// checkClean refuses to sweep up uncommitted hand edits of a file a command rewrites.
func (w *Workspace) checkClean(rel string, includeEdits bool) error {
	st, err := w.Repo.FileState(rel)
	if err != nil {
		return err
	}
	if !st.AtHead {
		return i18n.Errorf("change.not_committed", "Path", rel)
	}
	if (st.WorktreeDiffers || st.IndexDiffers) && !includeEdits {
		return i18n.Errorf("change.uncommitted", "Path", rel)
	}
	return nil
}

// postmortemOf finds the postmortem document of an incident in the repository: the file in its
// month folder whose name starts with the ID, or a file the log links.
func (w *Workspace) postmortemOf(d *incident.Document) (string, bool) {
	id := d.Meta.ID
	if incident.ValidID(id) {
		dir := path.Join(w.postmortemsDir(), "20"+id[:2], id[2:4])
		if des, err := os.ReadDir(w.abs(dir)); err == nil {
			for _, de := range des {
				if !de.IsDir() && strings.HasSuffix(de.Name(), ".md") && incident.IDFromFileName(de.Name()) == id {
					return dir + "/" + de.Name(), true
				}
			}
		}
	}
	for i := len(d.Log) - 1; i >= 0; i-- {
		if link, ok := postmortemLink(d.Log[i].Text); ok && !isURL(link) {
			if rel := path.Clean(link); !strings.HasPrefix(rel, "../") && rel != ".." {
				if fi, err := os.Stat(w.abs(rel)); err == nil && fi.Mode().IsRegular() {
					return rel, true
				}
			}
		}
	}
	return "", false
}

// externalLink is the last postmortem link of the log that points outside the repository.
func externalLink(d *incident.Document) (string, time.Time, bool) {
	for i := len(d.Log) - 1; i >= 0; i-- {
		if link, ok := postmortemLink(d.Log[i].Text); ok && isURL(link) {
			return link, d.Log[i].At, true
		}
	}
	return "", time.Time{}, false
}

// postmortemLink reads "postmortem: <link>" (the key in any case).
func postmortemLink(text string) (string, bool) {
	if len(text) < len(PostmortemPrefix) || !strings.EqualFold(text[:len(PostmortemPrefix)], PostmortemPrefix) {
		return "", false
	}
	f := strings.Fields(text[len(PostmortemPrefix):])
	if len(f) == 0 {
		return "", false
	}
	return strings.Trim(f[0], "<>()[]"), true
}

func isURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "http://") || strings.HasPrefix(l, "https://")
}

// shortRef is the random part of an ID: what people type.
func shortRef(id string) string {
	if _, r, ok := strings.Cut(id, "-"); ok && r != "" {
		return r
	}
	return id
}

// PostmortemFile is one postmortem of the repository, read.
type PostmortemFile struct {
	Path string
	Doc  *postmortem.Document
}

// Postmortems reads every postmortem under the postmortems folder, sorted by path. A postmortem
// that cannot be read is reported in errs and left out.
func (w *Workspace) Postmortems() (files []PostmortemFile, errs []error, err error) {
	root := w.abs(w.postmortemsDir())
	err = filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return nil // no postmortem yet
			}
			return err
		}
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".md") || incident.IDFromFileName(de.Name()) == "" {
			return nil // a README, notes
		}
		rel, _ := filepath.Rel(w.Root(), p)
		rel = filepath.ToSlash(rel)
		doc, perr := w.loadPostmortem(rel)
		if perr != nil {
			errs = append(errs, perr)
			return nil
		}
		files = append(files, PostmortemFile{Path: rel, Doc: doc})
		return nil
	})
	if err != nil {
		return nil, nil, i18n.Errorf("pmws.listing", "Path", w.postmortemsDir(), "Error", err.Error())
	}
	slices.SortFunc(files, func(a, b PostmortemFile) int { return strings.Compare(a.Path, b.Path) })
	return files, errs, nil
}

func (w *Workspace) loadPostmortem(rel string) (*postmortem.Document, error) {
	src, err := readFile(w.abs(rel))
	if err != nil {
		return nil, i18n.Errorf("pmws.reading", "Path", rel, "Error", err.Error())
	}
	return parsePostmortem(rel, src)
}

func parsePostmortem(rel string, src []byte) (*postmortem.Document, error) {
	if !bytes.HasPrefix(src, []byte("---")) {
		return nil, i18n.Errorf("pmws.no_front_matter", "Path", rel)
	}
	return postmortem.Parse(rel, src)
}

// pmBufs are loadFollowups' read buffers: QuickFollowups keeps nothing of the file's bytes.
var pmBufs = sync.Pool{New: func() any { return new([]byte) }}

// pmFollowups is what the follow-ups walk (eachFollowup) reads of a postmortem: its Meta's
// Incident and Followups (the rest of Meta may be empty).
type pmFollowups struct{ Meta postmortem.Meta }

// loadFollowups reads a postmortem for the follow-ups walk: with postmortem.QuickFollowups when
// its front matter has the plain shapes that reads (nearly every one), else as loadPostmortem
// does, with the same errors. The file is read the quick way (pkg/quickread) into a buffer
// used again (pmBufs) where that takes it, else as loadPostmortem reads it, which reports what
// is wrong.
func (w *Workspace) loadFollowups(rel string) (*pmFollowups, error) {
	abs := w.abs(rel)
	buf := pmBufs.Get().(*[]byte)
	defer pmBufs.Put(buf)
	src, _, ok := quickread.ReadFileInto(abs, incident.MaxSize, buf)
	if ok {
		if m, ok := postmortem.QuickFollowups(src); ok {
			return &pmFollowups{Meta: m}, nil
		}
		src = bytes.Clone(src) // the Document keeps it
	} else {
		var err error
		if src, err = readFile(abs); err != nil {
			return nil, i18n.Errorf("pmws.reading", "Path", rel, "Error", err.Error())
		}
	}
	doc, err := parsePostmortem(rel, src)
	if err != nil {
		return nil, err
	}
	return &pmFollowups{Meta: doc.Meta}, nil
}

// FindPostmortem resolves an incident (any unambiguous prefix) and reads its postmortem.
func (w *Workspace) FindPostmortem(ref string) (*incident.Document, *postmortem.Document, error) {
	d, err := w.Load(ref)
	if err != nil {
		return nil, nil, err
	}
	p, ok := w.postmortemOf(d)
	if !ok {
		return d, nil, i18n.Errorf("pmws.none", "ID", d.Meta.ID, "Ref", shortRef(d.Meta.ID))
	}
	doc, err := w.loadPostmortem(p)
	if err != nil {
		return d, nil, err
	}
	if !strings.EqualFold(doc.Meta.Incident, d.Meta.ID) {
		return d, nil, i18n.Errorf("pmws.wrong_incident", "Path", p, "Other", doc.Meta.Incident, "ID", d.Meta.ID)
	}
	return d, doc, nil
}

// PostmortemUpdate changes an existing postmortem's front matter; nil fields stay as they are.
type PostmortemUpdate struct {
	Status       *string
	Owner        *string
	Meeting      *time.Time
	IncludeEdits bool
}

// UpdatePostmortem moves a postmortem along (draft → in-review → final), or changes its owner
// or meeting, in one commit of the postmortem alone.
func (w *Workspace) UpdatePostmortem(ref string, u PostmortemUpdate) (*PostmortemResult, error) {
	if u.Status != nil && !postmortem.ValidStatus(*u.Status) {
		return nil, i18n.Errorf("pmws.status", "Status", strconv.Quote(*u.Status), "Known", strings.Join(postmortem.Statuses, ", "))
	}
	var changes []string
	res, err := w.changePostmortem(ref, u.IncludeEdits, func(_ *incident.Document, doc *postmortem.Document) (*postmortem.Document, string, error) {
		nd := doc
		var err error
		if u.Status != nil && *u.Status != doc.Meta.Status {
			if nd, err = nd.SetString(postmortem.KeyStatus, *u.Status); err != nil {
				return nil, "", err
			}
			changes = append(changes, "status "+orDash(doc.Meta.Status)+" → "+*u.Status)
		}
		if u.Owner != nil {
			if o := incident.OneLine(*u.Owner); o != doc.Meta.Owner {
				if o == "" {
					return nil, "", i18n.Errorf("pmws.owner_empty")
				}
				if nd, err = nd.SetString(postmortem.KeyOwner, o); err != nil {
					return nil, "", err
				}
				changes = append(changes, "owner "+orDash(doc.Meta.Owner)+" → "+o)
			}
		}
		if u.Meeting != nil && (doc.Meta.Meeting == nil || !doc.Meta.Meeting.Equal(*u.Meeting)) {
			if nd, err = nd.SetTime(postmortem.KeyMeeting, u.Meeting); err != nil {
				return nil, "", err
			}
			changes = append(changes, "meeting "+incident.FormatTime(*u.Meeting))
		}
		if len(changes) == 0 {
			return nil, "", nothingError(i18n.Errorf("pmws.same", "Path", doc.Path))
		}
		return nd, "postmortem " + strings.Join(changes, ", "), nil
	})
	if err != nil {
		return nil, err
	}
	return &PostmortemResult{ID: res.doc.Meta.Incident, Path: res.Path, Commit: res.Commit, Doc: res.doc}, nil
}

// RefreshPostmortem makes the postmortem's blocks made from the record (summary, impact,
// timeline, durations, responders, the action-list review …) again from the incident as it is
// now, in one commit of the postmortem alone; the prose around them is kept as it is. It
// returns the names of the blocks that changed; ErrNothingToChange when none did.
func (w *Workspace) RefreshPostmortem(ref string, includeEdits bool) (*PostmortemResult, []string, error) {
	flow, err := w.Flow()
	if err != nil {
		return nil, nil, err
	}
	var changed []string
	res, err := w.changePostmortem(ref, includeEdits, func(d *incident.Document, doc *postmortem.Document) (*postmortem.Document, string, error) {
		now := w.Now().Truncate(time.Second)
		rec := postmortem.FromIncident(d, flow.Severities, now)
		labels := doc.Labels(postmortem.LabelsFor(string(w.Config.Lang)))
		nd, names, found, err := doc.RefreshRecord(postmortem.NewData(rec, doc.Meta, w.Config.ActionList, now, labels))
		if err != nil {
			return nil, "", err
		}
		if found == 0 {
			return nil, "", i18n.Errorf("pmws.no_record_parts", "Path", doc.Path)
		}
		if len(names) == 0 {
			return nil, "", nothingError(i18n.Errorf("pmws.refresh_same", "Path", doc.Path))
		}
		changed = names
		return nd, "postmortem refreshed from the record: " + strings.Join(names, ", "), nil
	})
	if err != nil {
		return nil, nil, err
	}
	return &PostmortemResult{ID: res.doc.Meta.Incident, Path: res.Path, Commit: res.Commit, Doc: res.doc}, changed, nil
}
