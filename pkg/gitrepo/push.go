package gitrepo

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"
)

// The push itself. go-git's Remote.Push works out what to send by walking every object
// reachable from the remote's refs (revlist), so its cost grows with the whole history: about
// half a second for 3,000 commits, seconds for tens of thousands, on every sync. Here the work
// follows the size of the change instead: the commits the remote lacks are found by walking
// both histories newest first until only shared commits are left (git's own merge-base walk),
// and for each of them only the trees that differ from its parents are opened.

// sendPack pushes commit to refs/heads/<branch> of url through go-git's transports.
func (r *Repo) sendPack(ctx context.Context, url string, req PushRequest) error {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return err
	}
	cl, err := client.NewClient(ep)
	if err != nil {
		return err
	}
	sess, err := cl.NewReceivePackSession(ep, req.Auth)
	if err != nil {
		return err
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return err
	}
	refs, err := adv.AllReferences()
	if err != nil {
		return err
	}

	name := plumbing.NewBranchReferenceName(req.Branch)
	var old plumbing.Hash
	if ref, err := refs.Reference(name); err == nil {
		old = ref.Hash()
	}
	if old == req.Commit {
		return nil
	}
	// Never by force: the remote's tip must be in our history. A tip we do not even have means
	// somebody pushed after our fetch.
	if !old.IsZero() {
		ok, err := r.reaches(req.Commit, old)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("non-fast-forward update: %s", name)
		}
	}

	// What the remote has: every advertised tip we know.
	var have []plumbing.Hash
	iter, err := refs.IterReferences()
	if err != nil {
		return err
	}
	iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && r.hasCommit(ref.Hash()) {
			have = append(have, ref.Hash())
		}
		return nil
	})
	objects, err := r.objectsToSend(req.Commit, have)
	if err != nil {
		return err
	}

	upd := packp.NewReferenceUpdateRequestFromCapabilities(adv.Capabilities)
	upd.Commands = []*packp.Command{{Name: name, Old: old, New: req.Commit}}
	if req.Progress != nil {
		upd.Progress = req.Progress
		if adv.Capabilities.Supports(capability.Sideband64k) {
			upd.Capabilities.Set(capability.Sideband64k)
		} else if adv.Capabilities.Supports(capability.Sideband) {
			upd.Capabilities.Set(capability.Sideband)
		}
	}
	rd, wr := io.Pipe()
	upd.Packfile = rd
	done := make(chan error, 1)
	go func() {
		enc := packfile.NewEncoder(wr, r.repo.Storer, !adv.Capabilities.Supports(capability.OFSDelta))
		if _, err := enc.Encode(objects, 10); err != nil {
			done <- wr.CloseWithError(err)
			return
		}
		done <- wr.Close()
	}()
	status, err := sess.ReceivePack(ctx, upd)
	if err != nil {
		rd.Close() // unblocks the encoder
		<-done
		return err
	}
	if err := <-done; err != nil {
		return err
	}
	if status != nil {
		if err := status.Error(); err != nil {
			return err
		}
	}
	return nil
}

func (r *Repo) hasCommit(h plumbing.Hash) bool {
	_, err := r.repo.Storer.EncodedObject(plumbing.CommitObject, h)
	return err == nil
}

