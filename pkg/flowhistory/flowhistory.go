// Package flowhistory is the provenance of the response flow: which incidents and postmortems a
// change of templates/ cites (the commit message's trailers), how many incidents were declared
// with each version of the action list (their template: key), and how the action list changed
// between two versions. It works on commits and documents handed to it and knows nothing of git
// or of the file system.
package flowhistory

import (
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The trailers `incidentctl flow propose` writes, and lint --base looks for.
const (
	TrailerIncident   = "Incident"
	TrailerPostmortem = "Postmortem"
)

// Trailer is one "Key: value" line of a commit message's last paragraph.
type Trailer struct {
	Key, Value string
}

var trailerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*\S)\s*$`) })

// Trailers reads the trailers of a commit message, as git interpret-trailers does for the
// common case: the last paragraph, when every line of it is "Key: value" (continuation lines
// starting with white space belong to the line before).
func Trailers(message string) []Trailer {
	paras := strings.Split(strings.TrimSpace(strings.ReplaceAll(message, "\r\n", "\n")), "\n\n")
	if len(paras) < 2 {
		return nil // a subject alone has no trailers
	}
	var out []Trailer
	for _, l := range strings.Split(paras[len(paras)-1], "\n") {
		if (strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t")) && len(out) > 0 {
			out[len(out)-1].Value += " " + strings.TrimSpace(l)
			continue
		}
		m := trailerRE().FindStringSubmatch(l)
		if m == nil {
			return nil
		}
		out = append(out, Trailer{Key: m[1], Value: m[2]})
	}
	return out
}

// Citation is what a commit says motivated it.
type Citation struct {
	Incidents   []string // incident IDs, from Incident: trailers and from the postmortems' names
	Postmortems []string // Postmortem: trailers as written (a path or a URL)
}

// Empty reports whether the commit cites nothing.
func (c Citation) Empty() bool { return len(c.Incidents) == 0 && len(c.Postmortems) == 0 }

// Cites reads the incidents and postmortems a commit message cites in its trailers.
func Cites(message string) Citation {
	var c Citation
	addID := func(id string) {
		if id != "" && !slices.Contains(c.Incidents, id) {
			c.Incidents = append(c.Incidents, id)
		}
	}
	for _, t := range Trailers(message) {
		switch {
		case strings.EqualFold(t.Key, TrailerIncident):
			for _, f := range strings.FieldsFunc(t.Value, func(r rune) bool { return r == ',' || r == ' ' }) {
				if id := strings.ToLower(f); incident.ValidID(id) {
					addID(id)
				}
			}
		case strings.EqualFold(t.Key, TrailerPostmortem):
			c.Postmortems = append(c.Postmortems, t.Value)
			addID(incident.IDFromFileName(path.Base(strings.TrimRight(t.Value, "/"))))
		}
	}
	return c
}

// Change is one commit that changed the flow.
type Change struct {
	Commit    string
	Date      time.Time
	Author    string
	Subject   string
	Cites     Citation
	Template  string // the action list's blob hash after the commit ("" when it has none)
	Declared  int    // incidents declared with the flow as this commit left it
	incidents []string
}

// Declared is an incident as the flow history sees it: when it was declared, with which
// action list (its template: key).
type Declared struct {
	ID         string
	DeclaredAt time.Time
	Template   string
}

// Count sets each change's Declared: the incidents rendered from the action list the change
// left, declared after it and before the next change (changes are newest first, as git log
// lists them). A version that came back (a revert) counts again from its new commit. It returns
// the incidents no change accounts for (rendered from the built-in default, or from a version
// the history no longer has).
func Count(changes []Change, incidents []Declared) []Declared {
	var rest []Declared
	for _, in := range incidents {
		best := -1
		for i, c := range changes { // newest first: the first one at or before the declaration
			if c.Template != "" && c.Template == in.Template {
				if !c.Date.After(in.DeclaredAt) {
					best = i
					break
				}
				best = i // declared before the commit's date (clock skew): its oldest commit
			}
		}
		if best < 0 {
			rest = append(rest, in)
			continue
		}
		changes[best].Declared++
		changes[best].incidents = append(changes[best].incidents, in.ID)
	}
	return rest
}

// DeclaredIDs lists the incidents Count attributed to the change.
func (c Change) DeclaredIDs() []string { return c.incidents }
