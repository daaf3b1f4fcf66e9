package index

import (
	"bytes"
	"fmt"
	"time"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	gogitindex "github.com/go-git/go-git/v5/plumbing/format/index"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/usererr"
)

// fallbackPlan updates an index PlanEdits does not splice itself (version 4, whose
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
