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
