package synth

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/actionlist"
	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

// An incident's life is a list of events, each one command a responder runs (new, log,
// update, close) and therefore one commit. The document at any point is rendered from the state
// the events so far produced, in exactly the bytes the commands write: the tests replay the same
// events through pkg/incident's own edits and compare.

type eventKind uint8

const (
	evDeclare   eventKind = iota
	evLog                 // incidentctl log
	evStatus              // incidentctl update --status
	evCheck               // incidentctl update --check
	evRole                // incidentctl update --role
	evCommander           // incidentctl update --commander
	evClose               // incidentctl close [--force]
)

type event struct {
	kind   eventKind
	at     time.Time
	author string
	text   string // log text, resolution, new status, commander, role holder
	role   string // role name
	action int    // action index
}

// flow is the built-in response flow, rendered once per severity.
type flow struct {
	sevs       *severity.Set
	templateID string
	bySev      map[string]*renderedActions
}

type renderedActions struct {
	text    string // the rendered list, trimmed as incident.New trims it
	boxes   []int  // offset in text of the '[' of each item's check box
	actions []incident.Action
}

func newFlow() (*flow, error) {
	sevs, err := severity.Parse("templates/severities.yaml", templates.Severities)
	if err != nil {
		return nil, err
	}
	f := &flow{sevs: sevs, templateID: gitrepo.BlobHash(templates.ActionList).String(), bySev: map[string]*renderedActions{}}
	for _, l := range sevs.Levels {
		text, actions, err := actionlist.Render("templates/action-list.md", templates.ActionList, sevs, actionlist.Data{Severity: l, Severities: sevs.Levels})
		if err != nil {
			return nil, err
		}
		ra := &renderedActions{text: strings.TrimSpace(text), actions: actions}
		for off := 0; ; {
			i := strings.Index(ra.text[off:], "- [ ] ")
			if i < 0 {
				break
			}
			ra.boxes = append(ra.boxes, off+i+2)
			off += i + 6
		}
		if len(ra.boxes) != len(actions) {
			return nil, fmt.Errorf("the built-in action list at %s has %d check boxes but %d actions", l.ID, len(ra.boxes), len(actions))
		}
		f.bySev[l.ID] = ra
	}
	return f, nil
}

// state is what the events so far made of an incident.
type state struct {
	meta incident.Meta
	done []bool
	log  []incident.LogEntry
}

func (s *state) logAt(at time.Time, author, text string) {
	s.log = append(s.log, incident.LogEntry{At: at, Author: author, Text: text})
}

// apply changes the state the way the command behind the event does (pkg/workspace).
func (f *flow) apply(s *state, e event) {
	ra := f.bySev[s.meta.Severity]
	switch e.kind {
	case evLog:
		s.logAt(e.at, e.author, e.text)
	case evStatus:
		old := s.meta.Status
		s.meta.Status = e.text
		if key := incident.MilestoneKey(e.text); key != "" && s.meta.Milestone(key) == nil {
			setMilestone(&s.meta, key, e.at)
		}
		s.logAt(e.at, e.author, "status "+orDash(old)+" → "+e.text)
	case evCheck:
		s.done[e.action] = true
		s.logAt(e.at, e.author, "checked: "+ra.actions[e.action].Text)
	case evRole:
		old := s.meta.Roles.Get(e.role)
		s.meta.Roles = s.meta.Roles.With(e.role, e.text)
		s.logAt(e.at, e.author, "role "+e.role+" "+orDash(old)+" → "+e.text)
	case evCommander:
		old := s.meta.Commander
		s.meta.Commander = e.text
		s.logAt(e.at, e.author, board.CommanderEntry(old, e.text))
	case evClose:
		for i, a := range ra.actions {
			if !s.done[i] && a.RequiredAt(s.meta.Severity) {
				s.logAt(e.at, e.author, board.SkippedPrefix+a.Text)
			}
		}
		old := s.meta.Status
		at := e.at
		s.meta.Status, s.meta.ResolvedAt, s.meta.Resolution = incident.StatusResolved, &at, e.text
		s.logAt(e.at, e.author, "status "+old+" → resolved: "+e.text)
	}
}

