// Package fault kills the process at a named step of a change, so that tests can prove that a
// kill -9 anywhere leaves a repository the next command repairs: with INCIDENTCTL_FAULT=<step>
// (or <step>:<n> for the n-th time the step is reached) the process sends itself SIGKILL there,
// exactly as if it had been killed from outside at that moment. Without the variable a step
// costs one comparison.
package fault

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// The steps of a commit (Commit, and the same steps of the merge Integrate writes), in order.
var Commit = []string{
	"commit:locked",          // index.lock and HEAD.lock taken
	"commit:ref-locked",      // <branch>.lock taken and its value checked
	"commit:objects",         // blobs, trees and the commit object written
	"commit:journal",         // the journal of the change written
	"commit:worktree-temp",   // a working-tree file's new content written to its temporary file
	"commit:worktree",        // the working-tree files in place
	"commit:index-written",   // the new index complete in index.lock
	"commit:index-published", // index.lock renamed over the index, the branch not yet moved
	"commit:reflog",          // the reflog lines appended, the branch not yet moved
	"commit:branch-moved",    // the branch moved, the journal still there
}

// The steps of Integrate (bringing fetched commits into the branch).
var Integrate = []string{
	"integrate:locked",
	"integrate:ref-locked",
	"integrate:objects",
	"integrate:journal",
	"integrate:worktree",
	"integrate:index-written",
	"integrate:index-published",
	"integrate:reflog",
	"integrate:branch-moved",
}

// The steps of fetch and push.
var Remote = []string{
	"fetch:pack",           // part of the fetched pack written
	"fetch:ref-locked",     // refs/remotes/<remote>/<branch>.lock taken
	"fetch:ref-written",    // its new value written into the lock, not yet renamed
	"push:sent",            // the remote accepted the push, the tracking ref not yet updated
	"push:tracking-locked", // the tracking ref's lock taken
}

var (
	once sync.Once
	want string
	nth  int64
	hits atomic.Int64
)

func setup() {
	v := os.Getenv("INCIDENTCTL_FAULT")
	if v == "" {
		return
	}
	// A step name has a colon itself ("commit:objects"); a count is a third field.
	name, n := v, ""
	if i := strings.LastIndexByte(v, ':'); i > 0 && strings.Count(v, ":") == 2 {
		name, n = v[:i], v[i+1:]
	}
	nth = 1
	if n != "" {
		if k, err := strconv.ParseInt(n, 10, 64); err == nil && k > 0 {
			nth = k
		}
	}
	if !known(name) {
		fmt.Fprintf(os.Stderr, "INCIDENTCTL_FAULT: unknown step %q\n", name)
		os.Exit(3)
	}
	want = name
}

func known(name string) bool {
	return slices.Contains(Commit, name) || slices.Contains(Integrate, name) || slices.Contains(Remote, name)
}

// Point is a step: it kills the process when INCIDENTCTL_FAULT names it.
func Point(name string) {
	once.Do(setup)
	if want == "" || name != want {
		return
	}
	if hits.Add(1) == nth {
		kill()
	}
}
