package revwalk

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/odb"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/tree"
)

// What a push sends, as git's pack-objects works it out (`git rev-list --objects <tip> --not
// <have>` with pack.useSparse, git's default): an object may be left out only when it is known
// to be on the remote, and the only objects known to be there are those in the trees of the
// edge commits, the commits the remote has whose children it lacks (the remote has everything
// reachable from its refs). Those trees are read only where they differ from the new commits'
// trees at the same path, so the work follows the change, not the size of the tree or the
// history. Everything else reachable from a new commit is sent, each object once.
//
// Never leave an object out because a parent commit that is itself new has it at the same
// path: that parent may have left it out in turn, because an older commit has it, and when
// that older commit's tree is the very same object (a file added and deleted again brings
// the tree back) nobody sends it.

// ObjectsToSend lists the commits reachable from tip that the remote lacks (it has every
// commit reachable from have), with every tree and blob reachable from them that is not in
// the trees of the remote's commits they build on.
func ObjectsToSend(s *odb.Store, tip plumbing.Hash, have []plumbing.Hash) ([]plumbing.Hash, error) {
	w := newHistoryWalk(s)
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
	set := &sendSet{s: s, remote: map[plumbing.Hash]bool{}, sent: map[plumbing.Hash]bool{},
		decoded: map[plumbing.Hash]*object.Tree{}}
	var commits []*object.Commit
	var roots []plumbing.Hash
	inRoots := map[plumbing.Hash]bool{}
	addRoot := func(h plumbing.Hash) {
		if !inRoots[h] {
			inRoots[h] = true
			roots = append(roots, h)
		}
	}
	edges := map[plumbing.Hash]bool{}
	for _, c := range w.order {
		if w.flags[c.Hash] != fromTip {
			continue
		}
		commits = append(commits, c)
		addRoot(c.TreeHash)
		for _, p := range c.ParentHashes {
			if w.flags[p]&fromHave == 0 || edges[p] {
				continue
			}
			edges[p] = true
			pc, err := object.GetCommit(s.Storer(), p)
			if errors.Is(err, plumbing.ErrObjectNotFound) {
				continue // beyond a shallow boundary: nothing known about its tree
			}
			if err != nil {
				return nil, odb.ObjectError("commit", p, err)
			}
			set.remote[pc.TreeHash] = true
			addRoot(pc.TreeHash)
		}
	}
	if err := set.markRemote(roots); err != nil {
		return nil, err
	}
	for _, c := range commits {
		set.sent[c.Hash] = true
		set.list = append(set.list, c.Hash)
	}
	for _, c := range commits {
		if err := set.addTree(c.TreeHash); err != nil {
			return nil, err
		}
	}
	return set.list, nil
}

// sendSet is the objects of one push.
type sendSet struct {
	s       *odb.Store
	remote  map[plumbing.Hash]bool // known to be on the remote: in an edge commit's tree
	sent    map[plumbing.Hash]bool // in list, and so is everything it holds
	list    []plumbing.Hash
	decoded map[plumbing.Hash]*object.Tree // read by markRemote, kept for addTree
}

// markRemote takes trees found at one path (the root: the new commits' and the edge
// commits' trees) and, when some of them are on the remote and some are not, marks
// everything the remote ones hold as on the remote and goes on with the subtrees, path by
// path (git's mark_trees_uninteresting_sparse). Where all the trees at a path are the same
// object, or all are new, there is nothing to learn below it.
func (set *sendSet) markRemote(trees []plumbing.Hash) error {
	onRemote, isNew := false, false
	for _, h := range trees {
		if set.remote[h] {
			onRemote = true
		} else {
			isNew = true
		}
	}
	if !onRemote || !isNew {
		return nil
	}
	var names []string
	children := map[string][]plumbing.Hash{}
	type atPath struct {
		name string
		h    plumbing.Hash
	}
	seen := map[atPath]bool{}
	for _, h := range trees {
		t, err := set.decode(h)
		if err != nil {
			if set.remote[h] && errors.Is(err, plumbing.ErrObjectNotFound) {
				continue // not here (a partial clone): it only teaches less
			}
			return err
		}
		remote := set.remote[h]
		for _, e := range t.Entries {
			if e.Mode == filemode.Submodule {
				continue
			}
			if remote {
				set.remote[e.Hash] = true
			}
			if e.Mode != filemode.Dir || seen[atPath{e.Name, e.Hash}] {
				continue
			}
			seen[atPath{e.Name, e.Hash}] = true
			if _, ok := children[e.Name]; !ok {
				names = append(names, e.Name)
			}
			children[e.Name] = append(children[e.Name], e.Hash)
		}
	}
	for _, name := range names {
		if err := set.markRemote(children[name]); err != nil {
			return err
		}
	}
	return nil
}

// addTree adds the tree h and everything it holds that is neither on the remote nor added
// already.
func (set *sendSet) addTree(h plumbing.Hash) error {
	if set.remote[h] || set.sent[h] {
		return nil
	}
	set.sent[h] = true
	set.list = append(set.list, h)
	t, err := set.decode(h)
	if err != nil {
		return err
	}
	delete(set.decoded, h)
	for _, e := range t.Entries {
		switch {
		case e.Mode == filemode.Submodule:
		case e.Mode == filemode.Dir:
			if err := set.addTree(e.Hash); err != nil {
				return err
			}
		case !set.remote[e.Hash] && !set.sent[e.Hash]:
			set.sent[e.Hash] = true
			set.list = append(set.list, e.Hash)
		}
	}
	return nil
}

func (set *sendSet) decode(h plumbing.Hash) (*object.Tree, error) {
	if t, ok := set.decoded[h]; ok {
		return t, nil
	}
	t, err := tree.Decode(set.s, h)
	if err != nil {
		return nil, err
	}
	set.decoded[h] = t
	return t, nil
}