func setMilestone(m *incident.Meta, key string, at time.Time) {
	switch key {
	case incident.KeyIdentifiedAt:
		m.IdentifiedAt = &at
	case incident.KeyMitigatedAt:
		m.MitigatedAt = &at
	case incident.KeyResolvedAt:
		m.ResolvedAt = &at
	}
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// declared is the state right after `incidentctl new`.
func (f *flow) declared(m incident.Meta, author string) *state {
	s := &state{meta: m, done: make([]bool, len(f.bySev[m.Severity].actions))}
	first := fmt.Sprintf("Declared %s: %s", m.Severity, m.Title)
	if m.Commander != "" {
		first += "; commander " + m.Commander
	}
	if m.Impact != "" {
		first += "; impact: " + m.Impact
	}
	s.logAt(m.DeclaredAt, author, first)
	return s
}

// render writes the document for a state: the bytes incident.New and the edits produce.
func (f *flow) render(s *state, enc *yamlCache) []byte {
	m := s.meta
	ra := f.bySev[m.Severity]
	var b bytes.Buffer
	b.Grow(4096)
	b.WriteString("---\n")
	for _, k := range incident.Keys {
		switch k {
		case incident.KeyID:
			enc.str(&b, k, m.ID)
		case incident.KeyTitle:
			enc.str(&b, k, m.Title)
		case incident.KeySeverity:
			enc.str(&b, k, m.Severity)
		case incident.KeyStatus:
			enc.str(&b, k, m.Status)
		case incident.KeyCommander:
			enc.str(&b, k, m.Commander)
		case incident.KeyRoles:
			if len(m.Roles) == 0 {
				b.WriteString("roles: {}\n")
				continue
			}
			b.WriteString("roles:\n")
			for _, r := range m.Roles {
				b.WriteString("  ")
				enc.str(&b, r.Name, r.Holder)
			}
		case incident.KeyImpact:
			enc.str(&b, k, m.Impact)
		case incident.KeyAnnouncement:
			enc.str(&b, k, m.Announcement)
		case incident.KeyResolution:
			enc.str(&b, k, m.Resolution)
		case incident.KeyTemplate:
			enc.str(&b, k, m.Template)
		default:
			b.WriteString(k)
			if t := m.Milestone(k); t != nil {
				b.WriteString(": " + incident.FormatTime(*t) + "\n")
			} else {
				b.WriteString(": null\n")
			}
		}
	}
	b.WriteString("---\n\n# ")
	b.WriteString(incident.OneLine(m.Title))
	b.WriteString("\n\n## " + incident.SectionStatus + "\n\n")
	actions := make([]incident.Action, len(ra.actions))
	copy(actions, ra.actions)
	for i := range actions {
		actions[i].Done = s.done[i]
	}
	b.WriteString(incident.StatusTable(&incident.Document{Meta: m, Actions: actions, Log: s.log}))
	b.WriteString("\n## " + incident.SectionActions + "\n\n")
	start := b.Len()
	b.WriteString(ra.text)
	out := b.Bytes()
	for i, box := range ra.boxes {
		if s.done[i] {
			out[start+box+1] = 'x'
		}
	}
	b.WriteString("\n\n## " + incident.SectionLog + "\n\n")
	for _, e := range s.log {
		b.WriteString(incident.FormatLogLine(e))
	}
	return b.Bytes()
}

// yamlCache writes "key: value\n" for text values exactly as yaml v3 encodes them (what the
// format's edits write), calling the encoder only for values that might need quoting.
type yamlCache struct{}

func (yamlCache) str(b *bytes.Buffer, key, value string) {
	if plainSafe(value) {
		b.WriteString(key)
		b.WriteString(": ")
		b.WriteString(value)
		b.WriteByte('\n')
		return
	}
	b.Write(encodeYAML(key, value))
}

// encodeYAML is the format's own encoding of a text key (incident's encodeKey).
func encodeYAML(key, value string) []byte {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		{Kind: yaml.ScalarNode, Value: key}, {Kind: yaml.ScalarNode, Tag: "!!str", Value: value}}}
	if err := enc.Encode(doc); err != nil {
		panic(fmt.Sprintf("encoding %q: %v", value, err)) // text values always encode
	}
	_ = enc.Close()
	return buf.Bytes()
}

// plainSafe reports whether yaml v3 certainly writes the text unquoted: letters, digits and a
// few punctuation marks inside, starting with a letter, not a word YAML reads as another type.
// Everything else goes through the encoder, which is always right; this only saves time.
func plainSafe(s string) bool {
	if s == "" || !(s[0] >= 'a' && s[0] <= 'z' || s[0] >= 'A' && s[0] <= 'Z') || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf":
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == ' ':
			if prevSpace {
				return false
			}
		case c == '-' || c == '.' || c == '/' || c == '(' || c == ')' || c == '%' || c == ',' || c == '_':
		case c == ':':
			if i+1 < len(s) && s[i+1] == ' ' {
				return false
			}
		default:
			return false
		}
		prevSpace = c == ' '
	}
	return true
}

