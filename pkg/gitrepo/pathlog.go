package gitrepo

import (
	"bytes"
	"container/heap"
	"errors"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// The history of a folder (`incidentctl flow log`, `lint --base`'s flow-change rule): which
// commits changed something under it, with their authors and messages. Built on the object
// database and tree rooms (odb, tree): commits are read one by one, and for each only the trees
// along the folder's path.

// LogCommit is one commit of a path's history.
type LogCommit struct {
	Hash      plumbing.Hash
	Parents   []plumbing.Hash
	Author    Signature
	Committer Signature
	Message   string // the full message, trailers included
}

// Subject is the first line of the message.
func (c LogCommit) Subject() string {
	s, _, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	return strings.TrimSpace(s)
}

// PathLog lists the commits reachable from tip but from none of stop that changed something
// under one of the prefixes (repository paths: folders or files), newest first by committer
// date, as `git log --no-merges stop..tip -- prefixes` does. A merge is listed only when its
// content under a prefix differs from every parent's (a change made in the merge itself, not
// one side's commits arriving). With no prefixes it lists every commit of stop..tip, merges
// included. A commit beyond a shallow clone's boundary ends that line of history.
func (r *Repo) PathLog(tip plumbing.Hash, stop []plumbing.Hash, prefixes []string) ([]LogCommit, error) {
	for _, p := range prefixes {
		if err := checkPath(p); err != nil {
			return nil, err
		}
	}
	w := &pathWalk{r: r, state: map[plumbing.Hash]uint8{}, trees: map[plumbing.Hash]plumbing.Hash{}, entries: map[[2]string]treeEnt{}}
	for _, s := range stop {
		if err := w.push(s, true); err != nil {
			return nil, err
		}
	}
	if err := w.push(tip, false); err != nil {
		return nil, err
	}
	var picked []logNode
	for w.interesting > 0 {
		it := heap.Pop(&w.queue).(logItem)
		unint := w.state[it.c.hash]&walkUninteresting != 0
		if it.seq < 0 { // queued as uninteresting
			for _, p := range it.c.parents {
				if err := w.push(p, true); err != nil {
					return nil, err
				}
			}
			continue
		}
		w.interesting--
		if unint {
			continue // reached from stop since it was queued
		}
		picked = append(picked, it.c)
		for _, p := range it.c.parents {
			if err := w.push(p, false); err != nil {
				return nil, err
			}
		}
	}
	var out []LogCommit
	for _, c := range picked {
		if w.state[c.hash]&walkUninteresting != 0 {
			continue // clock skew let it through before stop's history reached it
		}
		if len(prefixes) > 0 {
			changed, err := w.changedUnderPrefixes(c, prefixes)
			if err != nil {
				return nil, err
			}
			if !changed {
				continue
			}
		}
		lc, err := r.logCommit(c.hash)
		if err != nil {
			return nil, err
		}
		out = append(out, lc)
	}
	return out, nil
}

const (
	walkQueued        uint8 = 1 << iota // queued as interesting
	walkUninteresting                   // reachable from stop
)

// logNode is what the walk needs from a commit.
type logNode struct {
	hash    plumbing.Hash
	parents []plumbing.Hash
	when    int64 // committer time, seconds since the epoch
}

type logItem struct {
	c   logNode
	seq int // insertion order (negative: queued as uninteresting): git's queue is stable
}

// logQueue is a max-heap by committer time, first queued first among equal times.
type logQueue []logItem

func (q logQueue) Len() int { return len(q) }
func (q logQueue) Less(i, j int) bool {
	if q[i].c.when != q[j].c.when {
		return q[i].c.when > q[j].c.when
	}
	return q[i].seq < q[j].seq
}
func (q logQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *logQueue) Push(x any)   { *q = append(*q, x.(logItem)) }
func (q *logQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// pathWalk walks commits newest first; uninteresting commits (reachable from stop) paint their
// parents uninteresting. It ends when only uninteresting commits are queued.
type pathWalk struct {
	r           *Repo
	queue       logQueue
	state       map[plumbing.Hash]uint8
	interesting int // interesting commits in the queue
	seq         int
	// Each commit is compared with its parents, and each parent with its own: the trees read
	// and the entries found are remembered, so every commit and root tree is read once.
	trees   map[plumbing.Hash]plumbing.Hash // commit -> its tree
	entries map[[2]string]treeEnt           // (tree, path) -> what it holds there
}

func (w *pathWalk) push(h plumbing.Hash, unint bool) error {
	st := w.state[h]
	switch {
	case unint && st&walkUninteresting != 0:
		return nil
	case !unint && st != 0:
		return nil
	}
	c, tree, found, err := w.r.readWalkCommit(h)
	if err != nil {
		return err
	}
	if !found {
		return nil // beyond a shallow clone's boundary
	}
	w.trees[h] = tree
	w.seq++
	seq := w.seq
	if unint {
		w.state[h] = st | walkUninteresting
		seq = -w.seq
	} else {
		w.state[h] = st | walkQueued
		w.interesting++
	}
	heap.Push(&w.queue, logItem{c: c, seq: seq})
	return nil
}

// changedUnderPrefixes reports whether c changed a file under some prefix: for a commit with
// one parent (or none), whether the content there differs; for a merge, whether some file there
// differs from every parent's version of it (so that a merge which only brings one side's
// commits in is left out, as git log leaves it out).
func (w *pathWalk) changedUnderPrefixes(c logNode, prefixes []string) (bool, error) {
	r := w.r
	tree, ok := w.trees[c.hash]
	if !ok {
		var err error
		if tree, err = r.commitTree(c.hash); err != nil {
			return false, err
		}
	}
	var parentTrees []plumbing.Hash
	for _, p := range c.parents {
		pt, ok := w.trees[p]
		if !ok {
			var err error
			if pt, err = r.commitTree(p); err != nil {
				if errors.Is(err, plumbing.ErrObjectNotFound) {
					continue // beyond a shallow boundary: compare with the parents there are
				}
				return false, err
			}
			w.trees[p] = pt
		}
		parentTrees = append(parentTrees, pt)
	}
	for _, prefix := range prefixes {
		mine, err := w.entryAt(tree, prefix)
		if err != nil {
			return false, err
		}
		theirs := make([]treeEnt, len(parentTrees))
		for i, pt := range parentTrees {
			if theirs[i], err = w.entryAt(pt, prefix); err != nil {
				return false, err
			}
		}
		if len(theirs) == 0 {
			theirs = []treeEnt{{}} // a root commit: compared with nothing
		}
		changed, err := w.newInMerge(mine, theirs)
		if err != nil || changed {
			return changed, err
		}
	}
	return false, nil
}

// treeEnt is what a path holds in a tree: nothing, a file or a folder.
type treeEnt struct {
	hash plumbing.Hash // zero: nothing
	dir  bool
}

func (w *pathWalk) entryAt(root plumbing.Hash, path string) (treeEnt, error) {
	k := [2]string{string(root[:]), path}
	if e, ok := w.entries[k]; ok {
		return e, nil
	}
	e, found, err := w.r.lookup(root, path)
	if err != nil {
		return treeEnt{}, err
	}
	var te treeEnt
	if found {
		te = treeEnt{hash: e.Hash, dir: e.Mode == filemode.Dir}
	}
	w.entries[k] = te
	return te, nil
}

// readWalkCommit reads a commit's parents, committer time and tree with one object read.
// found=false means the commit is not in the repository (beyond a shallow clone's boundary).
func (r *Repo) readWalkCommit(h plumbing.Hash) (logNode, plumbing.Hash, bool, error) {
	typ, b, err := r.readObject(h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return logNode{}, plumbing.ZeroHash, false, nil
	}
	if err != nil {
		return logNode{}, plumbing.ZeroHash, false, objectError("commit", h, err)
	}
	c, tree, ok := parseWalkHeader(h, b)
	if typ != plumbing.CommitObject || !ok {
		return logNode{}, plumbing.ZeroHash, false, objectError("commit", h, errors.New("its header is malformed"))
	}
	return c, tree, true, nil
}

// parseWalkHeader reads the tree, parent and committer lines of a commit object.
func parseWalkHeader(h plumbing.Hash, b []byte) (logNode, plumbing.Hash, bool) {
	c := logNode{hash: h}
	var tree plumbing.Hash
	hasTree, committer := false, false
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\n"))
		b = rest
		if len(line) == 0 {
			break // the message follows
		}
		key, val, _ := bytes.Cut(line, []byte(" "))
		switch string(key) {
		case "tree", "parent":
			if !plumbing.IsHash(string(val)) {
				return c, tree, false
			}
			if string(key) == "tree" {
				tree, hasTree = plumbing.NewHash(string(val)), true
			} else {
				c.parents = append(c.parents, plumbing.NewHash(string(val)))
			}
		case "committer":
			// "Name <email> 1700000000 +0900": the time follows the e-mail.
			i := bytes.LastIndexByte(val, '>')
			if i < 0 {
				return c, tree, false
			}
			f := bytes.Fields(val[i+1:])
			if len(f) == 0 {
				return c, tree, false
			}
			t, err := strconv.ParseInt(string(f[0]), 10, 64)
			if err != nil {
				return c, tree, false
			}
			c.when, committer = t, true
		}
	}
	return c, tree, hasTree && committer
}

// newInMerge reports whether mine holds a file (or the absence of one) that differs from what
// every one of theirs holds at the same path. With one parent it is "mine differs"; with
// several, only the folders that differ from every parent are opened.
func (w *pathWalk) newInMerge(mine treeEnt, theirs []treeEnt) (bool, error) {
	r := w.r
	for _, t := range theirs {
		if t == mine {
			return false, nil
		}
	}
	if !mine.dir || len(theirs) == 1 {
		return true, nil
	}
	entries := func(e treeEnt) (map[string]treeEnt, error) {
		out := map[string]treeEnt{}
		if !e.dir {
			return out, nil
		}
		t, err := r.tree(e.hash)
		if err != nil {
			return nil, err
		}
		for _, te := range t.Entries {
			out[te.Name] = treeEnt{hash: te.Hash, dir: te.Mode == filemode.Dir}
		}
		return out, nil
	}
	mineEntries, err := entries(mine)
	if err != nil {
		return false, err
	}
	names := map[string]bool{}
	for n := range mineEntries {
		names[n] = true
	}
	theirEntries := make([]map[string]treeEnt, len(theirs))
	for i, t := range theirs {
		if theirEntries[i], err = entries(t); err != nil {
			return false, err
		}
		for n := range theirEntries[i] {
			names[n] = true
		}
	}
	for n := range names {
		sub := make([]treeEnt, len(theirs))
		for i := range theirs {
			sub[i] = theirEntries[i][n]
		}
		changed, err := w.newInMerge(mineEntries[n], sub)
		if err != nil || changed {
			return changed, err
		}
	}
	return false, nil
}

// logCommit decodes a whole commit: authors and message.
func (r *Repo) logCommit(h plumbing.Hash) (LogCommit, error) {
	typ, b, err := r.readObject(h)
	if err != nil {
		return LogCommit{}, objectError("commit", h, err)
	}
	if typ != plumbing.CommitObject {
		return LogCommit{}, objectError("commit", h, plumbing.ErrObjectNotFound)
	}
	obj := &plumbing.MemoryObject{}
	obj.SetType(plumbing.CommitObject)
	obj.Write(b)
	var c object.Commit
	if err := c.Decode(obj); err != nil {
		return LogCommit{}, objectError("commit", h, err)
	}
	return LogCommit{
		Hash: h, Parents: c.ParentHashes, Message: c.Message,
		Author:    Signature{Name: c.Author.Name, Email: c.Author.Email, When: c.Author.When},
		Committer: Signature{Name: c.Committer.Name, Email: c.Committer.Email, When: c.Committer.When},
	}, nil
}

// ReadBlob returns the content of a blob by its object name (what an incident's template: key
// records), for versions of a file that HEAD no longer has.
func (r *Repo) ReadBlob(h plumbing.Hash) ([]byte, error) { return r.readBlob(h) }

// BlobAt returns the object name of the file at path in a commit (found=false when absent).
func (r *Repo) BlobAt(commit plumbing.Hash, path string) (plumbing.Hash, bool, error) {
	if err := checkPath(path); err != nil {
		return plumbing.ZeroHash, false, err
	}
	tree, err := r.commitTree(commit)
	if err != nil {
		return plumbing.ZeroHash, false, err
	}
	e, found, err := r.lookup(tree, path)
	if err != nil || !found || !e.Mode.IsFile() {
		return plumbing.ZeroHash, false, err
	}
	return e.Hash, true, nil
}
