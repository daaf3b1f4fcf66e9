package workspace

import (
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/scaffold"
	"github.com/incidentctl/incidentctl/pkg/secret"
	"github.com/incidentctl/incidentctl/pkg/sync"
)

// The gates every write passes, so that what goes into the record is right:
//
//   - a document that is a symbolic link (or sits in a linked folder) is never read or written;
//   - a document lint rejects with an error is not built on (checkRecord);
//   - what a write would commit holds no suspected secret, unless a person decided it may
//     (--allow-secret), which the log records by fingerprint (secretGate);
//   - the commit message repeats at most a short, secret-checked subject (commitMessage);
//   - a clone without the merge driver that .gitattributes names is told how to register it.
//
// The sentences people read are in this file.

// checkRegular refuses a document that is not a regular file (a symbolic link, say): reading
// through a link shows another file's content, and writing would replace the link with a file.
// Listings never enter linked folders; a document found by its ID or path is also checked
// for them (checkFolders).
func (w *Workspace) checkRegular(rel string) error {
	fi, err := os.Lstat(w.abs(rel))
	if err != nil {
		return nil // reading it reports what is wrong
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		return linkError(rel, rel)
	}
	if !fi.Mode().IsRegular() {
		return i18n.Errorf("change.not_regular", "Path", rel)
	}
	return nil
}

// checkFolders refuses a document whose folder inside the repository is a symbolic link.
func (w *Workspace) checkFolders(rel string) error {
	for p := path.Dir(rel); p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if fi, err := os.Lstat(w.abs(p)); err == nil && fi.Mode()&os.ModeSymlink != 0 {
			return linkError(rel, p)
		}
	}
	return nil
}

func linkError(rel, link string) error {
	if link != rel {
		return i18n.Errorf("change.in_link", "Path", rel, "Link", link)
	}
	return i18n.Errorf("change.link", "Path", rel)
}

// flowOnce is Flow, read once per command.
func (w *Workspace) flowOnce() (*Flow, error) {
	if w.flow == nil && w.flowErr == nil {
		w.flow, w.flowErr = w.Flow()
	}
	return w.flow, w.flowErr
}

// notBlocking are the lint rules a write never refuses on: the secret rule has its own gate
// (secretGate, which --allow-secret answers), future-time depends on the clock of whoever
// runs lint (another responder's clock may be ahead), and a missing postmortem link or an
// unchecked required action of a resolved incident is what the next write may fix.
var notBlocking = []string{lint.RuleSecret, lint.RuleFutureTime, lint.RulePostmortem, lint.RuleRequiredActions}

// RecordError: the document a write would change breaks rules lint enforces.
type RecordError struct {
	Path     string
	Findings []lint.Finding
}

func (e *RecordError) Error() string { return e.Localize(i18n.For(i18n.English)) }

// Localize says the refusal in p's language (i18n.Localized), the findings with it.
func (e *RecordError) Localize(p *i18n.Printer) string {
	var b strings.Builder
	b.WriteString(p.T("record.refused", "Path", e.Path))
	for _, f := range e.Findings {
		fmt.Fprintf(&b, "\n  %s:%d:%d: %s: %s", f.Path, f.Line, f.Col, f.Rule, p.Translate(f.Message))
	}
	b.WriteString("\n" + p.T("record.refused_advice", "Path", e.Path))
	return b.String()
}

// recordParseError turns a document the parser refuses into a RecordError (file:line:col and
// the rule, like lint); other errors pass through.
func recordParseError(err error) error {
	var pe *incident.ParseError
	if !errors.As(err, &pe) {
		return err
	}
	rule := pe.Rule
	if rule == "size" || rule == "encoding" || rule == "" {
		rule = lint.RuleUnreadable
	}
	return &RecordError{Path: pe.Path, Findings: []lint.Finding{{Path: pe.Path, Line: max(pe.Line, 1), Col: max(pe.Col, 1), Severity: lint.Error, Rule: rule, Message: pe.Msg}}}
}

