// Package site builds the read-only web view of the incident record for people who do not use
// git: a static site of plain HTML pages (an index with the open incidents first and the
// history by month, one page per incident and per postmortem, filter pages per severity and
// status, yearly pages), an Atom feed of the updates that matter, status.json and a badge. It works without
// JavaScript; a small script shows times in the reader's zone and adds a search box.
//
// The build is deterministic (the same documents, settings and time give the same bytes) and
// incremental: a manifest in the output folder remembers every document's summary and every
// file written, so a rebuild reads only the documents that changed, renders only their pages
// and the shared ones, and rewrites only files whose bytes differ, each atomically.
//
// Drills (and anything else that is not part of the real record) are left out.
package site

import (
	"time"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// Options is one build.
type Options struct {
	Out        string      // the output folder
	Site       config.Site // base URL and title
	Lang       string      // the repository's language ("en" when empty)
	Severities *severity.Set
	Now        time.Time // overdue actions and ages are as of this time
	// Force writes into an existing folder that is not a previous site (its other files stay).
	Force bool
	// Protected are folders the output must not be inside (the incidents folder, .git) or be
	// (the repository's root); the site is written only elsewhere.
	Protected []string
	// Root is the repository's root, refused as the output folder.
	Root string
	// Diagnose explains a document that could not be read (lint's findings); optional.
	Diagnose func(path string) []Problem
	// Postmortems are the postmortem documents (pkg/postmortem) to publish with their
	// incidents; one whose incident is not published (a drill, missing) is left out.
	Postmortems []Source
}

// Source is one document to publish: an incident or a postmortem.
type Source struct {
	Path string // repository path, slash-separated (shown to readers)
	File string // where to read it
}

// Result says what a build did.
type Result struct {
	Out         string   // the output folder
	Incidents   int      // incidents published
	Postmortems int      // postmortems published
	Drills      int      // drills left out
	Parsed      int      // documents read and parsed in this build (the rest came from the manifest)
	Written     []string // files written, relative to Out, sorted
	Removed     []string // files of an earlier build removed, sorted
	Unchanged   int      // files left as they were
	Broken      []Broken // documents that could not be read: their pages show why
}

// Broken is a document the site could not read.
type Broken struct {
	Path     string
	Problems []Problem
}
