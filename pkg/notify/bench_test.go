package notify

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/notify/chattest"
)

// BenchmarkComposeRender is the message of one escalation for each kind: templates, the
// secret scan of every text, the JSON body.
func BenchmarkComposeRender(b *testing.B) {
	s := sevs(&testing.T{})
	after := meta("SEV1", "identified", "bob", "status page updated 10:40")
	after.Impact = "30% of checkouts fail for EU users since 10:02"
	ev := event(meta("SEV2", "investigating", "alice", ""), after)
	t := DefaultTemplates()
	for _, kind := range config.NotifyKinds {
		b.Run(kind, func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(kind, Compose(ev, ev.Changes, t, s, nil), "k"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQueueAndDeliver is what a write command adds for chat with five sinks (one of each
// kind) on a server on 127.0.0.1: queue the messages (each file written and synced), then
// deliver them.
func BenchmarkQueueAndDeliver(b *testing.B) {
	srv, err := chattest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	var cs []config.NotifySink
	for _, kind := range config.NotifyKinds {
		env := "NOTIFY_BENCH_" + kind
		b.Setenv(env, srv.URL+"/"+kind)
		cs = append(cs, config.NotifySink{Name: kind, Kind: kind, URLEnv: env})
	}
	s := sevs(&testing.T{})
	sinks := Resolve(cs, s)
	o := &Outbox{Dir: filepath.Join(b.TempDir(), "outbox")}
	d := &Deliverer{Outbox: o, Sinks: sinks}
	ev := event(nil, meta("SEV2", "investigating", "alice", ""))
	t := DefaultTemplates()
	i := 0
	for b.Loop() {
		i++
		ev.Commit = strconv.Itoa(i)
		if n, _, err := Queue(o, sinks, ev, t, s, nil); err != nil || n != len(sinks) {
			b.Fatal(n, err)
		}
		if rep := d.Deliver(Options{Budget: CommandBudget, IgnoreBackoff: true}); len(rep.Outcomes) != len(sinks) {
			b.Fatal(states(rep))
		}
	}
}
