package index

import (
	"bytes"
	"os"
	"time"

	gogitindex "github.com/go-git/go-git/v5/plumbing/format/index"
)

// Decoded returns the stage-0 entries (intent-to-add ones excepted) of the index file at path,
// decoded by go-git, and when it was written; nil when it cannot be read (without a readable
// index every file is hashed, which is slower but still right).
func Decoded(path string) (map[string]*gogitindex.Entry, time.Time) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, time.Time{}
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, time.Time{}
	}
	var idx gogitindex.Index
	if err := gogitindex.NewDecoder(bytes.NewReader(data)).Decode(&idx); err != nil {
		return nil, time.Time{}
	}
	out := make(map[string]*gogitindex.Entry, len(idx.Entries))
	for _, e := range idx.Entries {
		if e.Stage == 0 && !e.IntentToAdd {
			out[e.Name] = e
		}
	}
	return out, fi.ModTime()
}
