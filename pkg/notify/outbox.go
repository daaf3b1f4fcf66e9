package notify

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The outbox holds every message not delivered yet, one JSON file per message, named
// <created, nanoseconds>-<key>.json so that a listing is the order they were made in.
// Messages a service refused for good move to failed/. A file is written whole into a
// temporary file (mode 0600: the messages are incident details), its data synced, then
// renamed into place, so a killed process leaves either the old file or the new one, never
// half of one.
// One process delivers at a time (a lock file); queueing needs no lock, as every message is a
// new file.

// Item is one queued message.
type Item struct {
	Version  int       `json:"version"`
	Key      string    `json:"key"` // idempotency key, see Key
	Sink     string    `json:"sink"`
	Kind     string    `json:"kind"`
	Incident string    `json:"incident"`
	Events   []string  `json:"events"`
	Title    string    `json:"title"` // the headline, for notify status
	Commit   string    `json:"commit,omitempty"`
	Created  time.Time `json:"created"`
	Attempts int       `json:"attempts"`
	// LastAttempt and LastError describe the last try; RetryAt is when the backoff after it
	// ends (later commands wait for it; notify flush does not); NotBefore is when the service
	// said to come back (429 Retry-After): nothing sends earlier.
	LastAttempt *time.Time `json:"last_attempt,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	RetryAt     *time.Time `json:"retry_at,omitempty"`
	NotBefore   *time.Time `json:"not_before,omitempty"`
	FailedAt    *time.Time `json:"failed_at,omitempty"`
	// Body is the request body, exactly as it is sent on every attempt.
	Body string `json:"body"`

	name string
}

const itemVersion = 1

// Outbox is the folder of queued messages.
type Outbox struct{ Dir string }

// FailedDir holds what a service refused for good.
func (o *Outbox) FailedDir() string { return filepath.Join(o.Dir, "failed") }

const (
	tmpPrefix = ".tmp-"
	lockName  = ".lock"
	itemExt   = ".json"
)

// Enqueue writes a new message into the queue. A message with the same key already queued
// is not queued twice.
func (o *Outbox) Enqueue(it *Item) error {
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("creating the outbox %s: %v", o.Dir, pathErr(err))
	}
	names, _ := o.names(o.Dir)
	for _, n := range names {
		if strings.HasSuffix(n, "-"+it.Key+itemExt) {
			return nil
		}
	}
	it.Version = itemVersion
	if it.Created.IsZero() {
		it.Created = time.Now()
	}
	it.name = fmt.Sprintf("%020d-%s%s", it.Created.UnixNano(), it.Key, itemExt)
	return o.write(o.Dir, it)
}

// write puts it into dir atomically.
func (o *Outbox) write(dir string, it *Item) error {
	data, err := json.MarshalIndent(it, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	f, err := os.CreateTemp(o.Dir, tmpPrefix+"*")
	if err != nil {
		return fmt.Errorf("writing to the outbox %s: %v", o.Dir, pathErr(err))
	}
	tmp := f.Name()
	fail := func(err error) error {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing to the outbox %s: %v", o.Dir, pathErr(err))
	}
	if err := f.Chmod(0o600); err != nil {
		return fail(err)
	}
	if _, err := f.Write(data); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		return fail(err)
	}
	// The rename is what makes the message appear whole. The folder itself is not synced:
	// like git's own refs and index (which incidentctl does not sync either, as git does not
	// by default), the rename may be lost in a power cut, but never half-done.
	if err := os.Rename(tmp, filepath.Join(dir, it.name)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing to the outbox %s: %v", o.Dir, pathErr(err))
	}
	return nil
}

// names lists the message files of dir, oldest first; temporary files a killed process left
// behind are removed once they are old enough not to be anyone's work in progress.
func (o *Outbox) names(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the outbox %s: %v", dir, pathErr(err))
	}
	var out []string
	for _, e := range ents {
		n := e.Name()
		switch {
		case strings.HasPrefix(n, tmpPrefix):
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) > 10*time.Minute {
				os.Remove(filepath.Join(dir, n))
			}
		case e.Type().IsRegular() && strings.HasSuffix(n, itemExt) && !strings.HasPrefix(n, "."):
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Pending reports whether anything is queued, cheaply (one folder listing).
func (o *Outbox) Pending() bool {
	names, _ := o.names(o.Dir)
	return len(names) > 0
}

// Queued lists the queued messages, oldest first. A file that cannot be read is reported in
// problems and left where it is.
func (o *Outbox) Queued() (items []*Item, problems []string, err error) {
	return o.read(o.Dir)
}

// Failed lists the messages the services refused.
func (o *Outbox) Failed() (items []*Item, problems []string, err error) {
	return o.read(o.FailedDir())
}

func (o *Outbox) read(dir string) ([]*Item, []string, error) {
	names, err := o.names(dir)
	if err != nil {
		return nil, nil, err
	}
	var items []*Item
	var problems []string
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if errors.Is(err, fs.ErrNotExist) {
			continue // delivered meanwhile
		}
		it := &Item{}
		if err == nil {
			err = json.Unmarshal(data, it)
		}
		if err == nil && (it.Version != itemVersion || it.Key == "" || it.Sink == "") {
			err = fmt.Errorf("not an outbox message of this version of incidentctl")
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: %v", filepath.Join(dir, n), err))
			continue
		}
		it.name = n
		items = append(items, it)
	}
	return items, problems, nil
}

// Update rewrites a queued message (its attempt count and last error) in place.
func (o *Outbox) Update(it *Item) error { return o.write(o.Dir, it) }

// Done removes a delivered message.
func (o *Outbox) Done(it *Item) error {
	err := os.Remove(filepath.Join(o.Dir, it.name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// Fail moves a message the service refused for good into failed/.
func (o *Outbox) Fail(it *Item, reason string, now time.Time) error {
	if err := os.MkdirAll(o.FailedDir(), 0o700); err != nil {
		return fmt.Errorf("creating %s: %v", o.FailedDir(), pathErr(err))
	}
	it.LastError, it.FailedAt, it.RetryAt, it.NotBefore = reason, &now, nil, nil
	if err := o.write(o.FailedDir(), it); err != nil {
		return err
	}
	return o.Done(it)
}

// Name is the message's file name (for messages about it).
func (it *Item) Name() string { return it.name }
