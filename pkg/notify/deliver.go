package notify

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Delivery of the outbox. Messages to one sink go one after the other, oldest first, so a
// channel reads an incident's updates in the order they were made; sinks are served side by
// side, so a slow one does not hold the others up. A sink that does not answer, answers 5xx or
// 429 stops being tried for this run (its later messages must not overtake the first); a
// message it refuses for good (another 4xx, a redirect) moves to failed/ and the next one goes.

// Options say how hard to try.
type Options struct {
	// Budget bounds the whole delivery (a command's ~2 s); 0 means no bound (notify flush).
	Budget time.Duration
	// RequestTimeout bounds one request (default 10 s).
	RequestTimeout time.Duration
	// Flush waits out a 429's Retry-After (up to MaxWait) and retries a 5xx in place a few
	// times, and ignores the backoff of earlier failures. Without it a message whose backoff
	// has not ended is left for later, unless IgnoreBackoff (a command that just queued
	// something: a reason to try again now).
	Flush         bool
	IgnoreBackoff bool
	MaxWait       time.Duration // default 60 s
	// LockWait is how long to wait for another process delivering (default: not at all).
	LockWait time.Duration
}

// Defaults for the time limits.
const (
	CommandBudget  = 2 * time.Second
	requestTimeout = 10 * time.Second
	maxWait        = 60 * time.Second
	maxBackoff     = 15 * time.Minute
	maxNotBefore   = time.Hour
	flushTries     = 3
)

// backoff is how long a message waits after its n-th failed attempt before later commands try
// it again: 15 s, 30 s, 1 min … up to 15 min.
func backoff(n int) time.Duration {
	d := 15 * time.Second
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// State of a message after a delivery run.
const (
	StateDelivered = "delivered"
	StateQueued    = "queued"
	StateFailed    = "failed"
)

// Outcome is what became of one message.
type Outcome struct {
	Item      *Item
	Sink      string
	Host      string
	State     string
	Attempted bool   // a request was made in this run
	Error     string // why it is not delivered
	Status    int
}

// Report is what a delivery run did.
type Report struct {
	Outcomes []Outcome
	// NotReady names the sinks with queued messages that cannot post from here, and why.
	NotReady map[string]string
	Problems []string // outbox files that could not be read or written
	Busy     bool     // another process is delivering: nothing was done
}

// Deliverer posts the outbox's messages to the sinks.
type Deliverer struct {
	Outbox *Outbox
	Sinks  []*Sink
	Client *http.Client
	// Post and Sleep are replaced by tests.
	Post  func(ctx context.Context, client *http.Client, s *Sink, body []byte, key string) Attempt
	Sleep func(ctx context.Context, d time.Duration) error
	Now   func() time.Time
}

func (d *Deliverer) defaults() {
	if d.Client == nil {
		d.Client = NewClient()
	}
	if d.Post == nil {
		d.Post = Post
	}
	if d.Sleep == nil {
		d.Sleep = sleep
	}
	if d.Now == nil {
		d.Now = time.Now
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Deliver posts what is queued. It returns at once when nothing is.
func (d *Deliverer) Deliver(opts Options) *Report {
	rep := &Report{NotReady: map[string]string{}}
	if !d.Outbox.Pending() {
		return rep
	}
	d.defaults()
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = requestTimeout
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = maxWait
	}
	ctx := context.Background()
	if opts.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Budget)
		defer cancel()
	}
	unlock, ok, err := d.Outbox.Lock(opts.LockWait)
	if err != nil {
		rep.Problems = append(rep.Problems, err.Error())
		return rep
	}
	if !ok {
		rep.Busy = true
		return rep
	}
	defer unlock()

	sinks := map[string]*Sink{}
	for _, s := range d.Sinks {
		sinks[s.Name] = s
	}
	seen := map[string]bool{}
	var mu sync.Mutex
	// A second round picks up what another command queued while this one delivered.
	for round := 0; round < 3; round++ {
		items, problems, err := d.Outbox.Queued()
		if round == 0 {
			rep.Problems = append(rep.Problems, problems...)
		}
		if err != nil {
			rep.Problems = append(rep.Problems, err.Error())
			break
		}
		bySink := map[string][]*Item{}
		var order []string
		for _, it := range items {
			if seen[it.Key] {
				continue
			}
			seen[it.Key] = true
			if _, ok := bySink[it.Sink]; !ok {
				order = append(order, it.Sink)
			}
			bySink[it.Sink] = append(bySink[it.Sink], it)
		}
		if len(order) == 0 {
			break
		}
		var wg sync.WaitGroup
		for _, name := range order {
			wg.Add(1)
			go func(name string, items []*Item) {
				defer wg.Done()
				outs, notReady, problems := d.deliverSink(ctx, opts, sinks[name], name, items)
				mu.Lock()
				defer mu.Unlock()
				rep.Outcomes = append(rep.Outcomes, outs...)
				if notReady != "" {
					rep.NotReady[name] = notReady
				}
				rep.Problems = append(rep.Problems, problems...)
			}(name, bySink[name])
		}
		wg.Wait()
		if ctx.Err() != nil {
			break
		}
	}
	return rep
}

