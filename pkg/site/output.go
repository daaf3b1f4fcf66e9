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
	"sort"
	"strings"
	"sync"
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
const manifestVersion = "incidentctl-site 1"

type manifest struct {
	Version string
	Key     string    // the settings every page depends on (title, base URL, severities, language)
	BuiltAt time.Time // when the build that wrote it started
	Sources map[string]*sourceState
	Outputs map[string]outputState
}

// sourceState is a document as the last build saw it.
type sourceState struct {
	Size, MTime, CTime int64
	Ino                uint64
	Hash               [32]byte
	Sum                *summary
	Page               string // the page written for it ("" for a drill)
	parsed             bool   // read and parsed in this build (not kept in the manifest)
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
// server, a browser) sees the old bytes or the new ones, never a part.
func writeAtomic(file string, data []byte) (fs.FileInfo, error) {
	dir := filepath.Dir(file)
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(file)+"-*")
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(dir, 0o755); err == nil {
			f, err = os.CreateTemp(dir, ".tmp-"+filepath.Base(file)+"-*")
		}
	}
	if err != nil {
		return nil, err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
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
	return os.Stat(file)
}

// output is one file of the site as this build renders it.
type output struct {
	rel  string
	data []byte
}

// writeOutputs writes the files whose bytes differ from the previous build's (or that were
// changed on disk since), removes what the previous build wrote and this one does not, and
// returns the new output records.
func writeOutputs(out string, outs []output, kept map[string]outputState, prev map[string]outputState, res *Result) (map[string]outputState, error) {
	next := make(map[string]outputState, len(outs)+len(kept))
	for rel, st := range kept {
		next[rel] = st
	}
	type job struct {
		o    *output
		hash [32]byte
	}
	var jobs []job
	var mu sync.Mutex
	for i := range outs {
		o := &outs[i]
		h := sha256.Sum256(o.data)
		if p, ok := prev[o.rel]; ok && p.Hash == h && onDisk(filepath.Join(out, filepath.FromSlash(o.rel)), p) {
			next[o.rel] = p
			res.Unchanged++
			continue
		}
		jobs = append(jobs, job{o, h})
	}
	var firstErr error
	parallel(len(jobs), func(i int) {
		j := jobs[i]
		fi, err := writeAtomic(filepath.Join(out, filepath.FromSlash(j.o.rel)), j.o.data)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("writing %s: %v", filepath.Join(out, j.o.rel), err)
			}
			return
		}
		next[j.o.rel] = outputState{Hash: j.hash, Size: fi.Size(), MTime: fi.ModTime().UnixNano()}
		res.Written = append(res.Written, j.o.rel)
	})
	if firstErr != nil {
		return nil, firstErr
	}
	res.Unchanged += len(kept)
	for rel := range prev {
		if _, ok := next[rel]; ok {
			continue
		}
		err := os.Remove(filepath.Join(out, filepath.FromSlash(rel)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("removing %s: %v", filepath.Join(out, rel), err)
		}
		res.Removed = append(res.Removed, rel)
		// An emptied folder (history/2019) goes too.
		if dir := filepath.Dir(filepath.Join(out, filepath.FromSlash(rel))); dir != filepath.Clean(out) {
			os.Remove(dir) // fails, harmlessly, while it has other files
		}
	}
	sort.Strings(res.Written)
	sort.Strings(res.Removed)
	return next, nil
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
