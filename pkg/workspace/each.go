package workspace

import (
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// eachWindow is how many documents Each reads ahead of what it has handed on: the most it
// holds at once (twice over, one window being read while the last one is handed on).
const eachWindow = 256

// Each is List for a caller that handles one incident at a time (list --json): the same
// incidents in the same order, each read in full, but never the whole listing in memory. work
// runs on the reading goroutines, in parallel and in no particular order (it must be safe for
// that); its results reach emit one by one in the listing's order, on the calling goroutine.
// An error from emit stops the listing and is returned. The documents that cannot be read are
// returned as errs, in List's order, when the listing is done.
//
// The order comes from the front matter of the headers: a document that changes while it is
// listed is placed as it was when its header was read (List places it as it is when read in
// full), and left out if it no longer matches.
func Each[T any](w *Workspace, f Filter, work func(*incident.Document) T, emit func(T) error) (errs []error, err error) {
	f.MetaOnly = false
	sel, err := w.selectDocs(f, false)
	if err != nil {
		return nil, err
	}
	hs := sel.hs
	order := w.listOrder(sel)
	type result struct {
		v  T
		ok bool
	}
	err = inWindows(len(order), func(k int) (r result) {
		h := &hs[order[k]]
		d, err := w.loadEntry(Entry{ID: h.id(), Path: h.path()})
		if err != nil {
			h.err = err
			return r
		}
		// It may have changed since its header was read.
		if sel.match(d.Meta.Status, d.Meta.Severity, d.Meta.Kind) {
			r = result{work(d), true}
		}
		return r
	}, func(_ int, r result) error {
		if !r.ok {
			return nil
		}
		return emit(r.v)
	})
	if err != nil {
		return nil, err
	}
	return headerErrors(hs), nil
}

// listOrder returns the indexes of the selected headers in the listing's order (newest
// declaration first), from the front matter of the headers.
// inWindows reads n items a window at a time, the items of a window on every core
// (read(k) for each k), while the previous window is handed on, item by item in order
// (take(k, r)). The first error take returns stops it: the window being read is finished
// and dropped, and the error returned. At most two windows are held at once.
func inWindows[R any](n int, read func(k int) R, take func(k int, r R) error) error {
	return inWindowsOf(n, eachWindow, read, take)
}

// inWindowsOf is inWindows with windows of the given size.
func inWindowsOf[R any](n, window int, read func(k int) R, take func(k int, r R) error) error {
	return inWindowsWith(n, window, func() (func(int) R, func()) { return read, func() {} }, take)
}

// inWindowsWith is inWindowsOf with state of each reading worker's own (parallelWith): worker
// makes a worker's read and what to run when it is done with a window.
func inWindowsWith[R any](n, window int, worker func() (read func(k int) R, done func()), take func(k int, r R) error) error {
	batches := make(chan []R, 1)
	free := make(chan []R, 2) // windows handed on, for the reader to fill again
	stop := make(chan struct{})
	go func() {
		defer close(batches)
		for start := 0; start < n; start += window {
			var out []R
			select {
			case out = <-free:
				clear(out)
				out = out[:min(window, n-start)]
			default:
				out = make([]R, min(window, n-start), window)
			}
			parallelWith(len(out), func() (func(int), func()) {
				read, done := worker()
				return func(k int) { out[k] = read(start + k) }, done
			})
			select {
			case batches <- out:
			case <-stop:
				return
			}
		}
	}()
	pos := 0
	for batch := range batches {
		for k, r := range batch {
			if err := take(pos+k, r); err != nil {
				close(stop)
				for range batches { // let the reader finish its window
				}
				return err
			}
		}
		pos += len(batch)
		select {
		case free <- batch[:cap(batch)]:
		default:
		}
	}
	return nil
}

func (w *Workspace) listOrder(sel *selection) []int {
	hs := sel.hs
	type sortKey struct {
		at time.Time
		id string
	}
	keys := make([]sortKey, len(hs))
	order := make([]int, 0, len(sel.keep))
	for _, i := range sel.keep {
		h := &hs[i]
		if h.doc != nil {
			keys[i] = sortKey{h.doc.Meta.DeclaredAt, h.doc.Meta.ID}
		} else if at, id, ok := recordOrder(h.record()); ok {
			keys[i] = sortKey{at, id}
		} else { // a damaged record: the document itself
			m, _, err := w.loadMeta(Entry{ID: h.id(), Path: h.path()})
			if err != nil {
				h.err = err
				continue
			}
			keys[i] = sortKey{m.Meta.DeclaredAt, m.Meta.ID}
		}
		order = append(order, i)
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if c := keys[b].at.Compare(keys[a].at); c != 0 {
			return c
		}
		return strings.Compare(keys[b].id, keys[a].id)
	})
	return order
}

// recordOrder reads what the listing's order needs from a front-matter record (encodeMeta):
// the declaration time (as decodeMeta would rebuild it, for comparing) and the ID.
func recordOrder(data string) (at time.Time, id string, ok bool) {
	rd := recordReader{s: data}
	for i := range 15 { // the text fields, ID fourth
		s := rd.str()
		if i == 3 {
			id = s
		}
	}
	n := rd.num()
	if n > uint64(len(rd.s)) {
		return time.Time{}, "", false
	}
	for range 2 * n { // roles
		rd.str()
	}
	switch kind := rd.byte(); kind {
	case 0:
	case 1, 2:
		sec, nsec := rd.signed(), rd.num()
		rd.signed() // the offset: the instant alone decides the order
		if nsec >= 1e9 {
			return time.Time{}, "", false
		}
		at = time.Unix(sec, int64(nsec))
	default:
		return time.Time{}, "", false
	}
	return at, id, !rd.err
}
