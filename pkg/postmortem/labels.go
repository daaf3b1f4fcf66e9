package postmortem

// Labels are every human-facing word and sentence a postmortem's generated parts use: section
// headings, table headers, the sentences of the summary and the review, the prompts in the
// empty sections. They live here, in one table, so that another language is one more table.
// Sentences with %s take their values in the order the comment names.
type Labels struct {
	Postmortem  string
	Blameless   string
	DraftedFrom string // incident path, date, zone

	// Section headings.
	Summary, WhatHappened, Impact, Timeline, Durations, SeverityHistory, Responders string
	Review, Skipped, TimeBoxes, Escalations, Resolution                             string
	ContributingFactors, WentWell, WentWrong, Lucky, Followups, FlowChanges         string

	// Prompts in the sections the team writes (HTML comments: invisible once rendered).
	SummaryPrompt, WhatHappenedPrompt, ResolutionPrompt, ContributingPrompt string
	WentWellPrompt, WentWrongPrompt, LuckyPrompt, WhyPrompt                 string

	// Table headers.
	Time, TPlus, Who, Event, Milestone, At, AfterDeclaration, AfterPrevious string
	Severity, From, To, Duration, Role, Name, InCommand                     string
	Action, Box, Due, Done, Result, ID, Kind, Owner, Status, Link, Measure  string
	Value                                                                   string

	// Values.
	MilestoneNames map[string]string // incident.KeyDeclaredAt ... -> name
	KindNames      map[string]string
	NotReached     string
	StillOpen      string
	Commander      string
	Writers        string // "Wrote to the log: %s"
	None           string

	// The summary.
	SummaryLine    string // severity, declared time, commander
	IdentifiedIn   string // duration
	MitigatedIn    string // duration
	ResolvedIn     string // duration
	OpenFor        string // duration
	ResolutionLine string // resolution

	// The impact table.
	HighestSeverity, DeclaredToMitigated, DeclaredToResolved, FirstLogToDeclared, LastAnnouncement string

	// The review.
	SkippedLogged     string // who, when
	SkippedUnchecked  string
	NoSkips           string
	IncidentOpen      string
	NoTimeBoxes       string // severity
	ResultMet         string // spare time
	ResultLate        string // how late
	ResultNotDone     string // how long past its time
	ResultPending     string
	ResultNoTime      string
	NoEscalation      string
	EscalationLine    string // when, from, to, the actions added
	EscalationNothing string

	// The follow-ups block.
	FollowupsHint string // incident short ID
	NoFollowups   string
	StatusOpen    string
	StatusDone    string // when

	// The flow section.
	FlowLine    string // template version, incident short ID, action list path, incident short ID
	FlowBuiltIn string // the default action list's label
}

// English is the default.
var English = Labels{
	Postmortem:  "Postmortem",
	Blameless:   "Blameless: this review looks at systems, decisions and what people knew at the time, not at whom to blame.",
	DraftedFrom: "Drafted by incidentctl from the record in `%s` on %s. Times are in %s; T+ counts from the declaration.",

	Summary: "Summary", WhatHappened: "What happened", Impact: "Impact", Timeline: "Timeline",
	Durations: "Durations", SeverityHistory: "Severity history", Responders: "Responders",
	Review: "Action-list review", Skipped: "Required actions skipped", TimeBoxes: "Time boxes",
	Escalations: "Added by escalation", Resolution: "Resolution",
	ContributingFactors: "Contributing factors", WentWell: "What went well", WentWrong: "What went wrong",
	Lucky: "Where we got lucky", Followups: "Follow-ups", FlowChanges: "Changes to the response flow",

	SummaryPrompt:      "<!-- Two or three sentences a reader outside the team understands: what broke, for whom, for how long, and what fixed it. -->",
	WhatHappenedPrompt: "<!-- The story in a few paragraphs: how it started, how it was noticed, what the responders saw and decided, how it was fixed. Link dashboards and logs. -->",
	ResolutionPrompt:   "<!-- What stopped the impact, and what made the fix last. -->",
	ContributingPrompt: "<!-- The conditions that together made this incident possible (rarely a single root cause): code, configuration, capacity, process, knowledge. -->",
	WentWellPrompt:     "<!-- What worked: detection, the action list, handoffs, communication. Keep doing it. -->",
	WentWrongPrompt:    "<!-- What made the response slower or harder: missing alerts, unclear ownership, steps that were missed or did not fit. -->",
	LuckyPrompt:        "<!-- Where chance helped: what would have made this much worse, had it gone the other way? -->",
	WhyPrompt:          "<!-- why? -->",

	Time: "Time", TPlus: "T+", Who: "Who", Event: "Event", Milestone: "Milestone", At: "At",
	AfterDeclaration: "After declaration", AfterPrevious: "After the previous",
	Severity: "Severity", From: "From", To: "To", Duration: "Duration", Role: "Role", Name: "Who",
	InCommand: "In command", Action: "Action", Box: "Time box", Due: "Due", Done: "Done",
	Result: "Result", ID: "ID", Kind: "Kind", Owner: "Owner", Status: "Status", Link: "Link", Measure: "Measure", Value: "Value",

	MilestoneNames: map[string]string{
		"declared_at": "Declared", "identified_at": "Identified", "mitigated_at": "Mitigated", "resolved_at": "Resolved",
	},
	KindNames: map[string]string{
		KindPrevent: "prevent", KindDetect: "detect", KindMitigate: "mitigate", KindProcess: "process",
	},
	NotReached: "not reached",
	StillOpen:  "still open",
	Commander:  "Incident commander",
	Writers:    "Wrote to the log: %s.",
	None:       "—",

	SummaryLine:    "%s incident, declared %s with %s as incident commander",
	IdentifiedIn:   "identified after %s",
	MitigatedIn:    "mitigated after %s",
	ResolvedIn:     "resolved after %s",
	OpenFor:        "still open after %s",
	ResolutionLine: "Resolution: %s",

	HighestSeverity: "Highest severity", DeclaredToMitigated: "Declared → mitigated",
	DeclaredToResolved: "Declared → resolved", FirstLogToDeclared: "First log entry → declared",
	LastAnnouncement: "Last announcement",

	SkippedLogged:     "logged as skipped by %s at %s",
	SkippedUnchecked:  "left unchecked at the resolution",
	NoSkips:           "None: every action required at the incident's severity was done.",
	IncidentOpen:      "The incident is still open: this part is complete once it is resolved.",
	NoTimeBoxes:       "No action had a time box at %s.",
	ResultMet:         "met, %s to spare",
	ResultLate:        "missed: done %s late",
	ResultNotDone:     "missed: not done, %s past its time",
	ResultPending:     "not done yet",
	ResultNoTime:      "done (the log does not say when)",
	NoEscalation:      "The severity was never raised.",
	EscalationLine:    "%s, %s → %s: %s",
	EscalationNothing: "no action added",

	FollowupsHint: "Tracked in the front matter: `incidentctl followup add %s \"<what>\" --owner <name> --due <date>`, `incidentctl followup done <id>`.",
	NoFollowups:   "No follow-up yet.",
	StatusOpen:    "open",
	StatusDone:    "done %s",

	FlowLine:    "The incident was rendered from the action list `%s`. What the flow has learned since: `incidentctl flow diff %s`. To change it, edit `%s`, then `incidentctl flow propose %s`.",
	FlowBuiltIn: "built-in default",
}
