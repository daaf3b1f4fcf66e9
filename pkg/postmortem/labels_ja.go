package postmortem

// Japanese is the labels of a postmortem drafted in a Japanese repository (lang: ja), written
// for a Japanese SRE team: 概要 / 発生日時 / 影響範囲 / 経緯 / 原因 / 暫定対応・恒久対応 / 再発防止策.
var Japanese = Labels{
	Postmortem:  "ポストモーテム",
	Blameless:   "このふりかえりは誰かを責めるためではなく、仕組み・判断・その時点で分かっていたことを見直すためのものです。",
	DraftedFrom: "incidentctl が `%s` の記録から %s に下書きしました。時刻は %s、T+ は宣言からの経過時間です。",

	Summary: "概要", WhatHappened: "経緯", Impact: "影響範囲", Timeline: "タイムライン",
	Durations: "発生日時", SeverityHistory: "重大度の推移", Responders: "対応体制",
	Review: "アクションリストのふりかえり", Skipped: "飛ばされた必須アクション", TimeBoxes: "期限",
	Escalations: "エスカレーションで追加されたアクション", Resolution: "暫定対応・恒久対応",
	ContributingFactors: "原因", WentWell: "うまくいったこと", WentWrong: "うまくいかなかったこと",
	Lucky: "運が良かったこと", Followups: "再発防止策", FlowChanges: "対応フローの改善提案",

	SummaryPrompt:      "<!-- チーム外の人にも分かるように 2〜3 文で: 何が壊れ、誰に、どのくらいの時間影響し、何で直ったか。 -->",
	WhatHappenedPrompt: "<!-- 始まり、気づいたきっかけ、対応者が見たことと判断したこと、直し方を数段落で。ダッシュボードやログへのリンクも。 -->",
	ResolutionPrompt:   "<!-- 影響を止めたこと（暫定対応）と、直ったままにするためのこと（恒久対応）。 -->",
	ContributingPrompt: "<!-- このインシデントを起こした条件（原因が 1 つのことはまれです）: コード、設定、キャパシティ、プロセス、知識。 -->",
	WentWellPrompt:     "<!-- うまくいったこと: 検知、アクションリスト、引き継ぎ、連絡。続けましょう。 -->",
	WentWrongPrompt:    "<!-- 対応を遅く・難しくしたこと: 足りないアラート、曖昧な担当、抜けた手順や合わなかった手順。 -->",
	LuckyPrompt:        "<!-- 運に助けられたところ: 逆に転んでいたら、どれほど悪くなっていたか。 -->",
	WhyPrompt:          "<!-- なぜ？ -->",

	Time: "時刻", TPlus: "T+", Who: "誰", Event: "出来事", Milestone: "節目", At: "日時",
	AfterDeclaration: "宣言から", AfterPrevious: "前の節目から",
	Severity: "重大度", From: "開始", To: "終了", Duration: "期間", Role: "役割", Name: "担当",
	InCommand: "指揮した期間", Action: "アクション", Box: "期限", Due: "期日", Done: "完了",
	Result: "結果", ID: "ID", Kind: "種類", Owner: "担当者", Status: "状態", Link: "リンク", Measure: "指標", Value: "値",

	MilestoneNames: map[string]string{
		"declared_at": "宣言", "identified_at": "原因特定", "mitigated_at": "暫定対応完了", "resolved_at": "解決",
	},
	KindNames: map[string]string{
		KindPrevent: "再発防止", KindDetect: "検知", KindMitigate: "影響の軽減", KindProcess: "プロセス",
	},
	NotReached: "未到達",
	StillOpen:  "対応中",
	Commander:  "インシデントコマンダー",
	Writers:    "ログに書いた人: %s。",
	None:       "—",

	SummaryLine:    "%s のインシデント。%s に宣言、インシデントコマンダーは %s",
	IdentifiedIn:   "%s で原因特定",
	MitigatedIn:    "%s で暫定対応完了",
	ResolvedIn:     "%s で解決",
	OpenFor:        "%s 経過してまだ対応中",
	ResolutionLine: "解決内容: %s",

	HighestSeverity: "最も高い重大度", DeclaredToMitigated: "宣言 → 暫定対応完了",
	DeclaredToResolved: "宣言 → 解決", FirstLogToDeclared: "最初のログ → 宣言",
	LastAnnouncement: "最後の告知",

	SkippedLogged:     "%s が %s にスキップを記録",
	SkippedUnchecked:  "解決時に未チェック",
	NoSkips:           "なし: インシデントの重大度で必須のアクションはすべて完了しました。",
	IncidentOpen:      "インシデントはまだ対応中です: 解決すればこの部分が完成します。",
	NoTimeBoxes:       "%s で期限のあるアクションはありませんでした。",
	ResultMet:         "達成（%s の余裕）",
	ResultLate:        "未達: %s 遅れて完了",
	ResultNotDone:     "未達: 未完了のまま期限を %s 超過",
	ResultPending:     "まだ完了していません",
	ResultNoTime:      "完了（ログに時刻がありません）",
	NoEscalation:      "重大度は上がりませんでした。",
	EscalationLine:    "%s、%s → %s: %s",
	EscalationNothing: "追加されたアクションなし",

	FollowupsHint: "front matter で管理します: `incidentctl followup add %s \"<対策>\" --owner <名前> --due <日付>`、`incidentctl followup done <id>`。",
	NoFollowups:   "再発防止策はまだありません。",
	StatusOpen:    "未完了",
	StatusDone:    "%s に完了",

	FlowLine:    "このインシデントはアクションリスト `%s` から書き出されました。その後のフローの変化: `incidentctl flow diff %s`。変更するには `%s` を編集して `incidentctl flow propose %s`。",
	FlowBuiltIn: "組み込みの既定",
}

// LabelsFor returns the labels of a language ("ja"); any other gives English.
func LabelsFor(lang string) Labels {
	if lang == "ja" {
		return Japanese
	}
	return English
}
