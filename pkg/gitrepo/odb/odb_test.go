package odb

import (
	"bytes"
	"errors"
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
		// Again with the caches warm, in another order: every object rebuilt from bases the
		// delta-base cache kept must come out the same.
		for i := len(objs) - 1; i >= 0; i-- {
			h := objs[i]
			typ, data, err := r.ReadFast(h)
			if err != nil {
				if wantFast {
					t.Fatalf("%s, warm: %s: %v", stage, h, err)
				}
				continue
			}
			if objectName(typ, data) != h {
				t.Fatalf("%s, warm: %s read as a %s that differs", stage, h, typ)
			}
			data[0] ^= 0xff // callers may change what they get: the caches must not see it
		}
		missing := plumbing.NewHash(strings.Repeat("ab", 20))
		if _, _, err := r.ReadFast(missing); !errors.Is(err, plumbing.ErrObjectNotFound) {
			t.Errorf("%s: a missing object: %v, want ErrObjectNotFound", stage, err)
		}
		if _, _, err := r.Read(missing); !errors.Is(err, plumbing.ErrObjectNotFound) {
			t.Errorf("%s: Read of a missing object: %v, want ErrObjectNotFound", stage, err)
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

// A pack that appears after the first read (a fetch, a repack) is found: a miss looks again,
// as git's reprepare_packed_git does. Objects of a pack deleted meanwhile stay readable from
// the mapping, and go-git's readers get the same objects through FastStorer.
func TestNewPacksAreFound(t *testing.T) {
	dir := gittest.NewRepo(t, map[string]string{"a.md": "first\n"})
	gittest.Out(t, dir, "gc", "-q")
	r := openStore(t, dir)
	first := plumbing.NewHash(strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "HEAD")))
	if _, _, err := r.ReadFast(first); err != nil {
		t.Fatal(err)
	}
	gittest.WriteFile(t, dir, "b.md", "second\n")
	gittest.Out(t, dir, "add", "b.md")
	gittest.Out(t, dir, "commit", "-q", "-m", "second")
	gittest.Out(t, dir, "repack", "-q", "-a", "-d") // one new pack; the old one is deleted
	second := plumbing.NewHash(strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "HEAD")))
	blob := plumbing.NewHash(strings.TrimSpace(gittest.Out(t, dir, "rev-parse", "HEAD:b.md")))
	ResetCache()
	for _, h := range []plumbing.Hash{first, second, blob} {
		if _, _, err := r.ReadFast(h); err != nil {
			t.Fatalf("%s: %v", h, err)
		}
	}
	fs := r.Storer()
	o, err := fs.EncodedObject(plumbing.BlobObject, blob)
	if err != nil || o.Hash() != blob || o.Type() != plumbing.BlobObject || o.Size() != int64(len("second\n")) {
		t.Fatalf("FastStorer: %v %v", o, err)
	}
	if _, err := fs.EncodedObject(plumbing.CommitObject, blob); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("a blob asked for as a commit: %v, want ErrObjectNotFound", err)
	}
	if err := fs.HasEncodedObject(plumbing.NewHash(strings.Repeat("cd", 20))); !errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("HasEncodedObject of a missing object: %v", err)
	}
	// With an alternate object store configured, a miss is not the last word: go-git looks.
	gittest.WriteFile(t, dir, ".git/objects/info/alternates", t.TempDir()+"\n")
	if _, _, err := r.ReadFast(plumbing.NewHash(strings.Repeat("cd", 20))); errors.Is(err, plumbing.ErrObjectNotFound) {
		t.Errorf("with alternates, a miss of the fast path is final")
	}
}

