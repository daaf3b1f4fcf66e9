package odb

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/internal/gittest"
)

func TestMain(m *testing.M) { gittest.Main(m, nil) }

// openStore opens the object database of the repository at dir.
func openStore(t *testing.T, dir string) *Store {
	t.Helper()
	g, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	return New(filepath.Join(dir, ".git"), g.Storer, 0)
}

// ReadFast must return exactly what git stores, for loose objects and for packed ones
// with offset and reference deltas, and must never claim an object it cannot read.
func TestReadObjectFastMatchesGit(t *testing.T) {
	dir := gittest.NewRepo(t, map[string]string{"a.md": "first\n"})
	var body strings.Builder
	for i := range 30 {
		fmt.Fprintf(&body, "line %d of a growing log, long enough to make deltas worth it\n", i)
		gittest.WriteFile(t, dir, "incidents/2026/11/doc.md", body.String())
		gittest.WriteFile(t, dir, fmt.Sprintf("other/f%02d.txt", i%7), body.String()[:len(body.String())/2])
		gittest.Out(t, dir, "add", "-A")
		gittest.Out(t, dir, "commit", "-q", "-m", fmt.Sprintf("change %d", i))
	}
	allObjects := func() []plumbing.Hash {
		var out []plumbing.Hash
		for _, l := range strings.Split(strings.TrimSpace(gittest.Out(t, dir, "rev-list", "--objects", "--all")), "\n") {
			out = append(out, plumbing.NewHash(strings.Fields(l)[0]))
		}
		return out
	}
	check := func(stage string, wantFast bool) {
		ResetCache() // read every object from the files, not from the cache
		r := openStore(t, dir)
		objs := allObjects()
		var in strings.Builder
		for _, h := range objs {
			in.WriteString(h.String() + "\n")
		}
		// <hash> <type> <size>\n<content>\n per object.
		batch := []byte(gittest.OutStdin(t, dir, []byte(in.String()), "cat-file", "--batch"))
		for _, h := range objs {
			line, rest, _ := bytes.Cut(batch, []byte("\n"))
			f := strings.Fields(string(line))
			size, _ := strconv.Atoi(f[2])
			kind, want := f[1], rest[:size]
			batch = rest[size+1:]
			ResetCache()
			typ, data, err := r.ReadFast(h)
			if err != nil {
				if wantFast {
					t.Fatalf("%s: %s %s: %v", stage, kind, h, err)
				}
				continue
			}
			if typ.String() != kind || !bytes.Equal(data, want) {
				t.Fatalf("%s: %s %s read as a %s that differs", stage, kind, h, typ)
			}
			typ2, data2, err := r.Read(h)
			if err != nil || typ2 != typ || !bytes.Equal(data2, data) {
				t.Fatalf("%s: Read(%s) differs from the fast path: %v", stage, h, err)
			}
		}
		if _, _, err := r.ReadFast(plumbing.NewHash(strings.Repeat("ab", 20))); err == nil {
			t.Errorf("%s: a missing object was found", stage)
		}
	}
	check("loose", true)
	gittest.Out(t, dir, "gc", "-q", "--aggressive", "--prune=now")
	check("packed with offset deltas", true)
	gittest.Out(t, dir, "-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50")
	check("packed with reference deltas", true)
	// Half in a pack, half loose: new commits on top of the pack.
	gittest.WriteFile(t, dir, "incidents/2026/11/doc.md", body.String()+"one more\n")
	gittest.Out(t, dir, "commit", "-q", "-am", "loose on top")
	check("mixed", true)
}
