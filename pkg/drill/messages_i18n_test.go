package drill

import (
	"strings"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// The scenario parser's messages come from the catalogue: English as before, Japanese for a
// Japanese reader (ParseError says itself in the reader's language), offsets' errors inside.
func TestScenarioMessagesInJapanese(t *testing.T) {
	src := "---\ntitle: t\nseverity: SEV2\ndifficulty: hardest\n---\n\n## Variants\n\n### a\n\nbreak it\n\n## Injects\n\n- soon [x] y\n- +5m [x] z\n\n## Expected actions\n\n- by +5m: page <!-- action -->\n"
	_, err := Parse("drills/t.md", []byte(src))
	if err == nil {
		t.Fatal("parsed")
	}
	en := "drills/t.md:4:1: difficulty \"hardest\": use one of easy, medium, hard\n" +
		"drills/t.md:15:1: inject: \"soon\" is not an offset like +5m, +1h30m or -2m (want - +5m [from] what the trainee is told)"
	if err.Error() != en {
		t.Errorf("English\n%s\nwant\n%s", err, en)
	}
	ja := "drills/t.md:4:1: difficulty \"hardest\": easy, medium, hard のいずれかにしてください\n" +
		"drills/t.md:15:1: インジェクト: \"soon\" は経過時間として読めません（+5m、+1h30m、-2m のように書きます）。「- +5m [送り手] トレーニーに伝える内容」の形で書いてください"
	if got := i18n.For(i18n.Japanese).Message(err); got != ja {
		t.Errorf("Japanese\n%s\nwant\n%s", got, ja)
	}
	if _, err := ParseOffset("+200h"); err == nil || !strings.Contains(i18n.For(i18n.Japanese).Message(err), "は宣言から") {
		t.Errorf("ParseOffset(+200h) in Japanese: %v", err)
	}
}