// A pack received by a fetch is stored as git index-pack stores it: the same .idx, byte for
// byte, for packs with offset deltas and with reference deltas; git fsck accepts the result.
// Indexing leaves nothing in the caches (the objects of a fetch's chains are not read again),
// and a thin pack (deltas against objects outside it) is refused.
func TestPackWriterMatchesIndexPack(t *testing.T) {
	src := gittest.NewRepo(t, map[string]string{"a.md": "first\n"})
	var body strings.Builder
	for i := range 40 {
		fmt.Fprintf(&body, "line %d of a growing log, long enough to make deltas worth it\n", i)
		gittest.WriteFile(t, src, fmt.Sprintf("incidents/2026/%02d/doc.md", 1+i%3), body.String())
		gittest.Out(t, src, "add", "-A")
		gittest.Out(t, src, "commit", "-q", "-m", fmt.Sprintf("change %d", i))
	}
	revs := gittest.Out(t, src, "rev-list", "--objects", "--all")
	for _, ofs := range []bool{true, false} {
		args := []string{"pack-objects", "--stdout", "-q", "--window=50", "--depth=50"}
		if ofs {
			args = append(args, "--delta-base-offset")
		}
		pack := []byte(gittest.OutStdin(t, src, []byte(revs), args...))
		dst := gittest.NewRepo(t, nil)
		s := openStore(t, dst)
		ResetCache()
		w, err := s.NewPackWriter()
		if err != nil {
			t.Fatal(err)
		}
		for b := pack; len(b) > 0; { // in pieces, as a transport delivers it
			n := min(len(b), 1000)
			if _, err := w.Write(b[:n]); err != nil {
				t.Fatal(err)
			}
			b = b[n:]
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if deltaBases.size != 0 || cache.size != 0 {
			t.Errorf("indexing left %d bytes in the delta-base cache, %d in the object cache", deltaBases.size, cache.size)
		}
		ref := t.TempDir()
		gittest.WriteFile(t, ref, "p.pack", string(pack))
		gittest.Out(t, ref, "index-pack", "-o", filepath.Join(ref, "p.idx"), filepath.Join(ref, "p.pack"))
		want := gittest.ReadFile(t, ref, "p.idx")
		sum := fmt.Sprintf("%x", pack[len(pack)-20:])
		got := gittest.ReadFile(t, dst, ".git/objects/pack/pack-"+sum+".idx")
		if got != want {
			t.Fatalf("offset deltas %v: the .idx differs from git index-pack's", ofs)
		}
		if gittest.ReadFile(t, dst, ".git/objects/pack/pack-"+sum+".pack") != string(pack) {
			t.Fatalf("the pack was not stored as received")
		}
		gittest.Out(t, dst, "update-ref", "refs/heads/main", strings.TrimSpace(gittest.Out(t, src, "rev-parse", "HEAD")))
		gittest.Fsck(t, dst)
		// Damaged in transit: refused, nothing left behind.
		bad := bytes.Clone(pack)
		bad[len(bad)/2] ^= 1
		w, _ = s.NewPackWriter()
		w.Write(bad)
		if err := w.Close(); err == nil {
			t.Errorf("a damaged pack was stored")
		}
		if left := gittest.Out(t, dst, "count-objects", "-v"); !strings.Contains(left, "packs: 1\n") || !strings.Contains(left, "garbage: 0\n") {
			t.Errorf("after a damaged pack:\n%s", left)
		}
	}

	// Thin: the last 10 commits, their deltas made against objects of the commits before.
	thinArgs := []string{"pack-objects", "--stdout", "-q", "--thin", "--revs", "--delta-base-offset"}
	thin := []byte(gittest.OutStdin(t, src, []byte("HEAD\n^HEAD~10\n"), thinArgs...))
	dst := gittest.NewRepo(t, nil)
	w, _ := openStore(t, dst).NewPackWriter()
	w.Write(thin)
	if err := w.Close(); err == nil || !strings.Contains(err.Error(), "base is missing") {
		t.Errorf("a thin pack: %v", err)
	}
	if left := gittest.Out(t, dst, "count-objects", "-v"); !strings.Contains(left, "packs: 0\n") || !strings.Contains(left, "garbage: 0\n") {
		t.Errorf("after a thin pack:\n%s", left)
	}
}
