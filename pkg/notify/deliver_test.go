package notify

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/notify/chattest"
)

// A fixture: a recording server on 127.0.0.1, one sink pointing at it, an outbox.
type fixture struct {
	srv    *chattest.Server
	sink   *Sink
	outbox *Outbox
	slept  []time.Duration
	clock  time.Time // advanced by the sleeps, so waits are checked without being spent
	mu     sync.Mutex
}

func newFixture(t *testing.T, kind string) *fixture {
	t.Helper()
	srv, err := chattest.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	t.Setenv("NOTIFY_FIXTURE_URL", srv.URL+"/services/T0/B0/SECRETPATH")
	s := Resolve([]config.NotifySink{{Name: "war-room", Kind: kind, URLEnv: "NOTIFY_FIXTURE_URL"}}, sevs(t))[0]
	if !s.Ready() {
		t.Fatal(s.Problem)
	}
	return &fixture{srv: srv, sink: s, outbox: &Outbox{Dir: filepath.Join(t.TempDir(), "outbox")}, clock: time.Now()}
}

// queue puts n messages for incident id into the outbox.
func (f *fixture) queue(t *testing.T, id string, commits ...string) {
	t.Helper()
	for _, c := range commits {
		after := meta("SEV2", "investigating", "alice", "")
		after.ID = id
		ev := event(nil, after)
		ev.Commit = c
		if n, _, err := Queue(f.outbox, []*Sink{f.sink}, ev, nil, sevs(t), nil); err != nil || n != 1 {
			t.Fatalf("Queue = %d, %v", n, err)
		}
	}
}

func (f *fixture) deliverer() *Deliverer {
	return &Deliverer{Outbox: f.outbox, Sinks: []*Sink{f.sink},
		Sleep: func(ctx context.Context, d time.Duration) error {
			f.mu.Lock()
			defer f.mu.Unlock()
			f.slept = append(f.slept, d)
			f.clock = f.clock.Add(d)
			return nil
		},
		Now: func() time.Time {
			f.mu.Lock()
			defer f.mu.Unlock()
			return f.clock
		},
	}
}

func states(rep *Report) string {
	var s []string
	for _, o := range rep.Outcomes {
		s = append(s, o.State)
	}
	return strings.Join(s, ",")
}

func (f *fixture) queued(t *testing.T) []*Item {
	items, problems, err := f.outbox.Queued()
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	return items
}

func TestDeliverEveryKind(t *testing.T) {
	for _, kind := range config.NotifyKinds {
		f := newFixture(t, kind)
		f.queue(t, "261123-k7xqm", "c1")
		rep := f.deliverer().Deliver(Options{Budget: CommandBudget})
		if states(rep) != "delivered" || len(f.queued(t)) != 0 {
			t.Fatalf("%s: %s %+v", kind, states(rep), rep.Outcomes)
		}
		reqs := f.srv.Requests()
		if len(reqs) != 1 {
			t.Fatalf("%s: %d requests", kind, len(reqs))
		}
		r := reqs[0]
		if err := chattest.Validate(kind, r.Body); err != nil {
			t.Errorf("%s: %v", kind, err)
		}
		if r.Header.Get("Content-Type") != "application/json; charset=utf-8" || r.Header.Get("Idempotency-Key") != Key("c1", "261123-k7xqm", "war-room") || r.Path != "/services/T0/B0/SECRETPATH" {
			t.Errorf("%s: request %s %v", kind, r.Path, r.Header)
		}
	}
}

func TestDeliverRetryAfter(t *testing.T) {
	for _, c := range []struct{ answer, wait string }{{"429:3", "3s"}, {"429body:1.5", "1.5s"}} {
		f := newFixture(t, "discord")
		r, _ := chattest.ParseResponse(c.answer)
		f.srv.Respond("", r)
		f.queue(t, "261123-k7xqm", "c1")

		// A command does not wait: the message stays queued, not to be sent before the time asked.
		rep := f.deliverer().Deliver(Options{Budget: CommandBudget, IgnoreBackoff: true})
		if states(rep) != "queued" || rep.Outcomes[0].Status != 429 {
			t.Fatalf("%s: %s %+v", c.answer, states(rep), rep.Outcomes)
		}
		it := f.queued(t)[0]
		want, _ := time.ParseDuration(c.wait)
		if it.Attempts != 1 || it.NotBefore == nil || it.NotBefore.Sub(*it.LastAttempt) != want {
			t.Errorf("%s: item %+v", c.answer, it)
		}
		rep = f.deliverer().Deliver(Options{Budget: CommandBudget, IgnoreBackoff: true})
		if states(rep) != "queued" || rep.Outcomes[0].Attempted || len(f.srv.Requests()) != 1 {
			t.Errorf("%s: sent again before Retry-After: %s", c.answer, states(rep))
		}

		// flush waits it out, then delivers.
		rep = f.deliverer().Deliver(Options{Flush: true})
		if states(rep) != "delivered" || len(f.srv.Requests()) != 2 {
			t.Fatalf("%s: flush: %s, %d requests", c.answer, states(rep), len(f.srv.Requests()))
		}
		if len(f.slept) != 1 || f.slept[0] != want {
			t.Errorf("%s: slept %v, want %v", c.answer, f.slept, want)
		}
	}
}

