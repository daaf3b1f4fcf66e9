package notify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/notify/chattest"
	"github.com/incidentctl/incidentctl/pkg/secret"
	"github.com/incidentctl/incidentctl/pkg/severity"
	"github.com/incidentctl/incidentctl/templates"
)

func sevs(t *testing.T) *severity.Set {
	t.Helper()
	s, err := severity.Parse("severities.yaml", templates.Severities)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var at = time.Date(2026, 11, 23, 10, 30, 0, 0, time.FixedZone("JST", 9*3600))

func meta(sev, status, commander, announcement string) *incident.Meta {
	return &incident.Meta{ID: "261123-k7xqm", Title: "Checkout API returns 500s", Severity: sev, Status: status, Commander: commander, Announcement: announcement, DeclaredAt: at}
}

func TestChanges(t *testing.T) {
	for _, c := range []struct {
		name          string
		before, after *incident.Meta
		want          []Change
	}{
		{"declared", nil, meta("SEV2", "investigating", "alice", ""), []Change{{Event: EventDeclared, To: "SEV2"}}},
		{"nothing", meta("SEV2", "investigating", "alice", ""), meta("SEV2", "investigating", "alice", ""), nil},
		{"escalation and handover", meta("SEV2", "investigating", "alice", ""), meta("SEV1", "investigating", "bob", ""),
			[]Change{{EventSeverity, "SEV2", "SEV1"}, {EventCommander, "alice", "bob"}}},
		{"status", meta("SEV2", "investigating", "alice", ""), meta("SEV2", "identified", "alice", ""), []Change{{EventStatus, "investigating", "identified"}}},
		{"resolved comes last", meta("SEV2", "mitigated", "alice", ""), meta("SEV2", "resolved", "alice", "all clear"),
			[]Change{{EventAnnouncement, "", "all clear"}, {EventResolved, "mitigated", "resolved"}}},
		{"reopened is a status change", meta("SEV2", "resolved", "alice", ""), meta("SEV2", "investigating", "alice", ""), []Change{{EventStatus, "resolved", "investigating"}}},
		{"an announcement cleared is not news", meta("SEV2", "identified", "alice", "x"), meta("SEV2", "identified", "alice", ""), nil},
	} {
		if got := Changes(c.before, c.after); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Changes = %+v, want %+v", c.name, got, c.want)
		}
	}
}

func sink(t *testing.T, cs config.NotifySink) *Sink {
	t.Helper()
	if cs.Name == "" {
		cs.Name = "war-room"
	}
	if cs.Kind == "" {
		cs.Kind = "slack"
	}
	if cs.URLEnv == "" && cs.URLFile == "" {
		cs.URLEnv = "NOTIFY_TEST_URL"
		t.Setenv("NOTIFY_TEST_URL", "https://hooks.example.com/services/T0/B0/SECRETPATH")
	}
	s := Resolve([]config.NotifySink{cs}, sevs(t))[0]
	if !s.Ready() {
		t.Fatalf("sink not ready: %s", s.Problem)
	}
	return s
}

func event(before, after *incident.Meta) Event {
	var bd *incident.Document
	if before != nil {
		bd = &incident.Document{Meta: *before}
	}
	ev, _ := NewEvent(bd, &incident.Document{Meta: *after, Path: "incidents/2026/11/261123-k7xqm-checkout.md"}, "c0ffee", "alice", at)
	return ev
}

func TestWants(t *testing.T) {
	declared := event(nil, meta("SEV3", "investigating", "alice", ""))
	if got := sink(t, config.NotifySink{}).Wants(declared); len(got) != 1 {
		t.Errorf("default sink: %+v", got)
	}
	if got := sink(t, config.NotifySink{MinSeverity: "SEV2"}).Wants(declared); got != nil {
		t.Errorf("SEV3 to a SEV2+ sink: %+v", got)
	}
	if got := sink(t, config.NotifySink{MinSeverity: "sev3"}).Wants(declared); len(got) != 1 {
		t.Errorf("SEV3 to a SEV3+ sink (typed sev3): %+v", got)
	}
	up := event(meta("SEV3", "investigating", "alice", ""), meta("SEV1", "identified", "alice", ""))
	if got := sink(t, config.NotifySink{MinSeverity: "SEV2"}).Wants(up); len(got) != 2 {
		t.Errorf("escalation into range: %+v", got)
	}
	down := event(meta("SEV2", "identified", "alice", ""), meta("SEV4", "identified", "alice", ""))
	if got := sink(t, config.NotifySink{MinSeverity: "SEV2"}).Wants(down); len(got) != 1 {
		t.Errorf("downgrade out of range is still news: %+v", got)
	}
	if got := sink(t, config.NotifySink{Events: []string{"resolved"}}).Wants(up); got != nil {
		t.Errorf("events filter: %+v", got)
	}
	if got := sink(t, config.NotifySink{Events: []string{"status"}}).Wants(up); !reflect.DeepEqual(got, []Change{{EventStatus, "investigating", "identified"}}) {
		t.Errorf("events filter keeps status: %+v", got)
	}
	drill := meta("SEV1", "investigating", "dana", "")
	drill.Kind = incident.KindDrill
	dev := event(nil, drill)
	if got := sink(t, config.NotifySink{}).Wants(dev); got != nil {
		t.Errorf("a drill went to a real sink: %+v", got)
	}
	if got := sink(t, config.NotifySink{Drills: true}).Wants(dev); len(got) != 1 {
		t.Errorf("a drill did not go to an opted-in sink: %+v", got)
	}
}

