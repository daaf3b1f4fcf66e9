package drill

import (
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// An offset is a time relative to the drill's declaration, in the scenario's clock: "+5m",
// "+1h30m", "-2m" (before the declaration: the alert that led to it), "+0m". The sign may be
// left out of a positive offset; the parser writes it always.

// ParseOffset reads an offset.
func ParseOffset(s string) (time.Duration, error) {
	t := strings.TrimSpace(s)
	neg := false
	switch {
	case strings.HasPrefix(t, "+"):
		t = t[1:]
	case strings.HasPrefix(t, "-"):
		neg, t = true, t[1:]
	}
	if t == "" || t[0] < '0' || t[0] > '9' {
		return 0, i18n.Errorf("drill.offset.bad", "Value", strconv.Quote(s))
	}
	var d time.Duration
	if t == "0" {
		d = 0
	} else {
		var err error
		if d, err = time.ParseDuration(t); err != nil || d < 0 {
			return 0, i18n.Errorf("drill.offset.bad", "Value", strconv.Quote(s))
		}
	}
	if d > maxOffset {
		return 0, i18n.Errorf("drill.offset.too_far", "Value", strconv.Quote(s), "Max", FormatOffset(maxOffset))
	}
	if neg {
		d = -d
	}
	return d, nil
}

// maxOffset bounds offsets: no drill lasts a week, and it keeps the arithmetic far from overflow.
const maxOffset = 7 * 24 * time.Hour

// FormatOffset writes an offset with its sign, in minutes when it is whole minutes: +5m,
// +1h47m, -2m, +0m, +1m30s.
func FormatOffset(d time.Duration) string {
	sign := "+"
	if d < 0 {
		sign, d = "-", -d
	}
	if d == 0 {
		return "+0m"
	}
	if d >= time.Second {
		d = d.Truncate(time.Second)
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return sign + s
}
