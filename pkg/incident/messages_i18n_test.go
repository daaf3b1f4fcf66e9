package incident_test

import (
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// The parser's messages come from the catalogue: English as before, Japanese for a Japanese
// reader, the part inside a wrapped message (yaml.v3's sentence, a parse error inside an edit's)
// included.
func TestParserMessagesInJapanese(t *testing.T) {
	const good = "---\nid: 261202-aaaa1\ntitle: t\nseverity: SEV2\nstatus: investigating\ndeclared_at: 2026-12-02T10:00:00+09:00\n---\n\n# t\n\n## Status\n\n## Action list\n\n- [ ] a\n\n## Log\n"
	ja := i18n.For(i18n.Japanese)
	for _, c := range []struct {
		name, src, en, ja string
	}{
		{"wrong type", strings.Replace(good, "declared_at: 2026-12-02T10:00:00+09:00", "declared_at: 12", 1),
			`x.md:6:14: declared_at must be a time in RFC 3339 form, like 2026-11-23T10:02:00+09:00 (got "12")`,
			`x.md:6:14: declared_at: RFC 3339 形式の時刻にしてください（例: 2026-11-23T10:02:00+09:00、実際の値: "12"）`},
		{"not text", strings.Replace(good, "title: t", "title: [t]", 1),
			"x.md:3:8: title must be a single text value", "x.md:3:8: title: 1 つのテキスト値にしてください"},
		{"roles", strings.Replace(good, "status: investigating", "status: investigating\nroles: [a]", 1),
			"x.md:6:8: roles must be a mapping of role to name, like\n  roles:\n    comms: bob",
			"x.md:6:8: roles: 役割と名前の組（マッピング）にしてください。例:\n  roles:\n    comms: bob"},
		{"yaml", strings.Replace(good, "title: t", "title: a: b", 1),
			"x.md:3:1: invalid YAML in front matter: mapping values are not allowed in this context",
			"x.md:3:1: front matter の YAML が正しくありません: この位置には「キー: 値」を書けません（値に「: 」を含めるときは引用符で囲んでください）"},
		{"conflict", good + "<<<<<<< HEAD\n- a\n=======\n- b\n>>>>>>> o\n",
			"x.md:18:1: " + "git conflict marker: a merge was left unfinished here (a clone without the incidentctl merge driver merges line by line); keep what both sides meant, delete the <<<<<<<, ======= and >>>>>>> lines and commit; then run incidentctl init in that clone, so git pull merges incident documents field by field",
			"x.md:18:1: git のコンフリクトマーカーがあります: "},
	} {
		_, err := incident.Parse("x.md", []byte(c.src))
		if err == nil {
			t.Fatalf("%s: parsed", c.name)
		}
		if err.Error() != c.en {
			t.Errorf("%s: English\n%s\nwant\n%s", c.name, err, c.en)
		}
		if got := ja.Message(err); !strings.HasPrefix(got, c.ja) {
			t.Errorf("%s: Japanese\n%s\nwant\n%s", c.name, got, c.ja)
		}
	}

	d, err := incident.Parse("x.md", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	_, err = d.Check(5)
	if want := "x.md has no action 6 (it has 1)"; err == nil || err.Error() != want {
		t.Errorf("Check(5) = %v, want %s", err, want)
	}
	if got, want := ja.Message(err), "x.md にアクション 6 はありません（アクションは 1 件です）"; got != want {
		t.Errorf("Check(5) in Japanese = %s, want %s", got, want)
	}
	_, err = d.SetSection("Log", "x")
	if got, want := ja.Message(err), "x.md: Log の節は incidentctl が管理しています"; err == nil || got != want {
		t.Errorf("SetSection(Log) in Japanese = %s, want %s", got, want)
	}
	if _, _, err := incident.FrontMatterNode("x.md", []byte("---\x00")); err == nil || ja.Message(err) != "x.md:1:1: NUL バイトを含まない UTF-8 のテキストではありません" {
		t.Errorf("FrontMatterNode(NUL) in Japanese = %v", ja.Message(err))
	}
}
