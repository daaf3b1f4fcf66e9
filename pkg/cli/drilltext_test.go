package cli

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// TestDrillTextsKeepTheirVerbs: every language's drill sentence takes the same arguments as
// the English one (a translation may reorder them with %[n]s, not drop or add any).
func TestDrillTextsKeepTheirVerbs(t *testing.T) {
	en := reflect.ValueOf(drillTextsFor(i18n.For(i18n.English)))
	for _, l := range i18n.Langs {
		v := reflect.ValueOf(drillTextsFor(i18n.For(l)))
		for i := range en.NumField() {
			ref := en.Field(i).String()
			n := strings.Count(ref, "%") - 2*strings.Count(ref, "%%")
			args := make([]any, n)
			for j := range args {
				args[j] = verbArg(ref, j)
			}
			if out := fmt.Sprintf(v.Field(i).String(), args...); strings.Contains(out, "%!") {
				t.Errorf("%s: %s: %q", l, en.Type().Field(i).Name, out)
			}
		}
	}
}

// verbArg is an argument that suits the English sentence's j-th verb.
func verbArg(format string, j int) any {
	k := 0
	for i := 0; i+1 < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		if k == j {
			if format[i+1] == 'd' {
				return 1
			}
			return "x"
		}
		k++
	}
	return "x"
}