func TestResolveProblems(t *testing.T) {
	t.Setenv("HOOK_PLAIN", "http://hooks.example.com/services/T0/B0/SECRETPATH")
	t.Setenv("HOOK_LOCAL", "http://127.0.0.1:9/hook")
	t.Setenv("HOOK_LOCALHOST", "http://localhost:9/hook")
	t.Setenv("HOOK_FTP", "ftp://hooks.example.com/SECRETPATH")
	t.Setenv("HOOK_JUNK", "hooks.example.com/SECRETPATH")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.url")
	os.WriteFile(good, []byte("https://hooks.example.com/services/T0/B0/SECRETPATH\n"), 0o600)
	two := filepath.Join(dir, "two.url")
	os.WriteFile(two, []byte("https://a.example/x\nhttps://b.example/y\n"), 0o600)
	cases := []struct {
		cs   config.NotifySink
		want string // "" for ready
	}{
		{config.NotifySink{URLEnv: "HOOK_UNSET_FOR_TEST"}, "HOOK_UNSET_FOR_TEST is not set: set it to the slack webhook URL (export HOOK_UNSET_FOR_TEST=https://…) to post to s"},
		{config.NotifySink{URLEnv: "HOOK_PLAIN"}, "the URL in HOOK_PLAIN (host hooks.example.com) is not HTTPS"},
		{config.NotifySink{URLEnv: "HOOK_FTP"}, "is not HTTPS"},
		{config.NotifySink{URLEnv: "HOOK_JUNK"}, "HOOK_JUNK does not hold a valid URL"},
		{config.NotifySink{URLEnv: "HOOK_LOCAL"}, ""},
		{config.NotifySink{URLEnv: "HOOK_LOCALHOST"}, ""},
		{config.NotifySink{URLFile: good}, ""},
		{config.NotifySink{URLFile: filepath.Join(dir, "missing.url")}, "does not exist: write the slack webhook URL into it"},
		{config.NotifySink{URLFile: two}, "must hold the webhook URL alone, on one line"},
		{config.NotifySink{URLEnv: "HOOK_LOCAL", MinSeverity: "SEV9"}, `min_severity "SEV9" is not a defined severity: use one of SEV1, SEV2, SEV3, SEV4 (.incidentctl.yaml:7)`},
	}
	for _, c := range cases {
		c.cs.Name, c.cs.Kind, c.cs.Line = "s", "slack", 7
		s := Resolve([]config.NotifySink{c.cs}, sevs(t))[0]
		if c.want == "" && !s.Ready() || c.want != "" && !strings.Contains(s.Problem, c.want) {
			t.Errorf("%+v: problem %q, want %q", c.cs, s.Problem, c.want)
		}
		if strings.Contains(s.Problem, "SECRETPATH") {
			t.Errorf("%+v: the problem quotes the URL: %s", c.cs, s.Problem)
		}
	}
	if s := Resolve([]config.NotifySink{{Name: "s", Kind: "slack", URLFile: good}}, nil)[0]; s.Host() != "hooks.example.com" || s.Source != good {
		t.Errorf("host %q source %q", s.Host(), s.Source)
	}
}

