package postmortem

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// QuickFollowups reads what the board's follow-ups walk needs of a postmortem, Meta.Incident and
// Meta.Followups, without decoding the front matter with yaml.v3: Parse spends most of its
// time there, and `incidentctl status` reads every postmortem the first time after a clone.
//
// It takes the plain shapes the CLI writes and hand edits commonly keep: "key: value" lines
// (values plain, or single- or double-quoted on the line), and under followups a block sequence
// of mappings of such lines ("  - id: ..." then "    text: ..."). It reads them with the line
// readers of incident's fast front-matter decoder (incident.PlainYAMLKey, PlainYAMLValue).
// Anything else (comments, tabs, flow collections but "followups: []", block scalars, quoted
// values with escapes, deeper nesting, a duplicate key ...) gives ok false, and so does a
// postmortem Parse refuses: the caller then parses it, so the quick reader never has to be
// right about what it does not know.
//
// ok true says Parse succeeds on src with the same Incident and Followups (each with ID, Text,
// Owner, Due, Kind, Link, Done, DoneAt, Line and Col; not the key positions KeyPos gives, which
// the walk does not keep). TestQuickFollowupsAgrees and FuzzQuickFollowups compare the two.
// The Meta's other fields are left empty.
func QuickFollowups(src []byte) (m Meta, ok bool) { return quickRead(src, false) }

// QuickClean is QuickFollowups for lint: ok true says, besides, that Parse finds no problem in
// the front matter (Problems is empty: every key known, the status one of Statuses, the meeting
// an RFC 3339 time, each follow-up's due, kind, done and done_at well formed and its id of the
// form <incident>-F<n>, unique). Anything else gives ok false, and lint parses the file.
func QuickClean(src []byte) (m Meta, ok bool) { return quickRead(src, true) }

func quickRead(src []byte, strict bool) (m Meta, ok bool) {
	if len(src) > MaxSize || bytes.IndexByte(src, 0) >= 0 || !utf8.Valid(src) {
		return Meta{}, false
	}
	nl := bytes.IndexByte(src, '\n')
	if nl < 0 || !isFence(src[:nl+1]) {
		return Meta{}, false
	}
	yamlStart, closeLine := nl+1, -1
	for off := yamlStart; off < len(src); {
		end := len(src)
		if i := bytes.IndexByte(src[off:], '\n'); i >= 0 {
			end = off + i + 1
		}
		if isFence(src[off:end]) {
			closeLine = off
			break
		}
		off = end
	}
	if closeLine < 0 {
		return Meta{}, false
	}
	y := src[yamlStart:closeLine]
	if !incident.PlainYAMLText(y) {
		return Meta{}, false
	}
	return quickFrontMatter(string(y), strict)
}

