package cli

import (
	"strings"
	"testing"
	"time"
)

func TestParseAt(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 23, 11, 0, 0, 0, jst)
	for in, want := range map[string]string{
		"10:02":                     "2026-11-23T10:02:00+09:00",
		"10:02:30":                  "2026-11-23T10:02:30+09:00",
		"2026-11-22T23:50:00Z":      "2026-11-22T23:50:00Z",
		"2026-11-23T11:04:00+09:00": "2026-11-23T11:04:00+09:00", // within the clock skew
		"00:00":                     "2026-11-23T00:00:00+09:00", // 11 hours back: today
		"2000-01-01T00:00:00Z":      "2000-01-01T00:00:00Z",
		"2026-11-20T10:02:00+09:00": "2026-11-20T10:02:00+09:00", // a full date may be days back
	} {
		got, err := parseAt(in, now)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("parseAt(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
	if got, err := parseAt("", now); err != nil || !got.IsZero() {
		t.Errorf("empty --at should mean now (zero): %v %v", got, err)
	}
	for in, want := range map[string]string{
		"25:00":     "use a time like 10:02",
		"yesterday": "use a time like 10:02",
		"11:30":     "is in the future; for a time yesterday give the full date (2026-11-22T11:30:00+09:00)",
		// Implausible times are refused, never replaced by now.
		"1900-01-01T00:00:00Z": "is before 2000",
		"0001-01-01T00:00:00Z": "is before 2000",
		"1999-12-31T23:59:59Z": "is before 2000",
	} {
		_, err := parseAt(in, now)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("parseAt(%q) error = %v, want %q", in, err, want)
		}
		if _, ok := err.(*UsageError); !ok {
			t.Errorf("parseAt(%q) should be a usage error (exit 2), got %T", in, err)
		}
	}
}

// A bare clock time more than 12 hours back asks for the full date.
func TestParseAtClockReach(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	now := time.Date(2026, 11, 23, 23, 0, 0, 0, jst)
	_, err := parseAt("09:58", now)
	want := "--at 09:58 means today at 09:58, 13h02m ago: to be sure which day you mean, give the full date and time (--at 2026-11-23T09:58:00+09:00, or 2026-11-22T09:58:00+09:00 for yesterday)"
	if err == nil || err.Error() != want {
		t.Fatalf("parseAt = %v, want %q", err, want)
	}
	if got, err := parseAt("11:00", now); err != nil || !got.Equal(now.Add(-12*time.Hour)) {
		t.Fatalf("exactly 12 hours back is today: %v %v", got, err)
	}
}
