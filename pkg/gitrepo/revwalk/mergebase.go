// Package revwalk walks commit history the way git does, reading only the commits it must:
// merge bases (commit-reach.c: paint_down_to_common and remove_redundant, as
// Documentation/git-merge-base.txt describes them), whether one commit is in another's
// history, and the commits and objects a remote lacks (`git rev-list --objects <tip> --not
// <have>`, Documentation/git-rev-list.txt), newest first by committer date.
package revwalk

import (
	"bytes"
	"container/heap"
	"errors"
	"slices"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
)

// The merge base is found the way git finds it without a commit-graph file
// (commit-reach.c: paint_down_to_common, then remove_redundant): both histories are walked
// newest first by committer date; a commit reached from both sides is a candidate and paints
// everything below it stale; the walk ends as soon as only stale commits are queued. It reads
// the commits since the histories diverged, not the whole history. Commits are read with the
// repository's own object reader (pkg/gitrepo/odb) and only their headers are decoded.

const (
	paintOne    uint8 = 1 << iota // reached from the first side
	paintTwo                      // reached from the second side
	paintStale                    // below a common commit: cannot be a best base
	paintResult                   // recorded as a candidate
)

// commitInfo is what the walk needs from a commit.
type commitInfo struct {
	hash    plumbing.Hash
	parents []plumbing.Hash
	when    int64 // committer time, seconds since the epoch
}

// readCommitInfo reads a commit's parents and committer time. found=false means the commit is
// not in the repository (beyond a shallow clone's boundary).
func readCommitInfo(s *odb.Store, h plumbing.Hash) (commitInfo, bool, error) {
	typ, b, err := s.Read(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return commitInfo{}, false, nil
	}
	if err != nil {
		return commitInfo{}, false, odb.ObjectError("commit", h, err)
	}
	if typ != plumbing.CommitObject {
		return commitInfo{}, false, usererr.New(nil, nil, "%s is a %s, not a commit", h, typ)
	}
	c, ok := parseCommitHeader(h, b)
	if !ok {
		return commitInfo{}, false, odb.ObjectError("commit", h, errors.New("its header is malformed"))
	}
	return c, true, nil
}

// parseCommitHeader reads the parent lines and the committer time of a commit object.
func parseCommitHeader(h plumbing.Hash, b []byte) (commitInfo, bool) {
	c := commitInfo{hash: h}
	committer := false
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\n"))
		b = rest
		if len(line) == 0 {
			break // the message follows
		}
		if hex, ok := bytes.CutPrefix(line, []byte("parent ")); ok {
			if !plumbing.IsHash(string(hex)) {
				return c, false
			}
			c.parents = append(c.parents, plumbing.NewHash(string(hex)))
			continue
		}
		if ident, ok := bytes.CutPrefix(line, []byte("committer ")); ok {
			// "Name <email> 1700000000 +0900": the time is the second field from the end.
			i := bytes.LastIndexByte(ident, '>')
			if i < 0 {
				return c, false
			}
			f := bytes.Fields(ident[i+1:])
			if len(f) == 0 {
				return c, false
			}
			t, err := strconv.ParseInt(string(f[0]), 10, 64)
			if err != nil {
				return c, false
			}
			c.when, committer = t, true
		}
	}
	return c, committer
}

type walkItem struct {
	c   commitInfo
	seq int // insertion order: git's queue is stable for equal dates
}

// dateQueue is a max-heap by committer time, first queued first among equal times.
type dateQueue []walkItem

