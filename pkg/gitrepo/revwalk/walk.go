package revwalk

import (
	"container/heap"
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// The walk push needs. go-git's Remote.Push works out what to send by walking every object
// reachable from the remote's refs (revlist), so its cost grows with the whole history: about
// half a second for 3,000 commits, seconds for tens of thousands, on every sync. Here the work
// follows the size of the change instead: the commits the remote lacks are found by walking
// both histories newest first until only shared commits are left (git's own merge-base walk);
// sendobjects.go then finds the trees and blobs they bring.

// HasCommit reports whether the commit h is in the repository.
func HasCommit(s *odb.Store, h plumbing.Hash) bool {
	_, err := s.Storer().EncodedObject(plumbing.CommitObject, h)
	return err == nil
}

// Reaches reports whether ancestor is in the history of tip. The walk goes newest first and
// stops early in the usual case, where ancestor is a recent commit of tip's history.
func Reaches(s *odb.Store, tip, ancestor plumbing.Hash) (bool, error) {
	if !HasCommit(s, ancestor) {
		return false, nil
	}
	w := newHistoryWalk(s)
	if err := w.add(tip, fromTip); err != nil {
		return false, err
	}
	if err := w.add(ancestor, fromHave); err != nil {
		return false, err
	}
	if err := w.run(); err != nil {
		return false, err
	}
	return w.flags[ancestor]&fromTip != 0, nil
}

// historyWalk colours commits by where they are reachable from (the tip, what the remote
// has), newest first by committer time, like `git rev-list <tip> --not <have>`: it stops when
// no commit left to visit is reachable from the tip alone (plus a few steps of slack for clock
// skew, as git does). Every commit reachable from the tip only is found, because the walk goes
// on while one is left; skewed clocks can at most make a shared commit look new, and sending
// it again is harmless.
type historyWalk struct {
	s       *odb.Store
	flags   map[plumbing.Hash]uint8
	queue   commitQueue
	pending int // queued entries reachable from the tip alone
	order   []*object.Commit
	seen    map[plumbing.Hash]bool
}

const (
	fromTip  uint8 = 1
	fromHave uint8 = 2
	both           = fromTip | fromHave
)

func newHistoryWalk(s *odb.Store) *historyWalk {
	return &historyWalk{s: s, flags: map[plumbing.Hash]uint8{}, seen: map[plumbing.Hash]bool{}}
}

// add marks h with flag and queues it if that is news. A missing commit (shallow history) is
// taken to be on the remote.
func (w *historyWalk) add(h plumbing.Hash, flag uint8) error {
	old := w.flags[h]
	if old&flag == flag {
		return nil
	}
	c, err := object.GetCommit(w.s.Storer(), h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		w.flags[h] = both
		return nil
	}
	if err != nil {
		return odb.ObjectError("commit", h, err)
	}
	w.flags[h] = old | flag
	if !w.seen[h] {
		w.seen[h] = true
		w.order = append(w.order, c)
	}
	heap.Push(&w.queue, queued{c: c, flags: old | flag})
	if old|flag == fromTip {
		w.pending++
	}
	return nil
}

// walkSlack is how many commits the walk goes on after nothing seems left: git's SLOP.
const walkSlack = 5

func (w *historyWalk) run() error {
	slack := walkSlack
	for w.queue.Len() > 0 {
		if w.pending == 0 {
			if slack == 0 {
				break
			}
			slack--
		} else {
			slack = walkSlack
		}
		q := heap.Pop(&w.queue).(queued)
		if q.flags == fromTip {
			w.pending--
		}
		flags := w.flags[q.c.Hash] // may have grown since it was queued
		for _, p := range q.c.ParentHashes {
			if err := w.add(p, flags); err != nil {
				return err
			}
		}
	}
	return nil
}

type queued struct {
	c     *object.Commit
	flags uint8
}

// commitQueue is a max-heap by committer time.
type commitQueue []queued

func (q commitQueue) Len() int { return len(q) }

func (q commitQueue) Less(i, j int) bool { return q[i].c.Committer.When.After(q[j].c.Committer.When) }

func (q commitQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }

func (q *commitQueue) Push(x any) { *q = append(*q, x.(queued)) }

func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// MergeBases returns the best common ancestors of a and b, newest first, with git's own
// walk (paint_down_to_common): both histories newest first, a commit reached from both sides
// is a candidate and everything below it is stale; the walk ends when only stale commits are
// left, so it reads the commits since the histories diverged, not the whole history as
// go-git's Commit.MergeBase does. When b is in a's history the answer is b, and the other way
// round.
func MergeBases(s *odb.Store, a, b plumbing.Hash) ([]plumbing.Hash, error) {
	const (
		side1  uint8 = 1
		side2  uint8 = 2
		stale  uint8 = 4
		result uint8 = 8
	)
	flags := map[plumbing.Hash]uint8{}
	var queue commitQueue
	nonStale := 0
	push := func(h plumbing.Hash, f uint8) error {
		if flags[h]&f == f {
			return nil
		}
		c, err := object.GetCommit(s.Storer(), h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil // beyond a shallow boundary
		}
		if err != nil {
			return odb.ObjectError("commit", h, err)
		}
		flags[h] |= f
		heap.Push(&queue, queued{c: c, flags: f})
		if f&stale == 0 {
			nonStale++
		}
		return nil
	}
	if err := push(a, side1); err != nil {
		return nil, err
	}
	if err := push(b, side2); err != nil {
		return nil, err
	}
	var results []*object.Commit
	for nonStale > 0 && queue.Len() > 0 {
		q := heap.Pop(&queue).(queued)
		if q.flags&stale == 0 {
			nonStale--
		}
		f := flags[q.c.Hash] & (side1 | side2 | stale)
		if f&(side1|side2) == side1|side2 {
			if flags[q.c.Hash]&result == 0 {
				flags[q.c.Hash] |= result
				results = append(results, q.c)
			}
			f |= stale
		}
		for _, p := range q.c.ParentHashes {
			if err := push(p, f); err != nil {
				return nil, err
			}
		}
	}
	var out []plumbing.Hash
	for _, c := range results {
		if flags[c.Hash]&stale == 0 {
			out = append(out, c.Hash)
		}
	}
	return out, nil
}