func TestRenderShapes(t *testing.T) {
	before := meta("SEV3", "investigating", "alice", "")
	after := meta("SEV1", "identified", "bob", "Status page updated <!channel> @here & @everyone")
	after.Impact = "30% of checkouts fail"
	ev := event(before, after)
	ev.Incident.URL = "https://ops.example.com/status/incidents/261123-k7xqm/"
	for _, kind := range config.NotifyKinds {
		for _, m := range []Message{
			Compose(ev, ev.Changes, nil, sevs(t), nil),
			Compose(event(nil, after), []Change{{Event: EventDeclared, To: "SEV1"}}, nil, sevs(t), nil),
			TestMessage("war-room", "alice", at, nil),
		} {
			body, err := Render(kind, m, "k1")
			if err != nil {
				t.Fatal(err)
			}
			if err := chattest.Validate(kind, body); err != nil {
				t.Errorf("%s %s: %v\n%s", kind, m.Event, err, body)
			}
			s := string(body)
			if (kind == "slack" || kind == "mattermost") && (strings.Contains(s, "@here") || strings.Contains(s, "@everyone") || strings.Contains(s, "<!channel>")) {
				t.Errorf("%s: a mass mention survived: %s", kind, s)
			}
		}
	}
	m := Compose(ev, ev.Changes, nil, sevs(t), nil)
	if m.Title != "Escalated to SEV1: Checkout API returns 500s" {
		t.Errorf("title = %q", m.Title)
	}
	if !strings.Contains(m.Text, "Severity SEV3 → SEV1.") || !strings.Contains(m.Text, "Commander alice → bob.") || !strings.Contains(m.Text, "Announcement: Status page updated") {
		t.Errorf("text = %q", m.Text)
	}
	if m.Color != rankColors[0] {
		t.Errorf("colour %x", m.Color)
	}
	body, _ := Render("slack", m, "k1")
	if !strings.Contains(string(body), `&lt;!channel&gt;`) || !strings.Contains(string(body), `&amp;`) {
		t.Errorf("slack mrkdwn not escaped: %s", body)
	}
	if !strings.Contains(string(body), `<https://ops.example.com/status/incidents/261123-k7xqm/|Open the incident>`) {
		t.Errorf("slack link missing: %s", body)
	}
	body, _ = Render("discord", m, "k1")
	var d map[string]any
	json.Unmarshal(body, &d)
	if e := d["embeds"].([]any)[0].(map[string]any); e["color"].(float64) != float64(rankColors[0]) || e["url"] != ev.Incident.URL {
		t.Errorf("discord embed %v", e)
	}
	body, _ = Render("webhook", m, "k1")
	var wh webhookMessage
	if err := json.Unmarshal(body, &wh); err != nil || wh.ID != "k1" || wh.Event != EventSeverity || wh.Incident.ID != "261123-k7xqm" || wh.Incident.Commander != "bob" || len(wh.Changes) != 4 {
		t.Errorf("webhook body %s", body)
	}
	resolved := Compose(event(meta("SEV2", "mitigated", "bob", ""), meta("SEV2", "resolved", "bob", "")), []Change{{Event: EventResolved}}, nil, sevs(t), nil)
	if resolved.Color != resolvedColor || resolved.Title != "Resolved: Checkout API returns 500s" {
		t.Errorf("resolved: %q %x", resolved.Title, resolved.Color)
	}
}

func TestRenderLongTextsStayValid(t *testing.T) {
	long := strings.Repeat("x", 10000)
	after := meta("SEV2", "identified", strings.Repeat("n", 300), long)
	after.Title, after.Impact = strings.Repeat("t", 500), long
	ev := event(meta("SEV3", "investigating", "alice", ""), after)
	m := Compose(ev, ev.Changes, nil, sevs(t), nil)
	for _, kind := range config.NotifyKinds {
		body, _ := Render(kind, m, "k")
		if err := chattest.Validate(kind, body); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
	}
}

func TestSecretsAreRedacted(t *testing.T) {
	// Obviously fake values of real shapes.
	token := "ghp_" + strings.Repeat("0", 16) + "EXAMPLE" + strings.Repeat("0", 13)
	aws := "AKIA" + "ZZZZEXAMPLEZZZZZ"
	after := meta("SEV2", "identified", "alice", "rotated "+token)
	after.Title = "Key " + aws + " used from an unknown host"
	after.Impact = "the deploy token " + token + " leaked"
	ev := event(meta("SEV2", "investigating", "alice", ""), after)
	for _, kind := range config.NotifyKinds {
		body, _ := Render(kind, Compose(ev, ev.Changes, nil, sevs(t), nil), "k")
		if strings.Contains(string(body), token) || strings.Contains(string(body), aws) {
			t.Errorf("%s: a credential reached the message: %s", kind, body)
		}
		if !strings.Contains(string(body), "[redacted: ghp_…") {
			t.Errorf("%s: no redaction: %s", kind, body)
		}
		if fs := secret.Scan(string(body)); len(fs) > 0 {
			t.Errorf("%s: the body still holds %s", kind, fs[0].What)
		}
	}
	// The repository's lint.allow is honoured: text it allows is not a secret.
	allowed := secret.New([]*regexp.Regexp{regexp.MustCompile(`AKIAZZZZEXAMPLE`)})
	m := Compose(ev, ev.Changes, nil, sevs(t), allowed)
	if !strings.Contains(m.Title, aws) || strings.Contains(m.Incident.Impact, token) {
		t.Errorf("allow-list: title %q impact %q", m.Title, m.Incident.Impact)
	}
}