func (q dateQueue) Len() int { return len(q) }
func (q dateQueue) Less(i, j int) bool {
	if q[i].c.when != q[j].c.when {
		return q[i].c.when > q[j].c.when
	}
	return q[i].seq < q[j].seq
}
func (q dateQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *dateQueue) Push(x any)   { *q = append(*q, x.(walkItem)) }
func (q *dateQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// painter is one paint_down_to_common walk; flags keeps what it painted.
type painter struct {
	s     *odb.Store
	flags map[plumbing.Hash]uint8
	infos map[plumbing.Hash]commitInfo
	queue dateQueue
	seq   int
}

func newPainter(s *odb.Store) *painter {
	return &painter{s: s, flags: map[plumbing.Hash]uint8{}, infos: map[plumbing.Hash]commitInfo{}}
}

func (p *painter) info(h plumbing.Hash) (commitInfo, bool, error) {
	if c, ok := p.infos[h]; ok {
		return c, true, nil
	}
	c, found, err := readCommitInfo(p.s, h)
	if found {
		p.infos[h] = c
	}
	return c, found, err
}

// push adds the flags f to commit h and queues it when they are new to it.
func (p *painter) push(h plumbing.Hash, f uint8) error {
	if p.flags[h]&f == f {
		return nil
	}
	c, found, err := p.info(h)
	if err != nil || !found {
		return err // not found: beyond a shallow boundary, as git stops there too
	}
	p.flags[h] |= f
	p.seq++
	heap.Push(&p.queue, walkItem{c: c, seq: p.seq})
	return nil
}

func (p *painter) nonStaleQueued() bool {
	for _, it := range p.queue {
		if p.flags[it.c.hash]&paintStale == 0 {
			return true
		}
	}
	return false
}

// paint walks down from one (side one) and twos (side two) and returns the commits reached
// from both sides, in the order found. Afterwards p.flags says which side reached what.
func (p *painter) paint(one plumbing.Hash, twos []plumbing.Hash) ([]commitInfo, error) {
	if err := p.push(one, paintOne); err != nil {
		return nil, err
	}
	for _, t := range twos {
		if err := p.push(t, paintTwo); err != nil {
			return nil, err
		}
	}
	var results []commitInfo
	for p.queue.Len() > 0 && p.nonStaleQueued() {
		it := heap.Pop(&p.queue).(walkItem)
		h := it.c.hash
		f := p.flags[h] & (paintOne | paintTwo | paintStale)
		if f&(paintOne|paintTwo) == paintOne|paintTwo {
			if p.flags[h]&paintResult == 0 {
				p.flags[h] |= paintResult
				results = append(results, it.c)
			}
			f |= paintStale
		}
		for _, parent := range it.c.parents {
			if err := p.push(parent, f); err != nil {
				return nil, err
			}
		}
	}
	return results, nil
}

// MergeBasesAll returns the best common ancestors of a and b, as `git merge-base --all a b`
// lists them: newest first, none an ancestor of another.
func MergeBasesAll(s *odb.Store, a, b plumbing.Hash) ([]plumbing.Hash, error) {
	if a == b {
		return []plumbing.Hash{a}, nil
	}
	p := newPainter(s)
	found, err := p.paint(a, []plumbing.Hash{b})
	if err != nil {
		return nil, err
	}
	var cands []commitInfo
	for _, c := range found {
		if p.flags[c.hash]&paintStale == 0 {
			cands = append(cands, c)
		}
	}
	// Newest first; equal dates keep the order found (git's commit_list_insert_by_date).
	slices.SortStableFunc(cands, func(x, y commitInfo) int {
		switch {
		case x.when > y.when:
			return -1
		case x.when < y.when:
			return 1
		}
		return 0
	})
	if len(cands) < 2 {
		return hashesOf(cands), nil
	}
	// With clock skew the walk can record a commit that is an ancestor of another candidate:
	// git's remove_redundant paints from each candidate against the others to drop those.
	redundant := make([]bool, len(cands))
	for i := range cands {
		if redundant[i] {
			continue
		}
		var others []plumbing.Hash
		var idx []int
		for j := range cands {
			if j != i && !redundant[j] {
				others = append(others, cands[j].hash)
				idx = append(idx, j)
			}
		}
		q := newPainter(s)
		if _, err := q.paint(cands[i].hash, others); err != nil {
			return nil, err
		}
		if q.flags[cands[i].hash]&paintTwo != 0 {
			redundant[i] = true
		}
		for k, j := range idx {
			if q.flags[others[k]]&paintOne != 0 {
				redundant[j] = true
			}
		}
	}
	var out []plumbing.Hash
	for i, c := range cands {
		if !redundant[i] {
			out = append(out, c.hash)
		}
	}
	return out, nil
}

func hashesOf(cs []commitInfo) []plumbing.Hash {
	out := make([]plumbing.Hash, len(cs))
	for i, c := range cs {
		out[i] = c.hash
	}
	return out
}
