package cli

import (
	"errors"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

func TestCobraMessages(t *testing.T) {
	for _, m := range cobraMessages() {
		if !i18n.Has(m.id) {
			t.Errorf("cobraMessages: %s is not in the catalogue", m.id)
		}
	}
	ja := i18n.For(i18n.Japanese)
	for in, want := range map[string]string{
		"unknown shorthand flag: 'o' in -o":            "不明なフラグです: -o（-o の中）",
		"unknown flag: --fast":                         "不明なフラグです: --fast",
		`unknown command "stat" for "incidentctl"`:     `incidentctl に "stat" というコマンドはありません`,
		"flag needs an argument: --severity":           "--severity には値が必要です",
		`invalid argument "x" for "--count" flag: bad`: `--count の値 "x" が正しくありません: bad`,
	} {
		got := ja.Message(errors.New(in))
		if len(got) < len(want) || got[:len(want)] != want {
			t.Errorf("%q in Japanese = %q, want it to start with %q", in, got, want)
		}
		if en := i18n.For(i18n.English).Message(errors.New(in)); en != in {
			t.Errorf("%q in English = %q, want it unchanged", in, en)
		}
	}
}
