package gitrepo

import "sync/atomic"

// workCounts counts the work of a commit that could grow with the repository. A one-file commit
// must keep these numbers the same in a repository of 100 files and one of 5,000 (work_test.go):
// the guard against a change that quietly makes the commit path proportional to the index
// again. Each counter is added to once per object or per pass over the index, never per entry,
// so keeping them costs nothing measurable.
var workCounts struct {
	objectsRead    atomic.Int64 // objects read: the commit, the trees along the paths
	objectBytes    atomic.Int64 // uncompressed bytes of the objects written
	entriesParsed  atomic.Int64 // index entries decoded one by one (prepareIndex, findIndexEntries)
	entriesSkimmed atomic.Int64 // index entries passed over reading only their flags and name
	bytesHashed    atomic.Int64 // bytes fed to the index checksum (not covered by a saved state)
	prefixCopied   atomic.Int64 // bytes of the old index before the first change, copied as they are
}

// resetWorkCounts zeroes the counters (tests).
func resetWorkCounts() {
	for _, c := range []*atomic.Int64{&workCounts.objectsRead, &workCounts.objectBytes, &workCounts.entriesParsed,
		&workCounts.entriesSkimmed, &workCounts.bytesHashed, &workCounts.prefixCopied} {
		c.Store(0)
	}
}
