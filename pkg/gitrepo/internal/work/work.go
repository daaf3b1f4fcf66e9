// Package work counts the work of a commit that could grow with the repository. A one-file
// commit must keep these numbers the same in a repository of 100 files and one of 5,000
// (pkg/gitrepo's TestCommitWorkDoesNotGrowWithRepository): the guard against a change that
// quietly makes the commit path proportional to the index again. Each counter is added to once
// per object or per pass over the index, never per entry, so keeping them costs nothing
// measurable. The rooms of pkg/gitrepo add to them; only tests read them.
package work

import (
	"sync/atomic"

	"github.com/go-git/go-git/v5/plumbing"
)

// Counts is the counters, added to by pkg/gitrepo/odb and pkg/gitrepo/index.
var Counts struct {
	ObjectsRead    atomic.Int64 // objects read: the commit, the trees along the paths
	ObjectBytes    atomic.Int64 // uncompressed bytes of the objects written
	EntriesParsed  atomic.Int64 // index entries decoded one by one (Prepare, Find)
	EntriesSkimmed atomic.Int64 // index entries passed over reading only their flags and name
	BytesHashed    atomic.Int64 // bytes fed to the index checksum (not covered by a saved state)
	PrefixCopied   atomic.Int64 // bytes of the old index before the first change, copied as they are
	RacyChecked    atomic.Int64 // index entries whose stat data a racy check read
}

// Reset zeroes the counters (tests).
func Reset() {
	for _, c := range []*atomic.Int64{&Counts.ObjectsRead, &Counts.ObjectBytes, &Counts.EntriesParsed,
		&Counts.EntriesSkimmed, &Counts.BytesHashed, &Counts.PrefixCopied, &Counts.RacyChecked} {
		c.Store(0)
	}
}

// ReadHook, when set (by tests only), sees every object read: it guards that a commit reads
// O(depth of the path) objects.
var ReadHook func(plumbing.Hash)
