package main

import (
	"os"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Commands for the learning-loop scripts (postmortems, follow-ups, the flow).

// appendLine FILE TEXT appends TEXT and a newline to FILE (an edit of the action list).
func appendLine(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: append FILE TEXT")
	}
	f, err := os.OpenFile(ts.MkAbs(args[0]), os.O_APPEND|os.O_WRONLY, 0)
	ts.Check(err)
	_, err = f.WriteString(args[1] + "\n")
	ts.Check(err)
	ts.Check(f.Close())
}

// timelineMatches POSTMORTEM INCIDENT checks that the postmortem's timeline has one row per
// entry of the incident's log, in order, each with the entry's time, author and text; the log
// may have more entries after them (the link to the postmortem, logged when it was drafted).
func timelineMatches(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: timeline-matches POSTMORTEM INCIDENT")
	}
	d, err := incident.Parse(args[1], []byte(ts.ReadFile(args[1])))
	ts.Check(err)
	_, section, ok := strings.Cut(ts.ReadFile(args[0]), "\n## Timeline\n")
	if !ok {
		ts.Fatalf("%s has no ## Timeline section", args[0])
	}
	section, _, _ = strings.Cut(section, "\n## ")
	var rows [][]string
	for _, l := range strings.Split(section, "\n") {
		if !strings.HasPrefix(l, "| ") || strings.HasPrefix(l, "| Time |") || strings.HasPrefix(l, "| --- |") {
			continue
		}
		cells := strings.Split(strings.TrimSuffix(strings.TrimPrefix(l, "| "), " |"), " | ")
		if len(cells) != 4 {
			ts.Fatalf("timeline row with %d cells: %q", len(cells), l)
		}
		rows = append(rows, cells)
	}
	if len(rows) == 0 || len(rows) > len(d.Log) {
		ts.Fatalf("the timeline has %d rows; the log has %d entries", len(rows), len(d.Log))
	}
	declared := d.Meta.DeclaredAt
	for i, row := range rows {
		e := d.Log[i]
		at := e.At.In(declared.Location())
		clock := at.Format("15:04")
		if at.Format("2006-01-02") != declared.Format("2006-01-02") {
			clock = at.Format("2006-01-02 15:04")
		}
		if row[0] != clock || row[2] != e.Author || row[3] != strings.ReplaceAll(e.Text, "|", `\|`) {
			ts.Fatalf("timeline row %d is %q; the log entry is %s [%s] %s", i+1, row, clock, e.Author, e.Text)
		}
	}
	for _, e := range d.Log[len(rows):] {
		if !strings.HasPrefix(e.Text, "postmortem: ") {
			ts.Fatalf("the timeline lacks the log entry %q", e.Text)
		}
	}
	ts.Logf("the timeline's %d rows match the log", len(rows))
}
