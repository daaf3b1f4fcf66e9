// Command incidentbench measures incidentctl on synthetic repositories of growing size and
// compares it with what people would otherwise run (the git CLI, markdownlint-cli2):
//
//	go run ./cmd/incidentbench                       # 1k, 10k and 100k incidents
//	go run ./cmd/incidentbench -sizes 1000,10000 -reps 6 -only 'log|lint'
//
// It builds incidentctl, generates the repositories with pkg/synth (cached under .bench/, which
// git ignores), and runs every comparison as a pair whose two sides alternate A B B A A B ...,
// so that a slow phase of the machine hits both sides. It prints medians and ratios as the
// Markdown tables BENCHMARKS.md holds, with the machine it ran on.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/synth"
)

type repo struct {
	n     int
	label string
	dir   string
	m     *synth.Manifest
}

var (
	bin      string // the incidentctl binary under test
	floorBin string // the physical minimum of a one-file commit (./cmd/incidentbench/floor)
	onlyRE   *regexp.Regexp
	newCount int // makes the reference side's new incidents unique
)

func main() {
	sizesFlag := flag.String("sizes", "1000,10000,100000", "repository sizes (incidents), comma-separated; the smallest is the baseline")
	reps := flag.Int("reps", 10, "timed runs per side of each pair")
	lintReps := flag.Int("lint-reps", 6, "timed runs per side for lint")
	mdReps := flag.Int("md-reps", 3, "timed runs per side for lint vs markdownlint-cli2 (slow)")
	cache := flag.String("dir", ".bench", "where the binary and the generated repositories are kept")
	only := flag.String("only", "", "`regexp`: run only the measurements whose name matches")
	fresh := flag.Bool("fresh", false, "generate the repositories again")
	seed := flag.Uint64("seed", 1, "generator seed")
	postmortems := flag.Bool("postmortems", true, "give a share of the resolved incidents a postmortem with follow-ups (false: the repositories of earlier rounds)")
	unrelated := flag.Float64("unrelated", 0.05, "unrelated files outside incidents/, as a fraction of the incidents")
	commits := flag.Int("commits", 0, "commits per repository (0: one per incident plus one)")
	syncSizes := flag.String("sync-sizes", "10000,100000", "sizes at which sync is measured")
	mdlint := flag.String("markdownlint", "0.24.1", "markdownlint-cli2 `version` to install from npm for the reference ('' to skip)")
	out := flag.String("o", "", "also write the report to this `file`")
	prebuilt := flag.String("bin", "", "measure this incidentctl `binary` instead of building one (e.g. an older build, for a before/after)")
	cloneReps := flag.Int("clone-reps", 3, "clones per row for the first runs after git clone")
	startupReps := flag.Int("startup-reps", 50, "timed runs per side for start-up")
	flag.Parse()

	var err error
	if onlyRE, err = regexp.Compile(*only); err != nil {
		fatalf("-only: %v", err)
	}
	var sizes []int
	for _, s := range strings.Split(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 {
			fatalf("-sizes: %q is not a number of incidents (at least 10)", s)
		}
		sizes = append(sizes, n)
	}
	syncAt := map[int]bool{}
	for _, s := range strings.Split(*syncSizes, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			syncAt[n] = true
		}
	}
	root := strings.TrimSpace(must(".", "go", "env", "GOMOD"))
	if root == "" || root == os.DevNull {
		fatalf("run me from the incidentctl module (go run ./cmd/incidentbench)")
	}
	root = filepath.Dir(root)
	if !filepath.IsAbs(*cache) {
		*cache = filepath.Join(root, *cache)
	}
	// The cache ignores itself (as pytest's and ruff's caches do): nothing to add to .gitignore.
	if err := os.MkdirAll(*cache, 0o777); err != nil {
		fatalf("%v", err)
	}
	if err := os.WriteFile(filepath.Join(*cache, ".gitignore"), []byte("# incidentbench's cache: generated repositories and binaries\n*\n"), 0o666); err != nil {
		fatalf("%v", err)
	}
	home := filepath.Join(*cache, "home")
	binDir := filepath.Join(*cache, "bin")
	// The merge driver the repositories register runs "incidentctl" from the PATH: with -bin,
	// that must be the binary measured, not whatever an earlier run built into binDir.
	pathDir := binDir
	if *prebuilt != "" {
		abs, err := filepath.Abs(*prebuilt)
		if err != nil {
			fatalf("-bin: %v", err)
		}
		pathDir = filepath.Join(binDir, "prebuilt")
		os.RemoveAll(pathDir)
		if err := os.MkdirAll(pathDir, 0o777); err != nil {
			fatalf("%v", err)
		}
		if err := os.Symlink(abs, filepath.Join(pathDir, "incidentctl")); err != nil {
			fatalf("-bin: %v", err)
		}
	}
	for _, d := range []string{home, binDir, filepath.Join(*cache, "repos")} {
		if err := os.MkdirAll(d, 0o777); err != nil {
			fatalf("%v", err)
		}
	}
	// Children see an empty home and no system config: the user's git settings do not leak in.
	env = []string{"HOME=" + home, "XDG_CONFIG_HOME=" + filepath.Join(home, ".config"), "GIT_CONFIG_NOSYSTEM=1",
		"PATH=" + pathDir + string(os.PathListSeparator) + binDir + string(os.PathListSeparator) + os.Getenv("PATH"), "NO_COLOR=1", "LANG=C", "TZ=UTC"}
	for _, k := range []string{"GOCACHE", "GOPATH", "GOROOT", "GOFLAGS", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	// The Go caches stay the user's: with the empty home, go would download every module again.
	for _, k := range []string{"GOCACHE", "GOMODCACHE"} {
		if v, err := sh(".", "go", "env", k); err == nil && os.Getenv(k) == "" {
			env = append(env, k+"="+strings.TrimSpace(v))
		}
	}

	bin = filepath.Join(binDir, "incidentctl")
	// Built as the README and the releases build it: static (CGO_ENABLED=0), the floor too.
	os.Setenv("CGO_ENABLED", "0")
	if *prebuilt != "" {
		if bin, err = filepath.Abs(*prebuilt); err != nil {
			fatalf("-bin: %v", err)
		}
	} else {
		progress("building incidentctl")
		must(root, "go", "build", "-o", bin, "./cmd/incidentctl")
	}
	floorBin = filepath.Join(binDir, "floor")
	must(root, "go", "build", "-o", floorBin, "./cmd/incidentbench/floor")

	loadBefore := loadavg()
	began := time.Now()
	var repos []*repo
	for _, n := range sizes {
		k := int(float64(n) * *unrelated)
		m := *commits
		if m == 0 {
			m = n + 1
		}
		name := fmt.Sprintf("n%d-k%d-m%d-s%d", n, k, m, *seed)
		if *postmortems {
			name += "-pm1" // the postmortems of pkg/synth/postmortem.go (a new version of them: -pm2)
		}
		dir := filepath.Join(*cache, "repos", name)
		r := &repo{n: n, label: sizeLabel(n), dir: dir}
		man, err := synth.ReadManifest(dir)
		if err != nil || *fresh {
			os.RemoveAll(dir)
			os.RemoveAll(dir + ".remote.git")
			progress("generating %s incidents (%d commits, %d unrelated files) in %s", r.label, m, k, dir)
			if man, err = synth.Generate(dir, synth.Options{Incidents: n, Commits: m, Unrelated: k, Seed: *seed, Postmortems: *postmortems, Progress: os.Stderr}); err != nil {
				fatalf("generating: %v", err)
			}
		} else {
			progress("resetting %s to the generated commit %s", dir, man.Tip[:12])
			reset(dir, man)
		}
		r.m = man
		repos = append(repos, r)
	}
	base := repos[0]

	var report bytes.Buffer
	var results []*pair
	runPairs := func(ps []*pair) {
		for _, p := range ps {
			if !onlyRE.MatchString(p.name) {
				continue
			}
			progress("%s (%d runs per side)", p.name, p.reps)
			if err := p.measure(); err != nil {
				fatalf("%v", err)
			}
			if p.err != "" {
				progress("%s: fails: %s", p.name, firstLine(p.err))
			}
			results = append(results, expand(p)...)
		}
	}

	// lint --base first: right after the reset, the changed documents are exactly the ones it
	// makes.
	for _, r := range repos {
		runPairs(lintBasePairs(r, base, *lintReps))
	}
	for _, r := range repos {
		runPairs(writePairs(r, *reps))
		if r != base {
			runPairs(scalingPairs(r, base, *reps))
		}
		runPairs(floorPairs(r, *reps))
	}
	for _, r := range repos {
		runPairs(readPairs(r, *reps))
	}
	// Issue 19: full JSON listings, the first runs after a clone, other index formats, start-up.
	for _, r := range repos {
		runPairs(jsonPairs(r, *reps))
		runPairs(clonePairs(r, *cloneReps))
	}
	variants := map[string]*repo{}
	for _, r := range repos {
		runPairs(indexPairs(r, *reps, variants))
		if r != base {
			runPairs(indexScalingPairs(r, base, *reps, variants))
		}
	}
	runPairs(startupPairs(*startupReps))
	var mdl string
	if *mdlint != "" && wanted("markdownlint") {
		mdl = installMarkdownlint(*cache, *mdlint)
	}
	for _, r := range repos {
		runPairs(lintPairs(r, *lintReps, *mdReps, mdl))
	}
	for _, r := range repos {
		if syncAt[r.n] {
			runPairs(syncPairs(r, *reps))
		}
	}
	for _, r := range repos {
		if syncAt[r.n] {
			runPairs(incomingSyncPairs(r, *reps))
		}
	}
	stopDaemons()
	// Last: the rebuild measurement logs into the repository.
	for _, r := range repos {
		runPairs(sitePairs(r, *lintReps))
	}
	loadAfter := loadavg()

	writeReport(&report, reportInfo{
		args: os.Args[1:], sizes: sizes, began: began, took: time.Since(began), loadBefore: loadBefore, loadAfter: loadAfter,
		mdlint: mdl, mdlintVersion: *mdlint, repos: repos, prebuilt: *prebuilt,
	}, results)
	os.Stdout.Write(report.Bytes())
	if *out != "" {
		if err := os.WriteFile(*out, report.Bytes(), 0o666); err != nil {
			fatalf("%v", err)
		}
	}
}

