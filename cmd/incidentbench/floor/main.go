// Command floor does, in a fresh process, the physical minimum of a one-file commit in a git
// repository, so that incidentbench can set a write command beside it:
//
//	floor [-hash none|tail|all] <repository>
//
// It writes six new loose objects (zlib-compressed: the blob, three trees, the commit, and one
// more tree for a folder two levels deep), writes the whole index once into a lock file and
// renames it over the previous copy (the old file's pages are freed, as when git or incidentctl
// replaces .git/index), and moves a ref by lock file and rename. It reads the index once.
//
// The index ends with the SHA-1 of all its bytes (unless index.skipHash), so a valid index
// write must hash some of it; -hash says how much:
//
//   - none: nothing (the floor of earlier rounds: below what any valid write can do);
//   - tail: the last 256 KiB, what a write that changes one entry near the end of the index
//     must hash at least when it resumes from a saved SHA-1 state (incidentctl saves one every
//     256 KiB: pkg/gitrepo/index/hash.go) — the floor of `log`;
//   - all: every byte, what a write that adds an entry must hash, since the entry count in the
//     index's first 12 bytes changes and SHA-1 cannot resume past a changed byte — the floor of
//     `new`.
//
// It parses nothing: a real commit must also find the entry, hash what it writes and build the
// trees, so no write command can be faster than this.
//
// Everything it writes stays inside <git dir>/incidentbench-floor/, never the repository's own
// index, objects or refs.
package main

import (
	"bytes"
	"compress/zlib"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// checkpoint is incidentctl's interval between saved SHA-1 states of the index.
const checkpoint = 256 << 10

var hashMode = flag.String("hash", "none", "how much of the index to hash: none, tail or all")

func main() {
	flag.Parse()
	if flag.NArg() != 1 || (*hashMode != "none" && *hashMode != "tail" && *hashMode != "all") {
		fmt.Fprintln(os.Stderr, "usage: floor [-hash none|tail|all] <repository>")
		os.Exit(2)
	}
	if err := floor(flag.Arg(0)); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func floor(repo string) error {
	gitDir := filepath.Join(repo, ".git")
	dir := filepath.Join(gitDir, "incidentbench-floor")
	if err := os.MkdirAll(filepath.Join(dir, "objects"), 0o777); err != nil {
		return err
	}
	// Six objects of a commit's sizes, each new (a random nonce), each in its own fan-out
	// folder as loose objects are.
	sizes := []int{4000, 300, 3000, 400, 200, 250} // blob, trees (incidents/YYYY/MM, ...), commit
	for _, n := range sizes {
		var raw bytes.Buffer
		fmt.Fprintf(&raw, "blob %d\x00", n)
		body := make([]byte, n)
		rand.Read(body[:16])
		raw.Write(body)
		var z bytes.Buffer
		w := zlib.NewWriter(&z)
		w.Write(raw.Bytes())
		w.Close()
		name := make([]byte, 20)
		rand.Read(name)
		h := hex.EncodeToString(name)
		sub := filepath.Join(dir, "objects", h[:2])
		if err := os.MkdirAll(sub, 0o777); err != nil {
			return err
		}
		tmp := filepath.Join(sub, "tmp_obj_"+h[2:])
		if err := os.WriteFile(tmp, z.Bytes(), 0o444); err != nil {
			return err
		}
		if err := os.Rename(tmp, filepath.Join(sub, h[2:])); err != nil {
			return err
		}
	}
	// The index: read once, written once into a lock file, renamed over the previous copy.
	index, err := os.ReadFile(filepath.Join(gitDir, "index"))
	if err != nil {
		return err
	}
	if len(index) > 20 {
		body := index[:len(index)-20]
		switch *hashMode {
		case "tail":
			body = body[max(0, len(body)-checkpoint):]
		case "none":
			body = nil
		}
		sum := sha1.Sum(body)
		copy(index[len(index)-20:], sum[:]) // not the real checksum: the copy is never read
	}
	lock := filepath.Join(dir, "index.lock")
	if err := os.WriteFile(lock, index, 0o666); err != nil {
		return err
	}
	if err := os.Rename(lock, filepath.Join(dir, "index")); err != nil {
		return err
	}
	// The ref.
	ref := filepath.Join(dir, "ref")
	if err := os.WriteFile(ref+".lock", []byte(fmt.Sprintf("%040x\n", time.Now().UnixNano())), 0o666); err != nil {
		return err
	}
	return os.Rename(ref+".lock", ref)
}
