package cli

import (
	"fmt"
	"time"
)

// futureSkew is how far ahead of the clock an --at time may be: clocks of laptops differ a little.
const futureSkew = 5 * time.Minute

// clockReach is how far back a bare HH:MM may reach: further, and "09:58" more likely meant
// another day than today, so the full date is asked for.
const clockReach = 12 * time.Hour

// minYear: no incident record starts before 2000; an earlier --at is a typo (1900, 0001).
const minYear = 2000

// parseAt reads --at: RFC 3339 ("2026-11-23T10:02:00+09:00") or a bare "HH:MM" / "HH:MM:SS"
// meaning today in local time, so a responder can backfill "we noticed at 10:02". A time it
// returns is plausible: from 2000 on, not in the future, and a bare clock time at most 12 hours
// ago; anything else is refused, never replaced by now. The zero time means --at was not given.
// (Whether it is before the incident's declaration is checked against the document.)
func parseAt(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	clock := false
	if err != nil {
		var c time.Time
		for _, layout := range []string{"15:04", "15:04:05"} {
			if c, err = time.Parse(layout, s); err == nil {
				break
			}
		}
		if err != nil {
			return time.Time{}, usageMsg("at.bad", "At", fmt.Sprintf("%q", s))
		}
		t = time.Date(now.Year(), now.Month(), now.Day(), c.Hour(), c.Minute(), c.Second(), 0, now.Location())
		clock = true
	}
	if t.Year() < minYear {
		return time.Time{}, usageMsg("at.too_early", "At", s, "Year", minYear, "Example", now.Format(time.RFC3339))
	}
	if t.After(now.Add(futureSkew)) {
		return time.Time{}, usageMsg("at.future", "At", s, "Yesterday", t.AddDate(0, 0, -1).Format(time.RFC3339))
	}
	if clock && now.Sub(t) > clockReach {
		return time.Time{}, usageMsg("at.far", "At", s, "Clock", t.Format("15:04"), "Age", age(now.Sub(t)), "Full", t.Format(time.RFC3339), "Yesterday", t.AddDate(0, 0, -1).Format(time.RFC3339))
	}
	return t, nil
}
