package index

import (
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"io"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// synthIndex builds a version 2 index of n entries laid out like an incident repository:
// some files before incidents/, the incidents by year and month, some after.
func synthIndex(n int) ([]byte, []string) {
	var names []string
	for i := range n / 20 {
		names = append(names, fmt.Sprintf("dashboards/svc%02d/panel-%06d.json", i%30, i))
	}
	for i := range n - n/10 {
		y, m := 2016+i*10/(n-n/10), 1+(i/83)%12
		names = append(names, fmt.Sprintf("incidents/%d/%02d/%02d%02d%02d-x%04d-checkout-api-returns-500s.md", y, m, y%100, m, 1+i%28, i))
	}
	for i := range n / 20 {
		names = append(names, fmt.Sprintf("services/svc%02d/internal/file%06d.go", i%30, i))
	}
	sortStrings(names)
	b := make([]byte, indexHeaderLen, n*120)
	copy(b, "DIRC")
	binary.BigEndian.PutUint32(b[4:], 2)
	binary.BigEndian.PutUint32(b[8:], uint32(len(names)))
	for _, name := range names {
		b = appendEntry(b, Update{Path: name, Hash: plumbing.ComputeHash(plumbing.BlobObject, []byte(name))})
	}
	sum := sha1.Sum(b)
	return append(b, sum[:]...), names
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// BenchmarkIndexUpdate: plan and write the index with one entry replaced (a recent incident,
// near the end of incidents/), without and with saved hash states.
func BenchmarkIndexUpdate(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		data, names := synthIndex(n)
		target := names[len(names)-len(names)/20-3] // a recent incident
		u := []Update{{Path: target, Hash: plumbing.ComputeHash(plumbing.BlobObject, []byte("new"))}}
		full := newCkHasher()
		full.Write(data[:len(data)-indexTrailerLen])
		b.Run(fmt.Sprintf("%dk/full-hash", n/1000), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				p, err := Prepare("index", data, u)
				if err != nil {
					b.Fatal(err)
				}
				p.SetStat(0, Stat{Size: 3})
				if err := p.WriteIndex(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%dk/resumed", n/1000), func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				p, err := Prepare("index", data, u)
				if err != nil {
					b.Fatal(err)
				}
				p.ResumeHash(data, full.cps)
				p.SetStat(0, Stat{Size: 3})
				if err := p.WriteIndex(io.Discard); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("%dk/find-entry", n/1000), func(b *testing.B) {
			for b.Loop() {
				if e, err := Find("index", data, target); err != nil || len(e) != 1 {
					b.Fatal(err, e)
				}
			}
		})
	}
}