// Pools for realistic text. People are handles, as git identities of responders often are.
var (
	people = []string{"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy",
		"mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yuki",
		"zoe", "arjun", "bea", "chen", "dmitri", "emeka", "fatima", "goran", "hana", "ines"}
	services = []string{"checkout-api", "payments", "login", "search", "catalog", "cart", "notifications",
		"image-resizer", "billing", "ledger", "inventory", "shipping-quotes", "recommendations", "auth-gateway",
		"mobile-api", "webhooks", "reporting", "export-jobs", "cdn-edge", "dns", "kafka-ingest", "postgres-main",
		"redis-sessions", "k8s-prod-eu", "k8s-prod-us", "status-page", "email-relay", "sms-provider", "feature-flags", "admin-console"}
	symptoms = []string{"returns 500s", "latency above 2s", "is down", "times out for some users",
		"drops messages", "serves stale data", "rejects valid logins", "fails health checks", "runs out of memory",
		"has a growing backlog", "double-charges some orders", "sends duplicate emails", "is unreachable from EU",
		"certificate expired", "disk full on primary", "error rate at 30 percent", "slow page loads", "crash loop after deploy"}
	impacts = []string{"checkouts fail for %d%% of users", "%d%% of logins fail", "search results missing for %d%% of queries",
		"payments delayed by up to %d minutes", "about %d customers affected", "%d%% of API requests fail",
		"admin console unusable for %d%% of staff", "notifications delayed by %d minutes"}
	regions = []string{"eu-west-1", "us-east-1", "us-west-2", "ap-northeast-1", "eu-central-1"}
	notes   = []string{
		"error rate %d%% on %s", "p99 latency %dms on %s", "rolled back deploy %d of %s", "paged the %s on-call",
		"%s dashboards show the drop starting 10 minutes before the alert", "restarted %d pods of %s",
		"scaled %s to %d replicas", "failover of %s to %s started", "failover of %s complete", "customer support briefed about %s",
		"posted an update on the status page (%d min since the last)", "root cause candidate: config change %d on %s",
		"connection pool of %s saturated (%d of 200 in use)", "no user data affected on %s", "vendor ticket %d opened for %s",
		"traffic to %s back to normal", "disabled feature flag %s-v%d", "queue depth on %s at %d and falling",
		"alert fired: %s SLO burn rate %dx", "war room link posted for %s", "verified recovery on %s for %d minutes",
		"canary of the fix for %s healthy", "added %d GB to the volume of %s", "certificate for %s renewed",
	}
	resolutions = []string{"rolled back deploy %d", "failed over to %s", "restored the config of %s",
		"scaled up %s", "vendor fixed the upstream outage", "renewed the certificate of %s", "freed disk space on %s and added alerting",
		"reverted feature flag %s", "patched %s and deployed", "restarted %s after a memory leak"}
	roleNames = []string{"comms", "scribe", "ops", "liaison"}
)

