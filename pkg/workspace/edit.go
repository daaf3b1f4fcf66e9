package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/lint"
)

// Editing a document by hand, through the tool (incidentctl edit): the document is copied to
// a draft, the user's editor opens the draft, and what comes back is checked with lint's rules
// and against the log (existing entries are never rewritten) before it is committed, with a
// log entry that says what changed. A draft that does not pass is kept, so nothing typed is
// lost: the next edit continues from it.

// EditDraft is a document being edited.
type EditDraft struct {
	ID, Path  string
	DraftPath string // the file the editor opens
	Resumed   bool   // the draft was left by an edit that did not pass, and continues
}

func (w *Workspace) draftPath(id string) string {
	return filepath.Join(w.Repo.GitDir(), "incidentctl", "edit", id+".md")
}

// EditStart finds the document and writes the draft the editor opens (or keeps the draft a
// failed edit left, unless restart). It refuses what a change would refuse: an operation in
// progress, a file that is not committed or has uncommitted changes.
func (w *Workspace) EditStart(ref string, restart bool, opts Options) (*EditDraft, error) {
	if err := w.checkNoRebase(); err != nil {
		return nil, err
	}
	if _, err := w.head(); err != nil {
		return nil, err
	}
	e, err := w.Find(ref)
	if err != nil {
		return nil, err
	}
	st, err := w.Repo.FileState(e.Path)
	if err != nil {
		return nil, err
	}
	if !st.AtHead {
		return nil, i18n.Errorf("edit.not_committed", "Path", e.Path)
	}
	if err := w.checkNoOperationOn(st); err != nil {
		return nil, err
	}
	if (st.WorktreeDiffers || st.IndexDiffers) && !opts.IncludeEdits {
		return nil, i18n.Errorf("edit.uncommitted", "Path", e.Path)
	}
	d := &EditDraft{ID: e.ID, Path: e.Path, DraftPath: w.draftPath(e.ID)}
	if _, err := os.Stat(d.DraftPath); err == nil && !restart {
		d.Resumed = true
		return d, nil
	}
	src, err := readFile(w.abs(e.Path))
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(d.DraftPath), 0o755); err != nil {
		return nil, fmt.Errorf("cannot create the draft folder: %v", err)
	}
	if err := os.WriteFile(d.DraftPath, src, 0o644); err != nil {
		return nil, fmt.Errorf("cannot write the draft %s: %v", d.DraftPath, err)
	}
	return d, nil
}

// EditDiscard removes the draft (after the editor failed, or nothing changed).
func (w *Workspace) EditDiscard(d *EditDraft) { _ = os.Remove(d.DraftPath) }

// EditError is an edit that cannot be committed as it is; the draft is kept.
type EditError struct {
	Draft    *EditDraft
	Problems []string // each "line N: what"
}

func (e *EditError) Error() string {
	return i18n.Errorf("edit.refused", "Path", e.Draft.Path, "Problems", "\n  "+strings.Join(e.Problems, "\n  "), "Draft", e.Draft.DraftPath, "ID", e.Draft.ID).Error()
}

// Unwrap gives the catalogue message, so that it is printed in the reader's language.
func (e *EditError) Unwrap() error {
	return i18n.Errorf("edit.refused", "Path", e.Draft.Path, "Problems", "\n  "+strings.Join(e.Problems, "\n  "), "Draft", e.Draft.DraftPath, "ID", e.Draft.ID)
}

// EditFinish checks the draft and commits it with a log entry saying what changed. Unchanged,
// it commits nothing (ErrNothingToChange). Lint's warnings come back as warnings.
func (w *Workspace) EditFinish(d *EditDraft, opts Options) (*Result, error) {
	edited, err := os.ReadFile(d.DraftPath)
	if err != nil {
		return nil, fmt.Errorf("cannot read the draft %s: %v", d.DraftPath, err)
	}
	var warnings []string
	at := w.at(opts.At)
	res, err := w.change(d.ID, opts, &given{}, func(orig *incident.Document, author string) (*incident.Document, string, error) {
		if bytes.Equal(edited, orig.Src) {
			return orig, i18n.Text("edit.unchanged"), nil
		}
		nd, err := incident.Parse(d.Path, edited)
		if err != nil {
			var pe *incident.ParseError
			if errors.As(err, &pe) {
				return nil, "", &EditError{Draft: d, Problems: []string{fmt.Sprintf("line %d: %s", pe.Line, pe.Msg)}}
			}
			return nil, "", &EditError{Draft: d, Problems: []string{err.Error()}}
		}
		problems := logRewrites(orig, nd)
		if nd.Meta.ID != orig.Meta.ID {
			problems = append(problems, i18n.Text("edit.id_changed", "Line", nd.KeyLine(incident.KeyID), "Old", orig.Meta.ID, "New", nd.Meta.ID))
		}
		flow, _ := w.Flow()
		lo := lint.DocumentOptions{Config: w.Config, Now: w.Now()}
		if flow != nil {
			lo.Severities, lo.SeveritiesFrom = flow.Severities, flow.SeveritiesFrom
		}
		findings, err := lint.CheckDocument(d.Path, edited, lo)
		if err != nil {
			return nil, "", err
		}
		for _, f := range findings {
			if f.Severity == lint.Error {
				problems = append(problems, fmt.Sprintf("line %d: %s: %s", f.Line, f.Rule, f.Message))
			} else {
				warnings = append(warnings, fmt.Sprintf("%s:%d: %s: %s", f.Path, f.Line, f.Rule, f.Message))
			}
		}
		if len(problems) > 0 {
			return nil, "", &EditError{Draft: d, Problems: problems}
		}
		what := describeEdit(orig, nd)
		nd, err = nd.AppendLog(incident.LogEntry{At: at, Author: author, Text: board.Words(nd.Lang()).Edited + what})
		if err != nil {
			return nil, "", err
		}
		return nd, "edit: " + what, nil
	})
	if err != nil {
		return nil, err
	}
	w.EditDiscard(d)
	res.Warnings = append(warnings, res.Warnings...)
	return res, nil
}

