package cli

import (
	"fmt"
	"time"
)

// futureSkew is how far ahead of the clock an --at time may be: clocks of laptops differ a little.
const futureSkew = 5 * time.Minute

// parseAt reads --at: RFC 3339 ("2026-11-23T10:02:00+09:00") or a bare "HH:MM" / "HH:MM:SS"
// meaning today in local time, so a responder can backfill "we noticed at 10:02".
func parseAt(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		var clock time.Time
		for _, layout := range []string{"15:04", "15:04:05"} {
			if clock, err = time.Parse(layout, s); err == nil {
				break
			}
		}
		if err != nil {
			return time.Time{}, usageMsg("at.bad", "At", fmt.Sprintf("%q", s))
		}
		t = time.Date(now.Year(), now.Month(), now.Day(), clock.Hour(), clock.Minute(), clock.Second(), 0, now.Location())
	}
	if t.After(now.Add(futureSkew)) {
		return time.Time{}, usageMsg("at.future", "At", s, "Yesterday", t.AddDate(0, 0, -1).Format(time.RFC3339))
	}
	return t, nil
}
