package workspace

import (
	"encoding/binary"
	"hash/crc32"
	"os"
	"path"
	"path/filepath"
	"slices"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/postmortem"
	"github.com/incidentctl/incidentctl/pkg/settle"
)

// The open follow-ups set: the board lists the overdue follow-ups, which are open ones, and
// nearly every postmortem of a large repository has none left open. Even with the follow-ups
// cache (followupcache.go) the board stat'ed every postmortem (tens of thousands at 100,000
// incidents) on every run. The open follow-ups cache, <git dir>/incidentctl/open-followups,
// lets the board look at the postmortems with open follow-ups only, for as long as nothing else
// can have changed, on the open cache's terms (openset.go):
//
//   - git's index, by its checksum: while it is the same, git has changed no file. When it
//     differs, the board walks every postmortem as followup list does (through the follow-ups
//     cache: each is stat'ed, and parsed only if it changed) and builds the set again.
//   - the folders under the postmortems folder, by their stat data: a postmortem created,
//     removed or renamed by any means changes its folder.
//   - the postmortems that have follow-ups not done, that do not parse, that are untracked, in
//     conflict, or that differed from their index entry when they were last read (edited by
//     hand and not committed) are "watched": their stat data are compared on every run, and a
//     changed one is parsed again, so that a follow-up marked done or added by hand in one of
//     them is seen at once. The set holds their follow-ups (as the follow-ups cache records
//     them); the other postmortems are not looked at.
//
// What it does not see at once: a postmortem with no open follow-up, unchanged from git's index
// when last read, edited by hand (or by git apply) in place so that it has an open follow-up
// again, while no git command has rewritten the index since. The board shows it at the next
// index change (git add, git commit, pull, any incidentctl write); `incidentctl followup list`
// looks at every postmortem and shows it at once. A split or sparse index, or none, a
// postmortems folder that is missing or a symbolic link, turn the set off: the board then walks
// every postmortem as followup list does.
//
// The file is the open cache's without the documents section (watchHead): the header lines,
// the index, the folders and the watched postmortems in path order, each with its class
// (classOpen: it has a follow-up not done; classResolved: none; classBad: it does not parse,
// and is parsed on every run so that each run reports it) and its record
// (appendFollowupRecord); then the CRC-32 (IEEE, 4 bytes, big-endian) of all that precedes it.
// A file that is cut, damaged or from another build is not used: the set is built again.

const openFollowupsMagic = "incidentctl open-followups 1\n"

const openFollowupsFile = "open-followups"

func (w *Workspace) openFollowupsHeader() string {
	return openFollowupsMagic + settle.BuildKey() + "\n" + w.postmortemsDir() + "\n"
}

// eachOpenFollowup is eachFollowup for a caller that wants the follow-ups not done only (the
// board's overdue ones): it hands on every follow-up of the watched postmortems (done ones
// too: the caller filters) and leaves out the postmortems with none open, with the caveat
// above. The order is eachFollowup's.
func (w *Workspace) eachOpenFollowup(fn func(Followup) error) (errs []error, err error) {
	if s, watched, ok := w.readOpenFollowups(); ok {
		if errs, err, ok := w.openFollowupsFast(s, watched, fn); ok {
			return errs, err
		}
	}
	return w.openFollowupsRebuild(fn)
}

// readOpenFollowups reads the open follow-ups cache; ok is false when there is none that can
// be used (missing, from another build, damaged).
func (w *Workspace) readOpenFollowups() (watchStamp, []watchedDoc, bool) {
	b, err := os.ReadFile(filepath.Join(w.cacheDir(), openFollowupsFile))
	if err != nil {
		return watchStamp{}, nil, false
	}
	return decodeOpenFollowups(b, w.openFollowupsHeader())
}

// decodeOpenFollowups decodes the file as encodeOpenFollowups wrote it.
func decodeOpenFollowups(b []byte, header string) (watchStamp, []watchedDoc, bool) {
	if len(b) < 4 || crc32.ChecksumIEEE(b[:len(b)-4]) != binary.BigEndian.Uint32(b[len(b)-4:]) {
		return watchStamp{}, nil, false
	}
	b = b[:len(b)-4]
	s, watched, used := decodeWatchHead(b, header)
	if used != len(b) || !slices.IsSortedFunc(watched, func(a, b watchedDoc) int {
		return comparePaths(path.Join(a.rel, a.name), path.Join(b.rel, b.name))
	}) {
		return watchStamp{}, nil, false // cut, damaged, or garbage after it
	}
	return s, watched, true
}

// comparePaths orders repository paths as walkPostmortems visits them: byte-wise, but equal
// paths are no order (-1 would let a doubled entry pass as sorted).
func comparePaths(a, b string) int {
	if a == b {
		return 1
	}
	if a < b {
		return -1
	}
	return 1
}

