package incident

import (
	"reflect"
	"testing"
	"time"
)

// The reference for parseRFC3339 is time.Parse itself: the fast path must give the same time,
// in the same location, and fail where it fails.
func checkRFC3339(t *testing.T, s string) {
	t.Helper()
	got, gerr := parseRFC3339(s)
	want, werr := time.Parse(time.RFC3339, s)
	if (gerr == nil) != (werr == nil) || gerr != nil && gerr.Error() != werr.Error() {
		t.Fatalf("%q: error %v, time.Parse %v", s, gerr, werr)
	}
	if !reflect.DeepEqual(got, want) || got.String() != want.String() {
		t.Fatalf("%q: %v (%#v), time.Parse %v (%#v)", s, got, got, want, want)
	}
}

var rfc3339Seeds = []string{
	"2026-11-23T10:02:00Z", "2026-11-23T10:02:00+09:00", "2026-11-23T10:02:00-07:30",
	"2026-11-23T10:02:00+00:00", "2026-11-23T10:02:00-00:00", "2024-02-29T23:59:59Z",
	"2023-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-13-01T10:00:00Z", "2026-00-01T10:00:00Z",
	"2026-11-23T24:00:00Z", "2026-11-23T23:60:00Z", "2026-11-23T23:59:60Z", "2026-11-23t10:02:00Z",
	"2026-11-23T10:02:00z", "2026-11-23T10:02:00.5Z", "2026-11-23T10:02:00+24:00", "2026-11-23T10:02:00+09:60",
	"0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2026-11-23 10:02:00Z", "2026-11-23T10:02:00+0900",
	"+026-11-23T10:02:00Z", "2026-1a-23T10:02:00Z", "1900-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "",
	"2026-03-29T02:30:00+01:00", "2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00",
}

func TestParseRFC3339Agrees(t *testing.T) {
	for _, zone := range []string{"UTC", "Asia/Tokyo", "Europe/Berlin", "America/St_Johns"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Logf("%s: %v (skipped)", zone, err)
			continue
		}
		saved := time.Local
		time.Local = loc
		for _, s := range rfc3339Seeds {
			checkRFC3339(t, s)
		}
		time.Local = saved
	}
}

func FuzzParseRFC3339(f *testing.F) {
	for _, s := range rfc3339Seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkRFC3339(t, s) })
}
