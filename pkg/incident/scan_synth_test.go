package incident_test

import (
	"testing"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/synth"
)

// TestScannerReadsSynthDocuments: the documents the generator writes (as the CLI would, at
// every stage of an incident) all take the scanner's path, and the scanner finds in each of
// them what goldmark finds.
func TestScannerReadsSynthDocuments(t *testing.T) {
	incidents, versions := 300, []int{0, 1, 3, 6, 10, -1}
	if testing.Short() {
		incidents = 50
	}
	n := 0
	for _, seed := range []uint64{1, 2} {
		g, err := synth.NewGenerator(synth.Options{Incidents: incidents, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		for i := range g.Len() {
			for _, k := range versions {
				path, src := g.Document(i, k)
				scanned, diff, err := incident.ScanDiff(src)
				if err != nil {
					t.Fatalf("%s (version %d): %v", path, k, err)
				}
				if !scanned {
					t.Fatalf("%s (version %d): the scanner declines it:\n%s", path, k, src)
				}
				if diff != "" {
					t.Fatalf("%s (version %d): %s", path, k, diff)
				}
				n++
			}
		}
	}
	t.Logf("%d documents", n)
}

// TestBodyReadersOnSynthDocuments: on the documents the generator writes, at every stage,
// Parse finds what the reference readers of actions and log entries find, and a Reader what
// Parse finds (parse_ref_test.go).
func TestBodyReadersOnSynthDocuments(t *testing.T) {
	incidents, versions := 300, []int{0, 1, 3, 6, 10, -1}
	if testing.Short() {
		incidents = 50
	}
	for _, seed := range []uint64{1, 2} {
		g, err := synth.NewGenerator(synth.Options{Incidents: incidents, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		var seq [][]byte
		for i := range g.Len() {
			for _, k := range versions {
				path, src := g.Document(i, k)
				if diff := incident.ReaderDiff(src); diff != "" {
					t.Fatalf("%s (version %d): %s", path, k, diff)
				}
				seq = append(seq, src)
			}
		}
		// One Reader through all of them, as lint reads a repository.
		if diff := incident.ReaderSeqDiff(seq); diff != "" {
			t.Fatal(diff)
		}
	}
}
