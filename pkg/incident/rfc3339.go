package incident

import (
	"sync/atomic"
	"time"
)

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
	year := digits2(s[0], s[1])*100 + digits2(s[2], s[3])
	month, day := digits2(s[5], s[6]), digits2(s[8], s[9])
	hour, minute, sec := digits2(s[11], s[12]), digits2(s[14], s[15]), digits2(s[17], s[18])
	if year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	// The instant as Unix seconds, without time.Date's normalisation: every field is in range.
	unix := daysSinceEpoch(year, month, day)*86400 + int64(hour*3600+minute*60+sec)
	if len(s) == 20 {
		if s[19] != 'Z' {
			return time.Time{}, false
		}
		return time.Unix(unix, 0).UTC(), true
	}
	sign := s[19]
	oh, om := digits2(s[20], s[21]), digits2(s[23], s[24])
	if sign != '+' && sign != '-' || s[22] != ':' || oh < 0 || oh > 23 || om < 0 || om > 59 {
		return time.Time{}, false
	}
	offset := (oh*60 + om) * 60
	if sign == '-' {
		offset = -offset
	}
	// As time.Parse does: the local zone when it had that offset at that instant, else a
	// fixed zone without a name.
	t := time.Unix(unix-int64(offset), 0)
	if local := t.In(time.Local); zoneOffset(local) == offset {
		return local, true
	}
	return t.In(fixedZone(offset)), true
}

// digits2 is the value of two decimal digits, negative when either is not one.
func digits2(a, b byte) int {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return -1 << 20
	}
	return int(a-'0')*10 + int(b-'0')
}

// daysSinceEpoch is the number of days from 1970-01-01 to the date (proleptic Gregorian, any
// year from 0 on; Howard Hinnant's days_from_civil).
func daysSinceEpoch(year, month, day int) int64 {
	y := year
	if month <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := month - 3
	if month <= 2 {
		mp = month + 9
	}
	doy := (153*mp+2)/5 + day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// fixedZones holds the unnamed fixed zones parseRFC3339 has made, by offset in minutes:
// time.FixedZone shares those of whole hours itself, and makes a new one for any other offset
// (+05:30, +09:30) on every call, three allocations for every time read.
var fixedZones [2 * 24 * 60]atomic.Pointer[time.Location]

// fixedZone is time.FixedZone("", offset) for an offset of whole minutes under 24 hours.
func fixedZone(offset int) *time.Location {
	z := &fixedZones[offset/60+24*60]
	if loc := z.Load(); loc != nil {
		return loc
	}
	loc := time.FixedZone("", offset)
	z.Store(loc)
	return loc
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
