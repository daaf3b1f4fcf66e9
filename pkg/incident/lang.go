package incident

import (
	"fmt"
	"strings"
	"sync"
)

// A document's generated parts (its section headings, the Status table) are written in one
// language: the repository's (lang: in .incidentctl.yaml) when the document is created, and the
// document's own, recognised from its headings, on every edit after that. Front-matter keys and
// values are the same in every language, so lint, merge and stats read every document alike,
// and a repository may hold documents in several languages.
//
// These words are part of the format: documents store them and the parser reads them, so a
// released entry is never changed (old documents must keep parsing). Messages for the terminal
// are in pkg/i18n's catalogue instead.

// Languages of documents.
const (
	LangEn = "en"
	LangJa = "ja"
)

// Vocabulary is one language's words for the generated parts of a document.
type Vocabulary struct {
	Lang string
	// Section headings, by the canonical (English) section name.
	Sections map[string]string
	// The Status table: its header row and the label of each row, by front-matter key or by
	// "actions" and "last_log".
	TableHeader [2]string
	Labels      map[string]string
	// Statuses shows a status value in the table; nil shows it as it is.
	Statuses map[string]string
	// ActionsDone renders the Actions row.
	ActionsDone func(done, total, requiredOpen int) string
}

// vocabularies are made on first use: commands that never write a document never need them.
var vocabularies = sync.OnceValue(func() map[string]*Vocabulary {
	return map[string]*Vocabulary{
		LangEn: {
			Lang:        LangEn,
			Sections:    map[string]string{SectionStatus: SectionStatus, SectionActions: SectionActions, SectionLog: SectionLog},
			TableHeader: [2]string{"Field", "Value"},
			Labels: map[string]string{
				KeySeverity: "Severity", KeyStatus: "Status", KeyCommander: "Commander", KeyRoles: "Roles",
				KeyImpact: "Impact", KeyAnnouncement: "Announcement", KeyDeclaredAt: "Declared",
				KeyIdentifiedAt: "Identified", KeyMitigatedAt: "Mitigated", KeyResolvedAt: "Resolved",
				KeyResolution: "Resolution", "actions": "Actions", "last_log": "Last log entry",
			},
			ActionsDone: func(done, total, requiredOpen int) string {
				s := fmt.Sprintf("%d of %d done", done, total)
				if requiredOpen > 0 {
					s += fmt.Sprintf(", %d required open", requiredOpen)
				}
				return s
			},
		},
		LangJa: {
			Lang:        LangJa,
			Sections:    map[string]string{SectionStatus: "ステータス", SectionActions: "アクションリスト", SectionLog: "ログ"},
			TableHeader: [2]string{"項目", "内容"},
			Labels: map[string]string{
				KeySeverity: "重大度", KeyStatus: "ステータス", KeyCommander: "インシデントコマンダー", KeyRoles: "役割",
				KeyImpact: "影響範囲", KeyAnnouncement: "告知", KeyDeclaredAt: "宣言",
				KeyIdentifiedAt: "原因特定", KeyMitigatedAt: "暫定対応完了", KeyResolvedAt: "解決",
				KeyResolution: "解決内容", "actions": "アクション", "last_log": "最新のログ",
			},
			Statuses: map[string]string{
				StatusInvestigating: "調査中（investigating）", StatusIdentified: "原因特定（identified）",
				StatusMitigated: "暫定対応済み（mitigated）", StatusResolved: "解決（resolved）",
			},
			ActionsDone: func(done, total, requiredOpen int) string {
				s := fmt.Sprintf("%d 件中 %d 件完了", total, done)
				if requiredOpen > 0 {
					s += fmt.Sprintf("、必須の未完了 %d 件", requiredOpen)
				}
				return s
			},
		},
	}
})

// DocLangs lists the languages a document may be written in, English first.
var DocLangs = []string{LangEn, LangJa}

// VocabularyFor returns a language's vocabulary; an unknown language gives English.
func VocabularyFor(lang string) *Vocabulary {
	if v, ok := vocabularies()[lang]; ok {
		return v
	}
	return vocabularies()[LangEn]
}

// Heading is the text of a section's heading (canonical name) in the vocabulary's language.
func (v *Vocabulary) Heading(section string) string { return v.Sections[section] }

// status shows a status value in the table.
func (v *Vocabulary) status(s string) string { return v.StatusName(s) }

// StatusName is a status value as the document's language shows it to people (the Status
// table, the handoff briefing): "調査中（investigating）" in Japanese, the value itself in English.
func (v *Vocabulary) StatusName(s string) string {
	if t, ok := v.Statuses[s]; ok {
		return t
	}
	return s
}

// headingLang finds a heading's canonical section name and the language it is written in.
// English headings match regardless of case, as they always have.
func headingLang(name string) (section, lang string) {
	for _, s := range Sections {
		if strings.EqualFold(name, s) {
			return s, LangEn
		}
	}
	if name == "" || name[0] < 0x80 {
		return "", "" // every other language's headings start with a non-ASCII letter
	}
	for _, l := range DocLangs[1:] {
		for s, h := range vocabularies()[l].Sections {
			if name == h {
				return s, l
			}
		}
	}
	return "", ""
}

// Lang is the language the document's generated parts are written in: that of its Status
// heading (English when in doubt).
func (d *Document) Lang() string {
	if d.lang == "" {
		return LangEn
	}
	return d.lang
}
