package odb

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// FindPrefix returns the objects whose names start with the hex digits prefix (4 to 40 of
// them, in either case), sorted, at most max of them: an abbreviated name resolves when
// exactly one is found. complete is false when objects may be stored where this reader does
// not look (alternates, a pack it cannot read), and then the answer may be short.
func (s *Store) FindPrefix(prefix string, max int) (found []plumbing.Hash, complete bool) {
	prefix = strings.ToLower(prefix)
	if len(prefix) < 4 || len(prefix) > 40 || strings.Trim(prefix, "0123456789abcdef") != "" {
		return nil, true
	}
	lo, _ := hex.DecodeString(padHex(prefix, '0'))
	hi, _ := hex.DecodeString(padHex(prefix, 'f'))
	var loH, hiH plumbing.Hash
	copy(loH[:], lo)
	copy(hiH[:], hi)
	objects := filepath.Join(s.commonDir, "objects")
	out := map[plumbing.Hash]bool{}
	s.packs.mu.Lock()
	s.packs.scan(objects)
	for _, p := range s.packs.packs {
		p.prefix(loH, hiH, max+1, out)
	}
	s.packs.mu.Unlock()
	if des, err := os.ReadDir(filepath.Join(objects, prefix[:2])); err == nil {
		for _, de := range des {
			name := prefix[:2] + de.Name()
			if len(name) == 40 && strings.HasPrefix(name, prefix) && plumbing.IsHash(name) {
				out[plumbing.NewHash(name)] = true
			}
		}
	}
	for h := range out {
		found = append(found, h)
	}
	sort.Slice(found, func(i, j int) bool { return bytes.Compare(found[i][:], found[j][:]) < 0 })
	if len(found) > max {
		found = found[:max]
	}
	return found, s.packs.authoritative(objects)
}

// padHex extends hex digits to 40 with c.
func padHex(prefix string, c byte) string {
	b := []byte(prefix)
	for len(b) < 40 {
		b = append(b, c)
	}
	return string(b)
}