func TestDeliverServerError(t *testing.T) {
	f := newFixture(t, "slack")
	f.srv.Respond("", chattest.Response{Status: 500}, chattest.Response{Status: 503})
	f.queue(t, "261123-k7xqm", "c1")
	rep := f.deliverer().Deliver(Options{Budget: CommandBudget})
	if states(rep) != "queued" || !strings.Contains(rep.Outcomes[0].Error, "HTTP 500") {
		t.Fatalf("%s %+v", states(rep), rep.Outcomes)
	}
	it := f.queued(t)[0]
	if it.Attempts != 1 || it.RetryAt == nil || it.RetryAt.Sub(*it.LastAttempt) != backoff(1) {
		t.Errorf("backoff: %+v", it)
	}
	// Later commands leave it alone during the backoff...
	rep = f.deliverer().Deliver(Options{Budget: CommandBudget})
	if rep.Outcomes[0].Attempted {
		t.Errorf("tried during the backoff")
	}
	// ...flush retries in place: 503, then 200.
	rep = f.deliverer().Deliver(Options{Flush: true})
	if states(rep) != "delivered" || len(f.srv.Requests()) != 3 || len(f.slept) != 1 || f.slept[0] != time.Second {
		t.Errorf("flush: %s, %d requests, slept %v", states(rep), len(f.srv.Requests()), f.slept)
	}
}

func TestDeliverRefused(t *testing.T) {
	for _, answer := range []string{"400", "404", "302"} {
		f := newFixture(t, "slack")
		r, _ := chattest.ParseResponse(answer)
		f.srv.Respond("", r)
		f.queue(t, "261123-k7xqm", "c1", "c2")
		rep := f.deliverer().Deliver(Options{Budget: CommandBudget})
		// The refused one moves to failed/; the next one still goes.
		if states(rep) != "failed,delivered" {
			t.Fatalf("%s: %s %+v", answer, states(rep), rep.Outcomes)
		}
		failed, _, _ := f.outbox.Failed()
		if len(failed) != 1 || failed[0].Attempts != 1 || !strings.Contains(failed[0].LastError, "HTTP "+answer) {
			t.Errorf("%s: failed = %+v", answer, failed)
		}
		if answer == "302" && !strings.Contains(failed[0].LastError, "redirects to elsewhere.example, and redirects are not followed") {
			t.Errorf("redirect: %s", failed[0].LastError)
		}
		if len(f.srv.Requests()) != 2 {
			t.Errorf("%s: %d requests (a redirect must not be followed)", answer, len(f.srv.Requests()))
		}
	}
}

func TestDeliverInOrder(t *testing.T) {
	f := newFixture(t, "slack")
	f.srv.Respond("", chattest.Response{Status: 500})
	f.queue(t, "261123-aaaaa", "a1", "a2")
	f.queue(t, "261123-bbbbb", "b1")
	rep := f.deliverer().Deliver(Options{Budget: CommandBudget})
	// The sink answered 500: nothing after the first message is tried, so no later update of
	// the incident overtakes an earlier one.
	if states(rep) != "queued,queued,queued" || len(f.srv.Requests()) != 1 {
		t.Fatalf("%s, %d requests", states(rep), len(f.srv.Requests()))
	}
	rep = f.deliverer().Deliver(Options{Flush: true})
	if states(rep) != "delivered,delivered,delivered" {
		t.Fatalf("flush: %s", states(rep))
	}
	var keys []string
	for _, r := range f.srv.Requests()[1:] {
		keys = append(keys, r.Header.Get("Idempotency-Key"))
	}
	want := []string{Key("a1", "261123-aaaaa", "war-room"), Key("a2", "261123-aaaaa", "war-room"), Key("b1", "261123-bbbbb", "war-room")}
	if strings.Join(keys, ",") != strings.Join(want, ",") {
		t.Errorf("order %v, want %v", keys, want)
	}
}

