package drill

import (
	"fmt"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Every sentence and label this package writes for people is here, so that it can be
// translated in one place. (The log texts in play.go are data read back, not labels.)

// DrillTitlePrefix starts the title of every drill incident, so that a reader of the git log,
// a notification or the file itself never takes it for a real incident; TitlePrefix gives it
// in the repository's language.
const DrillTitlePrefix = "Drill: "

// TitlePrefix is DrillTitlePrefix in a language (LangEn, LangJa; English for any other).
func TitlePrefix(lang string) string { return scenarioFor(lang).titlePrefix }

// scenarioLabels are the words of a scenario drill scenario generates, in one language. The
// markup (the front matter, "### <variant>", "- +5m [who]", "- by +5m:", the markers) is the
// same in every language; Parse reads the headings of both (sectionNames).
type scenarioLabels struct {
	titlePrefix                                 string
	variants, injects, expected, gameMaster     string // the section headings
	intro, asItHappened, mitigate               string
	gmIntro, gmDeclared, gmImpact, gmTimes      string
	gmResolution, gmBoxes, within, sep, timeSep string
}

var scenarioEn = scenarioLabels{
	titlePrefix: DrillTitlePrefix,
	variants:    SectionVariants, injects: SectionInjects, expected: SectionExpected, gameMaster: SectionGameMaster,
	// id, link, severity, declared at
	intro:        "A drill replaying [%[1]s](%[2]s),\na %[3]s declared %[4]s. Generated with `incidentctl drill scenario %[1]s`: edit it like any\nfile and commit it (a pull request is a good place to agree on it).\n\n",
	asItHappened: "Break the development environment the way it broke in %s. Its resolution: %s\n\n",
	mitigate:     "Mitigate",
	gmIntro:      "Not shown to the trainee. What happened in the original incident:\n\n",
	gmDeclared:   "- Declared %[1]s at %[2]s, commanded by %[3]s.\n",
	gmImpact:     "- Impact: %s\n",
	gmTimes:      "- Times: %s.\n",
	gmResolution: "- Resolution: %s\n",
	gmBoxes:      "- Time boxes at %s: %s.\n",
	within:       "%s within %s",
	sep:          "; ",
	timeSep:      ", ",
}

var scenarioJa = scenarioLabels{
	titlePrefix: "訓練: ",
	variants:    "バリエーション", injects: "インジェクト", expected: "期待される対応", gameMaster: "ゲームマスター",
	intro:        "[%[1]s](%[2]s)（%[3]s、%[4]s に宣言）を再現する訓練です。`incidentctl drill scenario %[1]s` で\n生成しました: ほかのファイルと同じように編集してコミットしてください（プルリクエストで合意するとよいでしょう）。\n\n",
	asItHappened: "開発環境を %s のときと同じように壊します。そのときの解決: %s\n\n",
	mitigate:     "緩和する",
	gmIntro:      "トレーニーには見せません。元のインシデントで起きたこと:\n\n",
	gmDeclared:   "- %[2]s に %[1]s で宣言、指揮は %[3]s。\n",
	gmImpact:     "- 影響範囲: %s\n",
	gmTimes:      "- 時間: %s。\n",
	gmResolution: "- 解決: %s\n",
	gmBoxes:      "- %s のタイムボックス: %s。\n",
	within:       "%s は %s 以内",
	sep:          "、",
	timeSep:      "、",
}

// scenarioFor is the words of a generated scenario in a language.
func scenarioFor(lang string) *scenarioLabels {
	if lang == incident.LangJa {
		return &scenarioJa
	}
	return &scenarioEn
}

// sectionNames maps every heading Parse accepts, in any language, to its section.
var sectionNames = map[string]string{}

func init() {
	for _, l := range []*scenarioLabels{&scenarioEn, &scenarioJa} {
		sectionNames[strings.ToLower(l.variants)] = SectionVariants
		sectionNames[strings.ToLower(l.injects)] = SectionInjects
		sectionNames[strings.ToLower(l.expected)] = SectionExpected
		sectionNames[strings.ToLower(l.gameMaster)] = SectionGameMaster
	}
}

// DebriefSection is the heading `drill debrief` writes the debrief under.
const DebriefSection = "Debrief"

// debriefLabels are the words of a debrief in one language.
type debriefLabels struct {
	score, provisional, drillLine, scenarioLine, basedOn, handWritten, variantLine, variantUnknown,
	injects, clocks, expected, expectedNotDue, notDue, flow, flowAll, flowLate, requiredOpen, times,
	notReached, notChecked, unknown, suggestions, noSuggestion, suggestMissing, suggestUntied, notes, how string
	// the parts of an expected action's line and of a flow item's detail
	expectedLine, doneAt, lateBy, original, flowDone, flowDue string
	status                                                    map[string]string
}

// debriefEn is the English debrief.
var debriefEn = debriefLabels{
	score:          "Score: **%d/100**",
	provisional:    " (provisional: the drill is still open, and what is not done yet counts as missed)",
	drillLine:      "Drill %s %q: %s, commander %s, facilitator %s, speed %s×.",
	scenarioLine:   "Scenario %s (%s), variant %s.",
	basedOn:        "replays %s",
	handWritten:    "written by hand",
	variantLine:    "%s",
	variantUnknown: "unknown (the seal matches none of the scenario's variants)",
	injects:        "Injects delivered: %d of %d.",
	clocks:         "Times are scenario time, counted from the declaration (the drill's wall-clock time × %s).",
	expected:       "Expected actions (%d met, %d late, %d missed):",
	expectedNotDue: "Expected actions (%d met, %d late, %d missed, of which %d not due yet):",
	notDue:         "not due yet",
	flow:           "The action list at %s:",
	flowAll:        "- every required item is checked, every time-boxed one in time",
	flowLate:       "- %s: %s (%s)",
	requiredOpen:   "- still open though required at this severity:",
	times:          "Times to identify, mitigate and resolve (original incident in brackets):",
	notReached:     "not reached",
	notChecked:     "not checked",
	unknown:        "unknown",
	suggestions:    "Suggested changes to the flow (%s):",
	noSuggestion:   "- none: every expected action has an item in the action list",
	suggestMissing: "- %q is expected by %s, but the action list has no item %q: propose one in a pull request",
	suggestUntied:  "- %q is expected by %s, but no action-list item covers it: propose one in a pull request",
	notes:          "Notes:",
	how:            "How the score is computed: incidentctl drill score --help.",
	status:         map[string]string{Met: "met", Late: "late", Missed: "missed"},
	expectedLine:   "- %s: %s — by %s",
	doneAt:         ", done %s",
	lateBy:         ", %s late",
	original:       " (original %s)",
	flowDone:       "done %s",
	flowDue:        "due %s, %s",
}

// debriefJa is the Japanese debrief, for a drill whose document is Japanese.
var debriefJa = debriefLabels{
	score:          "スコア: **%d/100**",
	provisional:    "（暫定: 訓練はまだ続いており、まだ行っていないことは未実施として数えます）",
	drillLine:      "訓練 %s「%s」: %s、IC %s、進行役 %s、速度 %s×。",
	scenarioLine:   "シナリオ %s（%s）、バリエーション %s。",
	basedOn:        "%s の再現",
	handWritten:    "手書き",
	variantLine:    "%s",
	variantUnknown: "不明（封印がシナリオのどのバリエーションとも一致しません）",
	injects:        "届けたインジェクト: %d / %d 件。",
	clocks:         "時刻はシナリオの時間で、宣言からの経過です（訓練の実時間 × %s）。",
	expected:       "期待される対応（達成 %d、遅れ %d、未実施 %d）:",
	expectedNotDue: "期待される対応（達成 %d、遅れ %d、未実施 %d、うち %d 件はまだ期限前）:",
	notDue:         "期限前",
	flow:           "%s のアクションリスト:",
	flowAll:        "- 必須の項目はすべてチェック済み、時間枠のある項目もすべて時間内",
	flowLate:       "- %s: %s（%s）",
	requiredOpen:   "- この重大度で必須なのに未完了:",
	times:          "原因特定・暫定対応・解決までの時間（かっこ内は元のインシデント）:",
	notReached:     "未到達",
	notChecked:     "チェックなし",
	unknown:        "不明",
	suggestions:    "対応フロー（%s）の変更案:",
	noSuggestion:   "- なし: 期待される対応にはすべてアクションリストの項目があります",
	suggestMissing: "- 「%s」は %s までに期待されていますが、アクションリストに項目「%s」がありません: Pull Request で提案してください",
	suggestUntied:  "- 「%s」は %s までに期待されていますが、それに当たるアクションリストの項目がありません: Pull Request で提案してください",
	notes:          "メモ:",
	how:            "スコアの計算方法: incidentctl drill score --help",
	status:         map[string]string{Met: "達成", Late: "遅れ", Missed: "未実施"},
	expectedLine:   "- %s: %s — 期限 %s",
	doneAt:         "、実施 %s",
	lateBy:         "、%s 遅れ",
	original:       "（元は %s）",
	flowDone:       "実施 %s",
	flowDue:        "期限 %s、%s",
}

// debriefFor is the debrief's words in a document's language.
func debriefFor(lang string) *debriefLabels {
	if lang == incident.LangJa {
		return &debriefJa
	}
	return &debriefEn
}

// Debrief renders the result as Markdown a team can read aloud; the same text goes into the
// drill document's Debrief section.
func (r *Result) Debrief() string {
	p := r.Play
	m := p.Doc.Meta
	labels := debriefFor(p.Doc.Lang())
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	head := fmt.Sprintf(labels.score, r.Score)
	if !r.Final {
		head += labels.provisional
	}
	line("%s", head) // not all emphasis: markdownlint reads a bold-only line as a heading (MD036)
	line("")
	line(labels.drillLine, m.ID, incident.InlineMarkdown(m.Title), m.Severity, orDash(m.Commander), orDash(m.Facilitator), FormatSpeed(p.Speed))
	origin := labels.handWritten
	if p.Scenario.BasedOn != "" {
		origin = fmt.Sprintf(labels.basedOn, p.Scenario.BasedOn)
	}
	variant := labels.variantUnknown
	if p.Sealed {
		variant = p.Variant.Name
	}
	line(labels.scenarioLine, p.Scenario.Path, origin, variant)
	line(labels.injects, len(p.Delivered), len(p.Plan))
	line(labels.clocks, FormatSpeed(p.Speed))
	line("")
	met, late, missed, notDue := r.Count()
	if notDue > 0 {
		line(labels.expectedNotDue, met, late, missed, notDue)
	} else {
		line(labels.expected, met, late, missed)
	}
	line("")
	for _, e := range r.Expected {
		status := labels.status[e.Status]
		if r.NotDue(e) {
			status = labels.notDue
		}
		s := fmt.Sprintf(labels.expectedLine, status, e.Text, FormatOffset(e.Offset))
		if e.DoneAt != nil {
			s += fmt.Sprintf(labels.doneAt, FormatOffset(r.Offset(*e.DoneAt)))
			if e.Status == Late {
				s += fmt.Sprintf(labels.lateBy, FormatDuration(r.Offset(*e.DoneAt)-e.Offset))
			}
		}
		if e.Original != nil {
			s += fmt.Sprintf(labels.original, FormatOffset(*e.Original))
		}
		line("%s", s)
	}
	line("")
	line(labels.flow, m.Severity)
	line("")
	shown := false
	for _, f := range r.Flow {
		if f.Status == Met {
			continue
		}
		shown = true
		detail := labels.notChecked
		if f.DoneAt != nil {
			detail = fmt.Sprintf(labels.flowDone, FormatOffset(r.Offset(*f.DoneAt)))
		}
		if f.DueAt != nil {
			detail = fmt.Sprintf(labels.flowDue, FormatOffset(r.Offset(*f.DueAt)), detail)
		}
		line(labels.flowLate, labels.status[f.Status], f.Text, detail)
	}
	if len(r.RequiredOpen) > 0 {
		shown = true
		line("%s", labels.requiredOpen)
		for _, t := range r.RequiredOpen {
			line("  - %s", t)
		}
	}
	if !shown {
		line("%s", labels.flowAll)
	}
	line("")
	line("%s", labels.times)
	line("")
	for _, ms := range r.Milestones {
		drill, orig := labels.notReached, labels.unknown
		if ms.Drill != nil {
			drill = FormatOffset(*ms.Drill)
		}
		if ms.Original != nil {
			orig = FormatOffset(*ms.Original)
		}
		line("- %s: %s (%s)", ms.Status, drill, orig)
	}
	line("")
	line(labels.suggestions, r.FlowPath)
	line("")
	if len(r.Suggestions) == 0 {
		line("%s", labels.noSuggestion)
	}
	for _, s := range r.Suggestions {
		if s.Missing != "" {
			line(labels.suggestMissing, s.Expected, FormatOffset(s.Offset), s.Missing)
		} else {
			line(labels.suggestUntied, s.Expected, FormatOffset(s.Offset))
		}
	}
	if len(r.Notes) > 0 {
		line("")
		line("%s", labels.notes)
		line("")
		for _, n := range r.Notes {
			note, _ := DebriefNote(n.Text)
			line("- %s (%s)", incident.InlineMarkdown(note), n.Author)
		}
	}
	line("")
	line("%s", labels.how)
	return b.String()
}

// FormatDuration writes a span like 5m, 1h47m, 30s.
func FormatDuration(d time.Duration) string { return strings.TrimPrefix(FormatOffset(d), "+") }

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
