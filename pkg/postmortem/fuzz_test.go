package postmortem

import (
	"bytes"
	"testing"
	"time"
)

// FuzzParse: Parse never panics, positions stay in the file, and on any postmortem it accepts
// the edits the commands make either succeed with exactly their effect, leaving the body outside
// the follow-ups block alone, or fail cleanly.
func FuzzParse(f *testing.F) {
	f.Add([]byte(handEdited))
	f.Add([]byte("---\nincident: 261123-k7xqm\nstatus: draft\nfollowups: []\n---\n\n" + BlockStart + "\n" + BlockEnd + "\n"))
	f.Add([]byte("---\nincident: 261123-k7xqm\nstatus: draft\nfollowups: [{id: 261123-k7xqm-F1, text: a}]\n---\n"))
	f.Add([]byte("---\nincident: a\nstatus: draft\nfollowups:\n- id: a-F2\n  text: x # c\n\n# gap\n- id: a-F1\n---\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := Parse("pm.md", src)
		if err != nil {
			return
		}
		lines := bytes.Count(src, []byte("\n")) + 1
		for _, p := range d.Problems {
			if p.Line < 1 || p.Line > lines {
				t.Fatalf("problem at line %d of %d: %s", p.Line, lines, p.Message)
			}
		}
		body := func(d *Document) []byte {
			b := d.Src[d.fm.end:]
			if d.block.start >= 0 {
				b = append(append([]byte{}, d.Src[d.fm.end:d.block.start]...), d.Src[d.block.end:]...)
			}
			return b
		}
		n := len(d.Meta.Followups)
		nd, err := d.AddFollowup(Followup{ID: d.NextFollowupID(), Text: "do it", Owner: "me", Due: "2026-12-01"})
		if err != nil {
			return
		}
		if len(nd.Meta.Followups) != n+1 || nd.Meta.Followups[n].Text != "do it" || nd.Meta.Followups[n].ID != d.NextFollowupID() {
			t.Fatalf("AddFollowup: %d follow-ups, last %+v\n%s", len(nd.Meta.Followups), nd.Meta.Followups[len(nd.Meta.Followups)-1], nd.Src)
		}
		if !bytes.Equal(body(d), body(nd)) {
			t.Fatalf("AddFollowup changed the body:\n%q\n%q", body(d), body(nd))
		}
		yes, now := true, time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
		pnow := &now
		id := nd.Meta.Followups[0].ID
		if id == "" {
			return
		}
		dd, err := nd.SetFollowup(id, FollowupChange{Done: &yes, DoneAt: &pnow})
		if err != nil {
			return
		}
		if f, _, _ := dd.Followup(id); !f.Done || f.DoneAt == nil {
			t.Fatalf("SetFollowup did not mark %s done:\n%s", id, dd.Src)
		}
		if len(dd.Meta.Followups) != n+1 {
			t.Fatalf("SetFollowup changed the number of follow-ups:\n%s", dd.Src)
		}
	})
}