func TestTemplates(t *testing.T) {
	tpl, warnings := ParseTemplates([]byte(`{{.ID}} {{.Severity}}{{if .Has "declared"}} NEW{{end}}`), []byte(`By {{.Author}} at {{clock .At}}`), "templates/notify/title.tmpl", "templates/notify/text.tmpl")
	if len(warnings) != 0 {
		t.Fatal(warnings)
	}
	m := Compose(event(nil, meta("SEV2", "investigating", "alice", "")), []Change{{Event: EventDeclared, To: "SEV2"}}, tpl, sevs(t), nil)
	if m.Title != "261123-k7xqm SEV2 NEW" || !strings.HasPrefix(m.Text, "By alice at 2026-11-23 ") {
		t.Errorf("title %q text %q", m.Title, m.Text)
	}
	tpl, warnings = ParseTemplates([]byte(`{{.Nope}}`), []byte(`{{if}}`), "templates/notify/title.tmpl", "templates/notify/text.tmpl")
	if len(warnings) != 2 || !strings.HasPrefix(warnings[0], "templates/notify/title.tmpl: ") || !strings.Contains(warnings[0], "using the built-in text instead") {
		t.Errorf("warnings = %q", warnings)
	}
	if m := Compose(event(nil, meta("SEV2", "investigating", "alice", "")), []Change{{Event: EventDeclared, To: "SEV2"}}, tpl, sevs(t), nil); m.Title != "SEV2 declared: Checkout API returns 500s" {
		t.Errorf("fallback title %q", m.Title)
	}
}

func TestOutboxFiles(t *testing.T) {
	o := &Outbox{Dir: filepath.Join(t.TempDir(), "incidentctl", "outbox")}
	it := &Item{Key: "abc", Sink: "war-room", Kind: "slack", Incident: "261123-k7xqm", Events: []string{"declared"}, Body: `{"text":"x"}`}
	if err := o.Enqueue(it); err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(&Item{Key: "abc", Sink: "war-room", Kind: "slack", Body: "{}"}); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(o.Dir)
	if len(ents) != 1 {
		t.Fatalf("outbox holds %v, want one message (the same key is queued once)", ents)
	}
	fi, _ := ents[0].Info()
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("message mode %v, want 0600", fi.Mode().Perm())
	}
	if di, _ := os.Stat(o.Dir); di.Mode().Perm() != 0o700 {
		t.Errorf("outbox mode %v, want 0700", di.Mode().Perm())
	}
	items, problems, err := o.Queued()
	if err != nil || len(problems) != 0 || len(items) != 1 || items[0].Body != `{"text":"x"}` || items[0].Version != 1 {
		t.Fatalf("Queued = %+v %v %v", items, problems, err)
	}
	os.WriteFile(filepath.Join(o.Dir, "00000000000000000001-broken.json"), []byte("{"), 0o600)
	if _, problems, _ := o.Queued(); len(problems) != 1 {
		t.Errorf("a broken file is not reported: %v", problems)
	}
	if err := o.Fail(items[0], "HTTP 400", time.Now()); err != nil {
		t.Fatal(err)
	}
	failed, _, _ := o.Failed()
	if len(failed) != 1 || failed[0].LastError != "HTTP 400" || failed[0].FailedAt == nil {
		t.Errorf("failed = %+v", failed)
	}
}

func TestAnnouncementField(t *testing.T) {
	before := meta("SEV2", "investigating", "alice", "status page updated")
	after := meta("SEV1", "investigating", "alice", "status page updated")
	ev := event(before, after)
	m := Compose(ev, ev.Changes, nil, sevs(t), nil)
	if f := m.Fields[len(m.Fields)-1]; f.Label != "Announcement" || f.Value != "status page updated" {
		t.Errorf("the current announcement is not shown: %+v", m.Fields)
	}
	after.Announcement = "all clear"
	ev = event(before, after)
	m = Compose(ev, ev.Changes, nil, sevs(t), nil)
	if len(m.Fields) != 4 || !strings.Contains(m.Text, "Announcement: all clear") {
		t.Errorf("a new announcement is in the body, once: %+v %q", m.Fields, m.Text)
	}
}