// quickFrontMatter reads the lines of the front matter s (the text between the fences, which
// incident.PlainYAMLText accepted). Line numbers in the file are one more than in s.
func quickFrontMatter(s string, strict bool) (m Meta, ok bool) {
	var (
		keys        [8]string // the top-level keys so far, for duplicates (more: left to Parse)
		nkeys       int
		hasIncident bool
		hasStatus   bool
		seq         bool // under followups with no value on its line: items may follow
		itemIndent  = -1 // the spaces before the items' "-", once the first is read
		keyIndent   int  // the spaces before the current item's keys
		item        *Followup
		itemKeys    [12]string // the current item's keys so far (more: left to Parse)
		nitemKeys   int
	)
	for lineNo := 1; len(s) > 0; lineNo++ {
		line := s
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			line, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1] // PlainYAMLText let no other CR through
		}
		sp := 0
		for sp < len(line) && line[sp] == ' ' {
			sp++
		}
		if sp == len(line) {
			continue // blank
		}
		dash := line[sp] == '-' && sp+1 < len(line) && line[sp+1] == ' '
		if sp == 0 && !(dash && seq) {
			// A top-level key.
			seq, item = false, nil
			key, rest, ok := incident.PlainYAMLKey(line, 0)
			if !ok || nkeys == len(keys) {
				return Meta{}, false
			}
			for _, k := range keys[:nkeys] {
				if k == key {
					return Meta{}, false // Parse refuses a duplicate key
				}
			}
			keys[nkeys] = key
			nkeys++
			null, value := true, ""
			if strings.TrimLeft(rest, " ") != "" {
				v, isNull, flow, _, ok := incident.PlainYAMLValue(rest, len(line)-len(rest))
				if !ok || flow != 0 && !(flow == '[' && key == KeyFollowups) {
					return Meta{}, false
				}
				if flow != 0 {
					continue // followups: [], none
				}
				null, value = isNull, v
			} else if key == KeyFollowups {
				seq = true // null, unless items follow
			}
			if strict && !slices.Contains(Keys, key) {
				return Meta{}, false // Parse: an unknown key
			}
			switch key {
			case KeyIncident:
				if null || value == "" {
					return Meta{}, false // Parse: incident is empty
				}
				m.Incident, hasIncident = value, true
			case KeyStatus:
				if strict && !null && value != "" && !ValidStatus(value) {
					return Meta{}, false // Parse: not a postmortem status
				}
				hasStatus = true
			case KeyMeeting:
				if strict && !null {
					if _, err := time.Parse(time.RFC3339, value); err != nil {
						return Meta{}, false // Parse: meeting is not an RFC 3339 time
					}
				}
			case KeyFollowups:
				if !null {
					return Meta{}, false // Parse: followups must be a list
				}
			}
			continue
		}
		// An indented line (or an item at column 0): only the follow-ups' items and their keys.
		if !seq {
			return Meta{}, false
		}
		from := sp
		if dash {
			if itemIndent >= 0 && sp != itemIndent {
				return Meta{}, false
			}
			itemIndent = sp
			from = sp + 1
			for from < len(line) && line[from] == ' ' {
				from++
			}
			m.Followups = append(m.Followups, Followup{Line: lineNo + 1, Col: from + 1})
			item, keyIndent, nitemKeys = &m.Followups[len(m.Followups)-1], from, 0
		} else if item == nil || sp != keyIndent {
			return Meta{}, false
		}
		key, rest, ok := incident.PlainYAMLKey(line, from)
		if !ok || nitemKeys == len(itemKeys) {
			return Meta{}, false
		}
		for _, k := range itemKeys[:nitemKeys] {
			if k == key {
				return Meta{}, false // Parse refuses a duplicate key in a follow-up
			}
		}
		itemKeys[nitemKeys] = key
		nitemKeys++
		val := ""
		if strings.TrimLeft(rest, " ") != "" {
			v, null, flow, _, ok := incident.PlainYAMLValue(rest, len(line)-len(rest))
			if !ok || flow != 0 {
				return Meta{}, false // Parse: a follow-up's value must be a single value
			}
			if !null {
				val = v
			}
		}
		if strict && !cleanFollowupValue(key, val, strings.Trim(rest, " ")) {
			return Meta{}, false
		}
		switch key {
		case FKeyID:
			item.ID = val
		case FKeyText:
			item.Text = val
		case FKeyOwner:
			item.Owner = val
		case FKeyDue:
			item.Due = val
		case FKeyKind:
			item.Kind = val
		case FKeyLink:
			item.Link = val
		case FKeyDone:
			item.Done, _ = strconv.ParseBool(val)
		case FKeyDoneAt:
			if val != "" {
				if t, err := incident.ParseRFC3339(val); err == nil {
					item.DoneAt = &t
				}
			}
		}
	}
	if !hasIncident || !hasStatus {
		return Meta{}, false
	}
	if strict && !cleanFollowupIDs(m) {
		return Meta{}, false
	}
	return m, true
}

// cleanFollowupValue says whether Parse takes a follow-up's key and value (raw: as written after
// the colon) without a problem.
func cleanFollowupValue(key, val, raw string) bool {
	switch key {
	case FKeyID, FKeyText, FKeyOwner, FKeyLink:
		return true
	case FKeyDue:
		return val == "" || validDue(val)
	case FKeyKind:
		return ValidKind(val)
	case FKeyDone:
		return raw == "" || raw == "true" || raw == "false" // plain, so yaml.v3 tags it !!bool
	case FKeyDoneAt:
		if val == "" {
			return true
		}
		_, err := time.Parse(time.RFC3339, val)
		return err == nil
	}
	return false // an unknown key
}

// cleanFollowupIDs says whether every follow-up has an id of the form <incident>-F<n>, none the
// same as another's.
func cleanFollowupIDs(m Meta) bool {
	for i, f := range m.Followups {
		ref, _, ok := SplitFollowupID(f.ID)
		if f.ID == "" || !ok || !equalFold(ref, m.Incident) {
			return false
		}
		for _, g := range m.Followups[:i] {
			if strings.EqualFold(g.ID, f.ID) {
				return false
			}
		}
	}
	return true
}
