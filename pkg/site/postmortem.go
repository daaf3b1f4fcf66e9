package site

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
)

// Postmortems kept in the repository (pkg/postmortem: postmortems/YYYY/MM/<id>-<slug>.md) are
// published as pages of their own, postmortems/<incident id>.html, linked from the incident's
// page, its row in the history and the feed. A postmortem is published only with its incident:
// one whose incident is a drill, is missing or cannot be read stays out.

// pmSummary is what the site knows of one postmortem; it is kept in the build manifest.
type pmSummary struct {
	Path, Incident, Title, Status, Owner string
	Meeting                              time.Time // zero: not scheduled
	Followups                            []Followup
	Problems                             []Problem // what the parser could not read
	Broken                               bool      // the postmortem could not be read at all
}

// Followup is one follow-up of a postmortem, as the pages show it.
type Followup struct {
	ID, Text, Owner, Kind, Link string
	Due                         string // as written: a date or an RFC 3339 time; "" when none
	Done                        bool
	DoneAt                      time.Time // zero: not recorded
}

// overdue reports whether an open follow-up is past its due date at now (pkg/postmortem's rule).
func (f Followup) overdue(now time.Time) bool {
	return postmortem.Followup{Due: f.Due, Done: f.Done}.Overdue(now)
}

// pmState is a postmortem as the last build saw it.
type pmState struct {
	Stat fileState
	Sum  *pmSummary
	Page string   // the page written for it ("" when it was not published)
	Deps [32]byte // what else its page showed: the incident, the overdue marks
	src  []byte   // the file's bytes, when read in this build
	file string   // where to read it
}

// postmortemPage is where a postmortem's page lives.
func postmortemPage(incidentID string) string { return "postmortems/" + incidentID + ".html" }

// postmortem brings one postmortem's summary up to date: from the manifest while the file is
// unchanged, otherwise read and parsed.
func (b *builder) postmortem(src Source, old *pmState, prev *manifest) (*pmState, error) {
	var oldFile *fileState
	if old != nil && old.Sum != nil {
		oldFile = &old.Stat
	}
	fs, data, same, err := b.refresh(src, oldFile, prev)
	if err != nil || fs == nil {
		return nil, err
	}
	st := &pmState{Stat: *fs, src: data, file: src.File}
	if same {
		st.Sum, st.Page, st.Deps = old.Sum, old.Page, old.Deps
		return st, nil
	}
	st.Stat.parsed = true
	st.Sum = summarisePostmortem(src.Path, data, b.problemsFor)
	return st, nil
}

// summarisePostmortem reads what the pages need from a postmortem's bytes.
func summarisePostmortem(p string, data []byte, problems func(string, error) []Problem) *pmSummary {
	d, err := postmortem.Parse(p, data)
	if err != nil {
		return &pmSummary{Path: p, Incident: incident.IDFromFileName(path.Base(p)), Broken: true, Problems: problems(p, err)}
	}
	m := d.Meta
	s := &pmSummary{Path: p, Incident: m.Incident, Title: m.Title, Status: m.Status, Owner: m.Owner}
	if m.Meeting != nil {
		s.Meeting = *m.Meeting
	}
	for _, f := range m.Followups {
		v := Followup{ID: f.ID, Text: f.Text, Owner: f.Owner, Kind: f.Kind, Link: f.Link, Due: f.Due, Done: f.Done}
		if f.DoneAt != nil {
			v.DoneAt = *f.DoneAt
		}
		s.Followups = append(s.Followups, v)
	}
	for _, pr := range d.Problems {
		s.Problems = append(s.Problems, Problem{Line: pr.Line, Col: pr.Col, Message: pr.Message})
	}
	return s
}

// problemsFor says what is wrong with a document that could not be read: lint's findings when
// the caller gave a way to get them, else the parse error.
func (b *builder) problemsFor(p string, err error) []Problem {
	if b.opts.Diagnose != nil {
		if ps := b.opts.Diagnose(p); len(ps) > 0 {
			return ps
		}
	}
	var ie *incident.ParseError
	if errors.As(err, &ie) {
		return []Problem{{Line: max(ie.Line, 1), Col: max(ie.Col, 1), Rule: ie.Rule, Message: ie.Msg}}
	}
	var pe *postmortem.ParseError
	if errors.As(err, &pe) {
		return []Problem{{Line: max(pe.Line, 1), Col: max(pe.Col, 1), Message: pe.Msg}}
	}
	return []Problem{{Line: 1, Col: 1, Message: err.Error()}}
}

// indexPostmortems finds each incident's postmortem: the first by path that names it. A second
// one for the same incident is reported and left out.
func (b *builder) indexPostmortems(states []*pmState) {
	b.pms = map[string]*pmState{}
	for _, st := range states {
		if st == nil || !incident.ValidID(st.Sum.Incident) {
			continue
		}
		id := st.Sum.Incident
		if other, dup := b.pms[id]; dup {
			b.pmDupes = append(b.pmDupes, pmDupe{id, Broken{Path: st.Sum.Path, Problems: []Problem{{Line: 1, Col: 1, Rule: "postmortem",
				Message: fmt.Sprintf("%s is also the postmortem of %s, and the site shows that one: keep one postmortem per incident", other.Sum.Path, id)}}}})
			continue
		}
		b.pms[id] = st
	}
}

