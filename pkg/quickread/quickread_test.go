//go:build linux

package quickread

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestRead: a regular file is read whole with the stat data of the open file; what the quick
// read does not take (a FIFO, which must not block the open; a link; a file over the limit; a
// missing file; a folder) gives ok false, and the reader goes on reading after it.
func TestRead(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "2026", "11")
	if err := os.MkdirAll(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) string {
		t.Helper()
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write(filepath.Join(sub, "a.md"), "first document\n")
	b := write(filepath.Join(sub, "b.md"), strings.Repeat("x", 40<<10)) // larger than the first buffer
	big := write(filepath.Join(sub, "big.md"), strings.Repeat("y", 101))
	other := write(filepath.Join(dir, "c.md"), "in another folder\n")
	fifo := filepath.Join(sub, "fifo.md")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	link := filepath.Join(sub, "link.md")
	if err := os.Symlink(a, link); err != nil {
		t.Fatal(err)
	}
	r := New(100 << 10)
	defer r.Close()
	small := New(100)
	defer small.Close()

	// mode 0: Read, 1: ReadOwn, 2: ReadFile (with r's limit), 3: ReadFileInto (likewise)
	var into []byte
	got := func(r *Reader, p string, mode int) (string, bool) {
		t.Helper()
		done := make(chan struct{})
		var src []byte
		var st Stat
		var ok bool
		go func() {
			defer close(done)
			switch mode {
			case 0:
				src, st, ok = r.Read(p)
			case 1:
				src, st, ok = r.ReadOwn(p)
			case 2:
				src, st, ok = ReadFile(p, r.max)
			default:
				src, st, ok = ReadFileInto(p, r.max, &into)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("reading %s blocked", p)
		}
		if ok {
			fi, err := os.Lstat(p)
			if err != nil {
				t.Fatal(err)
			}
			sys := fi.Sys().(*syscall.Stat_t)
			want := Stat{Size: fi.Size(), Mtime: fi.ModTime().UnixNano(), Ctime: sys.Ctim.Sec*1e9 + sys.Ctim.Nsec, Ino: sys.Ino}
			if st != want || int64(len(src)) != st.Size {
				t.Errorf("%s: stat %+v, %d bytes; want %+v", p, st, len(src), want)
			}
		}
		return string(src), ok
	}
	for _, c := range []struct {
		r    *Reader
		path string
		mode int
		want string
		ok   bool
	}{
		{r, a, 0, "first document\n", true},
		{r, b, 0, strings.Repeat("x", 40<<10), true},
		{r, a, 1, "first document\n", true},
		{r, fifo, 0, "", false},
		{r, link, 0, "", false},
		{r, filepath.Join(sub, "none.md"), 0, "", false},
		{r, a, 0, "first document\n", true}, // after a missing file
		{r, sub, 0, "", false},              // a folder
		{r, other, 0, "in another folder\n", true},
		{r, a, 0, "first document\n", true}, // back to the first folder
		{small, big, 0, "", false},          // over the limit
		{small, a, 0, "first document\n", true},
		{r, a, 2, "first document\n", true},
		{r, fifo, 2, "", false},
		{r, link, 2, "", false},
		{r, sub, 2, "", false},
		{small, big, 2, "", false},
		{r, b, 3, strings.Repeat("x", 40<<10), true},
		{r, a, 3, "first document\n", true},
		{r, fifo, 3, "", false},
		{r, link, 3, "", false},
		{r, sub, 3, "", false},
		{small, big, 3, "", false},
		{r, other, 3, "in another folder\n", true},
	} {
		if src, ok := got(c.r, c.path, c.mode); ok != c.ok || src != c.want {
			t.Errorf("read %s: ok %v, %q; want ok %v, %q", c.path, ok, trim(src), c.ok, trim(c.want))
		}
	}
}

// TestReadReusesBuffer: Read hands out the reader's buffer (the next read overwrites it),
// ReadOwn a buffer the caller keeps.
func TestReadReusesBuffer(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	os.WriteFile(a, []byte("aaaa"), 0o644)
	os.WriteFile(b, []byte("bb"), 0o644)
	r := New(1 << 20)
	defer r.Close()
	own, _, ok1 := r.ReadOwn(a)
	first, _, ok2 := r.Read(a)
	second, _, ok3 := r.Read(b)
	if !ok1 || !ok2 || !ok3 {
		t.Fatal("a read failed")
	}
	if &first[0] != &second[0] {
		t.Error("Read did not reuse its buffer")
	}
	if string(own) != "aaaa" || string(second) != "bb" || string(first[:2]) != "bb" {
		t.Errorf("own %q, second %q, first now %q", own, second, first)
	}
}

func trim(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
