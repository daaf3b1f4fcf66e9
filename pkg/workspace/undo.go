package workspace

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Undo takes back one's own last change to an incident. While nothing was built on the
// commit (no later commit changed the document, and it was not pushed), a new commit restores
// the document exactly as it was before it: git's revert, nothing of the history rewritten.
// Otherwise the record has been shared or built upon, and a revert would rewrite log entries
// others may have read; Undo then explains why and proposes a compensating change (the fields
// set back, ticks cleared, a correction logged), which it makes with compensate.

// UndoResult is what Undo did, or proposes.
type UndoResult struct {
	*Result           // the commit made (nil when only proposed)
	Undone     string // the commit taken back
	Subject    string // its subject
	Reverted   bool   // a revert commit was made
	Why        string // why a revert is not possible ("" when it was made), in English
	WhyErr     error  // the same as a catalogue message, for the reader's language
	Compensate []string
	// CompensateCommand is the one command that makes the compensating change.
	CompensateCommand string
}

// subjectRE recognises the subject of a commit incidentctl made: "<id>: <change>" (merges of
// sync are passed over).
var subjectRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{6}-[0-9a-z]{5}): (.+)$`) })

// undoSearch is how far back Undo looks for the user's last incidentctl commit.
const undoSearch = 200

// Undo takes back the user's last incidentctl commit (of the incident ref names, or of any
// incident when ref is "").
func (w *Workspace) Undo(ref string, compensate bool, opts Options) (*UndoResult, error) {
	if err := w.checkNoOperation(); err != nil {
		return nil, err
	}
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	if h.Unborn {
		return nil, i18n.Errorf("undo.no_commits", "Branch", h.Branch)
	}
	author, _, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	var want *Entry
	if ref != "" {
		e, err := w.Find(ref)
		if err != nil {
			return nil, err
		}
		want = &e
	}
	g := w.Repo.Git()
	var target *object.Commit
	var id, path string
	var later []*object.Commit // commits after target on the branch
	c, err := g.CommitObject(h.Commit)
	for n := 0; err == nil && n < undoSearch; n++ {
		m := subjectRE().FindStringSubmatch(firstLine(c.Message))
		mine := c.Author.Email == author.Email
		if m != nil && (want == nil || m[1] == want.ID) && c.NumParents() <= 1 {
			if want == nil && !mine {
				return nil, i18n.Errorf("undo.not_yours", "Commit", c.Hash.String()[:7], "Author", c.Author.Name, "Subject", firstLine(c.Message))
			}
			if mine { // with an incident named, others' changes of it are passed (they build on mine)
				target, id = c, m[1]
				break
			}
		}
		later = append(later, c)
		if c.NumParents() == 0 {
			break
		}
		c, err = c.Parent(0)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the history: %v", err)
	}
	if target == nil {
		if want != nil {
			return nil, invalid(i18n.Errorf("undo.none_for", "ID", want.ID, "N", undoSearch))
		}
		return nil, invalid(i18n.Errorf("undo.none", "N", undoSearch))
	}
	if target.Author.Email != author.Email {
		return nil, i18n.Errorf("undo.not_yours", "Commit", target.Hash.String()[:7], "Author", target.Author.Name, "Subject", firstLine(target.Message))
	}
	e, err := w.Find(id)
	if err != nil {
		return nil, err
	}
	path = e.Path
	out := &UndoResult{Undone: target.Hash.String(), Subject: firstLine(target.Message)}
	if target.NumParents() != 1 {
		return nil, i18n.Errorf("undo.merge", "Commit", target.Hash.String()[:7])
	}
	parent := target.ParentHashes[0]
	before, _, existed, err := w.Repo.ReadAt(parent, path)
	if err != nil {
		return nil, err
	}
	after, _, _, err := w.Repo.ReadAt(target.Hash, path)
	if err != nil {
		return nil, err
	}
	// Why a revert would not be safe, if it would not.
	switch {
	case !existed:
		out.WhyErr = i18n.Errorf("undo.why_declared", "ID", id)
	case w.changedAfter(later, path, target.Hash):
		out.WhyErr = i18n.Errorf("undo.why_later", "ID", id)
	default:
		if remote, ok := w.pushedTo(h.Branch, target.Hash); ok {
			out.WhyErr = i18n.Errorf("undo.why_pushed", "Remote", remote)
		}
	}
	if out.WhyErr != nil {
		out.Why = out.WhyErr.Error()
	}
	if out.Why == "" {
		res, err := w.change(id, opts, &given{}, func(d *incident.Document, author string) (*incident.Document, string, error) {
			nd, err := incident.Parse(path, before)
			if err != nil {
				return nil, "", err
			}
			return nd, "undo " + strings.TrimPrefix(out.Subject, id+": ") + " (reverts " + target.Hash.String()[:7] + ")", nil
		})
		if err != nil {
			return nil, err
		}
		out.Result, out.Reverted = res, true
		return out, nil
	}
	// The compensating change: what the commit did, set back by new changes.
	var bd, ad *incident.Document
	if existed {
		bd, _ = incident.Parse(path, before)
	}
	ad, err = incident.Parse(path, after)
	if err != nil {
		return nil, err
	}
	ch, flags := compensation(bd, ad, target.Hash.String()[:7], out.Subject)
	out.Compensate = flags
	out.CompensateCommand = "incidentctl undo " + shortID(id) + " --compensate"
	if !compensate {
		return out, nil
	}
	res, err := w.Update(id, ch, opts)
	if err != nil {
		return nil, err
	}
	out.Result = res
	return out, nil
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return strings.TrimSpace(l)
}

func shortID(id string) string {
	if _, r, ok := strings.Cut(id, "-"); ok {
		return r
	}
	return id
}

// changedAfter reports whether one of the later commits changed the document.
func (w *Workspace) changedAfter(later []*object.Commit, path string, target plumbing.Hash) bool {
	_, prev, _, err := w.Repo.ReadAt(target, path)
	if err != nil {
		return true
	}
	for i := len(later) - 1; i >= 0; i-- {
		_, blob, _, err := w.Repo.ReadAt(later[i].Hash, path)
		if err != nil || blob != prev {
			return true
		}
	}
	return false
}

// pushedTo reports whether the commit is on the branch's remote-tracking branch (the
// upstream, else origin's branch of the same name): others may have it.
func (w *Workspace) pushedTo(branch string, commit plumbing.Hash) (string, bool) {
	remote, remoteBranch, err := w.Repo.Upstream(branch)
	if err != nil || remote == "" {
		remote, remoteBranch = w.Config.Sync.Remote, branch
	}
	if remoteBranch == "" {
		remoteBranch = branch
	}
	tip, err := w.Repo.ResolveCommit(string(gitrepo.TrackingRef(remote, strings.TrimPrefix(remoteBranch, "refs/heads/"))))
	if err != nil {
		return "", false
	}
	base, err := w.Repo.MergeBase(commit, tip)
	return remote, err == nil && base == commit
}

// compensation is the Change that sets back what one commit changed (before → after), with
// the flags a person would type for it.
func compensation(before, after *incident.Document, short, subject string) (Change, []string) {
	var ch Change
	var flags []string
	quote := func(s string) string { return strconv.Quote(s) }
	if before == nil {
		// A declaration cannot be taken back once shared: close it as a mistake.
		return ch, []string{"incidentctl close " + shortID(after.Meta.ID) + " --resolution " + quote("declared by mistake") + " --force"}
	}
	b, a := before.Meta, after.Meta
	set := func(flag string, dst **string, old, new string) {
		if old != new {
			v := old
			*dst = &v
			flags = append(flags, flag+" "+quote(old))
		}
	}
	set("--severity", &ch.Severity, b.Severity, a.Severity)
	if b.Status != a.Status {
		v := b.Status
		ch.Status = &v
		flags = append(flags, "--status "+b.Status)
	}
	set("--commander", &ch.Commander, b.Commander, a.Commander)
	set("--impact", &ch.Impact, b.Impact, a.Impact)
	set("--announcement", &ch.Announcement, b.Announcement, a.Announcement)
	for _, r := range b.Roles {
		if a.Roles.Get(r.Name) != r.Holder {
			ch.Roles = append(ch.Roles, incident.Role{Name: r.Name, Holder: r.Holder})
			flags = append(flags, "--role "+r.Name+"="+r.Holder)
		}
	}
	for _, r := range a.Roles {
		if b.Roles.Get(r.Name) == "" {
			ch.Roles = append(ch.Roles, incident.Role{Name: r.Name})
			flags = append(flags, "--role "+r.Name+"=")
		}
	}
	for i, x := range after.Actions {
		for _, y := range before.Actions {
			if y.Text == x.Text && y.Done != x.Done {
				n := strconv.Itoa(i + 1)
				if x.Done {
					ch.Unchecks = append(ch.Unchecks, n)
					flags = append(flags, "--uncheck "+n)
				} else {
					ch.Checks = append(ch.Checks, n)
					flags = append(flags, "--check "+n)
				}
			}
		}
	}
	words := board.Words(after.Lang())
	ch.Log = words.Undo(short, subject)
	if n := len(after.Log) - len(before.Log); n > 0 && strings.Contains(subject, ": log: ") {
		ch.Log += words.UndoDisregard(n)
	}
	flags = append(flags, "--log "+quote(ch.Log))
	return ch, flags
}