// checkRecord refuses to build on a document lint rejects with an error.
func (w *Workspace) checkRecord(d *incident.Document) error {
	opts := lint.DocumentOptions{Config: w.Config, Now: w.Now()}
	skip := notBlocking
	if set, from, err := w.severities(); err == nil {
		opts.Severities, opts.SeveritiesFrom = set, from
	} else {
		skip = append(slices.Clone(skip), lint.RuleSeverity) // the flow's own error is reported where it is used
	}
	fs, err := lint.CheckDocument(d.Path, d.Src, opts)
	if err != nil {
		return err
	}
	var bad []lint.Finding
	for _, f := range fs {
		if f.Severity == lint.Error && !slices.Contains(skip, f.Rule) {
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return &RecordError{Path: d.Path, Findings: bad}
	}
	return nil
}

// Suspect is one suspected secret in what a write would commit.
type Suspect struct {
	secret.Finding
	Line  int    // in the document; 0 for one found in what was typed
	Where string // the front-matter key or section that holds it, or the option that gave it
}

// SecretError: what a write would commit holds suspected secrets. Nothing was committed.
type SecretError struct {
	Path     string
	Suspects []Suspect
}

func (e *SecretError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "refusing to write %s: it would hold what looks like a secret:", e.Path)
	for _, s := range e.Suspects {
		what := s.What
		if s.Split {
			what += ", broken over lines"
		}
		where := s.Where
		if s.Line > 0 {
			where += fmt.Sprintf(" (line %d)", s.Line)
		}
		fmt.Fprintf(&b, "\n  %s: %s (%s), rule %s", where, what, s.Masked, s.Rule)
	}
	b.WriteString("\nNothing was committed. Remove it and run the command again; if it is a real credential, revoke or rotate it " +
		"(it has been on your screen and in your shell history). If a person has checked that it is not a secret, " +
		"run the command again with --allow-secret: the log records that decision (by fingerprint, never the value) and lint accepts it.")
	return b.String()
}

// scanner is the secret scanner with the repository's allow-list (lint.allow).
func (w *Workspace) scanner() (*secret.Scanner, error) {
	p, err := lint.NewPolicy(w.Config.Lint)
	if err != nil {
		return nil, err
	}
	return p.Secrets(), nil
}

// secretGate refuses a document that holds suspected secrets the log does not already allow.
// With allow (--allow-secret, a person's decision) it logs the decision for each instead, by
// fingerprint, and returns the document with those entries and a warning per secret.
// fromFlow holds the fingerprints of what the reviewed action list brought in: not typed by
// anyone here, and lint's business in review.
func (w *Workspace) secretGate(d *incident.Document, g *given, author string, at time.Time, allow bool, fromFlow map[string]bool) (*incident.Document, []string, error) {
	sc, err := w.scanner()
	if err != nil {
		return nil, nil, err
	}
	fs := sc.ScanBytes(d.Src)
	texts := make([]string, len(d.Log))
	for i, e := range d.Log {
		texts[i] = e.Text
	}
	allowed := secret.AllowedFingerprints(texts)
	if allowed == nil {
		allowed = map[string]bool{}
	}
	var suspects []Suspect
	for _, in := range g.inputs {
		for _, f := range sc.Scan(in.text) {
			if !allowed[f.Fingerprint] {
				suspects = append(suspects, Suspect{Finding: f, Where: in.what})
				allowed[f.Fingerprint] = true
			}
		}
	}
	for _, f := range fs {
		line, key, section := d.Where(f.Start)
		if allowed[f.Fingerprint] || section == incident.SectionActions && fromFlow[f.Fingerprint] {
			continue
		}
		where := key
		switch {
		case key != "":
		case section == incident.SectionLog:
			where = "the log"
		case section == incident.SectionTitle:
			where = "the title heading"
		case section != "":
			where = "section " + section
		default:
			where = "the front matter"
		}
		suspects = append(suspects, Suspect{Finding: f, Line: line, Where: where})
		allowed[f.Fingerprint] = true // once per credential
	}
	if len(suspects) == 0 {
		return d, nil, nil
	}
	if !allow {
		return nil, nil, &SecretError{Path: d.Path, Suspects: suspects}
	}
	var warnings []string
	for _, s := range suspects {
		if d, err = d.AppendLog(incident.LogEntry{At: at, Author: author, Text: secret.AllowedEntry(s.Finding)}); err != nil {
			return nil, nil, err
		}
		warnings = append(warnings, fmt.Sprintf("kept what looks like %s (%s) from %s because of --allow-secret; the log of %s records the decision", s.What, s.Masked, s.Where, d.Path))
	}
	d, err = d.RefreshStatus()
	return d, warnings, err
}

// actionListSecrets returns the fingerprints of what looks like a secret in d's Action list.
func actionListSecrets(sc *secret.Scanner, d *incident.Document) map[string]bool {
	out := map[string]bool{}
	for _, f := range sc.ScanBytes(d.Src) {
		if _, _, section := d.Where(f.Start); section == incident.SectionActions {
			out[f.Fingerprint] = true
		}
	}
	return out
}

