package notify

import (
	"fmt"
	"time"

	"github.com/incidentctl/incidentctl/pkg/secret"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// Queue writes the messages of one event into the outbox: one message for each sink that is
// told about it (see Sink.Wants), rendered for its kind. Sinks that want the event but cannot
// post from here are returned in notReady, and nothing is queued for them.
func Queue(o *Outbox, sinks []*Sink, ev Event, t *Templates, sevs *severity.Set, sc *secret.Scanner) (queued int, notReady []*Sink, err error) {
	for _, s := range sinks {
		changes := s.Wants(ev)
		if len(changes) == 0 {
			continue
		}
		if !s.Ready() {
			notReady = append(notReady, s)
			continue
		}
		key := Key(ev.Commit, ev.Incident.ID, s.Name)
		m := Compose(ev, changes, t, sevs, sc)
		body, rerr := Render(s.Kind, m, key)
		if rerr != nil {
			return queued, notReady, fmt.Errorf("notify %s: %v", s.Name, rerr)
		}
		events := make([]string, len(changes))
		for i, c := range changes {
			events[i] = c.Event
		}
		it := &Item{
			Key: key, Sink: s.Name, Kind: s.Kind, Incident: ev.Incident.ID, Events: events,
			Title: m.Title, Commit: ev.Commit, Created: time.Now(), Body: string(body),
		}
		if err := o.Enqueue(it); err != nil {
			return queued, notReady, err
		}
		queued++
	}
	return queued, notReady, nil
}
