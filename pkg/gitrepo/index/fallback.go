package index

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	gogitindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// fallbackPlan updates an index we do not splice ourselves (version 4, whose
// names are prefix-compressed) with go-git's decoder and encoder. It costs a
// full decode and encode, still without looking at the working tree. go-git
// writes no extensions: dropping the cache tree and the other optional
// extensions is always correct.
type fallbackPlan struct {
	idx     *gogitindex.Index
	entries []*gogitindex.Entry // our new entries, in the order of the updates
}

func decodeIndex(indexPath string, data []byte) (*gogitindex.Index, error) {
	idx := &gogitindex.Index{}
	if err := gogitindex.NewDecoder(bytes.NewReader(data)).Decode(idx); err != nil {
		if err == gogitindex.ErrUnknownExtension {
			return nil, usererr.New(usererr.ErrUnsupportedRepository, err,
				"the git index %s uses an extension incidentctl cannot update (split index or sparse index); "+
					"run `git update-index --no-split-index` or `git sparse-checkout disable` and try again", indexPath)
		}
		return nil, usererr.New(nil, err,
			"cannot read the git index %s: %v; run `git status` to check it", indexPath, err)
	}
	return idx, nil
}

func prepareFallback(indexPath string, data []byte, updates []Update) (*fallbackPlan, error) {
	idx, err := decodeIndex(indexPath, data)
	if err != nil {
		return nil, err
	}
	replaced := make(map[string]bool, len(updates))
	for _, u := range updates {
		replaced[u.Path] = true
	}
	sorted := make([]Update, len(updates))
	copy(sorted, updates)
	ancestors := make(map[string]bool)
	for _, d := range ancestorDirs(sorted) {
		ancestors[d] = true
	}

	kept := idx.Entries[:0]
	for _, e := range idx.Entries {
		if replaced[e.Name] {
			continue
		}
		// go-git's encoder sorts entries by name with an unstable sort, which
		// could reorder the stages of an unmerged path.
		if e.Stage != 0 {
			return nil, usererr.New(nil, nil,
				"the index has unresolved merge conflicts (%s); resolve them and commit (see `git status`) before recording changes", e.Name)
		}
		if ancestors[e.Name] {
			return nil, dfConflict(e.Name, "is a file in the index, but a directory is needed for", sorted)
		}
		for _, u := range updates {
			if strings.HasPrefix(e.Name, u.Path+"/") {
				return nil, usererr.New(nil, nil,
					"cannot record %s: the index has files inside a directory of that name (%s); move them away first", u.Path, e.Name)
			}
		}
		kept = append(kept, e)
	}
	fb := &fallbackPlan{idx: idx}
	for _, u := range updates {
		e := &gogitindex.Entry{Name: u.Path, Hash: u.Hash, Mode: filemode.Regular}
		fb.entries = append(fb.entries, e)
		kept = append(kept, e)
	}
	idx.Entries = kept
	// Everything the encoder does not write must not survive: the cache tree
	// would be stale, and go-git drops the rest anyway.
	idx.Cache, idx.ResolveUndo, idx.EndOfIndexEntry = nil, nil, nil
	return fb, nil
}

func (f *fallbackPlan) SetStat(i int, st Stat) {
	e := f.entries[i]
	e.CreatedAt = time.Unix(int64(st.CtimeSec), int64(st.CtimeNsec))
	e.ModifiedAt = time.Unix(int64(st.MtimeSec), int64(st.MtimeNsec))
	e.Dev, e.Inode, e.UID, e.GID, e.Size = st.Dev, st.Ino, st.UID, st.GID, st.Size
	e.Mode = filemode.FileMode(st.Mode)
}

func (f *fallbackPlan) encode() ([]byte, error) {
	var buf bytes.Buffer
	if err := gogitindex.NewEncoder(&buf).Encode(f.idx); err != nil {
		return nil, fmt.Errorf("cannot encode the new git index: %w", err)
	}
	return buf.Bytes(), nil
}

func fallbackFind(indexPath string, data []byte, path string) ([]EntryInfo, error) {
	idx, err := decodeIndex(indexPath, data)
	if err != nil {
		return nil, err
	}
	var found []EntryInfo
	for _, e := range idx.Entries {
		if e.Name == path {
			found = append(found, EntryInfo{Hash: e.Hash, Stage: int(e.Stage), IntentToAdd: e.IntentToAdd})
		}
	}
	return found, nil
}