// openFollowupsFast answers from the cache when the index and every folder are as it recorded
// them: only the watched postmortems are stat'ed (and parsed again if they changed). ok is false
// when it cannot answer; then it has handed nothing to fn.
func (w *Workspace) openFollowupsFast(s watchStamp, watched []watchedDoc, fn func(Followup) error) (errs []error, err error, ok bool) {
	if !w.stampHolds(&s) {
		return nil, nil, false
	}
	changed := false
	for i := range watched {
		d := &watched[i]
		p := path.Join(d.rel, d.name)
		key, again, ok := w.watchedAgain(p, &d.openDoc)
		if !ok {
			return nil, nil, false // gone, or not a file: its folder says more
		}
		if again {
			if !changed {
				w.beginScan() // the stamp for the readings kept
			}
			w.readOpenFollowupsDoc(p, &d.openDoc, key)
			changed = true
		}
	}
	files := make([]followupsFile, len(watched))
	var rd followupReader
	var bad []pmError
	for i := range watched {
		d := &watched[i]
		if d.class == classBad {
			bad = append(bad, pmError{path.Join(d.rel, d.name), d.err})
			continue
		}
		f, ok := rd.read([]byte(d.data))
		if !ok || followupsClass(f.followups) != d.class {
			return nil, nil, false // damaged
		}
		files[i] = f
	}
	if changed {
		w.writeOpenFollowups(&s, watched)
	}
	wall := w.Now()
	for i := range watched {
		if watched[i].class == classBad {
			continue
		}
		if err := emitFollowups(fn, files[i], path.Join(watched[i].rel, watched[i].name), wall); err != nil {
			return nil, err, true
		}
	}
	slices.SortStableFunc(bad, func(a, b pmError) int { return compareFolders(a.path, b.path) })
	for _, e := range bad {
		errs = append(errs, e.err)
	}
	return errs, nil, true
}

// readOpenFollowupsDoc parses a watched postmortem again (p its path, key the stat data it is
// read at, kept only if settled).
func (w *Workspace) readOpenFollowupsDoc(p string, d *openDoc, key statKey) {
	d.key, d.data, d.err = statKey{}, "", nil
	if key.settled(w.settleLimit()) {
		d.key = key
	}
	postmortemReads.Add(1)
	doc, err := w.loadPostmortem(p)
	if err != nil {
		d.class, d.err = classBad, err
		return
	}
	f := followupsFile{incident: doc.Meta.Incident, followups: doc.Meta.Followups}
	d.class, d.data = followupsClass(f.followups), string(appendFollowupRecord(nil, &f))
}

// followupsClass is classOpen for follow-ups of which one is not done, classResolved if none.
func followupsClass(fus []postmortem.Followup) byte {
	if slices.ContainsFunc(fus, func(f postmortem.Followup) bool { return !f.Done }) {
		return classOpen
	}
	return classResolved
}

// openFollowupsRebuild walks every postmortem as eachFollowup does (handing on every follow-up)
// and builds the cache from what it sees and from git's index; when the set cannot be used
// (no index, or one it cannot walk; no postmortems folder, or a link to one) it only walks,
// and removes the cache.
func (w *Workspace) openFollowupsRebuild(fn func(Followup) error) ([]error, error) {
	root := w.postmortemsDir()
	prefix := root + "/"
	if root == "." {
		prefix = ""
	}
	var id gitrepo.IndexID
	var files []gitrepo.IndexFile
	fi, err := os.Lstat(w.abs(root))
	if err == nil && fi.IsDir() {
		id, files, err = w.Repo.IndexFiles(prefix)
	}
	if err != nil || fi == nil || !fi.IsDir() || id.Missing() {
		os.Remove(filepath.Join(w.cacheDir(), openFollowupsFile)) // if it stays, its index never comes back
		return w.eachFollowup(fn)
	}
	var s watchStamp
	var watched []watchedDoc
	seen := &followupsSeen{
		folder: func(rel string, key statKey) {
			key.size = 0
			if !key.settled(w.settleLimit()) {
				key = statKey{} // looked at again next time
			}
			s.folders = append(s.folders, openFolder{rel: rel, key: key})
		},
		postmortem: func(rel string, key statKey, f *followupsFile, rec []byte, err error) {
			for len(files) > 0 && files[0].Path < rel {
				files = files[1:]
			}
			holds := len(files) > 0 && files[0].Path == rel && files[0].HoldsStat(key.size, key.mtime, key.ctime, key.ino)
			d := openDoc{class: classBad, err: err, watched: true}
			if f != nil {
				d.class, d.data = followupsClass(f.followups), string(rec)
			}
			if d.class == classResolved && holds {
				return // not watched
			}
			if key.settled(w.settleLimit()) {
				d.key = key
			}
			dir, name := path.Split(rel)
			d.name = name
			watched = append(watched, watchedDoc{rel: path.Clean(dir), openDoc: d})
		},
	}
	errs, err := w.eachFollowupSeen(fn, seen)
	if err != nil {
		return nil, err
	}
	s.index = stampIndex(id, w.settleLimit())
	w.writeOpenFollowups(&s, watched)
	return errs, nil
}

func (w *Workspace) writeOpenFollowups(s *watchStamp, watched []watchedDoc) {
	w.writeCache(openFollowupsFile, encodeOpenFollowups(w.openFollowupsHeader(), s, watched))
}

func encodeOpenFollowups(header string, s *watchStamp, watched []watchedDoc) []byte {
	var e recordWriter
	e.watchHead(header, s, watched)
	b := e.b.Bytes()
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}