// text fills a pattern's verbs (%d, %s) from the generator.
func text(r *rand.Rand, pattern string) string {
	var args []any
	for i := 0; i+1 < len(pattern); i++ {
		if pattern[i] != '%' {
			continue
		}
		switch pattern[i+1] {
		case 'd':
			args = append(args, 2+r.IntN(4800))
		case 's':
			if r.IntN(4) == 0 {
				args = append(args, regions[r.IntN(len(regions))])
			} else {
				args = append(args, services[r.IntN(len(services))])
			}
		}
		i++
	}
	return fmt.Sprintf(pattern, args...)
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

var zones = []*time.Location{time.UTC, time.FixedZone("", 9*3600), time.FixedZone("", 3600), time.FixedZone("", 2*3600),
	time.FixedZone("", -5*3600), time.FixedZone("", -8*3600), time.FixedZone("", 5*3600+1800)}

// plan is an incident's whole life: its declaration and every later event.
type plan struct {
	meta   incident.Meta
	author string // who declared it
	events []event
	// open: the incident is still open; its life is cut before it was closed.
	open bool
}

// newPlan draws one incident's life. Every draw comes from r, so an incident is a function of
// the seed and its index alone.
func (f *flow) newPlan(r *rand.Rand, id string, declared time.Time, open bool) *plan {
	sev := f.sevs.Levels[weighted(r, []int{5, 20, 45, 30})].ID
	svc := pick(r, services)
	title := svc + " " + pick(r, symptoms)
	if r.IntN(3) == 0 {
		title = strings.ToUpper(title[:1]) + title[1:]
	}
	author := pick(r, people)
	commander := author
	if r.IntN(3) == 0 {
		commander = pick(r, people)
	}
	impact := ""
	if r.IntN(10) > 0 {
		impact = text(r, pick(r, impacts))
	}
	m := incident.Meta{ID: id, Title: title, Severity: sev, Status: incident.StatusInvestigating, Commander: commander,
		Impact: impact, DeclaredAt: declared, Template: f.templateID}
	p := &plan{meta: m, author: author, open: open}

	ra := f.bySev[sev]
	var required, optional []int
	for i, a := range ra.actions {
		if a.RequiredAt(sev) {
			required = append(required, i)
		} else {
			optional = append(optional, i)
		}
	}
	force := r.IntN(12) == 0 && len(required) > 1 // close --force, skipping a required action or two
	// The middle of the incident: checks, roles, a commander change, notes; shuffled.
	var middle []event
	checks := required
	if force {
		checks = checks[:len(checks)-1-r.IntN(min(2, len(checks)-1))]
	}
	for _, i := range checks {
		middle = append(middle, event{kind: evCheck, action: i})
	}
	for _, i := range optional {
		if r.IntN(2) == 0 {
			middle = append(middle, event{kind: evCheck, action: i})
		}
	}
	for _, role := range roleNames[:r.IntN(3)] {
		middle = append(middle, event{kind: evRole, role: role, text: pick(r, people)})
	}
	if r.IntN(8) == 0 {
		next := pick(r, people)
		for next == commander {
			next = pick(r, people)
		}
		middle = append(middle, event{kind: evCommander, text: next})
	}
	entries := 10 + r.IntN(51)   // 10-60 log entries in all
	fixed := 1 + len(middle) + 3 // declaration, middle, identified, mitigated, close
	if sev == "SEV1" || sev == "SEV2" {
		fixed++ // postmortem
	}
	for range entries - fixed {
		middle = append(middle, event{kind: evLog, text: text(r, pick(r, notes))})
	}
	r.Shuffle(len(middle), func(i, j int) { middle[i], middle[j] = middle[j], middle[i] })
	// Status changes at about a third and two thirds of the way.
	var events []event
	for i, e := range middle {
		if i == len(middle)/3 && r.IntN(4) > 0 {
			events = append(events, event{kind: evStatus, text: incident.StatusIdentified})
		}
		if i == 2*len(middle)/3 {
			events = append(events, event{kind: evStatus, text: incident.StatusMitigated})
		}
		events = append(events, e)
	}
	events = append(events, event{kind: evClose, text: text(r, pick(r, resolutions))})
	if sev == "SEV1" || sev == "SEV2" {
		if r.IntN(10) == 0 {
			events = append(events, event{kind: evLog, text: "no postmortem: duplicate of an earlier incident"})
		} else {
			events = append(events, event{kind: evLog, text: "postmortem: https://wiki.example.com/postmortems/" + id})
		}
	}
	// Times: minutes apart, a burst at the start; everyone on the roster writes.
	at := declared
	crew := []string{commander, author, pick(r, people), pick(r, people)}
	for i := range events {
		at = at.Add(time.Duration(30+r.IntN(i*60+300)) * time.Second)
		events[i].at = at
		events[i].author = pick(r, crew)
		if events[i].kind == evClose || events[i].kind == evStatus {
			events[i].author = commander
		}
	}
	if open {
		// Cut the life somewhere before it was closed.
		closeAt := len(events) - 1
		for events[closeAt].kind != evClose {
			closeAt--
		}
		events = events[:r.IntN(closeAt+1)]
	}
	p.events = events
	return p
}

func weighted(r *rand.Rand, weights []int) int {
	total := 0
	for _, w := range weights {
		total += w
	}
	n := r.IntN(total)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

// stateAt returns the state after the declaration and the first k events.
func (f *flow) stateAt(p *plan, k int) *state {
	s := f.declared(p.meta, p.author)
	for _, e := range p.events[:k] {
		f.apply(s, e)
	}
	return s
}

// summary is the change in a few words, as the commit message says it.
func (f *flow) summary(p *plan, k int) string {
	if k == 0 {
		return "declare " + p.meta.Severity + ": " + p.meta.Title
	}
	e := p.events[k-1]
	switch e.kind {
	case evLog:
		return "log: " + e.text
	case evStatus:
		return "status → " + e.text
	case evCheck:
		return "checked: " + f.bySev[p.meta.Severity].actions[e.action].Text
	case evRole:
		return "role " + e.role + " → " + e.text
	case evCommander:
		return "commander → " + e.text
	case evClose:
		return "resolved: " + e.text
	}
	return "update"
}