// reaches reports whether ancestor is in the history of tip. The walk goes newest first and
// stops early in the usual case, where ancestor is a recent commit of tip's history.
func (r *Repo) reaches(tip, ancestor plumbing.Hash) (bool, error) {
	if !r.hasCommit(ancestor) {
		return false, nil
	}
	w := newHistoryWalk(r)
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

// objectsToSend lists the commits reachable from tip that the remote lacks (it has every
// commit reachable from have), with the trees and blobs they introduce.
func (r *Repo) objectsToSend(tip plumbing.Hash, have []plumbing.Hash) ([]plumbing.Hash, error) {
	w := newHistoryWalk(r)
	if err := w.add(tip, fromTip); err != nil {
		return nil, err
	}
	for _, h := range have {
		if err := w.add(h, fromHave); err != nil {
			return nil, err
		}
	}
	if err := w.run(); err != nil {
		return nil, err
	}
	out := map[plumbing.Hash]bool{}
	var list []plumbing.Hash
	for _, c := range w.order {
		if w.flags[c.Hash] != fromTip {
			continue
		}
		out[c.Hash] = true
		list = append(list, c.Hash)
		var parentTrees []plumbing.Hash
		for _, p := range c.ParentHashes {
			if pc, err := object.GetCommit(r.repo.Storer, p); err == nil {
				parentTrees = append(parentTrees, pc.TreeHash)
			}
		}
		if err := r.newTreeObjects(c.TreeHash, parentTrees, out, &list); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// newTreeObjects adds tree and what it holds that differs from the same place in every one of
// the parent trees: anything equal to a parent's entry the remote has already, or receives
// with that parent.
func (r *Repo) newTreeObjects(tree plumbing.Hash, parents []plumbing.Hash, out map[plumbing.Hash]bool, list *[]plumbing.Hash) error {
	for _, p := range parents {
		if p == tree {
			return nil
		}
	}
	if out[tree] {
		return nil
	}
	out[tree] = true
	*list = append(*list, tree)
	t, err := r.tree(tree)
	if err != nil {
		return err
	}
	var pEntries []map[string]object.TreeEntry
	for _, p := range parents {
		pt, err := r.tree(p)
		if err != nil {
			continue // a parent tree we lack (shallow history): the remote has it
		}
		m := make(map[string]object.TreeEntry, len(pt.Entries))
		for _, e := range pt.Entries {
			m[e.Name] = e
		}
		pEntries = append(pEntries, m)
	}
	for _, e := range t.Entries {
		same := false
		var subParents []plumbing.Hash
		for _, m := range pEntries {
			pe, ok := m[e.Name]
			if !ok {
				continue
			}
			if pe.Hash == e.Hash {
				same = true
				break
			}
			if pe.Mode == filemode.Dir {
				subParents = append(subParents, pe.Hash)
			}
		}
		switch {
		case same || out[e.Hash] || e.Mode == filemode.Submodule:
		case e.Mode == filemode.Dir:
			if err := r.newTreeObjects(e.Hash, subParents, out, list); err != nil {
				return err
			}
		default:
			out[e.Hash] = true
			*list = append(*list, e.Hash)
		}
	}
	return nil
}

// historyWalk colours commits by where they are reachable from (the tip, what the remote
// has), newest first by committer time, like `git rev-list <tip> --not <have>`: it stops when
// no commit left to visit is reachable from the tip alone (plus a few steps of slack for clock
// skew, as git does). Every commit reachable from the tip only is found, because the walk goes
// on while one is left; skewed clocks can at most make a shared commit look new, and sending
// it again is harmless.
type historyWalk struct {
	r       *Repo
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

func newHistoryWalk(r *Repo) *historyWalk {
	return &historyWalk{r: r, flags: map[plumbing.Hash]uint8{}, seen: map[plumbing.Hash]bool{}}
}

// add marks h with flag and queues it if that is news. A missing commit (shallow history) is
// taken to be on the remote.
func (w *historyWalk) add(h plumbing.Hash, flag uint8) error {
	old := w.flags[h]
	if old&flag == flag {
		return nil
	}
	c, err := object.GetCommit(w.r.repo.Storer, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		w.flags[h] = both
		return nil
	}
	if err != nil {
		return objectError("commit", h, err)
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

func (q commitQueue) Len() int           { return len(q) }
func (q commitQueue) Less(i, j int) bool { return q[i].c.Committer.When.After(q[j].c.Committer.When) }
func (q commitQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *commitQueue) Push(x any)        { *q = append(*q, x.(queued)) }
func (q *commitQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// setTrackingRef records a pushed commit as refs/remotes/<remote>/<branch>, under git's lock
// protocol. It is a cache of the remote's state: when somebody else holds the lock (a git fetch
// right now), it is left to them.
func (r *Repo) setTrackingRef(remote, branch string, commit plumbing.Hash) {
	target := r.refPath(TrackingRef(remote, branch))
	if err := os.MkdirAll(filepath.Dir(target), 0o777); err != nil {
		return
	}
	lock, err := takeLock(target)
	if err != nil {
		return
	}
	defer lock.release()
	if lock.write([]byte(commit.String()+"\n")) == nil {
		lock.commit()
	}
}

// mergeBases returns the best common ancestors of a and b, newest first, with git's own
// walk (paint_down_to_common): both histories newest first, a commit reached from both sides
// is a candidate and everything below it is stale; the walk ends when only stale commits are
// left, so it reads the commits since the histories diverged, not the whole history as
// go-git's Commit.MergeBase does. When b is in a's history the answer is b, and the other way
// round.
func (r *Repo) mergeBases(a, b plumbing.Hash) ([]plumbing.Hash, error) {
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
		c, err := object.GetCommit(r.repo.Storer, h)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			return nil // beyond a shallow boundary
		}
		if err != nil {
			return objectError("commit", h, err)
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
