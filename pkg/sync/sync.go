// Package sync shares a repository's incident documents with a remote while several responders
// change them at once from their own clones: fetch, integrate what others pushed, push, and on a
// lost race (somebody pushed first) do it again with backoff until the push lands or a real
// conflict remains. It never force-pushes.
//
// go-git cannot merge, so integration is incidentctl's own (gitrepo.Integrate): a fast-forward
// when possible, otherwise a merge commit built with plumbing, in which incident documents
// changed on both sides are joined field by field by merge.Merge (log entries united, the
// later change of a field wins, the more severe severity, a check box changed on one side takes
// that change) and any other file changed on both
// sides stops the sync with an explanation. The same merge runs for people who use plain
// `git pull`, through the merge driver (driver.go).
//
// Local commits are never at risk: they are on the local branch, and the branch only ever moves
// to a commit that contains its current tip (a fast-forward, or a merge whose first parent is
// the tip), by compare-and-swap. A process killed at any point leaves them reachable from the
// branch, with a reflog line for every move.
package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"path"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/merge"
)

// Options configures one sync.
type Options struct {
	Remote       string // the remote's name; "" means origin
	IncidentsDir string // the configured incidents folder (repository path)
	// Progress receives the remote's progress messages and a line per step; nil keeps quiet.
	Progress io.Writer
	// Now is the time merge commits are made at (the clock may be fixed for drills); retries
	// are timed by the real clock.
	Now func() time.Time
	// Attempts bounds how often a rejected push is retried (default 20), MaxWait the total
	// time spent on retries (default 30 s).
	Attempts int
	MaxWait  time.Duration
	// Timeout bounds each network operation (default 2 minutes).
	Timeout time.Duration
	// TokenHosts says which hosts each token variable may be sent to (sync.credentials in
	// .incidentctl.yaml); variables it does not name keep gitrepo.DefaultTokenHosts.
	TokenHosts map[string][]string
	// MoreSevere ranks severities for the merge (the repository's definitions); nil ranks by
	// the number in the ID.
	MoreSevere func(a, b string) bool

	sleep      func(time.Duration) // tests replace the backoff's sleep
	beforePush func()              // tests make another clone win the race here
}

// Result says what a sync did.
type Result struct {
	Remote       string   `json:"remote"`
	Branch       string   `json:"branch"`        // the local branch
	RemoteBranch string   `json:"remote_branch"` // the branch on the remote
	Commit       string   `json:"commit"`        // the local tip afterwards ("" when there is none)
	Pulled       int      `json:"pulled"`        // integrations that brought something in
	FastForwards int      `json:"fast_forwards"` // ... of which fast-forwards
	Merges       int      `json:"merges"`        // ... of which merge commits
	Merged       []string `json:"merged"`        // incident documents joined field by field
	Updated      []string `json:"updated"`       // paths updated in the working tree
	Pushed       bool     `json:"pushed"`        // the remote branch moved to our commit
	Attempts     int      `json:"attempts"`
	// Notes are merge decisions people should know about ("<path>: merge: severity changed on
	// both sides ..."); the merged documents' logs record them too.
	Notes []string `json:"notes"`
}

// InSync reports whether nothing had to move.
func (r *Result) InSync() bool { return r.Pulled == 0 && !r.Pushed }

// UnreachableError: the remote could not be reached, refused the credentials, or does not
// exist. The local commits are intact; the next sync delivers them.
type UnreachableError struct {
	Remote string
	Err    error
}

func (e *UnreachableError) Error() string {
	return e.Err.Error()
}

func (e *UnreachableError) Unwrap() error { return e.Err }

