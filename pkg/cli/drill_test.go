package cli

import (
	"errors"
	"fmt"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func TestParseSpeed(t *testing.T) {
	for in, want := range map[string]float64{"1": 1, "60": 60, "2.5": 2.5, "3600": 3600, "": 1} {
		if got, err := parseSpeed(in); err != nil || got != want {
			t.Errorf("--speed %q = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"0", "-1", "0.0", "3601", "fast", "NaN", "Inf", "1e9"} {
		_, err := parseSpeed(in)
		var u *UsageError
		if !errors.As(err, &u) {
			t.Errorf("--speed %q: %v, want a usage error (exit 2)", in, err)
		}
	}
}

func TestDrillErrUnknownVariantIsUsage(t *testing.T) {
	err := drillErr(fmt.Errorf("%w: --variant \"x\": drills/a.md has the variants a, b", workspace.ErrBadVariant))
	var u *UsageError
	if !errors.As(err, &u) || u.Msg != `--variant "x": drills/a.md has the variants a, b` {
		t.Errorf("%v", err)
	}
	if other := errors.New("boom"); drillErr(other) != other {
		t.Error("other errors pass through")
	}
}
