package lint

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The README's rule table is the one documentation of the rule IDs (SARIF and rdjson link to
// its rows): it must list every rule of Rules, in order, with the level and summary that
// `lint --rules` prints, and nothing else. A rule added without its row fails here with the
// row to add.
func TestREADMERuleTable(t *testing.T) {
	src, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var got [][]string
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(line, `| <a id="rule-`) {
			got = append(got, readmeRow(line))
		}
	}
	for i, r := range Rules {
		want := []string{r.ID, string(r.Level), r.About()}
		if i >= len(got) {
			t.Errorf("README.md's rule table lacks rule %s: add the row\n%s", r.ID, ReadmeRuleRow(r))
			continue
		}
		if strings.Join(got[i], "\x00") != strings.Join(want, "\x00") {
			t.Errorf("README.md's rule table, row %d: got %q, want the row\n%s", i+1, got[i], ReadmeRuleRow(r))
		}
	}
	for _, row := range got[min(len(got), len(Rules)):] {
		t.Errorf("README.md's rule table has a row for %q, which is not in lint.Rules", row[0])
	}
}

var anchorRE = regexp.MustCompile(`<a id="rule-[a-z0-9-]+"></a>`)

// readmeRow reads the cells of a table row as text: without the anchor, code spans unquoted,
// escaped pipes unescaped.
func readmeRow(line string) []string {
	line = anchorRE.ReplaceAllString(line, "")
	line = strings.ReplaceAll(line, `\|`, "\x01")
	var cells []string
	for _, c := range strings.Split(strings.Trim(line, "| "), " | ") {
		c = strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(c), "`", ""), "\x01", "|")
		cells = append(cells, c)
	}
	return cells
}

// ReadmeRuleRow is the README row of a rule (code spans where the summary quotes syntax are
// the README's own choice; this is a starting point).
func ReadmeRuleRow(r Rule) string {
	return `| <a id="rule-` + r.ID + `"></a>` + "`" + r.ID + "` | " + string(r.Level) + " | " + strings.ReplaceAll(r.About(), "|", `\|`) + " |"
}
