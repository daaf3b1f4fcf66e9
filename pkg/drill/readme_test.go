package drill

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The scenario the README shows parses, with nothing to warn about: a reader may copy it.
func TestREADMEScenario(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(src), "### The scenario file\n\n````markdown\n")
	if !ok {
		t.Fatal("README.md has no scenario example under \"### The scenario file\"")
	}
	example, _, ok := strings.Cut(rest, "\n````\n")
	if !ok {
		t.Fatal("the README's scenario example is not closed")
	}
	s, err := Parse("drills/example.md", []byte(example+"\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Problems) != 0 || len(s.Variants) != 2 || len(s.Variants[0].Injects) != 1 || s.Variants[0].Command == "" || len(s.Expected) != 3 {
		t.Errorf("README's scenario: %+v", s)
	}
}
