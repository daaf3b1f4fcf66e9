package incident

import (
	"bytes"
	"errors"
	"testing"

	"github.com/adrg/frontmatter"
)

// adrgYAML is what adrg/frontmatter's Parse hands to the decoder for the "---" format, and
// whether it calls it at all.
func adrgYAML(src []byte) ([]byte, bool) {
	var got []byte
	called := false
	f := frontmatter.NewFormat("---", "---", func(b []byte, v any) error {
		got, called = append([]byte(nil), b...), true
		return errStop
	})
	_, _ = frontmatter.Parse(bytes.NewReader(src), nil, f)
	return got, called
}

var errStop = errors.New("stop")

var fenceSamples = []string{
	"", "---", "---\n", "---\n---", "---\n---\n", "---\na: 1\n---\nbody", "\n\n  ---  \na\n --- \n",
	"\t\n---\r\na: b\r\n---\r\n", "x\n---\n---\n", "---\na\n", "---\na", "---\na\n---", "\n", "  \n",
	"---\n\n---\n---\n", "--- \n---\t", "----\n---\n", "---\n----\n---\n", "\v---\n\f---\n",
}

func TestYAMLBetweenFencesAsAdrgFrontmatter(t *testing.T) {
	for _, s := range fenceSamples {
		checkFences(t, []byte(s))
	}
}

func checkFences(t *testing.T, src []byte) {
	t.Helper()
	want, wok := adrgYAML(src)
	got, ok := yamlBetweenFences(src)
	if ok != wok || !bytes.Equal(got, want) {
		t.Fatalf("%q: got %q %v, adrg/frontmatter %q %v", src, got, ok, want, wok)
	}
}

func FuzzYAMLBetweenFences(f *testing.F) {
	for _, s := range fenceSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkFences(t, src) })
}
