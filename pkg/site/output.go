package site

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// The output folder holds a manifest of the previous build: what each document was (stat data
// and content hash) and its summary, and what each file written was (hash, size, modification
// time). It marks the folder as a site incidentctl may write into, lets a rebuild skip the
// documents that did not change, and lets it leave alone every file whose bytes are the same.

// ManifestName is the manifest's file name in the output folder.
const ManifestName = ".incidentctl-site"

// manifestVersion changes whenever the pages or the manifest change shape: a manifest of
// another version only marks the folder as a site; everything is rendered again.
const manifestVersion = "incidentctl-site 2"

type manifest struct {
	Version     string
	Key         string    // the settings every page depends on (title, base URL, severities, language)
	BuiltAt     time.Time // when the build that wrote it started
	Sources     map[string]*sourceState
	Postmortems map[string]*pmState
	Outputs     map[string]outputState
}

// fileState is a file the site is built from, as the last build saw it.
type fileState struct {
	Size, MTime, CTime int64
	Ino                uint64
	Hash               [32]byte
	parsed             bool // read and parsed in this build (not kept in the manifest)
}

// sourceState is an incident document as the last build saw it.
type sourceState struct {
	Stat fileState // a named field: gob leaves out embedded unexported types
	Sum  *summary
	Page string   // the page written for it ("" for a drill)
	Deps [32]byte // what its page showed of its postmortem (pmDeps)
}

// outputState is a file as the last build wrote it.
type outputState struct {
	Hash  [32]byte
	Size  int64
	MTime int64
}

func readManifest(out string) (*manifest, bool, error) {
	b, err := os.ReadFile(filepath.Join(out, ManifestName))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	var m manifest
	if !bytes.HasPrefix(b, []byte(manifestVersion+"\n")) {
		// A site from another version: a site all the same, rebuilt in full.
		return nil, bytes.HasPrefix(b, []byte("incidentctl-site ")), nil
	}
	if err := gob.NewDecoder(bytes.NewReader(b[len(manifestVersion)+1:])).Decode(&m); err != nil {
		return nil, true, nil // damaged: rebuild in full
	}
	return &m, true, nil
}

func writeManifest(out string, m *manifest) error {
	var b bytes.Buffer
	b.WriteString(manifestVersion + "\n")
	if err := gob.NewEncoder(&b).Encode(m); err != nil {
		return err
	}
	_, err := writeAtomic(filepath.Join(out, ManifestName), b.Bytes())
	return err
}

// writeAtomic writes a file through a temporary file renamed over it: a reader (the web
// server, a browser) sees the old bytes or the new ones, never a part. It returns the new
// file's stat data (renaming does not change it).
func writeAtomic(file string, data []byte) (fs.FileInfo, error) {
	dir := filepath.Dir(file)
	tmp := filepath.Join(dir, ".tmp-"+filepath.Base(file)+"-"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(tmpSeq.Add(1), 36))
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			f, err = os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		}
	}
	if err != nil {
		return nil, err
	}
	_, err = f.Write(data)
	var fi fs.FileInfo
	if err == nil {
		fi, err = f.Stat()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, file)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return fi, nil
}

var tmpSeq atomic.Uint64

// output is one file of the site as this build renders it.
type output struct {
	rel  string
	data []byte
}

// emitter writes the files whose bytes differ from the previous build's (or that were changed
// on disk since), and records what is on disk now. Safe for concurrent use.
type emitter struct {
	out  string
	prev map[string]outputState
	mu   sync.Mutex
	next map[string]outputState
	res  *Result
	err  error
}

func (e *emitter) emit(rel string, data []byte) {
	h := sha256.Sum256(data)
	file := filepath.Join(e.out, filepath.FromSlash(rel))
	if p, ok := e.prev[rel]; ok && p.Hash == h && onDisk(file, p) {
		e.mu.Lock()
		e.next[rel] = p
		e.res.Unchanged++
		e.mu.Unlock()
		return
	}
	fi, err := writeAtomic(file, data)
	e.mu.Lock()
	defer e.mu.Unlock()
	if err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("writing %s: %v", file, err)
		}
		return
	}
	e.next[rel] = outputState{Hash: h, Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
	e.res.Written = append(e.res.Written, rel)
}

// keep records a file of the previous build that stays as it is.
func (e *emitter) keep(rel string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.next[rel] = e.prev[rel]
	e.res.Unchanged++
}

// removeStale removes what the previous build wrote and this one did not.
func (e *emitter) removeStale() error {
	for rel := range e.prev {
		if _, ok := e.next[rel]; ok {
			continue
		}
		file := filepath.Join(e.out, filepath.FromSlash(rel))
		if err := os.Remove(file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("removing %s: %v", file, err)
		}
		e.res.Removed = append(e.res.Removed, rel)
		// An emptied folder (history/2019) goes too.
		if dir := filepath.Dir(file); dir != filepath.Clean(e.out) {
			os.Remove(dir) // fails, harmlessly, while it has other files
		}
	}
	return nil
}

// onDisk reports whether a file is still what the previous build wrote.
func onDisk(file string, st outputState) bool {
	fi, err := os.Stat(file)
	return err == nil && fi.Mode().IsRegular() && fi.Size() == st.Size && fi.ModTime().UnixNano() == st.MTime
}

// checkOut refuses output folders that would mix the site with the record or with other
// files: inside a protected folder, the repository's root, or an existing folder with other
// content that no build wrote (unless forced).
func checkOut(opts Options) (isSite bool, m *manifest, err error) {
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return false, nil, err
	}
	for _, p := range opts.Protected {
		if p == "" {
			continue
		}
		if pa, err := filepath.Abs(p); err == nil && within(out, pa) {
			return false, nil, fmt.Errorf("--out %s is inside %s: the site must not be written among the documents it is built from; choose a folder outside it (the default is _site at the repository's root)", opts.Out, pa)
		}
	}
	if opts.Root != "" {
		if ra, err := filepath.Abs(opts.Root); err == nil && (out == ra || within(ra, out)) {
			return false, nil, fmt.Errorf("--out %s is the repository itself or a folder above it: choose a folder of its own, such as _site", opts.Out)
		}
	}
	fi, err := os.Stat(out)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false, nil, nil
	case err != nil:
		return false, nil, err
	case !fi.IsDir():
		return false, nil, fmt.Errorf("--out %s is a file, not a folder: choose another --out", opts.Out)
	}
	m, isSite, err = readManifest(out)
	if err != nil {
		return false, nil, fmt.Errorf("reading %s: %v", filepath.Join(opts.Out, ManifestName), err)
	}
	if isSite || opts.Force {
		return isSite, m, nil
	}
	des, err := os.ReadDir(out)
	if err != nil {
		return false, nil, err
	}
	if len(des) > 0 {
		return false, nil, fmt.Errorf("--out %s exists and is not a site incidentctl built (no %s in it): choose an empty or new folder, or add --force to write the site into it (its other files stay)", opts.Out, ManifestName)
	}
	return false, nil, nil
}

// within reports whether path p is dir or inside it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && (rel == "." || rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)))
}

// parallel runs fn(0..n-1) on every core.
func parallel(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				fn(i)
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