// deliverSink posts one sink's messages in order until one cannot be delivered now.
func (d *Deliverer) deliverSink(ctx context.Context, opts Options, s *Sink, name string, items []*Item) (outs []Outcome, notReady string, problems []string) {
	stopped := "" // why the rest of this sink's messages wait
	for _, it := range items {
		o := Outcome{Item: it, Sink: name, State: StateQueued, Error: it.LastError}
		switch {
		case s == nil:
			o.State, o.Error = StateFailed, english().sinkRemoved(name)
			if err := d.Outbox.Fail(it, o.Error, d.Now()); err != nil {
				problems = append(problems, err.Error())
			}
		case s.Kind != it.Kind:
			o.State, o.Error = StateFailed, english().kindChanged(name, it.Kind, s.Kind)
			if err := d.Outbox.Fail(it, o.Error, d.Now()); err != nil {
				problems = append(problems, err.Error())
			}
		case !s.Ready():
			o.Host, notReady = s.Host(), s.Problem
		case stopped != "":
			o.Host = s.Host()
		default:
			o.Host = s.Host()
			var p []string
			o, stopped, p = d.deliverItem(ctx, opts, s, it, o)
			problems = append(problems, p...)
		}
		outs = append(outs, o)
	}
	return outs, notReady, problems
}

// deliverItem tries one message (several times under Flush). stop is set when the sink's
// later messages must wait.
func (d *Deliverer) deliverItem(ctx context.Context, opts Options, s *Sink, it *Item, o Outcome) (Outcome, string, []string) {
	var problems []string
	for try := 1; ; try++ {
		now := d.Now()
		if it.NotBefore != nil && now.Before(*it.NotBefore) {
			wait := it.NotBefore.Sub(now)
			if !opts.Flush || wait > opts.MaxWait || !fits(ctx, wait) {
				return o, "rate limited", problems
			}
			if d.Sleep(ctx, wait) != nil {
				return o, "out of time", problems
			}
			continue
		}
		if it.RetryAt != nil && now.Before(*it.RetryAt) && !opts.Flush && !opts.IgnoreBackoff {
			return o, "backing off", problems
		}
		if ctx.Err() != nil {
			return o, "out of time", problems
		}
		rctx, cancel := context.WithTimeout(ctx, opts.RequestTimeout)
		a := d.Post(rctx, d.Client, s, []byte(it.Body), it.Key)
		cancel()
		now = d.Now()
		o.Attempted, o.Status, o.Error = true, a.Status, a.Error
		it.Attempts++
		it.LastAttempt, it.LastError = &now, a.Error
		switch a.Verdict {
		case Delivered:
			o.State, o.Error = StateDelivered, ""
			if err := d.Outbox.Done(it); err != nil {
				problems = append(problems, err.Error())
			}
			return o, "", problems
		case Refused:
			o.State = StateFailed
			if err := d.Outbox.Fail(it, a.Error, now); err != nil {
				problems = append(problems, err.Error())
			}
			return o, "", problems
		}
		retry := now.Add(backoff(it.Attempts))
		it.RetryAt = &retry
		it.NotBefore = nil
		if a.Status == http.StatusTooManyRequests {
			wait := min(a.RetryAfter, maxNotBefore)
			if wait <= 0 {
				wait = time.Second
			}
			nb := now.Add(wait)
			it.NotBefore = &nb
		}
		if err := d.Outbox.Update(it); err != nil {
			problems = append(problems, err.Error())
		}
		// Under flush, a 429 is waited out (above, at the top of the loop) and a 5xx retried
		// after 1 s, then 2 s; no answer at all means the service is not there now.
		if !opts.Flush || try >= flushTries || a.Status == 0 {
			return o, a.Error, problems
		}
		if a.Status != http.StatusTooManyRequests {
			wait := time.Duration(1<<(try-1)) * time.Second
			if !fits(ctx, wait) || d.Sleep(ctx, wait) != nil {
				return o, a.Error, problems
			}
		}
	}
}

// fits reports whether waiting d leaves the context alive.
func fits(ctx context.Context, d time.Duration) bool {
	dl, ok := ctx.Deadline()
	return !ok || time.Until(dl) > d
}
