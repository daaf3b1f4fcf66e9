package workspace

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
)

// FollowupInput is a new follow-up, its values already checked by the command line (the due
// date parsed with postmortem.ParseDue, the kind one of postmortem.Kinds).
type FollowupInput struct {
	Text, Owner, Due, Kind, Link string
	IncludeEdits                 bool
}

// FollowupResult is what a follow-up command did.
type FollowupResult struct {
	Followup Followup
	Path     string // the postmortem
	Commit   string
}

// Followup is a follow-up as the commands show it.
type Followup struct {
	postmortem.Followup
	Incident string // the incident's ID
	Path     string // the postmortem it lives in
	Overdue  bool
}

// AddFollowup adds a follow-up to the postmortem of an incident and commits it.
func (w *Workspace) AddFollowup(ref string, in FollowupInput) (*FollowupResult, error) {
	text := incident.OneLine(in.Text)
	if text == "" {
		return nil, i18n.Errorf("followup.empty_text", "Ref", ref)
	}
	owner := incident.OneLine(in.Owner)
	if owner == "" {
		return nil, i18n.Errorf("followup.needs_owner")
	}
	if in.Due == "" {
		return nil, i18n.Errorf("followup.needs_due")
	}
	if err := w.noSecret("the follow-up's text", text); err != nil {
		return nil, err
	}
	if err := w.noSecret("--link", in.Link); err != nil {
		return nil, err
	}
	var added postmortem.Followup
	res, err := w.changePostmortem(ref, in.IncludeEdits, func(_ *incident.Document, doc *postmortem.Document) (*postmortem.Document, string, error) {
		added = postmortem.Followup{ID: doc.NextFollowupID(), Text: text, Owner: owner, Due: in.Due, Kind: in.Kind, Link: incident.OneLine(in.Link)}
		nd, err := doc.AddFollowup(added)
		return nd, "follow-up " + shortFollowupID(added.ID, doc.Meta.Incident) + ": " + text, err
	})
	if err != nil {
		return nil, err
	}
	res.Followup = w.followupOf(res.doc, added.ID)
	return &res.FollowupResult, nil
}

// DoneFollowup marks a follow-up done (with the link to what did it, if given) and commits it.
func (w *Workspace) DoneFollowup(id, link string, includeEdits bool) (*FollowupResult, error) {
	if err := w.noSecret("--link", link); err != nil {
		return nil, err
	}
	ref, _, ok := postmortem.SplitFollowupID(id)
	if !ok {
		return nil, i18n.Errorf("followup.bad_id", "ID", strconv.Quote(id))
	}
	var full string
	res, err := w.changePostmortem(ref, includeEdits, func(_ *incident.Document, doc *postmortem.Document) (*postmortem.Document, string, error) {
		_, n, _ := postmortem.SplitFollowupID(id)
		full = postmortem.FollowupID(doc.Meta.Incident, n)
		f, _, found := doc.Followup(full)
		if !found {
			ids := make([]string, len(doc.Meta.Followups))
			for i, f := range doc.Meta.Followups {
				ids[i] = f.ID
			}
			if len(ids) == 0 {
				return nil, "", i18n.Errorf("followup.none_yet", "Path", doc.Path, "ID", full)
			}
			return nil, "", i18n.Errorf("followup.no_such", "Path", doc.Path, "ID", full, "Known", strings.Join(ids, ", "))
		}
		if f.Done {
			if f.DoneAt != nil {
				return nil, "", i18n.Errorf("followup.done_at", "ID", f.ID, "At", incident.FormatTime(*f.DoneAt))
			}
			return nil, "", i18n.Errorf("followup.done", "ID", f.ID)
		}
		yes := true
		now := w.Now().Truncate(time.Second)
		pnow := &now
		ch := postmortem.FollowupChange{Done: &yes, DoneAt: &pnow}
		if l := incident.OneLine(link); l != "" {
			ch.Link = &l
		}
		nd, err := doc.SetFollowup(f.ID, ch)
		return nd, "follow-up " + shortFollowupID(f.ID, doc.Meta.Incident) + " done: " + f.Text, err
	})
	if err != nil {
		return nil, err
	}
	res.Followup = w.followupOf(res.doc, full)
	return &res.FollowupResult, nil
}

type postmortemChange struct {
	FollowupResult
	doc *postmortem.Document
}

