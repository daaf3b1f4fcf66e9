package incident

import "time"

// parseRFC3339 is time.Parse(time.RFC3339, s) for the form incidentctl writes and almost every
// document holds, "2006-01-02T15:04:05Z" or "2006-01-02T15:04:05+09:00" (no fractional
// seconds), without time.Parse's general machinery: lint reads a few hundred thousand log
// times. Anything else, and anything out of range, goes to time.Parse, so the result and the
// error are always time.Parse's (TestParseRFC3339Agrees, FuzzParseRFC3339).
func parseRFC3339(s string) (time.Time, error) {
	if t, ok := fastRFC3339(s); ok {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

func fastRFC3339(s string) (time.Time, bool) {
	if len(s) != len("2006-01-02T15:04:05Z") && len(s) != len("2006-01-02T15:04:05+09:00") {
		return time.Time{}, false
	}
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if len(s) == 20 {
		if s[19] != 'Z' {
			return time.Time{}, false
		}
		return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), true
	}
	sign := s[19]
	oh, om := num(20, 2), num(23, 2)
	if sign != '+' && sign != '-' || s[22] != ':' || oh < 0 || oh > 23 || om < 0 || om > 59 {
		return time.Time{}, false
	}
	offset := (oh*60 + om) * 60
	if sign == '-' {
		offset = -offset
	}
	// As time.Parse does: the local zone when it had that offset at that instant, else a
	// fixed zone without a name.
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC).Add(-time.Duration(offset) * time.Second)
	if local := t.In(time.Local); zoneOffset(local) == offset {
		return local, true
	}
	return t.In(time.FixedZone("", offset)), true
}

func zoneOffset(t time.Time) int { _, off := t.Zone(); return off }

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