// pmDupe is a second postmortem of an incident.
type pmDupe struct {
	incident string
	Broken
}

// pmDeps names what an incident's page shows of its postmortem (its link, status and
// follow-ups with their overdue marks): a change to it rewrites the page although the incident
// document did not change.
func (b *builder) pmDeps(id string) [32]byte {
	st := b.pms[id]
	if st == nil {
		return [32]byte{}
	}
	h := sha256.New()
	s := st.Sum
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%t\x00", s.Path, s.Title, s.Status, s.Broken)
	b.hashFollowups(h, s.Followups)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func (b *builder) hashFollowups(h interface{ Write([]byte) (int, error) }, fs []Followup) {
	for _, f := range fs {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00%s\x00%t\x00%d\x00%t\x00", f.ID, f.Text, f.Owner, f.Kind, f.Due, f.Link, f.Done,
			f.DoneAt.UnixNano(), f.overdue(b.opts.Now))
	}
}

// pageDeps names what a postmortem's page shows besides the postmortem itself.
func (b *builder) pageDeps(st *pmState, s *summary) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%x\x00%s\x00%s\x00%s\x00%s\x00%s\x00%d\x00%d\x00", st.Stat.Hash, s.ID, s.Title, s.Severity, s.Status, s.Path,
		s.DeclaredAt.UnixNano(), s.ResolvedAt.UnixNano())
	b.hashFollowups(h, st.Sum.Followups)
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// publishedPM is the postmortem of a published incident, nil when there is none.
func (b *builder) publishedPM(id string) *pmState {
	if st := b.pms[id]; st != nil && b.published[id] {
		return st
	}
	return nil
}

// postmortemPages writes the pages of the published postmortems: rendered again only when the
// postmortem or what its page shows of the incident changed.
func (b *builder) postmortemPages(em *emitter, prev *manifest, next *manifest, r func() *pageRenderer, done func(*pageRenderer)) error {
	type job struct {
		st *pmState
		s  *summary
	}
	var jobs []job
	for _, s := range b.all {
		if st := b.publishedPM(s.ID); st != nil {
			jobs = append(jobs, job{st, s})
		}
	}
	errs := make([]error, len(jobs))
	parallel(len(jobs), func(i int) {
		st, s := jobs[i].st, jobs[i].s
		page := postmortemPage(s.ID)
		deps := b.pageDeps(st, s)
		if st.Page == page && st.Deps == deps {
			if p, ok := prev.Outputs[page]; ok && onDisk(b.outFile(page), p) {
				em.keep(page)
				return
			}
		}
		data := st.src
		if data == nil {
			var err error
			if data, err = readFile(st.file); err != nil {
				errs[i] = fmt.Errorf("reading %s: %v", st.Sum.Path, err)
				return
			}
		}
		pr := r()
		defer done(pr)
		var out []byte
		if st.Sum.Broken {
			out = pr.brokenPMPage(st.Sum, s, data)
		} else {
			out = pr.postmortemPage(st.Sum, s, data)
		}
		st.Page, st.Deps = page, deps
		em.emit(page, out)
	})
	for _, st := range b.pms {
		if st.Page != "" && !b.published[st.Sum.Incident] {
			st.Page = ""
		}
	}
	return errors.Join(errs...)
}

// followupsMarker stands for the generated follow-ups block while the body is rendered; the
// page puts the follow-ups with their state in its place.
const followupsMarker = "\uE000incidentctl-followups\uE000"

// withoutFollowupsBlock replaces the body's generated follow-ups block (between
// postmortem.BlockStart and BlockEnd, each on a line of its own) with the marker.
func withoutFollowupsBlock(body []byte) ([]byte, bool) {
	start := postmortem.LineWith(body, postmortem.BlockStart, 0)
	if start < 0 {
		return body, false
	}
	end := postmortem.LineWith(body, postmortem.BlockEnd, start)
	if end < 0 {
		return body, false
	}
	stop := len(body)
	if nl := bytes.IndexByte(body[end:], '\n'); nl >= 0 {
		stop = end + nl + 1
	}
	out := make([]byte, 0, len(body))
	out = append(out, body[:start]...)
	out = append(out, "\n"+followupsMarker+"\n\n"...)
	return append(out, body[stop:]...), true
}

// body is a postmortem's Markdown after its front matter.
func pmBody(src []byte) []byte {
	if !bytes.HasPrefix(src, []byte("---")) {
		return src
	}
	rest := src[bytes.IndexByte(append(src, '\n'), '\n')+1:]
	for off := 0; off < len(rest); {
		nl := bytes.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if strings.TrimRight(string(line), " \t\r") == "---" {
			if nl < 0 {
				return nil
			}
			return rest[off+nl+1:]
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return src
}

// pmStatusLabel is a postmortem status in words.
func pmStatusLabel(c *catalogue, s string) string {
	if postmortem.ValidStatus(s) {
		return c.T("site.pm.status." + strings.ReplaceAll(s, "-", "_"))
	}
	return s
}

// kindLabel is a follow-up kind in words.
func kindLabel(c *catalogue, k string) string {
	for _, known := range postmortem.Kinds {
		if k == known {
			return c.T("site.followup.kind." + k)
		}
	}
	return k
}
