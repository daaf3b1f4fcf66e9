package config

import (
	"testing"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// roles:, fields: and yaml.v3's usual complaints come from the catalogue: English as before,
// Japanese for a Japanese reader.
func TestConfigMessagesInJapanese(t *testing.T) {
	ja := i18n.For(i18n.Japanese)
	for _, c := range []struct{ src, en, ja string }{
		{"roles: [Comms]\n",
			`.incidentctl.yaml: roles[0]: "Comms" is not a role name: use lower-case letters, digits, - and _, starting with a letter (comms, ops, scribe)`,
			`.incidentctl.yaml: roles[0]: "Comms" は役割名として使えません: 英小文字で始め、英小文字、数字、-、_ だけを使ってください（comms、ops、scribe など）`},
		{"roles: [ops, ops]\n", `.incidentctl.yaml: roles: "ops" is listed twice`, `.incidentctl.yaml: roles: "ops" が 2 回書かれています`},
		{"fields:\n  status: text\n", `.incidentctl.yaml: fields: "status" is a key incidentctl itself uses: name your field differently`,
			`.incidentctl.yaml: fields: "status" は incidentctl 自身が使うキーです: 別の名前にしてください`},
		{"fields:\n  region: {type: number, values: [a]}\n", `.incidentctl.yaml: fields: region: values: only text and list fields take a list of allowed values`,
			`.incidentctl.yaml: fields: region: values: 許可する値の一覧を指定できるのは text と list のフィールドだけです`},
		{"role: [a]\n", ".incidentctl.yaml:1: field role not found (known: " + knownKeys(Config{}) + ")",
			".incidentctl.yaml:1: 知らないキー role があります（使えるキー: " + knownKeys(Config{}) + "）"},
		{"roles: 3\n", ".incidentctl.yaml:1: cannot unmarshal !!int `3` into []string",
			".incidentctl.yaml:1: 値 `3`（!!int）は []string として読めません: 値の形（テキスト、[a, b] のようなリスト、「キー: 値」のマッピング）を確認してください"},
		{"lang: ja\nlang: en\n", `.incidentctl.yaml:2: mapping key "lang" already defined at line 1`,
			`.incidentctl.yaml:2: キー "lang" が重複しています（最初は 1 行目）: 1 つにしてください`},
	} {
		_, err := Parse([]byte(c.src))
		if err == nil {
			t.Fatalf("%q: no error", c.src)
		}
		if err.Error() != c.en {
			t.Errorf("%q: English\n%s\nwant\n%s", c.src, err, c.en)
		}
		if got := ja.Message(err); got != c.ja {
			t.Errorf("%q: Japanese\n%s\nwant\n%s", c.src, got, c.ja)
		}
	}
}
