package workspace

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/flowhistory"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/templates"
)

// The flow as reviewed code with provenance: a change of templates/ is proposed on a branch of
// its own that cites the incident and the postmortem that motivated it; the history of
// templates/ says which incidents each change cites and how many incidents were declared with
// each version; an incident's action list can be compared with the one at HEAD.

// FlowPaths are the repository paths the flow lives under (templates/ unless configured
// otherwise).
func (w *Workspace) FlowPaths() []string { return w.Config.FlowPaths() }

func (w *Workspace) flowPathsText() string {
	ps := w.FlowPaths()
	for i, p := range ps {
		ps[i] = p + "/"
	}
	return strings.Join(ps, ", ")
}

// Proposal is what `flow propose` made.
type Proposal struct {
	ID         string   // the incident
	Branch     string   // the new branch
	BaseBranch string   // the branch it was made from (the pull request's base)
	Commit     string   // the commit on the new branch
	Files      []string // the files it changes
	Postmortem string   // the postmortem it cites ("" when the incident has none yet)
	Subject    string
	Body       string // the pull request's description
	Remote     string
	Warnings   []string
}

// ProposeFlow commits the working-copy changes under the flow's folders, and only those, on a
// new branch flow/<id>-<slug> with the trailers Incident: and Postmortem:. The current branch,
// the index and every working-copy change stay exactly as they were.
func (w *Workspace) ProposeFlow(ref, message string) (*Proposal, error) {
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	if h.Unborn {
		return nil, i18n.Errorf("change.unborn", "Branch", h.Branch)
	}
	d, err := w.Load(ref)
	if err != nil {
		return nil, err
	}
	m := d.Meta
	branch := "flow/" + m.ID
	if s := incident.Slug(m.Title); s != "" {
		branch += "-" + s
	}
	if exists, err := w.Repo.BranchExists(branch); err != nil {
		return nil, err
	} else if exists {
		return nil, i18n.Errorf("flowws.branch_exists", "Branch", branch, "ID", m.ID)
	}
	all, err := w.Repo.WorktreeChanges(h.Commit, w.FlowPaths())
	if err != nil {
		return nil, err
	}
	var changed []string
	for _, p := range all {
		// An untracked file git ignores (an editor's backup) is not part of the change.
		if _, tracked, err := w.Repo.BlobAt(h.Commit, p); err != nil {
			return nil, err
		} else if !tracked {
			if ignored, err := w.Repo.Ignored(p); err != nil {
				return nil, err
			} else if ignored {
				continue
			}
		}
		changed = append(changed, p)
	}
	if len(changed) == 0 {
		other, err := w.Repo.WorktreeChanges(h.Commit, []string{""})
		if err == nil && len(other) > 0 {
			return nil, i18n.Errorf("flowws.only_other", "Flow", w.flowPathsText(), "Other", listFew(other), "ActionList", w.Config.ActionList)
		}
		return nil, i18n.Errorf("flowws.no_change", "Flow", w.flowPathsText(), "ActionList", w.Config.ActionList)
	}
	files := make([]gitrepo.BranchFile, 0, len(changed))
	for _, p := range changed {
		f := gitrepo.BranchFile{Path: p}
		fi, err := os.Lstat(w.abs(p))
		switch {
		case errors.Is(err, os.ErrNotExist):
			f.Delete = true
		case err != nil:
			return nil, i18n.Errorf("pmws.reading", "Path", p, "Error", err.Error())
		case !fi.Mode().IsRegular():
			return nil, i18n.Errorf("flowws.not_regular", "Path", p)
		default:
			if f.Content, err = readFile(w.abs(p)); err != nil {
				return nil, i18n.Errorf("pmws.reading", "Path", p, "Error", err.Error())
			}
			f.Executable = fi.Mode()&0o111 != 0
		}
		files = append(files, f)
	}
	p := &Proposal{ID: m.ID, Branch: branch, BaseBranch: h.Branch, Files: changed, Remote: w.Config.Sync.Remote}
	if pm, ok := w.postmortemOf(d); ok {
		p.Postmortem = pm
	} else if link, _, ok := externalLink(d); ok {
		p.Postmortem = link
	} else {
		p.Warnings = append(p.Warnings, fmt.Sprintf("%s has no postmortem yet: the change cites the incident alone (draft one with incidentctl postmortem %s)", m.ID, shortRef(m.ID)))
	}
	subject, body, _ := strings.Cut(strings.TrimSpace(message), "\n")
	subject = incident.OneLine(subject)
	if subject == "" {
		subject = "flow: what " + m.ID + " taught us"
	}
	p.Subject = subject
	var msg strings.Builder
	msg.WriteString(subject + "\n\n")
	if body = strings.TrimSpace(body); body != "" {
		msg.WriteString(body + "\n\n")
	}
	fmt.Fprintf(&msg, "From the review of %s (%s).\n\n", m.ID, incident.OneLine(m.Title))
	msg.WriteString(flowhistory.TrailerIncident + ": " + m.ID + "\n")
	if p.Postmortem != "" {
		msg.WriteString(flowhistory.TrailerPostmortem + ": " + p.Postmortem + "\n")
	}
	author, committer, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.CommitOnNewBranch(gitrepo.BranchCommitRequest{
		Branch: branch, Base: h.Commit, Files: files, Message: msg.String(), Author: author, Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	p.Commit = commit.String()
	var pr strings.Builder
	fmt.Fprintf(&pr, "Motivated by incident %s (`%s`)", m.ID, d.Path)
	if p.Postmortem != "" {
		fmt.Fprintf(&pr, " and its postmortem (`%s`)", p.Postmortem)
	}
	pr.WriteString(".\n\n")
	if body != "" {
		pr.WriteString(body + "\n\n")
	}
	pr.WriteString("Changes: " + strings.Join(changed, ", ") + "\n")
	p.Body = pr.String()
	return p, nil
}

// listFew names up to five paths.
func listFew(ps []string) string {
	if len(ps) <= 5 {
		return strings.Join(ps, ", ")
	}
	return strings.Join(ps[:5], ", ") + fmt.Sprintf(" and %d more", len(ps)-5)
}

// FlowChange is one commit of the flow's history.
type FlowChange struct {
	flowhistory.Change
	Files []string // the flow files it changed
}

// FlowLog is the history of the flow.
type FlowLog struct {
	Changes []FlowChange // newest first
	// Incidents declared with a version no commit accounts for: the built-in default (before
	// the flow was committed) or a version the history does not have (a shallow clone).
	Other []flowhistory.Declared
}

// FlowLog walks the history of the flow's folders: every commit that changed them, the incidents
// it cites, and how many incidents were declared with the flow it left. Drills are not counted.
func (w *Workspace) FlowLog() (*FlowLog, error) {
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	out := &FlowLog{}
	if h.Unborn {
		return out, nil
	}
	commits, err := w.Repo.PathLog(h.Commit, nil, w.FlowPaths())
	if err != nil {
		return nil, err
	}
	changes := make([]flowhistory.Change, len(commits))
	files := make([][]string, len(commits))
	for i, c := range commits {
		changes[i] = flowhistory.Change{
			Commit: c.Hash.String(), Date: c.Author.When, Author: c.Author.Name, Subject: c.Subject(),
			Cites: flowhistory.Cites(c.Message),
		}
		if blob, ok, err := w.Repo.BlobAt(c.Hash, w.Config.ActionList); err != nil {
			return nil, err
		} else if ok {
			changes[i].Template = blob.String()
		}
		var parent plumbing.Hash
		if len(c.Parents) > 0 {
			parent = c.Parents[0]
		}
		if files[i], err = w.flowFilesChanged(parent, c.Hash); err != nil {
			return nil, err
		}
	}
	declared, err := w.declaredWith()
	if err != nil {
		return nil, err
	}
	out.Other = flowhistory.Count(changes, declared)
	for i, c := range changes {
		out.Changes = append(out.Changes, FlowChange{Change: c, Files: files[i]})
	}
	return out, nil
}

// flowFilesChanged lists the flow files that differ between two commits (from zero: all).
func (w *Workspace) flowFilesChanged(from, to plumbing.Hash) ([]string, error) {
	if from.IsZero() {
		var out []string
		for _, p := range w.FlowPaths() {
			fs, err := w.Repo.TreeFiles(to, p)
			if err != nil {
				return nil, err
			}
			for f := range fs {
				out = append(out, f)
			}
		}
		slices.Sort(out)
		return out, nil
	}
	return w.Repo.ChangedFiles(from, to, w.FlowPaths())
}

// declaredWith lists every real incident with the action list it was rendered from.
func (w *Workspace) declaredWith() ([]flowhistory.Declared, error) {
	res, err := w.List(Filter{Status: "all", MetaOnly: true})
	if err != nil {
		return nil, err
	}
	var out []flowhistory.Declared
	for _, d := range res.Incidents {
		if d.Meta.IsDrill() || d.Meta.Template == "" {
			continue
		}
		out = append(out, flowhistory.Declared{ID: d.Meta.ID, DeclaredAt: d.Meta.DeclaredAt, Template: d.Meta.Template})
	}
	return out, nil
}

// FlowDiff is how the action list changed between the version an incident was rendered from and
// HEAD.
type FlowDiff struct {
	ID       string
	Path     string // the action list
	From, To string // blob hashes ("builtin:<hash>" for the built-in default)
	Changes  []FlowChange
	Diff     string // unified diff; "" when the versions are the same
}

// FlowDiff compares the action list an incident was rendered from with the one at HEAD: what
// the flow has learned since that incident.
func (w *Workspace) FlowDiff(ref string) (*FlowDiff, error) {
	d, err := w.Load(ref)
	if err != nil {
		return nil, err
	}
	m := d.Meta
	if m.Template == "" {
		return nil, i18n.Errorf("flowws.no_template", "ID", m.ID)
	}
	old, err := w.templateVersion(m.ID, m.Template)
	if err != nil {
		return nil, err
	}
	flow, err := w.Flow()
	if err != nil {
		return nil, err
	}
	out := &FlowDiff{ID: m.ID, Path: w.Config.ActionList, From: m.Template, To: flow.TemplateID}
	out.Diff = flowhistory.Diff("a/"+w.Config.ActionList+" ("+m.ID+")", "b/"+w.Config.ActionList+" (HEAD)", old, flow.ActionList)
	if out.Diff == "" {
		return out, nil
	}
	log, err := w.FlowLog()
	if err != nil {
		return nil, err
	}
	// The changes since: those newer than the commit that left the incident's version (the
	// newest one before the declaration); without one (the built-in default), those after the
	// declaration.
	since := len(log.Changes)
	for i, c := range log.Changes {
		if c.Template == m.Template {
			since = i
			if !c.Date.After(m.DeclaredAt) {
				break
			}
		}
	}
	for i, c := range log.Changes {
		if since == len(log.Changes) && !c.Date.After(m.DeclaredAt) || i >= since {
			break
		}
		if slices.Contains(c.Files, w.Config.ActionList) {
			out.Changes = append(out.Changes, c)
		}
	}
	return out, nil
}

// templateVersion reads the action list an incident recorded in its template: key.
func (w *Workspace) templateVersion(id, tmpl string) ([]byte, error) {
	if h, ok := strings.CutPrefix(tmpl, "builtin:"); ok {
		if gitrepo.BlobHash(templates.ActionList).String() == h {
			return templates.ActionList, nil
		}
		return nil, i18n.Errorf("flowws.unknown_default", "ID", id, "Hash", short7(h))
	}
	if !plumbing.IsHash(tmpl) {
		return nil, i18n.Errorf("flowws.bad_template", "ID", id, "Template", strconv.Quote(tmpl))
	}
	b, err := w.Repo.ReadBlob(plumbing.NewHash(tmpl))
	if err != nil {
		return nil, i18n.Errorf("flowws.template_missing", "ID", id, "Hash", short7(tmpl), "Error", err.Error())
	}
	return b, nil
}

func short7(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}
