package workspace

import (
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/quickread"
)

// docReader is one worker's reader of documents it is done with before it reads the next (a
// streamed listing encodes each and drops it): files through a quick reader (pkg/quickread,
// its folder kept open, its buffer reused) and parsed by an incident.Reader (the last
// document's memory reused). What it returns is valid until its next read; strings taken from
// a document stay valid (incident.Reader never reuses them).
type docReader struct {
	qr *quickread.Reader
	pr incident.Reader
}

func newDocReader() *docReader { return &docReader{qr: quickread.New(incident.MaxSize)} }

func (r *docReader) close() { r.qr.Close() }

// read returns the bytes of the document at rel (readDoc), valid until the next read.
func (r *docReader) read(w *Workspace, rel string) ([]byte, statKey, error) {
	docReads.Add(1)
	return w.readDoc(r.qr, rel)
}

// entry is loadEntry through r: the document read and parsed in full, valid until r reads
// again.
func (r *docReader) entry(w *Workspace, rel string) (*incident.Document, error) {
	src, _, err := r.read(w, rel)
	if err != nil {
		return nil, err
	}
	return r.pr.Parse(rel, src)
}