// logRewrites lists the existing log entries the edit changed, removed or moved out of order:
// the log is append-only (corrections are new entries), as lint --base holds it in review.
func logRewrites(orig, nd *incident.Document) []string {
	var out []string
	j := 0
	for _, e := range orig.Log {
		k := j
		for k < len(nd.Log) && !sameEntry(e, nd.Log[k]) {
			k++
		}
		if k == len(nd.Log) {
			out = append(out, i18n.Text("edit.log_changed", "Line", e.Line, "At", incident.FormatTime(e.At), "Author", e.Author, "Text", fmt.Sprintf("%q", clip(e.Text, 60))))
			continue
		}
		j = k + 1
	}
	return out
}

func sameEntry(a, b incident.LogEntry) bool {
	return a.At.Equal(b.At) && a.Author == b.Author && a.Text == b.Text
}

func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// describeEdit says in a few words what a hand edit changed: the fields with their old and
// new values, the action list, entries added to the log, and the sections whose prose changed.
func describeEdit(a, b *incident.Document) string {
	words := board.Words(b.Lang())
	name := func(key string) string {
		if n, ok := words.Field[key]; ok {
			return n
		}
		return key
	}
	var parts []string
	am, bm := a.Meta, b.Meta
	for _, f := range []struct{ name, old, new string }{
		{"title", am.Title, bm.Title}, {"severity", am.Severity, bm.Severity}, {"status", am.Status, bm.Status},
		{"commander", am.Commander, bm.Commander}, {"roles", am.Roles.String(), bm.Roles.String()},
		{"resolution", am.Resolution, bm.Resolution},
	} {
		if f.old != f.new {
			parts = append(parts, fmt.Sprintf("%s %s → %s", name(f.name), orDash(f.old), orDash(f.new)))
		}
	}
	for _, f := range []struct{ name, old, new string }{
		{"impact", am.Impact, bm.Impact}, {"announcement", am.Announcement, bm.Announcement},
	} {
		if f.old != f.new {
			parts = append(parts, name(f.name))
		}
	}
	for _, k := range []string{incident.KeyIdentifiedAt, incident.KeyMitigatedAt, incident.KeyResolvedAt} {
		if !sameTime(am.Milestone(k), bm.Milestone(k)) {
			parts = append(parts, k)
		}
	}
	if !am.DeclaredAt.Equal(bm.DeclaredAt) {
		parts = append(parts, incident.KeyDeclaredAt)
	}
	parts = append(parts, describeActions(words, a.Actions, b.Actions)...)
	if n := len(b.Log) - len(a.Log); n > 0 {
		parts = append(parts, words.EditCount(n, "log entry added"))
	}
	for _, section := range changedSections(a.Src, b.Src) {
		parts = append(parts, words.EditText(section))
	}
	if len(parts) == 0 {
		parts = append(parts, words.EditLayout)
	}
	return strings.Join(parts, words.ListSep)
}

func sameTime(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) }

func describeActions(words *board.LogWords, a, b []incident.Action) []string {
	texts := func(as []incident.Action) []string {
		out := make([]string, len(as))
		for i, x := range as {
			out[i] = x.Text
		}
		return out
	}
	ta, tb := texts(a), texts(b)
	var parts []string
	added, removed := 0, 0
	for _, t := range tb {
		if !slices.Contains(ta, t) {
			added++
		}
	}
	for _, t := range ta {
		if !slices.Contains(tb, t) {
			removed++
		}
	}
	if added > 0 {
		parts = append(parts, words.EditCount(added, "action added"))
	}
	if removed > 0 {
		parts = append(parts, words.EditCount(removed, "action removed"))
	}
	for i, x := range b {
		if k := slices.Index(ta, x.Text); k >= 0 && a[k].Done != x.Done {
			parts = append(parts, words.EditAction(i+1, x.Done))
		}
	}
	return parts
}

// changedSections names the sections (## headings) whose text changed, leaving out what the
// other parts of the description cover: the generated Status table, task items, log items.
func changedSections(a, b []byte) []string {
	sa, sb := proseBySection(a), proseBySection(b)
	var out []string
	for _, name := range sectionOrder(b) {
		if sa[name] != sb[name] {
			out = append(out, name)
		}
	}
	return out
}

func proseBySection(src []byte) map[string]string {
	out := map[string]string{}
	name := ""
	inFront := false
	for i, line := range strings.Split(string(src), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case i == 0 && t == "---":
			inFront = true
			continue
		case inFront:
			if t == "---" {
				inFront = false
			}
			continue
		case strings.HasPrefix(line, "## "):
			name = strings.TrimSpace(line[3:])
			continue
		case strings.HasPrefix(t, "|"), strings.HasPrefix(t, "- "), strings.HasPrefix(t, "* "),
			strings.HasPrefix(line, "  "), t == "":
			continue // table rows, list items and their continuation lines, blank lines
		}
		out[name] += t + "\n"
	}
	return out
}

func sectionOrder(src []byte) []string {
	out := []string{""}
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, "## ") {
			out = append(out, strings.TrimSpace(line[3:]))
		}
	}
	return out
}
