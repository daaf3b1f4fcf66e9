package incident

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// corpusFrontMatters are the front matters of every document in the repository's test data:
// the files of the testscript scripts and of each package's testdata folder that start with a
// "---" line, cut at their closing "---" (the YAML between the fences). They seed
// FuzzFrontMatter and TestFrontMatterCorpus.
func corpusFrontMatters(t testing.TB) []string {
	t.Helper()
	var out []string
	add := func(data []byte) {
		if !bytes.HasPrefix(data, []byte("---\n")) && !bytes.HasPrefix(data, []byte("---\r\n")) {
			return
		}
		lines := newLineIndex(data)
		for n := 2; n <= lines.count(); n++ {
			if isFence(lines.lineBytes(data, n)) {
				out = append(out, string(data[len(lines.lineBytes(data, 1)):lines.start(n)]))
				return
			}
		}
	}
	root := filepath.Join("..", "..")
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if name := e.Name(); p != root && (strings.HasPrefix(name, ".") || name == "fuzz" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.Contains(filepath.ToSlash(p), "/testdata/") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".txtar") {
			for _, f := range txtar.Parse(data).Files {
				add(f.Data)
			}
			return nil
		}
		add(data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFrontMatterCorpus: on every front matter in the test data, the fast decoder either
// declines or builds exactly yaml.v3's tree and the same Document; and it takes most of them
// (the ones incidentctl wrote).
func TestFrontMatterCorpus(t *testing.T) {
	all := corpusFrontMatters(t)
	accepted := 0
	for _, y := range all {
		if checkFrontMatterAgrees(t, []byte(y)) {
			accepted++
		}
	}
	t.Logf("%d front matters in the test data, %d taken by the fast decoder", len(all), accepted)
	if len(all) < 50 || accepted < len(all)/2 {
		t.Fatalf("%d front matters in the test data, %d taken by the fast decoder: expected most of more than 50", len(all), accepted)
	}
}
