package drill

import (
	"fmt"
	"strings"
	"time"
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
		return 0, fmt.Errorf("%q is not an offset like +5m, +1h30m or -2m", s)
	}
	var d time.Duration
	if t == "0" {
		d = 0
	} else {
		var err error
		if d, err = time.ParseDuration(t); err != nil || d < 0 {
			return 0, fmt.Errorf("%q is not an offset like +5m, +1h30m or -2m", s)
		}
	}
	if d > maxOffset {
		return 0, fmt.Errorf("%q is more than %s from the declaration: a drill is a few hours at most", s, FormatOffset(maxOffset))
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
