// Command incidentgen generates a synthetic incident repository for benchmarks:
//
//	go run ./cmd/incidentgen gen -n 100000 -o /tmp/incidents-100k
//
// The same flags and seed give the same repository, byte for byte (see pkg/synth).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/incidentctl/incidentctl/pkg/synth"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	if len(args) == 0 || args[0] != "gen" {
		fmt.Fprintln(os.Stderr, "usage: incidentgen gen -n <incidents> [-commits <m>] [-unrelated <k>] [-seed <s>] [-years <y>] -o <dir>")
		return 2
	}
	fs := flag.NewFlagSet("incidentgen gen", flag.ContinueOnError)
	var o synth.Options
	fs.IntVar(&o.Incidents, "n", 1000, "number of incidents")
	fs.IntVar(&o.Commits, "commits", 0, "number of commits in the history (0: one per incident plus the initial one)")
	fs.IntVar(&o.Unrelated, "unrelated", 0, "number of unrelated files outside incidents/")
	fs.Uint64Var(&o.Seed, "seed", 1, "random seed")
	fs.IntVar(&o.Years, "years", 10, "years of history")
	fs.Float64Var(&o.OpenFraction, "open", 0.002, "fraction of incidents (the newest) still open")
	out := fs.String("o", "", "the folder to create (must not exist or be empty)")
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "incidentgen gen: give the folder to create with -o <dir>")
		return 2
	}
	o.Progress = os.Stderr
	m, err := synth.Generate(*out, o)
	if err != nil {
		fmt.Fprintf(os.Stderr, "incidentgen: %v\n", err)
		return 1
	}
	fmt.Printf("%s: %d incidents (%d open), %d commits, %d unrelated files, tip %s\n",
		*out, m.Incidents, len(m.Open), m.Commits, m.Unrelated, m.Tip[:12])
	return 0
}
