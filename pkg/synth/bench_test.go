package synth

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/lint"
)

// BenchmarkLintOneDocument lints one realistic document the way `incidentctl lint <file>` does
// (every rule that needs no repository; pkg/lint belongs to lint, the benchmark lives here with
// the generator that writes its input).
func BenchmarkLintOneDocument(b *testing.B) {
	g, err := NewGenerator(Options{Incidents: 20, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	p, content := g.Document(0, -1)
	abs := filepath.Join(dir, filepath.FromSlash(p))
	if err := os.MkdirAll(filepath.Dir(abs), 0o777); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(abs, content, 0o644); err != nil {
		b.Fatal(err)
	}
	opts := lint.Options{Root: dir, Config: config.Default(), Paths: []string{abs}, Now: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
	b.SetBytes(int64(len(content)))
	for b.Loop() {
		res, err := lint.Run(opts)
		if err != nil || res.Documents != 1 || len(res.Findings) != 0 {
			b.Fatalf("%v %+v", err, res)
		}
	}
}

// BenchmarkRenderDocument is the generator's cost per document version.
func BenchmarkRenderDocument(b *testing.B) {
	g, err := NewGenerator(Options{Incidents: 200, Seed: 5})
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		g.Document(i%g.Len(), -1)
		i++
	}
}
