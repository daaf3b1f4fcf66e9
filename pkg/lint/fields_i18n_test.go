package lint

import (
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The field rule's findings come from the catalogue: English as before, Japanese in the text
// output of a Japanese reader (which translates each finding's message).
func TestFieldMessagesInJapanese(t *testing.T) {
	ja := i18n.For(i18n.Japanese)
	for _, c := range []struct {
		def     config.Field
		v       incident.CustomValue
		en, jaS string
	}{
		{config.Field{Type: config.FieldList}, incident.CustomValue{Tag: "!!map"},
			"services must be a list of texts, like [checkout, payments] (fields: in .incidentctl.yaml), not a mapping",
			"services: テキストのリスト（[checkout, payments] など）で書いてください（.incidentctl.yaml の fields: の定義）。実際の値: マッピング"},
		{config.Field{Type: config.FieldBool}, incident.CustomValue{Tag: "!!str", Scalar: "yes please"},
			`services must be true or false (fields: in .incidentctl.yaml), not "yes please"`,
			`services: true または false の値で書いてください（.incidentctl.yaml の fields: の定義）。実際の値: "yes please"`},
		{config.Field{Type: config.FieldText, Values: []string{"ap", "eu"}}, incident.CustomValue{Tag: "!!str", Scalar: "us"},
			`services: "us" is not one of the allowed values (ap, eu; fields: in .incidentctl.yaml)`,
			`services: "us" は許可された値（ap, eu）ではありません（.incidentctl.yaml の fields: の定義）`},
	} {
		msg := fieldProblem("services", c.def, c.v)
		if msg != c.en {
			t.Errorf("English\n%s\nwant\n%s", msg, c.en)
		}
		if got := ja.Translate(msg); got != c.jaS {
			t.Errorf("Japanese\n%s\nwant\n%s", got, c.jaS)
		}
	}
}
