package site

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/synth"
)

// synthSources writes n generated documents (pkg/synth, the real format) under dir.
func synthSources(tb testing.TB, dir string, n int) []Source {
	tb.Helper()
	g, err := synth.NewGenerator(synth.Options{Incidents: n, Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	srcs := make([]Source, 0, g.Len())
	for i := range g.Len() {
		p, src := g.Document(i, -1)
		abs := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(abs, src, 0o644); err != nil {
			tb.Fatal(err)
		}
		srcs = append(srcs, Source{Path: p, File: abs})
	}
	return srcs
}

// BenchmarkBuild builds a site of 2,000 generated incidents from nothing (us/doc: the cost per
// incident, files written included); BenchmarkRebuild rebuilds it after one document changed.
func BenchmarkBuild(b *testing.B) {
	const n = 2000
	dir := b.TempDir()
	srcs := synthSources(b, dir, n)
	opts := Options{Severities: sevs(b), Now: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)}
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		opts.Out = filepath.Join(dir, "site", string(rune('a'+i%26)))
		os.RemoveAll(opts.Out)
		b.StartTimer()
		res, err := Build(srcs, opts)
		if err != nil || res.Incidents+res.Drills != n || len(res.Broken) != 0 {
			b.Fatalf("%v %+v", err, res)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "us/doc")
	// CPU time (user + system, every thread) says more than the clock on a shared machine.
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N*n), "cpu-us/doc")
}

func BenchmarkRebuild(b *testing.B) {
	const n = 2000
	dir := b.TempDir()
	srcs := synthSources(b, dir, n)
	opts := Options{Out: filepath.Join(dir, "site"), Severities: sevs(b), Now: time.Date(2026, 11, 23, 11, 0, 0, 0, time.UTC)}
	if _, err := Build(srcs, opts); err != nil {
		b.Fatal(err)
	}
	src, err := os.ReadFile(srcs[0].File)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		os.WriteFile(srcs[0].File, append(src, []byte("- 2026-11-23T11:00:00Z [bench] note "+string(rune('a'+i%26))+"\n")...), 0o644)
		b.StartTimer()
		if _, err := Build(srcs, opts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-us/op")
}
