package severity

import (
	"regexp"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/templates"
)

func TestDefaults(t *testing.T) {
	s, err := Parse("templates/severities.yaml", templates.Severities)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(s.IDs(), ","); got != "SEV1,SEV2,SEV3,SEV4" {
		t.Errorf("IDs = %s", got)
	}
	for in, want := range map[string]string{"SEV1": "SEV1", "sev2": "SEV2", " 3 ": "SEV3", "4": "SEV4"} {
		l, err := s.Lookup(in)
		if err != nil || l.ID != want {
			t.Errorf("Lookup(%q) = %v, %v; want %s", in, l.ID, err, want)
		}
	}
	if _, err := s.Lookup("SEV5"); err == nil || !strings.Contains(err.Error(), "use one of SEV1, SEV2, SEV3, SEV4") {
		t.Errorf("Lookup(SEV5) error = %v", err)
	}
	if !s.MoreSevere("SEV1", "SEV3") || s.MoreSevere("SEV3", "SEV1") || s.MoreSevere("SEV2", "SEV2") {
		t.Errorf("MoreSevere is wrong")
	}
	if !s.AtLeast("SEV2", "SEV2") || !s.AtLeast("SEV1", "SEV2") || s.AtLeast("SEV3", "SEV2") {
		t.Errorf("AtLeast is wrong")
	}
	if l, _ := s.Get("SEV1"); l.Rank != 1 || !strings.Contains(l.Description, "leaked or was lost") {
		t.Errorf("SEV1 = %+v", l)
	}
}

func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ src, want string }{
		{"levels:\n  - id: SEV1\n  - id: SEV1\n", "s.yaml:3: severity SEV1 is defined twice (first at line 2)"},
		{"levels:\n  - id: sev1\n", "s.yaml:2: severity id \"sev1\" must be upper-case"},
		{"levels: []\n", "no severity levels"},
		{"levels:\n  - id: SEV1\n    color: red\n", "s.yaml:3: field color not found"},
		{"levels: [\n", "s.yaml"},
	} {
		if _, err := Parse("s.yaml", []byte(c.src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q) error = %v, want %q", c.src, err, c.want)
		}
	}
}

// validID accepts exactly what ^[A-Z][A-Z0-9_-]*$ accepts.
func FuzzValidID(f *testing.F) {
	re := regexp.MustCompile(`^[A-Z][A-Z0-9_-]*$`)
	for _, s := range []string{"", "SEV1", "sev1", "1SEV", "SEV_2-B", "-", "S", "SEV 1", "ＳＥＶ", "SEV\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := validID(s), re.MatchString(s); got != want {
			t.Errorf("validID(%q) = %v, the expression says %v", s, got, want)
		}
	})
}
