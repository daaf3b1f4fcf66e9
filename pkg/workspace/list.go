package workspace

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Filter selects incidents for List.
type Filter struct {
	Status     string   // "open" (default), "resolved", "all", or one status
	Severities []string // empty means all
}

// Bad documents do not stop a listing: each is reported and the rest are listed.
type ListResult struct {
	Incidents []*incident.Document // newest declaration first
	Errors    []error
}

// List reads every incident document and returns those matching the filter.
func (w *Workspace) List(f Filter) (*ListResult, error) {
	status := strings.ToLower(f.Status)
	if status == "" {
		status = "open"
	}
	if status != "open" && status != "all" && !incident.ValidStatus(status) {
		return nil, fmt.Errorf("--status %q: use open, resolved, all or one of %s", f.Status, strings.Join(incident.Statuses, ", "))
	}
	var sevs []string
	if len(f.Severities) > 0 {
		flow, err := w.Flow()
		if err != nil {
			return nil, err
		}
		for _, s := range f.Severities {
			for _, part := range strings.Split(s, ",") {
				l, err := flow.Severities.Lookup(part)
				if err != nil {
					return nil, err
				}
				sevs = append(sevs, l.ID)
			}
		}
	}
	entries, err := w.Entries()
	if err != nil {
		return nil, err
	}
	docs, errs := w.parseAll(entries)
	res := &ListResult{Errors: errs}
	for _, d := range docs {
		open := d.Meta.Status != incident.StatusResolved
		switch {
		case status == "open" && !open, status != "open" && status != "all" && d.Meta.Status != status:
			continue
		case len(sevs) > 0 && !slices.Contains(sevs, d.Meta.Severity):
			continue
		}
		res.Incidents = append(res.Incidents, d)
	}
	slices.SortStableFunc(res.Incidents, func(a, b *incident.Document) int {
		if c := b.Meta.DeclaredAt.Compare(a.Meta.DeclaredAt); c != 0 {
			return c
		}
		return strings.Compare(b.Meta.ID, a.Meta.ID)
	})
	return res, nil
}

// parseAll reads documents on every core; the order of the result follows entries.
func (w *Workspace) parseAll(entries []Entry) ([]*incident.Document, []error) {
	docs := make([]*incident.Document, len(entries))
	errs := make([]error, len(entries))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				docs[i], errs[i] = w.loadEntry(entries[i])
			}
		})
	}
	for i := range entries {
		next <- i
	}
	close(next)
	wg.Wait()
	var out []*incident.Document
	var bad []error
	for i := range entries {
		if errs[i] != nil {
			bad = append(bad, errs[i])
		} else {
			out = append(out, docs[i])
		}
	}
	return out, bad
}
