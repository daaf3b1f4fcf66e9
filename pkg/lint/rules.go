package lint

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/secret"
)

// Level is how much a finding matters: errors fail the check, warnings only with --strict.
type Level string

const (
	Error   Level = "error"
	Warning Level = "warning"
	Off     Level = "off"
)

// Rule is one documented check.
type Rule struct {
	ID      string `json:"id"`
	Level   Level  `json:"level"` // the default
	Base    bool   `json:"base"`  // runs only with --base
	Summary string `json:"summary"`
}

// Rule IDs. Each finding carries one, and .incidentctl.yaml changes a rule's level by its ID.
const (
	RuleUnreadable        = "unreadable"
	RuleConflictMarker    = "conflict-marker"
	RuleControlCharacter  = "control-character"
	RuleFrontMatter       = "front-matter"
	RuleYAML              = "yaml"
	RuleDuplicateKey      = "duplicate-key"
	RuleRequiredKey       = "required-key"
	RuleUnknownKey        = "unknown-key"
	RuleType              = "type"
	RuleSeverity          = "severity"
	RuleStatus            = "status"
	RuleTimestampOrder    = "timestamp-order"
	RuleFutureTime        = "future-time"
	RuleResolvedFields    = "resolved-fields"
	RuleIDFilename        = "id-filename"
	RuleIDUnique          = "id-unique"
	RuleSection           = "section"
	RuleLogEntry          = "log-entry"
	RuleLogOrder          = "log-order"
	RuleLogNote           = "log-note"
	RuleYAML11            = "yaml11"
	RuleTemplate          = "template"
	RuleActionMarker      = "action-marker"
	RuleRequiredActions   = "required-actions"
	RulePostmortem        = "postmortem"
	RuleSecret            = "secret"
	RuleLogRewritten      = "log-rewritten"
	RuleResolutionChanged = "resolution-changed"
	RuleIDReused          = "id-reused"
	RuleDocumentRemoved   = "document-removed"

	// Postmortems, their follow-ups and the provenance of the flow (postmortems.go, flowchange.go).
	RulePostmortemFormat   = "postmortem-format"
	RuleFollowupIncomplete = "followup-incomplete"
	RuleFollowupOverdue    = "followup-overdue"
	RuleFlowChangeUnlinked = "flow-change-unlinked"
	RuleField              = "field"
)