func wanted(name string) bool { return onlyRE.MatchString(name) }

func sizeLabel(n int) string {
	switch {
	case n%1000000 == 0:
		return fmt.Sprintf("%dM", n/1000000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "incidentbench: "+format+"\n", args...)
}

// reset brings a cached repository back to the generated state.
func reset(dir string, m *synth.Manifest) {
	sh(dir, "git", "rebase", "--abort")
	must(dir, "git", "checkout", "-q", "-f", m.Branch)
	must(dir, "git", "reset", "-q", "--hard", m.Tip)
	must(dir, "git", "clean", "-fdq", "--", "incidents")
	sh(dir, "git", "remote", "remove", "origin")
	os.RemoveAll(dir + ".remote.git")
	os.RemoveAll(dir + ".other")
	os.RemoveAll(dir + ".clone")
}

// firstLine shortens a failure for a table cell: its first line, and the first line of the
// command's output after it (where the error message is), at most 300 bytes.
func firstLine(s string) string {
	l, rest, _ := strings.Cut(s, "\n")
	for _, m := range strings.Split(rest, "\n") {
		if m = strings.TrimSpace(m); m != "" {
			l += " — " + m
			break
		}
	}
	if len(l) > 300 {
		l = l[:300] + "…"
	}
	return l
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// appendLogLine makes the edit a person would make by hand: one log entry at the end.
func appendLogLine(dir, path, text string) error {
	f, err := os.OpenFile(filepath.Join(dir, path), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "- %s [bench] %s\n", time.Now().UTC().Format(time.RFC3339), text)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// gitSide is the reference for a change to one existing file: the person edits it, then
// `git add <file> && git commit`.
func gitSide(r *repo, path, what string) *side {
	return &side{
		label:   "git add + commit",
		dir:     r.dir,
		prepare: func(i int) error { return appendLogLine(r.dir, path, fmt.Sprintf("%s %d", what, i)) },
		cmds: func(i int) [][]string {
			return [][]string{{"git", "add", path}, {"git", "commit", "-q", "-m", fmt.Sprintf("%s %d", what, i)}}
		},
	}
}

// The commands that change an incident, on repository r.
func logSide(r *repo, byPrefix bool) *side {
	e := r.m.Open[0]
	ref, label := e.ID, "incidentctl log <id>"
	if byPrefix {
		ref, label = e.ID[7:], "incidentctl log <5 letters>"
	}
	return &side{label: label, dir: r.dir, cmds: func(i int) [][]string {
		return [][]string{{bin, "log", ref, fmt.Sprintf("bench note %d", i)}}
	}}
}

func updateSide(r *repo) *side {
	id := r.m.Open[1].ID
	return &side{label: "incidentctl update", dir: r.dir, cmds: func(i int) [][]string {
		return [][]string{{bin, "update", id, "--impact", fmt.Sprintf("bench impact %d", i)}}
	}}
}

func closeSide(r *repo) *side {
	id := r.m.Open[2].ID
	return &side{label: "incidentctl close", dir: r.dir,
		cmds: func(i int) [][]string {
			return [][]string{{bin, "close", id, "--force", "--resolution", fmt.Sprintf("bench resolution %d", i)}}
		},
		after: func(i int) error { _, err := sh(r.dir, bin, "update", id, "--status", "investigating"); return err },
	}
}

func newSide(r *repo) *side {
	return &side{label: "incidentctl new", dir: r.dir, cmds: func(i int) [][]string {
		return [][]string{{bin, "new", fmt.Sprintf("Bench incident %d", i), "--severity", "SEV3", "--impact", "benchmark"}}
	}}
}

// gitNewSide writes a new incident document by hand and commits it with git.
func gitNewSide(r *repo) *side {
	var path string
	return &side{label: "git add + commit", dir: r.dir,
		prepare: func(i int) error {
			newCount++
			const alphabet = "0123456789abcdefghjkmnpqrstvwxyz"
			rnd := []byte("zz000")
			for k, v := 4, newCount; k >= 2; k-- {
				rnd[k] = alphabet[v%32]
				v /= 32
			}
			now := time.Now()
			id := now.UTC().Format("060102") + "-" + string(rnd)
			p, content, err := synth.NewDocument(id, fmt.Sprintf("Bench incident by hand %d", i), "SEV3", "bench", now)
			if err != nil {
				return err
			}
			path = p
			abs := filepath.Join(r.dir, p)
			if err := os.MkdirAll(filepath.Dir(abs), 0o777); err != nil {
				return err
			}
			return os.WriteFile(abs, content, 0o644)
		},
		cmds: func(i int) [][]string {
			return [][]string{{"git", "add", path}, {"git", "commit", "-q", "-m", fmt.Sprintf("declare %d", i)}}
		},
	}
}

func writePairs(r *repo, reps int) []*pair {
	at := " @" + r.label
	return []*pair{
		{name: "log <id> vs git" + at, a: logSide(r, false), b: gitSide(r, r.m.Open[0].Path, "log"), reps: reps},
		{name: "log <5 letters> vs git" + at, a: logSide(r, true), b: gitSide(r, r.m.Open[0].Path, "log"), reps: reps},
		{name: "new vs git" + at, a: newSide(r), b: gitNewSide(r), reps: reps},
		{name: "update vs git" + at, a: updateSide(r), b: gitSide(r, r.m.Open[1].Path, "update"), reps: reps},
		{name: "close vs git" + at, a: closeSide(r), b: gitSide(r, r.m.Open[2].Path, "close"), reps: reps},
	}
}

// scalingPairs compare each command on r with the same command on the baseline repository.
func scalingPairs(r, base *repo, reps int) []*pair {
	at := " @" + r.label + " vs @" + base.label
	relabel := func(s *side, label string) *side { s.label += " @" + label; return s }
	return []*pair{
		{name: "log <id>" + at, a: relabel(logSide(r, false), r.label), b: relabel(logSide(base, false), base.label), reps: reps},
		{name: "log <5 letters>" + at, a: relabel(logSide(r, true), r.label), b: relabel(logSide(base, true), base.label), reps: reps},
		{name: "new" + at, a: relabel(newSide(r), r.label), b: relabel(newSide(base), base.label), reps: reps},
		{name: "update" + at, a: relabel(updateSide(r), r.label), b: relabel(updateSide(base), base.label), reps: reps},
		{name: "close" + at, a: relabel(closeSide(r), r.label), b: relabel(closeSide(base), base.label), reps: reps},
	}
}

// readPairs time the read commands (one side each, repeated).
func readPairs(r *repo, reps int) []*pair {
	at := " @" + r.label
	one := func(label string, args ...string) *pair {
		return &pair{name: label + at, reps: reps, a: &side{label: label, dir: r.dir, cmds: func(int) [][]string {
			return [][]string{append([]string{bin}, args...)}
		}}}
	}
	prefix := r.m.Resolved[0].ID[7:]
	open := r.m.Open[0].ID[7:]
	ps := []*pair{
		one("list", "list"),
		one("list --status all", "list", "--status", "all"),
		one("list --json", "list", "--json"),
		one("show <5 letters>", "show", prefix),
		one("status", "status"),
		one("status <5 letters>", "status", open),
	}
	for _, p := range ps {
		p.warm = true
	}
	// The first listing after a clone (or a new build of incidentctl) parses every document
	// and fills the caches in .git/incidentctl: timed once, as it is.
	cold := one("list, first run (no caches)", "list")
	cold.reps = 1
	cold.a.prepare = func(int) error { return os.RemoveAll(filepath.Join(r.dir, ".git", "incidentctl")) }
	return append([]*pair{cold}, ps...)
}

func lintSide(r *repo, args ...string) *side {
	return &side{label: "incidentctl lint " + strings.Join(args, " "), dir: r.dir, okExit: []int{1}, cmds: func(int) [][]string {
		return [][]string{append([]string{bin, "lint"}, args...)}
	}}
}

func lintPairs(r *repo, reps, mdReps int, mdl string) []*pair {
	at := " @" + r.label
	if _, err := sh(r.dir, bin, "lint", "--help"); err != nil {
		progress("incidentctl lint is not there yet: skipping lint")
		return nil
	}
	// Warm: the result cache (<git dir>/incidentctl/lint) filled by the untimed first run; no
	// cache: removed before every run, as on the first lint after a clone.
	cold := lintSide(r)
	cold.label += " (no result cache)"
	cold.prepare = func(int) error {
		err := os.Remove(filepath.Join(r.dir, ".git", "incidentctl", "lint"))
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	ps := []*pair{{name: "lint" + at, a: lintSide(r), reps: reps, warm: true},
		{name: "lint" + at + ", no result cache", a: cold, reps: reps}}
	if mdl != "" && r.n <= 10000 {
		ps = append(ps, &pair{name: "lint vs markdownlint-cli2" + at, a: lintSide(r), reps: mdReps, b: &side{
			label: "markdownlint-cli2", dir: r.dir, okExit: []int{1},
			cmds: func(int) [][]string { return [][]string{{mdl, "incidents/**/*.md"}} },
		}})
	}
	return ps
}

// lintBasePairs: `lint --base <generated tip>` after 1 and after 100 documents changed, paired
// with the same on the baseline repository.
func lintBasePairs(r, base *repo, reps int) []*pair {
	if !wanted("lint --base") {
		return nil
	}
	if _, err := sh(r.dir, bin, "lint", "--help"); err != nil {
		return nil
	}
	var out []*pair
	changed := 0
	for _, k := range []int{1, 100} {
		for ; changed < k && changed < len(r.m.Resolved); changed++ {
			must(r.dir, bin, "log", r.m.Resolved[changed].ID, "change for lint --base")
		}
		s := lintSide(r, "--base", r.m.Tip)
		s.label = fmt.Sprintf("lint --base (%d changed)", changed)
		out = append(out, &pair{name: fmt.Sprintf("lint --base, %d changed @%s", changed, r.label), a: s, reps: reps})
	}
	return out
}

// syncPairs: one new local commit, shared with `incidentctl sync` or `git pull --rebase && git
// push`, against a bare remote holding the whole history.
func syncPairs(r *repo, reps int) []*pair {
	if !wanted("sync") {
		return nil
	}
	if _, err := sh(r.dir, bin, "sync", "--help"); err != nil {
		progress("incidentctl sync is not there yet: skipping sync")
		return nil
	}
	remote := r.dir + ".remote.git"
	if _, err := os.Stat(remote); err != nil {
		progress("cloning the %s repository as a bare remote", r.label)
		must(filepath.Dir(r.dir), "git", "clone", "-q", "--bare", r.dir, remote)
	}
	sh(r.dir, "git", "remote", "remove", "origin")
	must(r.dir, "git", "remote", "add", "origin", remote)
	must(r.dir, "git", "push", "-q", "--force", "origin", "HEAD:refs/heads/main")
	must(r.dir, "git", "fetch", "-q", "origin")
	must(r.dir, "git", "branch", "-q", "-u", "origin/main", "main")
	e := r.m.Open[0]
	a := &side{label: "incidentctl sync", dir: r.dir,
		prepare: func(i int) error { _, err := sh(r.dir, bin, "log", e.ID, fmt.Sprintf("sync note %d", i)); return err },
		cmds:    func(int) [][]string { return [][]string{{bin, "sync"}} },
	}
	b := &side{label: "git pull --rebase && git push", dir: r.dir,
		prepare: func(i int) error {
			if err := appendLogLine(r.dir, e.Path, fmt.Sprintf("git sync note %d", i)); err != nil {
				return err
			}
			if _, err := sh(r.dir, "git", "add", e.Path); err != nil {
				return err
			}
			_, err := sh(r.dir, "git", "commit", "-q", "-m", "sync note")
			return err
		},
		cmds: func(int) [][]string { return [][]string{{"git", "pull", "-q", "--rebase"}, {"git", "push", "-q"}} },
	}
	return []*pair{{name: "sync vs git pull --rebase && git push @" + r.label, a: a, b: b, reps: reps,
		note: fmt.Sprintf("remote: %d commits", r.m.Commits)}}
}

// sitePairs: the web view (incidentctl site) built from nothing, rebuilt with nothing changed,
// and rebuilt after one resolved incident changed (its page and the lists that show it).
func sitePairs(r *repo, reps int) []*pair {
	if !wanted("site") {
		return nil
	}
	if _, err := sh(r.dir, bin, "site", "--help"); err != nil {
		progress("incidentctl site is not there yet: skipping site")
		return nil
	}
	at := " @" + r.label
	out := r.dir + ".site"
	build := func(label string, prepare func(i int) error) *pair {
		return &pair{name: label + at, reps: reps, a: &side{label: label, dir: r.dir, prepare: prepare,
			cmds: func(int) [][]string { return [][]string{{bin, "site", "--out", out}} }}}
	}
	ensure := func() error {
		if _, err := os.Stat(filepath.Join(out, "index.html")); err == nil {
			return nil
		}
		_, err := sh(r.dir, bin, "site", "--out", out)
		return err
	}
	full := build("site, full build", func(int) error { return os.RemoveAll(out) })
	same := build("site, rebuild with nothing changed", func(int) error { return ensure() })
	one := build("site, rebuild after one change", func(i int) error {
		if err := ensure(); err != nil {
			return err
		}
		_, err := sh(r.dir, bin, "log", r.m.Resolved[i%len(r.m.Resolved)].ID, fmt.Sprintf("site note %d", i))
		return err
	})
	return []*pair{full, same, one}
}

// installMarkdownlint installs markdownlint-cli2 from npm into the cache once.
func installMarkdownlint(cache, version string) string {
	dir := filepath.Join(cache, "node")
	bin := filepath.Join(dir, "node_modules", ".bin", "markdownlint-cli2")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	progress("installing markdownlint-cli2@%s from npm into %s", version, dir)
	if _, err := shEnv(os.Environ(), cache, "npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", dir, "markdownlint-cli2@"+version); err != nil {
		progress("markdownlint-cli2 could not be installed (%v): the reference is skipped", err)
		return ""
	}
	return bin
}

type reportInfo struct {
	args          []string
	sizes         []int
	began         time.Time
	took          time.Duration
	loadBefore    string
	loadAfter     string
	mdlint        string
	mdlintVersion string
	repos         []*repo
	prebuilt      string
}

func machine() []string {
	var out []string
	if u, err := sh(".", "uname", "-a"); err == nil {
		out = append(out, "uname: "+strings.TrimSpace(u))
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				_, v, _ := strings.Cut(l, ":")
				out = append(out, fmt.Sprintf("CPU: %s, %d cores", strings.TrimSpace(v), runtime.NumCPU()))
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		l, _, _ := strings.Cut(string(b), "\n")
		out = append(out, "memory: "+strings.Join(strings.Fields(l)[1:], " "))
	}
	if v, err := sh(".", "go", "version"); err == nil {
		out = append(out, strings.TrimSpace(v))
	}
	if v, err := sh(".", "git", "--version"); err == nil {
		out = append(out, strings.TrimSpace(v))
	}
	if v, err := sh(".", "node", "--version"); err == nil {
		out = append(out, "node "+strings.TrimSpace(v))
	}
	return out
}

func writeReport(w io.Writer, info reportInfo, results []*pair) {
	byName := map[string]*pair{}
	for _, p := range results {
		byName[p.name] = p
	}
	fmt.Fprintf(w, "## Run of %s\n\n", info.began.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(w, "`go run ./cmd/incidentbench %s` (%s)\n\n", strings.Join(info.args, " "), info.took.Round(time.Second))
	for _, l := range machine() {
		fmt.Fprintf(w, "- %s\n", l)
	}
	if info.mdlint != "" {
		fmt.Fprintf(w, "- markdownlint-cli2 %s (npm)\n", info.mdlintVersion)
	}
	if info.prebuilt != "" {
		fmt.Fprintf(w, "- incidentctl binary: %s (given with -bin)\n", info.prebuilt)
	}
	fmt.Fprintf(w, "- load average (1, 5, 15 min) before: %s, after: %s\n", info.loadBefore, info.loadAfter)
	for _, r := range info.repos {
		fmt.Fprintf(w, "- %s repository: %d incidents (%d open), %d commits, %d unrelated files (generated in %.0f s)\n",
			r.label, r.m.Incidents, len(r.m.Open), r.m.Commits, r.m.Unrelated, r.m.Seconds)
	}
	fmt.Fprintln(w)

	writeTargets(w, info, byName)

	fmt.Fprintf(w, "\n### Every pair (median of the runs; A and B alternate A B B A ...)\n\n")
	fmt.Fprintf(w, "| measurement | A | median A | B | median B | A/B | runs | range A | peak RSS A | peak RSS B |\n| --- | --- | ---: | --- | ---: | ---: | ---: | --- | ---: | ---: |\n")
	for _, p := range results {
		if p.err != "" {
			fmt.Fprintf(w, "| %s | %s | fails: %s | | | | | | | |\n", p.name, p.a.label, strings.ReplaceAll(firstLine(p.err), "|", "\\|"))
			continue
		}
		ma := median(p.a.runs)
		lo, hi := spread(p.a.runs)
		bl, mbs, ratio, rssB := "—", "—", "—", "—"
		if p.b != nil {
			mbv := median(p.b.runs)
			bl, mbs, rssB = p.b.label, ms(mbv), mb(maxRSS(p.b))
			if mbv > 0 {
				ratio = fmt.Sprintf("%.2f", float64(ma)/float64(mbv))
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %s | %d | %s–%s | %s | %s |\n", p.name, p.a.label, ms(ma), bl, mbs, ratio,
			len(p.a.runs), ms(lo), ms(hi), mb(maxRSS(p.a)), rssB)
	}
	var notes []string
	for _, p := range results {
		if p.check != nil && p.note != "" {
			notes = append(notes, fmt.Sprintf("- %s: %s", p.name, p.note))
		}
	}
	if len(notes) > 0 {
		fmt.Fprintf(w, "\n%s\n", strings.Join(notes, "\n"))
	}
}

// writeTargets turns the pairs into the targets, each with its figure and bound.
func writeTargets(w io.Writer, info reportInfo, by map[string]*pair) {
	fmt.Fprintf(w, "### Targets\n\n| target | measured | bound | met |\n| --- | ---: | ---: | --- |\n")
	row := func(target, measured, bound string, met bool) {
		m := "yes"
		if !met {
			m = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", target, measured, bound, m)
	}
	reference := func(what, measured string) { fmt.Fprintf(w, "| %s | %s | — | — |\n", what, measured) }
	ratio := func(p *pair) float64 { return float64(median(p.a.runs)) / float64(median(p.b.runs)) }
	base := sizeLabel(info.sizes[0])
	for _, cmd := range []string{"log <id>", "log <5 letters>", "new", "update", "close"} {
		for _, n := range info.sizes {
			l := sizeLabel(n)
			if p := by[cmd+" vs git @"+l]; p != nil && n >= 10000 {
				row(fmt.Sprintf("`%s` @%s ≤ 0.5× `git add && git commit`", cmd, l),
					fmt.Sprintf("%s vs %s = %.2f×", ms(median(p.a.runs)), ms(median(p.b.runs)), ratio(p)), "0.5×", ratio(p) <= 0.5)
			}
			if p := by[cmd+" @"+l+" vs @"+base]; p != nil {
				row(fmt.Sprintf("`%s` @%s ≤ 1.5× itself @%s", cmd, l, base),
					fmt.Sprintf("%s vs %s = %.2f×", ms(median(p.a.runs)), ms(median(p.b.runs)), ratio(p)), "1.5×", ratio(p) <= 1.5)
			}
		}
	}
	var perDoc []string
	var perDocCost []float64 // µs per document, by size
	for _, n := range info.sizes {
		l := sizeLabel(n)
		if p := by["lint @"+l]; p != nil {
			m := median(p.a.runs)
			perDocCost = append(perDocCost, float64(m)/1e3/float64(n))
			perDoc = append(perDoc, fmt.Sprintf("@%s %s (%.0f µs/doc)", l, ms(m), perDocCost[len(perDocCost)-1]))
			if n == 10000 {
				row("`lint` of 10,000 documents < 1 s (2 cores)", ms(m), "1 s", m < time.Second)
			}
		}
		if p := by["lint vs markdownlint-cli2 @"+l]; p != nil {
			reference(fmt.Sprintf("reference: markdownlint-cli2 @%s", l), fmt.Sprintf("lint %s vs markdownlint-cli2 %s = %.2f×", ms(median(p.a.runs)), ms(median(p.b.runs)), ratio(p)))
		}
	}
	if k := len(perDocCost); k >= 2 {
		// Linear: the cost per document at the largest size is no more than 1.5× the cost at the
		// size before it (smaller runs carry the fixed start-up cost, so they cost more per
		// document, never less).
		row("`lint` linear in the documents (µs/doc at the largest size ≤ 1.5× the size before)", strings.Join(perDoc, "; "),
			"1.5×", perDocCost[k-1] <= 1.5*perDocCost[k-2])
	}
	var base1 time.Duration
	for _, n := range info.sizes {
		l := sizeLabel(n)
		p1, p100 := by["lint --base, 1 changed @"+l], by["lint --base, 100 changed @"+l]
		if p1 == nil {
			continue
		}
		m1 := median(p1.a.runs)
		if base1 == 0 {
			base1 = m1
		}
		fig := fmt.Sprintf("1 changed: %s", ms(m1))
		if p100 != nil {
			fig += fmt.Sprintf("; 100 changed: %s", ms(median(p100.a.runs)))
		}
		full := by["lint @"+l]
		if full != nil {
			fig += fmt.Sprintf("; full lint %s", ms(median(full.a.runs)))
		}
		row(fmt.Sprintf("`lint --base` @%s: cost of the changed documents (1 changed ≤ 1.5× @%s)", l, base), fig, "1.5×", float64(m1) <= 1.5*float64(base1))
	}
	for _, n := range info.sizes {
		if n < 100000 {
			continue
		}
		l := sizeLabel(n)
		if p := by["list, first run (no caches) @"+l]; p != nil {
			row(fmt.Sprintf("`list` @%s, first run after a clone or upgrade (fills the caches)", l),
				fmt.Sprintf("%s, %s", ms(median(p.a.runs)), mb(maxRSS(p.a))), "—", true)
		}
		for _, cmd := range []string{"list", "list --status all", "list --json", "show <5 letters>", "status", "status <5 letters>"} {
			if p := by[cmd+" @"+l]; p != nil {
				m, rss := median(p.a.runs), maxRSS(p.a)
				row(fmt.Sprintf("`%s` @%s < 0.5 s, < 200 MB", cmd, l), fmt.Sprintf("%s, %s", ms(m), mb(rss)), "0.5 s, 200 MB",
					m < 500*time.Millisecond && rss < 200e6)
			}
		}
	}
	for _, n := range info.sizes {
		l := sizeLabel(n)
		if p := by["sync vs git pull --rebase && git push @"+l]; p != nil {
			row(fmt.Sprintf("`sync` of one change @%s (%s) ≤ 2× `git pull --rebase && git push`", l, p.note),
				fmt.Sprintf("%s vs %s = %.2f×", ms(median(p.a.runs)), ms(median(p.b.runs)), ratio(p)), "2×", ratio(p) <= 2)
		}
	}
	writeTargets19(w, info, by)
}