// changePostmortem is the one path every edit of a postmortem takes: find it through its
// incident, refuse to sweep up uncommitted hand edits, edit, commit exactly that file.
func (w *Workspace) changePostmortem(ref string, includeEdits bool, edit func(*incident.Document, *postmortem.Document) (*postmortem.Document, string, error)) (*postmortemChange, error) {
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	if h.Unborn {
		return nil, i18n.Errorf("change.unborn", "Branch", h.Branch)
	}
	d, doc, err := w.FindPostmortem(ref)
	if err != nil {
		return nil, err
	}
	if err := w.checkClean(doc.Path, includeEdits); err != nil {
		return nil, err
	}
	nd, summary, err := edit(d, doc)
	if err != nil {
		return nil, err
	}
	author, committer, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	sc, err := w.scanner()
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.Commit(gitrepo.CommitRequest{
		Changes:   []gitrepo.Change{{Path: doc.Path, Content: nd.Src}},
		Message:   commitMessage(sc, d.Meta.ID, summary),
		Parent:    h.Commit,
		Author:    author,
		Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	return &postmortemChange{FollowupResult: FollowupResult{Path: doc.Path, Commit: commit.String()}, doc: nd}, nil
}

func (w *Workspace) followupOf(doc *postmortem.Document, id string) Followup {
	f, _, _ := doc.Followup(id)
	return Followup{Followup: f, Incident: doc.Meta.Incident, Path: doc.Path, Overdue: f.Overdue(w.Now())}
}

// FollowupFilter selects follow-ups for Followups.
type FollowupFilter struct {
	Open    bool   // only those not done
	Overdue bool   // only open ones past their due date
	Owner   string // only this owner's (case-insensitive)
	// Board: the board's view, with Open or Overdue: the postmortems with follow-ups not done
	// are found through the open follow-ups cache (followupset.go), with its caveat: a hand
	// edit that reopens a follow-up in a postmortem with none open shows at the next index
	// change.
	Board bool
}

// Followups lists the follow-ups of every postmortem that match the filter, by postmortem and
// then in the order each lists them. Postmortems that cannot be read are reported in errs.
func (w *Workspace) Followups(f FollowupFilter) (out []Followup, errs []error, err error) {
	errs, err = w.EachFollowup(f, func(item Followup) error {
		out = append(out, item)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out, errs, nil
}

// EachFollowup is Followups for a caller that handles one follow-up at a time (followup list
// --json): the same follow-ups in the same order, one postmortem read at a time (followupcache.go).
// An error from fn stops it and is returned. The postmortems that cannot be read are returned
// as errs when it is done.
func (w *Workspace) EachFollowup(f FollowupFilter, fn func(Followup) error) (errs []error, err error) {
	var fnErr error
	each := w.eachFollowup
	if f.Board && (f.Open || f.Overdue) {
		each = w.eachOpenFollowup
	}
	errs, err = each(func(item Followup) error {
		switch {
		case f.Open && item.Done, f.Overdue && !item.Overdue:
			return nil
		case f.Owner != "" && !strings.EqualFold(strings.TrimSpace(item.Owner), strings.TrimSpace(f.Owner)):
			return nil
		}
		fnErr = fn(item)
		return fnErr
	})
	if fnErr != nil {
		return nil, fnErr
	}
	if err != nil {
		return nil, fmt.Errorf("listing %s: %v", w.postmortemsDir(), err)
	}
	return errs, nil
}

// shortFollowupID is F3 for 260917-x31y2-F3: commit subjects start with the incident's ID already.
func shortFollowupID(id, incidentID string) string {
	if rest, ok := strings.CutPrefix(strings.ToLower(id), strings.ToLower(incidentID)+"-"); ok {
		return strings.ToUpper(rest[:1]) + rest[1:]
	}
	return id
}

// noSecret refuses text that holds what looks like a credential: a postmortem is read by many,
// and every clone keeps every version (lint.allow accepts what the team decided is no secret).
func (w *Workspace) noSecret(what, text string) error {
	if fs := w.chatSecrets().Scan(text); len(fs) > 0 {
		return fmt.Errorf("%s holds what looks like %s (%s): leave it out, or point to where it is kept", what, fs[0].What, fs[0].Masked)
	}
	return nil
}
