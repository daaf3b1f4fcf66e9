package postmortem

import (
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Follow-up IDs are the incident's ID, "-F" and a number counted per postmortem: 260917-x31y2-F1.
// They are stable: a number is never given twice, even after a follow-up is removed by hand,
// as long as a later one remains (the next number is one more than the highest).

const followupMark = "-F"

// FollowupID is the ID of the n-th follow-up of an incident.
func FollowupID(incidentID string, n int) string {
	return incidentID + followupMark + strconv.Itoa(n)
}

// SplitFollowupID splits "260917-x31y2-F3" (or any prefix of the incident ID: "x31y2-F3") into
// the incident part and the number.
func SplitFollowupID(id string) (incidentRef string, n int, ok bool) {
	id = strings.TrimSpace(id)
	i := strings.LastIndexAny(id, "-")
	if i <= 0 || i+2 > len(id) || (id[i+1] != 'F' && id[i+1] != 'f') {
		return "", 0, false
	}
	n, err := strconv.Atoi(id[i+2:])
	if err != nil || n <= 0 || strings.HasPrefix(id[i+2:], "+") || strings.HasPrefix(id[i+2:], "0") {
		return "", 0, false
	}
	return id[:i], n, true
}

// NextFollowupID is the ID the next follow-up of this postmortem gets.
func (d *Document) NextFollowupID() string {
	highest := 0
	for _, f := range d.Meta.Followups {
		if ref, n, ok := SplitFollowupID(f.ID); ok && equalFold(ref, d.Meta.Incident) {
			highest = max(highest, n)
		}
	}
	return FollowupID(d.Meta.Incident, highest+1)
}

// DateLayout is how a due date is written: the day, without a time.
const DateLayout = "2006-01-02"

// ParseDue reads a due date as typed: a date (2026-10-01), an RFC 3339 time, or a number of days
// or weeks from now (14d, 2w). It returns the text to store: a date stays a date, a time stays
// as typed, days and weeks become the date they fall on in now's time zone.
func ParseDue(s string, now time.Time) (string, error) {
	s = strings.TrimSpace(s)
	if _, err := time.Parse(DateLayout, s); err == nil {
		return s, nil
	}
	if _, err := time.Parse(time.RFC3339, s); err == nil {
		return s, nil
	}
	lower := strings.ToLower(strings.TrimPrefix(s, "+"))
	for unit, days := range map[string]int{"d": 1, "w": 7} {
		if num, ok := strings.CutSuffix(lower, unit); ok {
			if n, err := strconv.Atoi(num); err == nil && n >= 0 && n <= 3650 && !strings.HasPrefix(num, "+") && !strings.HasPrefix(num, "-") {
				return now.AddDate(0, 0, n*days).Format(DateLayout), nil
			}
		}
	}
	return "", i18n.Errorf("followup.due_bad", "Value", strconv.Quote(s))
}

// DueBy returns when a follow-up is overdue: the end of its due day in loc (the next midnight),
// or the time itself when the due is a time. ok is false when there is no due date or it does
// not parse.
func (f Followup) DueBy(loc *time.Location) (time.Time, bool) {
	if d, err := time.ParseInLocation(DateLayout, f.Due, loc); err == nil {
		return d.AddDate(0, 0, 1), true
	}
	if t, err := time.Parse(time.RFC3339, f.Due); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// Overdue reports whether an open follow-up is past its due date at now (a due date counts in
// now's time zone until its end).
func (f Followup) Overdue(now time.Time) bool {
	if f.Done {
		return false
	}
	by, ok := f.DueBy(now.Location())
	return ok && !now.Before(by)
}

// validDue reports whether a stored due text parses.
func validDue(s string) bool {
	_, ok := Followup{Due: s}.DueBy(time.UTC)
	return ok
}
