package gitrepo

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/index"
	"github.com/incidentctl/incidentctl/pkg/gitrepo/worktree"
)

// racilyChanged returns the entries of the index (content data, file indexPath) that git would
// call racily clean and whose files no longer hold what they name although their stat data
// still looks the same: the entries git smudges before it writes an index (index/racy.go).
// Every index writer here smudges them too, or has git write the index. The cost is one
// pass over the entries' mtimes, and a read of the few files modified in the second the index
// was written (usually the ones the last command staged). streamed: data is mapped with
// index.MapSparse and should not stay resident behind the pass (index.RacyEntriesStreamed).
func (r *Repo) racilyChanged(indexPath string, data []byte, streamed bool) []index.Racy {
	sec, ok := r.indexSecond(indexPath)
	if !ok {
		return nil
	}
	find := index.RacyEntries
	if streamed {
		find = index.RacyEntriesStreamed
	}
	cands, err := find(data, sec)
	if err != nil {
		return nil // a damaged index: the writer reports it
	}
	return r.changedSince(cands)
}

// indexSecond is the second the index file was last written, as git reads it.
func (r *Repo) indexSecond(indexPath string) (uint32, bool) {
	fi, err := os.Stat(indexPath)
	if err != nil {
		return 0, false
	}
	return uint32(fi.ModTime().Unix()), true
}

// changedSince keeps the racy entries whose file still matches their stat data as git
// compares it at second granularity (size and mtime; the wider test) but whose content
// differs. An entry without a name (a split index's replacement) is kept: its file is unknown.
func (r *Repo) changedSince(cands []index.Racy) []index.Racy {
	var out []index.Racy
	for _, c := range cands {
		if c.Name == "" {
			out = append(out, c)
			continue
		}
		fi, err := os.Lstat(filepath.Join(r.root, filepath.FromSlash(c.Name)))
		if err != nil || uint32(fi.Size()) != c.Stat.Size || uint32(fi.ModTime().Unix()) != c.Stat.MtimeSec {
			continue // gone or different: git sees that from the stat data alone
		}
		if same, err := worktree.Same(r.root, c.Name, c.Hash); err == nil && same {
			continue
		}
		tracef("index: %s changed in the second the index was written: smudged, as git does", c.Name)
		out = append(out, c)
	}
	return out
}

// smudged returns the index data to write from: data itself, or a copy with the racily
// changed entries smudged, and the offset of the first byte that differs from data (-1: none).
func smudged(data []byte, racy []index.Racy) ([]byte, int) {
	if len(racy) == 0 {
		return data, -1
	}
	return index.Smudge(data, racyOffsets(racy)), racy[0].Off + 36
}

// racyOffsets are the offsets of the racy entries in the index.
func racyOffsets(racy []index.Racy) []int {
	offs := make([]int, len(racy))
	for i, c := range racy {
		offs[i] = c.Off
	}
	return offs
}

// racySplitWhy is why git writes a split index with entries to smudge: a racy entry of the
// shared index has to move into the split index to be smudged (split-index.c), which the
// native splice does not do.
const racySplitWhy = "entries changed in the second the index was written need smudging"

// racyFor is racilyChanged for any index a commit splices, split ones included. For another
// index it also returns where the index's racy entries can be (index.RacyBound), read from
// index-sha1 when it keeps that for this index, so that not every entry is read; the plan
// that replaces the index records the new one's.
func (r *Repo) racyFor(indexPath string, data []byte, split bool) ([]index.Racy, *index.RacyBound, error) {
	sec, ok := r.indexSecond(indexPath)
	if !ok {
		return nil, nil, nil
	}
	if !split {
		cands, bound, err := index.RacyEntriesBound(r.hashPath(), data, sec)
		if err != nil {
			return nil, nil, nil // a damaged index: the writer reports it
		}
		return r.changedSince(cands), bound, nil
	}
	cands, err := index.SplitRacyEntries(indexPath, data, sec)
	if ng := (*index.NeedsGit)(nil); errors.As(err, &ng) {
		return nil, nil, nil // the splice finds the same and has git write the index
	}
	if err != nil {
		return nil, nil, err
	}
	return r.changedSince(cands), nil, nil
}