// Run syncs the current branch of repo with its remote.
func Run(repo *gitrepo.Repo, opts Options) (*Result, error) {
	if opts.Remote == "" {
		opts.Remote = "origin"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Attempts <= 0 {
		opts.Attempts = 20
	}
	if opts.MaxWait <= 0 {
		opts.MaxWait = 30 * time.Second
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.sleep == nil {
		opts.sleep = time.Sleep
	}

	head, err := repo.Head()
	if err != nil {
		return nil, err
	}
	if head.Detached || head.Branch == "" {
		return nil, i18n.Errorf("sync.detached")
	}
	res := &Result{Remote: opts.Remote, Branch: head.Branch, RemoteBranch: head.Branch}
	if remote, merge, err := repo.Upstream(head.Branch); err == nil && remote == opts.Remote && merge != "" {
		res.RemoteBranch = merge
	}
	url, err := repo.RemoteURL(opts.Remote)
	if err != nil {
		return nil, &UnreachableError{Remote: opts.Remote, Err: err}
	}
	for name := range opts.TokenHosts {
		if !slices.Contains(gitrepo.KnownTokens(), name) {
			return nil, fmt.Errorf(".incidentctl.yaml: sync: credentials: %s is not a token variable incidentctl reads (known: %s)",
				name, strings.Join(gitrepo.KnownTokens(), ", "))
		}
	}
	auth, withheld, err := gitrepo.AuthFor(url, opts.TokenHosts)
	if err != nil {
		return nil, &UnreachableError{Remote: opts.Remote, Err: err}
	}
	unreachable := func(remote string, err error) error { return unreachableWith(remote, err, withheld) }
	tracking := opts.Remote + "/" + res.RemoteBranch
	say := func(format string, args ...any) {
		if opts.Progress != nil {
			fmt.Fprintf(opts.Progress, format+"\n", args...)
		}
	}

	merged, updated := map[string]bool{}, map[string]bool{}
	defer func() {
		res.Merged, res.Updated = sortedKeys(merged), sortedKeys(updated)
		res.Notes = slices.Compact(res.Notes) // a retry may make the same decision again
	}()
	start := time.Now()
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		head, err := repo.Head()
		if err != nil {
			return res, err
		}
		if head.Branch != res.Branch {
			if head.Branch == "" {
				return res, i18n.Errorf("sync.branch_detached", "Branch", res.Branch)
			}
			return res, i18n.Errorf("sync.branch_changed", "Branch", res.Branch, "Now", head.Branch)
		}
		// The local tip: from here on it stays reachable whatever happens, even if the process
		// dies. It is on the branch, and the branch only moves (by compare-and-swap) to a commit
		// that contains it: a fast-forward or a merge whose first parent it is.
		local := head.Commit
		res.Commit = hashString(local)

		say("Fetching %s from %s (%s)...", res.RemoteBranch, opts.Remote, gitrepo.RedactURLs(url))
		ctx, cancel := context.WithTimeout(context.Background(), opts.Timeout)
		theirs, found, err := repo.Fetch(ctx, gitrepo.FetchRequest{
			Remote: opts.Remote, Branch: res.RemoteBranch, Auth: auth, Progress: opts.Progress,
		})
		cancel()
		if err != nil {
			return res, unreachable(opts.Remote, err)
		}

		if found {
			author, committer, err := repo.Identity(opts.Now())
			if err != nil {
				return res, err
			}
			var notes []string
			ires, err := repo.Integrate(gitrepo.IntegrateRequest{
				Local:     local,
				Theirs:    theirs,
				Resolve:   resolver(opts.IncidentsDir, merge.Options{MoreSevere: opts.MoreSevere}, &notes),
				Message:   func(files []string) string { return mergeMessage(tracking, files) },
				Reflog:    "sync: " + tracking,
				Author:    author,
				Committer: committer,
			})
			switch {
			case errors.Is(err, gitrepo.ErrBranchMoved) && attempt < opts.Attempts:
				continue // a commit was made meanwhile: integrate again on top of it
			case errors.Is(err, gitrepo.ErrLocked) && attempt < opts.Attempts && time.Since(start) < opts.MaxWait:
				// Another incidentctl or git is committing here right now: let it finish.
				opts.sleep(backoff(attempt))
				continue
			case err != nil:
				return res, integrateError(err, res, tracking)
			}
			if ires.Kind != gitrepo.UpToDate {
				res.Pulled++
				if ires.Kind == gitrepo.FastForward {
					res.FastForwards++
				} else {
					res.Merges++
				}
				for _, p := range ires.Merged {
					merged[p] = true
				}
				for _, p := range ires.Updated {
					updated[p] = true
				}
				res.Notes = append(res.Notes, notes...)
				say("Integrated %s (%s).", tracking, ires.Kind)
			}
			local = ires.Commit
			res.Commit = hashString(local)
		}
		if local.IsZero() || (found && local == theirs) {
			return res, nil // nothing of ours to share
		}

		if err := checkMarkers(repo, opts.IncidentsDir, theirs, found, local); err != nil {
			return res, err
		}
		if opts.beforePush != nil {
			opts.beforePush()
		}
		say("Pushing %s to %s...", local.String()[:7], tracking)
		ctx, cancel = context.WithTimeout(context.Background(), opts.Timeout)
		err = repo.Push(ctx, gitrepo.PushRequest{
			Remote: opts.Remote, Branch: res.RemoteBranch, Commit: local, Auth: auth, Progress: opts.Progress,
		})
		cancel()
		switch {
		case err == nil:
			res.Pushed = true
			return res, nil
		case !errors.Is(err, gitrepo.ErrPushRejected):
			return res, unreachable(opts.Remote, err)
		}
		// Somebody pushed first: fetch, integrate and try again after a pause, so that
		// responders racing each other spread out.
		elapsed := time.Since(start)
		if attempt >= opts.Attempts || elapsed >= opts.MaxWait {
			return res, i18n.Errorf("sync.kept_moving", "Tracking", tracking, "Attempts", attempt,
				"Elapsed", elapsed.Round(time.Millisecond).String(), "Branch", res.Branch)
		}
		wait := backoff(attempt)
		if left := opts.MaxWait - elapsed; wait > left {
			wait = left
		}
		say("%s moved meanwhile; trying again in %s.", tracking, wait.Round(time.Millisecond))
		opts.sleep(wait)
	}
}

// backoff is 50 ms·2^(n-1), capped at 1 s, with jitter in its upper half. The cap is low on
// purpose: what decides a race is whether somebody pushes during the short window between our
// fetch and our push, not how long we waited before it, so a responder who lost a few times
// must not wait much longer than the others.
func backoff(attempt int) time.Duration {
	d := 50 * time.Millisecond << min(attempt-1, 5)
	d = min(d, time.Second)
	return d/2 + rand.N(d/2+1)
}

func hashString(h plumbing.Hash) string {
	if h.IsZero() {
		return ""
	}
	return h.String()
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// mergeMessage is the merge commit's message: what was merged and how.
func mergeMessage(tracking string, files []string) string {
	var b strings.Builder
	docs := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".md") {
			docs++
		}
	}
	switch docs {
	case 0:
		fmt.Fprintf(&b, "Merge %s\n", tracking)
	case 1:
		fmt.Fprintf(&b, "Merge %s: 1 incident merged\n", tracking)
	default:
		fmt.Fprintf(&b, "Merge %s: %d incidents merged\n", tracking, docs)
	}
	if len(files) > 0 {
		b.WriteString("\nMerged field by field by incidentctl sync:\n")
		for _, f := range files {
			fmt.Fprintf(&b, "  %s\n", f)
		}
	}
	return b.String()
}

// isIncidentDocument: the files merge.Documents joins, the same ones .gitattributes hands to
// the merge driver (<incidents>/**/*.md).
func isIncidentDocument(incidentsDir, p string) bool {
	dir := path.Clean(incidentsDir)
	return strings.HasPrefix(p, dir+"/") && strings.HasSuffix(p, ".md")
}