// Rules lists every rule, in the order `incidentctl lint --rules` prints them.
var Rules = []Rule{
	{RuleUnreadable, Error, false, "the file is readable UTF-8 text of at most 4 MiB (not binary, not a symbolic link)"},
	{RuleConflictMarker, Error, false, "no git conflict markers (<<<<<<<, =======, >>>>>>>): a text merge was left unfinished (every command refuses such a document)"},
	{RuleControlCharacter, Error, false, "no terminal escape sequences or control characters (ESC, BEL, CR alone, C1, bidi overrides): they rewrite what a reader's terminal or editor shows"},
	{RuleFrontMatter, Error, false, "the file starts with a '---' line, YAML keys and a closing '---' line"},
	{RuleYAML, Error, false, "the front matter is valid YAML and a mapping of keys to values"},
	{RuleDuplicateKey, Error, false, "no front-matter key appears twice"},
	{RuleRequiredKey, Error, false, "id, title, severity, status and declared_at are present and not empty"},
	{RuleUnknownKey, Warning, false, "front-matter keys are ones incidentctl knows (others are kept, but may be typos)"},
	{RuleYAML11, Warning, false, "text values a YAML 1.1 reader (PyYAML, many CI tools) would read as a boolean or number (yes, no, on, off, y, n, 1:20) are quoted"},
	{RuleType, Error, false, "values have the right type: text, roles as a mapping, times in RFC 3339 form"},
	{RuleField, Error, false, "the team's own front-matter keys (fields: in .incidentctl.yaml) hold values of their declared type (text, number, bool, time, list) and, where listed, one of the allowed values"},
	{RuleSeverity, Error, false, "severity is one of the repository's severity definitions (templates/severities.yaml at HEAD)"},
	{RuleStatus, Error, false, "status is investigating, identified, mitigated or resolved"},
	{RuleTimestampOrder, Error, false, "declared_at <= identified_at <= mitigated_at <= resolved_at"},
	{RuleFutureTime, Error, false, "no milestone or log entry is more than 5 minutes in the future"},
	{RuleResolvedFields, Error, false, "a resolved incident has resolved_at and a resolution; an open one has no resolved_at"},
	{RuleIDFilename, Error, false, "the id has the form YYMMDD-xxxxx and the file is <id>-<slug>.md in the id's YYYY/MM folder"},
	{RuleIDUnique, Error, false, "no two documents in the repository share an id (with --base: none in the month folder of the id or the document's own folder)"},
	{RuleSection, Error, false, "## Status, ## Action list and ## Log each appear exactly once"},
	{RuleLogEntry, Error, false, "every log item reads '- <RFC 3339 time> [<author>] <text>'"},
	{RuleLogOrder, Error, false, "log entries are in time order"},
	{RuleLogNote, Warning, false, "text right below a log entry is indented under it (a continuation) or set apart by a blank line (a note): unindented, Markdown renders it as part of the entry while incidentctl reads it as a note"},
	{RuleActionMarker, Warning, false, "<!-- due: --> markers start with a duration such as 30m"},
	{RuleTemplate, Error, false, "the action-list template (templates/action-list.md) renders for every severity into a task list the CLI can read (checked when lint runs over the whole incidents folder)"},
	{RuleRequiredActions, Error, false, "a resolved incident has each action required at its severity checked, or logged as 'skipped required action: <text>' (close --force)"},
	{RulePostmortem, Error, false, "a resolved incident at a level that needs a postmortem (default: SEV1 and SEV2, within 5 days; postmortem.deadlines in .incidentctl.yaml) logs 'postmortem: <path or http(s) URL>' or 'no postmortem: <reason>': a warning until the deadline (--strict does not fail on it), an error after it"},
	{RuleSecret, Error, false, "no credentials: cloud keys, GitHub/GitLab/Slack tokens, private keys, passwords in URLs, JWTs, random-looking values after token/secret/password (lint.allow: regexes to accept)"},
	{RuleLogRewritten, Error, true, "log entries that exist at the merge base are not edited, removed or reordered (corrections are new entries)"},
	{RuleResolutionChanged, Error, true, "an incident resolved at the merge base keeps its times and resolution, unless a new log entry records the reopening or correction"},
	{RuleIDReused, Error, true, "a new file does not take an id another file has at the merge base"},
	{RuleDocumentRemoved, Error, true, "no incident document that exists at the merge base is deleted"},
	{RulePostmortemFormat, Error, false, "a postmortem (postmortems/YYYY/MM/<id>-<slug>.md) has front matter with incident and status (draft, in-review, final), known keys, follow-ups with ids <id>-F<n>, dates and kinds that parse"},
	{RuleFollowupIncomplete, Error, false, "every follow-up of a postmortem has an owner and a due date"},
	{RuleFollowupOverdue, Warning, false, "no follow-up is open past its due date"},
	{RuleFlowChangeUnlinked, Warning, true, "a change under templates/ comes with a commit since the merge base that cites the incident or postmortem that motivated it (trailer 'Incident: <id>' or 'Postmortem: <path>')"},
}

func ruleByID(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Policy is the rule levels and the secrets allow-list in force, from .incidentctl.yaml.
type Policy struct {
	levels map[string]Level
	allow  []*regexp.Regexp
}

// NewPolicy checks the lint settings of .incidentctl.yaml and compiles them once.
func NewPolicy(cfg config.Lint) (*Policy, error) {
	p := &Policy{levels: make(map[string]Level, len(Rules))}
	for _, r := range Rules {
		p.levels[r.ID] = r.Level
	}
	ids := make([]string, 0, len(cfg.Rules))
	for id := range cfg.Rules {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := ruleByID(id); !ok {
			return nil, fmt.Errorf("%s: lint.rules: unknown rule %q: see `incidentctl lint --rules` for the rule IDs", config.FileName, id)
		}
		switch l := Level(strings.ToLower(strings.TrimSpace(cfg.Rules[id]))); l {
		case Error, Warning, Off:
			p.levels[id] = l
		default:
			return nil, fmt.Errorf("%s: lint.rules: %s: %q is not a level: use error, warning or off", config.FileName, id, cfg.Rules[id])
		}
	}
	for i, a := range cfg.Allow {
		re, err := regexp.Compile(a)
		if err != nil {
			return nil, fmt.Errorf("%s: lint.allow[%d]: %q is not a regular expression: %v", config.FileName, i, a, err)
		}
		p.allow = append(p.allow, re)
	}
	return p, nil
}

// Level returns the level a rule has in this repository.
func (p *Policy) Level(id string) Level {
	if l, ok := p.levels[id]; ok {
		return l
	}
	return Error
}

// RuleSet returns every rule with the level in force.
func (p *Policy) RuleSet() []Rule {
	out := make([]Rule, len(Rules))
	for i, r := range Rules {
		r.Level = p.Level(r.ID)
		out[i] = r
	}
	return out
}

// Secrets returns the secret scanner with the repository's allow-list (lint.allow): the one
// lint runs and every write command runs before it commits.
func (p *Policy) Secrets() *secret.Scanner { return secret.New(p.allow) }
