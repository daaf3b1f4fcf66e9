package workspace

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
)

// The board lists overdue follow-ups, so every `incidentctl status` looks at every postmortem.
// Parsing thousands of them costs more than the rest of the board, so their follow-ups are
// cached in <git dir>/incidentctl/followups the way list caches front matter (cache.go): per
// postmortem, valid while the file's size, times and inode are unchanged and it was not
// modified within the racy window. A postmortem that does not parse is never cached.

const followupsCacheMagic = "incidentctl followups 1"

type followupsCache struct {
	Magic  string                        `json:"magic"`
	Folder string                        `json:"folder"`
	Files  map[string]followupsCacheFile `json:"files"`
}

type followupsCacheFile struct {
	Key       [4]int64              `json:"key"` // size, mtime, ctime, inode
	Incident  string                `json:"incident"`
	Followups []postmortem.Followup `json:"followups"`
}

func cacheKey(k statKey) [4]int64 { return [4]int64{k.size, k.mtime, k.ctime, int64(k.ino)} }

// allFollowups returns the follow-ups of every postmortem under the postmortems folder, by
// postmortem path and then in the order each lists them. Postmortems that cannot be read are
// reported in errs and left out.
func (w *Workspace) allFollowups() (out []Followup, errs []error, err error) {
	cache := w.readFollowupsCache()
	now := time.Now()
	files := map[string]followupsCacheFile{}
	changed := false
	root := w.abs(w.postmortemsDir())
	err = filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return nil // no postmortem yet
			}
			return err
		}
		if de.IsDir() || !strings.HasSuffix(de.Name(), ".md") || incident.IDFromFileName(de.Name()) == "" {
			return nil // a README, notes
		}
		fi, err := statFile(p)
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		rel, _ := filepath.Rel(w.Root(), p)
		rel = filepath.ToSlash(rel)
		key := keyOf(fi)
		if c, ok := cache.Files[rel]; ok && c.Key == cacheKey(key) && key.settled(now) {
			files[rel] = c
			return nil
		}
		doc, perr := w.loadPostmortem(rel)
		if perr != nil {
			errs = append(errs, perr)
			return nil
		}
		c := followupsCacheFile{Key: cacheKey(key), Incident: doc.Meta.Incident, Followups: doc.Meta.Followups}
		files[rel] = c
		if key.settled(now) {
			changed = true
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	if changed || len(cache.Files) != len(files) {
		w.writeFollowupsCache(files, now)
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	wall := w.Now()
	for _, p := range paths {
		f := files[p]
		for _, fu := range f.Followups {
			out = append(out, Followup{Followup: fu, Incident: f.Incident, Path: p, Overdue: fu.Overdue(wall)})
		}
	}
	return out, errs, nil
}

func (w *Workspace) readFollowupsCache() followupsCache {
	var c followupsCache
	b, err := os.ReadFile(filepath.Join(w.cacheDir(), "followups"))
	if err != nil || json.Unmarshal(b, &c) != nil || c.Magic != followupsCacheMagic || c.Folder != w.postmortemsDir() {
		return followupsCache{}
	}
	return c
}

// writeFollowupsCache stores the readings that can be trusted later.
func (w *Workspace) writeFollowupsCache(files map[string]followupsCacheFile, now time.Time) {
	c := followupsCache{Magic: followupsCacheMagic, Folder: w.postmortemsDir(), Files: map[string]followupsCacheFile{}}
	for p, f := range files {
		k := statKey{size: f.Key[0], mtime: f.Key[1], ctime: f.Key[2], ino: uint64(f.Key[3])}
		if k.settled(now) {
			c.Files[p] = f
		}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return
	}
	w.writeCache("followups", b)
}