func TestDeliverDownAndHanging(t *testing.T) {
	f := newFixture(t, "slack")
	f.srv.Respond("", chattest.Response{Hang: true})
	f.queue(t, "261123-k7xqm", "c1")
	rep := f.deliverer().Deliver(Options{Budget: 300 * time.Millisecond})
	if states(rep) != "queued" || rep.Outcomes[0].Error != "no answer in time" {
		t.Fatalf("hang: %s %+v", states(rep), rep.Outcomes)
	}
	f.srv.Close()
	rep = f.deliverer().Deliver(Options{Budget: CommandBudget, IgnoreBackoff: true})
	if states(rep) != "queued" || !strings.Contains(rep.Outcomes[0].Error, "connection refused by 127.0.0.1:") {
		t.Fatalf("down: %s %+v", states(rep), rep.Outcomes)
	}
	for _, o := range rep.Outcomes {
		if strings.Contains(o.Error, "SECRETPATH") {
			t.Errorf("the error quotes the URL: %s", o.Error)
		}
	}
	if it := f.queued(t)[0]; it.Attempts != 2 {
		t.Errorf("attempts %d", it.Attempts)
	}
}

func TestDeliverAfterAKill(t *testing.T) {
	f := newFixture(t, "webhook")
	f.queue(t, "261123-k7xqm", "c1")
	// What a process killed mid-write leaves: a temporary file, an item with an attempt made.
	os.WriteFile(filepath.Join(f.outbox.Dir, ".tmp-123"), []byte(`{"half`), 0o600)
	it := f.queued(t)[0]
	it.Attempts, it.LastError = 1, "no answer in time"
	f.outbox.Update(it)
	// ...and a lock file, which holds nothing once its process is gone.
	unlock, ok, err := f.outbox.Lock(0)
	if err != nil || !ok {
		t.Fatal(err)
	}
	rep := f.deliverer().Deliver(Options{Flush: true})
	if !rep.Busy {
		t.Errorf("delivered while the lock was held")
	}
	unlock()
	rep = f.deliverer().Deliver(Options{Flush: true})
	if states(rep) != "delivered" || len(f.srv.Requests()) != 1 || len(rep.Problems) != 0 {
		t.Fatalf("%s %d %v", states(rep), len(f.srv.Requests()), rep.Problems)
	}
	if Pending := f.outbox.Pending(); Pending {
		t.Errorf("still pending")
	}
}

func TestDeliverSinkGoneOrNotReady(t *testing.T) {
	f := newFixture(t, "slack")
	f.queue(t, "261123-k7xqm", "c1")
	notReady := Resolve([]config.NotifySink{{Name: "war-room", Kind: "slack", URLEnv: "NOTIFY_UNSET_FOR_TEST"}}, nil)
	rep := (&Deliverer{Outbox: f.outbox, Sinks: notReady}).Deliver(Options{Budget: CommandBudget})
	if states(rep) != "queued" || rep.NotReady["war-room"] == "" {
		t.Errorf("not ready: %s %v", states(rep), rep.NotReady)
	}
	rep = (&Deliverer{Outbox: f.outbox}).Deliver(Options{Budget: CommandBudget})
	if states(rep) != "failed" || rep.Outcomes[0].Error != "the sink war-room is no longer in .incidentctl.yaml" {
		t.Errorf("gone: %s %+v", states(rep), rep.Outcomes)
	}
}

func TestPostNeverFollowsRedirects(t *testing.T) {
	hits := 0
	f := newFixture(t, "slack")
	f.srv.Respond("", chattest.Response{Status: 307, Location: f.srv.URL + "/elsewhere"})
	a := Post(context.Background(), NewClient(), f.sink, []byte(`{}`), "k")
	for _, r := range f.srv.Requests() {
		if r.Path == "/elsewhere" {
			hits++
		}
	}
	if a.Verdict != Refused || hits != 0 || !strings.Contains(a.Error, "HTTP 307") {
		t.Errorf("%+v, %d hits on the redirect target", a, hits)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 11, 23, 1, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		header, body string
		want         time.Duration
	}{
		{"3", "", 3 * time.Second},
		{"0.5", "", 500 * time.Millisecond},
		{now.Add(10 * time.Second).Format(http.TimeFormat), "", 10 * time.Second},
		{"", `{"retry_after": 2.25, "global": false}`, 2250 * time.Millisecond},
		{"", "rate_limited", 0},
	} {
		if got := retryAfter(c.header, []byte(c.body), now); got != c.want {
			t.Errorf("retryAfter(%q, %q) = %v, want %v", c.header, c.body, got, c.want)
		}
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{15 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
	if backoff(40) != maxBackoff {
		t.Errorf("backoff is not capped")
	}
}
