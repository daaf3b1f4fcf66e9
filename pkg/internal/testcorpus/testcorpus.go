// Package testcorpus reads the documents the parsers' differential tests share: the Markdown
// files of a testdata folder and the inputs of go test's fuzz corpora.
package testcorpus

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Each calls fn with every file the globs match, in the order of the globs and then of the
// names. A fuzz corpus file ("go test fuzz v1") gives its one []byte input; one that holds
// anything else is skipped.
func Each(t testing.TB, fn func(name string, b []byte), globs ...string) {
	t.Helper()
	for _, glob := range globs {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(string(b), "go test fuzz") {
				var ok bool
				if b, ok = Bytes(string(b)); !ok {
					continue
				}
			}
			fn(f, b)
		}
	}
}

// Bytes decodes a corpus file of a fuzz target with one []byte argument ("go test fuzz v1",
// then []byte("...")).
func Bytes(s string) ([]byte, bool) {
	_, rest, ok := strings.Cut(s, "\n")
	rest = strings.TrimSpace(rest)
	if !ok || !strings.HasPrefix(rest, "[]byte(") || !strings.HasSuffix(rest, ")") {
		return nil, false
	}
	q, err := strconv.Unquote(rest[len("[]byte(") : len(rest)-1])
	return []byte(q), err == nil
}
