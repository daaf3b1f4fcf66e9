package drill

import (
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

var jst = time.FixedZone("JST", 9*3600)

func at(sec int) time.Time { return time.Date(2026, 11, 23, 10, 0, sec, 0, jst) }

const drillActions = `- [ ] Page the on-call engineer <!-- required: SEV1 --> <!-- due: 5m SEV1 -->
- [ ] Escalate to management <!-- required: SEV1 --> <!-- due: 15m -->
- [ ] Announce to users <!-- required: SEV1 --> <!-- due: 30m -->
- [ ] Assign roles
- [ ] Schedule the postmortem <!-- required: SEV1 -->
`

// drillDoc is a drill of goodScenario declared at 10:00:00, at 60×: a scenario minute is a
// second on the wall clock.
func drillDoc(t *testing.T, variant string, edits func(d *incident.Document) *incident.Document) (*incident.Document, *Scenario) {
	t.Helper()
	s, err := Parse("drills/payments.md", []byte(goodScenario))
	if err != nil {
		t.Fatal(err)
	}
	m := incident.Meta{ID: "261123-d0001", Title: s.DeclaredTitle(incident.LangEn), Severity: "SEV1", Status: incident.StatusInvestigating,
		Commander: "bob", DeclaredAt: at(0), Kind: incident.KindDrill, Scenario: s.Path, Variant: SealVariant(at(0), variant),
		Facilitator: "erin", Speed: "60"}
	d, err := incident.New("incidents/2026/11/261123-d0001-drill.md", m, drillActions,
		incident.LogEntry{At: at(0), Author: "erin", Text: "Declared SEV1: " + m.Title})
	if err != nil {
		t.Fatal(err)
	}
	if edits != nil {
		d = edits(d)
	}
	return d, s
}

func must(t *testing.T) func(*incident.Document, error) *incident.Document {
	return func(d *incident.Document, err error) *incident.Document {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
}

func logAt(t *testing.T, d *incident.Document, sec int, text string) *incident.Document {
	return must(t)(d.AppendLog(incident.LogEntry{At: at(sec), Author: "bob", Text: text}))
}

func TestPlayDue(t *testing.T) {
	d, s := drillDoc(t, "stale-endpoint", nil)
	p, err := NewPlay(d, s)
	if err != nil {
		t.Fatal(err)
	}
	if !p.Sealed || p.Variant.Name != "stale-endpoint" || p.Speed != 60 || len(p.Plan) != 4 {
		t.Fatalf("play: %+v", p)
	}
	names := func(ps []Planned) string {
		var out []string
		for _, pl := range ps {
			out = append(out, InjectEntry(pl))
		}
		return strings.Join(out, " | ")
	}
	// At the declaration the alert from before it is due; at +9m (9 s) the variant's own inject.
	if got := names(p.Due(at(0))); got != "inject 1 (-2m) from PagerDuty: payments-api 5xx rate 100% since 14:01" {
		t.Errorf("due at start: %s", got)
	}
	if got := names(p.Due(at(9))); !strings.HasSuffix(got, "inject 3 (+9m) from Kenji: the database failed over at 13:59; API pods still point at the old primary") {
		t.Errorf("due at +9m: %s", got)
	}
	// Delivered injects are read back from the log and not due again.
	d = logAt(t, d, 1, InjectEntry(p.Plan[0]))
	d = logAt(t, d, 5, InjectEntry(p.Plan[1]))
	p, _ = NewPlay(d, s)
	if got := names(p.Due(at(10))); got != "inject 3 (+9m) from Kenji: the database failed over at 13:59; API pods still point at the old primary" {
		t.Errorf("due after two were delivered: %s", got)
	}
	if len(p.Remaining()) != 2 || !p.Delivered[2].Equal(at(5)) {
		t.Errorf("remaining %d, delivered %v", len(p.Remaining()), p.Delivered)
	}
	// Another variant delivers its own inject instead.
	d2, _ := drillDoc(t, "pool-exhausted", nil)
	p2, _ := NewPlay(d2, s)
	if got := names(p2.Due(at(9))); !strings.Contains(got, "connection pool is full") || strings.Contains(got, "failed over") {
		t.Errorf("other variant: %s", got)
	}
	// Not a drill.
	nd := must(t)(incident.New(d.Path, incident.Meta{ID: "261123-d0002", Title: "x", Severity: "SEV1", Status: "investigating", DeclaredAt: at(0)}, "", incident.LogEntry{At: at(0), Author: "a", Text: "x"}))
	if _, err := NewPlay(nd, s); err == nil || !strings.Contains(err.Error(), "is not a drill") {
		t.Errorf("not a drill: %v", err)
	}
}

func TestScore(t *testing.T) {
	d, s := drillDoc(t, "stale-endpoint", func(d *incident.Document) *incident.Document {
		d = logAt(t, d, 1, "inject 1 (-2m) from PagerDuty: payments-api 5xx rate 100% since 14:01")
		d = must(t)(d.Check(0))
		d = logAt(t, d, 3, "checked: Page the on-call engineer") // +3m, due +5m: met
		d = must(t)(d.Check(1))
		d = logAt(t, d, 20, "checked: Escalate to management") // +20m, due +15m: late
		d = logAt(t, d, 25, "Restarting the API pods now")     // the log tie: met at +25m
		d = must(t)(d.SetString(incident.KeyStatus, incident.StatusMitigated))
		mit := at(40) // +40m, due +30m: late
		d = must(t)(d.SetTime(incident.KeyMitigatedAt, &mit))
		d = logAt(t, d, 41, "debrief note: paging was quick")
		return d
	})
	p, err := NewPlay(d, s)
	if err != nil {
		t.Fatal(err)
	}
	flow, _ := incident.ParseActionList(drillActions)
	r := Score(p, flow, "templates/action-list.md", at(60))
	var got []string
	for _, e := range r.Expected {
		done := "-"
		if e.DoneAt != nil {
			done = FormatOffset(r.Offset(*e.DoneAt))
		}
		got = append(got, e.Status+" "+done)
	}
	if strings.Join(got, ", ") != "met +3m, late +20m, met +25m, late +40m" {
		t.Errorf("expected: %v", got)
	}
	// Announce (30m box, not tied) and the postmortem (required) are open: missed.
	if len(r.Flow) != 2 || r.Flow[0].Text != "Announce to users" || r.Flow[0].Status != Missed || r.Flow[1].Status != Missed {
		t.Errorf("flow: %+v", r.Flow)
	}
	if strings.Join(r.RequiredOpen, "; ") != "Announce to users; Schedule the postmortem" {
		t.Errorf("required open: %v", r.RequiredOpen)
	}
	// (1 + ½ + 1 + ½ + 0 + 0) / 6 = 50.
	if r.Score != 50 || r.Points != 3 || r.Possible != 6 || r.Final {
		t.Errorf("score %d (%v of %v), final %v", r.Score, r.Points, r.Possible, r.Final)
	}
	if len(r.Suggestions) != 1 || r.Suggestions[0].Expected != "Restart the API pods" {
		t.Errorf("suggestions: %+v", r.Suggestions)
	}
	text := r.Debrief()
	for _, want := range []string{
		"Score: **50/100** (provisional:",
		"Scenario drills/payments.md (replays 260917-x31y2), variant stale-endpoint.",
		"Injects delivered: 1 of 4.",
		"Expected actions (2 met, 2 late, 0 missed):",
		"- met: Page the on-call engineer — by +5m, done +3m (original +2m)\n",
		"- late: Escalate to management — by +15m, done +20m, 5m late\n",
		"- missed: Announce to users (due +30m, not checked)\n",
		"- still open though required at this severity:\n  - Announce to users\n  - Schedule the postmortem\n",
		"- mitigated: +40m (+28m)\n- resolved: not reached (unknown)\n",
		`- "Restart the API pods" is expected by +30m, but no action-list item covers it`,
		"- paging was quick (bob)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("debrief lacks %q:\n%s", want, text)
		}
	}
	// The flow at HEAD without the escalation item: the debrief proposes it back.
	r = Score(p, flow[:1], "templates/action-list.md", at(60))
	if len(r.Suggestions) != 2 || r.Suggestions[0].Missing != "Escalate to management" {
		t.Errorf("suggestions: %+v", r.Suggestions)
	}
}

func TestSealVariant(t *testing.T) {
	a, b := SealVariant(at(0), "stale-endpoint"), SealVariant(at(1), "stale-endpoint")
	if a == b || !ValidSeal(a) || strings.Contains(a, "stale") {
		t.Errorf("seals %q %q", a, b)
	}
}