// withoutSecrets removes the suspected secrets from text (for a file name).
func withoutSecrets(sc *secret.Scanner, text string) string {
	fs := sc.Scan(text)
	for i := len(fs) - 1; i >= 0; i-- {
		text = text[:fs[i].Start] + " " + text[fs[i].End:]
	}
	return text
}

// maxSubject is the longest commit subject, in characters: git log --oneline's width.
const maxSubject = 72

// commitMessage is "<id>: <change>", shortened to one line of git log --oneline, with any
// suspected secret masked. The free text of a change is in the document, where lint sees it:
// the message repeats no more of it than fits the subject, and no title or body.
func commitMessage(sc *secret.Scanner, id, change string) string {
	subject := id + ": " + sc.Redact(incident.OneLine(change))
	if r := []rune(subject); len(r) > maxSubject {
		subject = string(r[:maxSubject-1]) + "…"
	}
	return subject + "\n"
}

// given is what a person typed for one write: each text as given, which the secret gate scans
// before it is folded into one line (folding would hide a credential broken over lines), and
// the warnings about it.
type given struct {
	inputs   []input
	warnings []string
}

type input struct{ what, text string }

// text records s (what names it: "the log text", "--impact") and returns it without terminal
// escape sequences and control characters.
func (g *given) text(what, s string) string {
	if s != "" {
		g.inputs = append(g.inputs, input{what, s})
	}
	out, n := incident.Clean(s)
	if n > 0 {
		g.warnings = append(g.warnings, fmt.Sprintf("removed %d terminal control character(s) or escape sequence(s) from %s: they would act on the terminals of whoever reads the record", n, what))
	}
	return out
}

// mergeDriverWarning says how to register the merge driver when .gitattributes hands
// incident documents to it and this clone does not have it: git pull would then merge them
// line by line and can leave conflict markers.
func (w *Workspace) mergeDriverWarning() string {
	content, err := os.ReadFile(w.abs(scaffold.AttributesFile))
	if errors.Is(err, os.ErrNotExist) {
		content, _, _, err = w.Repo.ReadAtHead(scaffold.AttributesFile)
	}
	if err != nil || !strings.Contains(string(content), "merge="+sync.DriverName) {
		return ""
	}
	if v, ok, err := w.Repo.ConfigValue("merge", sync.DriverName, "driver"); err != nil || ok && v != "" {
		return ""
	}
	return i18n.Text("guard.merge_driver", "File", scaffold.AttributesFile)
}

// templateFailedWarning is the loud warning when the action list did not render; what says
// what was done instead.
func templateFailedWarning(path string, err error, what string) string {
	return fmt.Sprintf("THE ACTION LIST DID NOT RENDER (%v): %s; fix %s (incidentctl lint shows where) so that incidents get the reviewed flow", err, what, path)
}

// templateFailedLog is the log text that records it.
func templateFailedLog(path string, err error) string {
	return fmt.Sprintf("the action list from %s did not render (%s)", path, incident.OneLine(err.Error()))
}

// scenarioSecrets refuses a file written from incident d (a drill scenario at rel) that holds
// what looks like a secret, other than one a person allowed in d's log (decided is none).
func scenarioSecrets(sc *secret.Scanner, d *incident.Document, rel string, src []byte) error {
	texts := make([]string, len(d.Log))
	for i, e := range d.Log {
		texts[i] = e.Text
	}
	allowed := secret.AllowedFingerprints(texts)
	var suspects []Suspect
	for _, f := range sc.ScanBytes(src) {
		if !allowed[f.Fingerprint] {
			suspects = append(suspects, Suspect{Finding: f, Line: strings.Count(string(src[:f.Start]), "\n") + 1, Where: rel})
		}
	}
	if len(suspects) > 0 {
		return &SecretError{Path: rel, Suspects: suspects}
	}
	return nil
}

// checkAt refuses a time before the declaration unless the person said so: usually a
// mistyped --at (HH:MM is today).
func checkAt(d *incident.Document, opts Options) error {
	if opts.At.IsZero() || opts.BeforeDeclared || !opts.At.Before(d.Meta.DeclaredAt) {
		return nil
	}
	loc := time.Local
	return i18n.Errorf("change.before_declared", "At", incident.FormatTime(opts.At.In(loc)), "ID", d.Meta.ID, "Declared", incident.FormatTime(d.Meta.DeclaredAt.In(loc)))
}

// severitiesFailedWarning is the loud warning when a declaration falls back to the built-in
// severity definitions.
func severitiesFailedWarning(err error) string {
	return fmt.Sprintf("THE SEVERITY DEFINITIONS DID NOT LOAD (%v): declared with the built-in definitions; fix them (incidentctl lint shows where)", err)
}
