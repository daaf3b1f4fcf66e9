package main

// The rows issue 19 added: syncs that merge what others pushed, full JSON listings, the index
// formats of big repositories (feature.manyFiles, core.splitIndex), the first commands after a
// clone, and start-up.

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// expand turns a side timed command by command (side.each) into one row per command.
func expand(p *pair) []*pair {
	if !p.a.each || p.err != "" {
		return []*pair{p}
	}
	var out []*pair
	for j, runs := range p.a.parts {
		var rss int64
		if j < len(p.a.partsRSS) {
			rss = p.a.partsRSS[j]
		}
		label := fmt.Sprintf("%s, run %d", p.a.label, j+1)
		out = append(out, &pair{name: fmt.Sprintf("%s, run %d%s", p.name, j+1, p.suffix), reps: p.reps, note: p.note,
			a: &side{label: label, runs: runs, peakRSS: rss}})
	}
	return out
}

// ensureRemote makes the bare remote (a clone of the whole history) and points the repository's
// main branch at it.
func ensureRemote(r *repo) string {
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
	return remote
}

// incomingSyncPairs: someone else pushed first, so sharing one local change has to bring their
// commits in. "elsewhere": one commit to another incident; "same incident": 50 commits to the
// incident changed locally, which the merge driver (git) or the field-by-field merge
// (incidentctl) has to unite. The other responder's clone commits and pushes before each run
// (untimed); the git side is `git pull --rebase && git push` with incidentctl's merge driver,
// registered in the repository's .gitattributes and .git/config.
func incomingSyncPairs(r *repo, reps int) []*pair {
	if !wanted("incoming") {
		return nil
	}
	if _, err := sh(r.dir, bin, "sync", "--help"); err != nil {
		return nil
	}
	remote := ensureRemote(r)
	other := r.dir + ".other"
	if _, err := os.Stat(other); err != nil {
		progress("cloning the %s remote for the other responder", r.label)
		must(filepath.Dir(r.dir), "git", "clone", "-q", remote, other)
		must(other, "git", "config", "user.name", "other")
		must(other, "git", "config", "user.email", "other@example.com")
		must(other, "git", "config", "gc.auto", "0")
	}
	// Through git daemon (daemon.go), so that each side's peak memory is the client's, not
	// the remote's git-receive-pack's.
	served := "remote a path (peak RSS includes its git-receive-pack)"
	url := remote
	if u := serveRemote(remote); u != "" {
		url, served = u, "remote served by git daemon on 127.0.0.1"
	}
	must(r.dir, "git", "remote", "set-url", "origin", url)
	must(other, "git", "remote", "set-url", "origin", url)
	local := r.m.Open[0]
	var out []*pair
	for _, c := range []struct {
		name    string
		id      string
		commits int
	}{
		{"1 remote commit elsewhere", r.m.Open[1].ID, 1},
		{"50 remote commits to the same incident", local.ID, 50},
	} {
		// theirs: the other clone catches up with the remote, commits, pushes.
		theirs := func(i int) error {
			if _, err := sh(other, "git", "fetch", "-q", "origin"); err != nil {
				return err
			}
			if _, err := sh(other, "git", "reset", "-q", "--hard", "origin/main"); err != nil {
				return err
			}
			for k := range c.commits {
				if _, err := sh(other, bin, "log", c.id, fmt.Sprintf("remote note %d.%d", i, k)); err != nil {
					return err
				}
			}
			_, err := sh(other, "git", "push", "-q", "origin", "HEAD:refs/heads/main")
			return err
		}
		a := &side{label: "incidentctl sync", dir: r.dir,
			prepare: func(i int) error {
				if err := theirs(i); err != nil {
					return err
				}
				_, err := sh(r.dir, bin, "log", local.ID, fmt.Sprintf("local note %d", i))
				return err
			},
			cmds: func(int) [][]string { return [][]string{{bin, "sync"}} },
		}
		b := &side{label: "git pull --rebase && git push", dir: r.dir,
			prepare: func(i int) error {
				if err := theirs(i); err != nil {
					return err
				}
				if err := appendLogLine(r.dir, local.Path, fmt.Sprintf("local git note %d", i)); err != nil {
					return err
				}
				if _, err := sh(r.dir, "git", "add", local.Path); err != nil {
					return err
				}
				_, err := sh(r.dir, "git", "commit", "-q", "-m", "local note")
				return err
			},
			cmds: func(int) [][]string { return [][]string{{"git", "pull", "-q", "--rebase"}, {"git", "push", "-q"}} },
		}
		out = append(out, &pair{name: "incoming sync, " + c.name + " @" + r.label, a: a, b: b, reps: reps, mayFail: true,
			note: fmt.Sprintf("remote: %d commits; %s", r.m.Commits, served)})
	}
	return out
}

// jsonPairs: listings with --json, their output sent to /dev/null; the reference is git grep
// printing every front-matter line of every document.
func jsonPairs(r *repo, reps int) []*pair {
	at := " @" + r.label
	one := func(label string, args ...string) *pair {
		return &pair{name: label + at, reps: reps, warm: true, a: &side{label: label, dir: r.dir, devnull: true,
			cmds: func(int) [][]string { return [][]string{append([]string{bin}, args...)} }}}
	}
	all := one("list --status all --json", "list", "--status", "all", "--json")
	all.b = &side{label: "git grep -h (front matter)", dir: r.dir, devnull: true, cmds: func(int) [][]string {
		return [][]string{{"git", "grep", "-h", "-E", `^(id|title|severity|status|commander|impact|declared_at|resolved_at): `, "--", "incidents"}}
	}}
	return []*pair{all, one("status --json", "status", "--json"), one("next --json", "next", "--json"),
		one("stats", "stats"), one("stats --json", "stats", "--json"), one("followup list --json", "followup", "list", "--json")}
}

// streamedListings are the jsonPairs rows whose memory must not grow with the repository.
var streamedListings = []string{"list --status all --json", "status --json", "next --json", "stats", "stats --json", "followup list --json"}

// clonePairs: the first, second and third status and list right after `git clone` (untimed),
// when the caches in <git dir>/incidentctl/ do not exist yet and every file is new.
func clonePairs(r *repo, reps int) []*pair {
	if !wanted("clone") {
		return nil
	}
	dir := r.dir + ".clone"
	var out []*pair
	for _, args := range [][]string{{"status"}, {"list"}} {
		label := strings.Join(args, " ")
		s := &side{label: label + " after git clone", dir: dir, each: true,
			prepare: func(int) error {
				os.RemoveAll(dir)
				_, err := sh(filepath.Dir(r.dir), "git", "clone", "-q", r.dir, dir)
				return err
			},
			cmds: func(int) [][]string {
				c := append([]string{bin}, args...)
				return [][]string{c, c, c}
			},
		}
		out = append(out, &pair{name: label + " after git clone", suffix: " @" + r.label, a: s, reps: reps})
	}
	// lint --base with a revision expression right after a clone, next to the same commit named
	// by its hash.
	if _, err := sh(r.dir, bin, "lint", "--help"); err == nil {
		// HEAD~1 of the repository as it is now (the clone's HEAD~1): earlier rows have
		// committed on top of the generated tip, so the tip's parent is another commit.
		parent := strings.TrimSpace(must(r.dir, "git", "rev-parse", "HEAD~1"))
		clone := func(int) error {
			os.RemoveAll(dir)
			_, err := sh(filepath.Dir(r.dir), "git", "clone", "-q", r.dir, dir)
			return err
		}
		lint := func(label, rev string) *side {
			return &side{label: label, dir: dir, prepare: clone, okExit: []int{1},
				cmds: func(int) [][]string { return [][]string{{bin, "lint", "--base", rev}} }}
		}
		out = append(out, &pair{name: "lint --base HEAD~1 vs <hash> after git clone @" + r.label, reps: reps, mayFail: true,
			a: lint("lint --base HEAD~1", "HEAD~1"), b: lint("lint --base <hash>", parent)})
	}
	return out
}

// floorPairs: write commands next to the physical minimum of a one-file commit (cmd/incidentbench/floor:
// process start, six new loose objects, the whole index written into a lock file and renamed
// over the previous copy, a ref moved), in the same repository.
func floorPairs(r *repo, reps int) []*pair {
	floor := func(hash string) *side {
		return &side{label: "write floor (hash " + hash + ")", dir: r.dir,
			prepare: func(int) error { return os.RemoveAll(filepath.Join(r.dir, ".git", "incidentbench-floor", "objects")) },
			cmds:    func(int) [][]string { return [][]string{{floorBin, "-hash", hash, "."}} }}
	}
	at := " @" + r.label
	// log changes one entry (the SHA-1 resumes near it: the floor hashes the last checkpoint's
	// worth); new adds one, which changes the entry count in the header (all of it is hashed).
	return []*pair{
		{name: "log <id> vs write floor" + at, a: logSide(r, false), b: floor("tail"), reps: reps},
		{name: "new vs write floor" + at, a: newSide(r), b: floor("all"), reps: reps},
	}
}

// startupPairs: what every command pays before doing anything, next to git's.
func startupPairs(reps int) []*pair {
	return []*pair{{name: "start-up: --help vs git --version", reps: reps,
		a: &side{label: "incidentctl --help", dir: ".", cmds: func(int) [][]string { return [][]string{{bin, "--help"}} }},
		b: &side{label: "git --version", dir: ".", cmds: func(int) [][]string { return [][]string{{"git", "--version"}} }},
	}}
}

// indexVariant is a clone of a repository whose index is in another format.
type indexVariant struct {
	name   string   // for rows: "feature.manyFiles"
	suffix string   // of the clone's folder
	config []string // git config settings, name value ...
	setup  [][]string
}

var indexVariants = []indexVariant{
	{name: "feature.manyFiles", suffix: ".manyfiles",
		config: []string{"feature.manyFiles", "true", "index.version", "4", "core.untrackedCache", "true"},
		setup:  [][]string{{"git", "update-index", "--index-version", "4", "--untracked-cache"}, {"git", "status", "-s"}}},
	{name: "core.splitIndex", suffix: ".splitindex",
		config: []string{"core.splitIndex", "true"},
		setup:  [][]string{{"git", "update-index", "--split-index"}, {"git", "status", "-s"}}},
}

// ensureVariant clones r (once) and puts its index in the variant's format.
func ensureVariant(r *repo, v indexVariant) *repo {
	dir := r.dir + v.suffix
	if _, err := os.Stat(filepath.Join(dir, ".git")); err != nil {
		progress("cloning the %s repository for %s", r.label, v.name)
		os.RemoveAll(dir)
		must(filepath.Dir(r.dir), "git", "clone", "-q", r.dir, dir)
		must(dir, "git", "config", "user.name", "bench")
		must(dir, "git", "config", "user.email", "bench@example.com")
		must(dir, "git", "config", "gc.auto", "0")
		must(dir, "git", "config", "merge.incidentctl.driver", "incidentctl merge-driver %O %A %B %P")
	} else {
		must(dir, "git", "reset", "-q", "--hard", r.m.Tip)
		must(dir, "git", "clean", "-fdq", "--", "incidents")
	}
	for i := 0; i+1 < len(v.config); i += 2 {
		must(dir, "git", "config", v.config[i], v.config[i+1])
	}
	for _, c := range v.setup {
		must(dir, c...)
	}
	return &repo{n: r.n, label: r.label, dir: dir, m: r.m}
}

// indexPairs: log on a repository whose index is v4 with an untracked cache, or split; and
// what the next `git status` costs after incidentctl's write compared with after git's.
func indexPairs(r *repo, reps int, variants map[string]*repo) []*pair {
	if !wanted("manyFiles|splitIndex|index") {
		return nil
	}
	var out []*pair
	for _, v := range indexVariants {
		vr := ensureVariant(r, v)
		variants[v.name+" @"+r.label] = vr
		at := " on " + v.name + " @" + r.label
		before := indexSummary(vr.dir)
		log := &pair{name: "log <id> vs git" + at, a: logSide(vr, false), b: gitSide(vr, vr.m.Open[0].Path, "log"), reps: reps, mayFail: true}
		log.check = func() string {
			// Measured after one more write of incidentctl's own (git's side ran last).
			if _, err := sh(vr.dir, bin, "log", vr.m.Open[0].ID, "index check"); err != nil {
				return "index before: " + before + "; incidentctl log fails"
			}
			return "index before: " + before + "; after incidentctl log: " + indexSummary(vr.dir)
		}
		status := &pair{name: "git status after the write" + at, reps: reps, mayFail: true,
			a: &side{label: "git status after incidentctl log", dir: vr.dir,
				prepare: func(i int) error {
					_, err := sh(vr.dir, bin, "log", vr.m.Open[1].ID, fmt.Sprintf("status note %d", i))
					return err
				},
				cmds: func(int) [][]string { return [][]string{{"git", "status", "-s"}} }},
			b: &side{label: "git status after git commit", dir: vr.dir,
				prepare: func(i int) error {
					p := vr.m.Open[1].Path
					if err := appendLogLine(vr.dir, p, fmt.Sprintf("status note %d", i)); err != nil {
						return err
					}
					if _, err := sh(vr.dir, "git", "add", p); err != nil {
						return err
					}
					_, err := sh(vr.dir, "git", "commit", "-q", "-m", "status note")
					return err
				},
				cmds: func(int) [][]string { return [][]string{{"git", "status", "-s"}} }},
		}
		out = append(out, log, status)
	}
	return out
}

// indexScalingPairs compare log on the variant at this size with log on the variant at the
// baseline size (a split index should make the write cost independent of the repository).
func indexScalingPairs(r, base *repo, reps int, variants map[string]*repo) []*pair {
	if !wanted("manyFiles|splitIndex|index") {
		return nil
	}
	var out []*pair
	for _, v := range indexVariants {
		vr, vb := variants[v.name+" @"+r.label], variants[v.name+" @"+base.label]
		if vr == nil || vb == nil {
			continue
		}
		a, b := logSide(vr, false), logSide(vb, false)
		a.label += " @" + r.label
		b.label += " @" + base.label
		out = append(out, &pair{name: "log <id> on " + v.name + " @" + r.label + " vs @" + base.label, a: a, b: b, reps: reps, mayFail: true})
	}
	return out
}

// indexSummary names the index's version and extensions, and whether it is split: what a
// write has to keep for git to stay fast.
func indexSummary(dir string) string {
	gitDir := filepath.Join(dir, ".git")
	b, err := os.ReadFile(filepath.Join(gitDir, "index"))
	if err != nil || len(b) < 12+20 || string(b[:4]) != "DIRC" {
		return "unreadable"
	}
	version := binary.BigEndian.Uint32(b[4:8])
	exts := indexExtensions(b)
	s := fmt.Sprintf("v%d, %d entries", version, binary.BigEndian.Uint32(b[8:12]))
	if len(exts) > 0 {
		s += ", " + strings.Join(exts, " ")
	} else {
		s += ", no extensions"
	}
	if shared, _ := filepath.Glob(filepath.Join(gitDir, "sharedindex.*")); len(shared) > 0 {
		s += fmt.Sprintf(" (%d shared index files)", len(shared))
	}
	return s
}

// indexExtensions lists the signatures of the index's extensions. The entries are skipped by
// walking them (their length depends on the version), so that the extensions after them can be
// read.
func indexExtensions(b []byte) []string {
	version := binary.BigEndian.Uint32(b[4:8])
	n := int(binary.BigEndian.Uint32(b[8:12]))
	off := 12
	end := len(b) - 20
	for range n {
		if off+62 > end {
			return []string{"(damaged)"}
		}
		flags := binary.BigEndian.Uint16(b[off+60 : off+62])
		p := off + 62
		if version >= 3 && flags&0x4000 != 0 {
			p += 2
		}
		if version == 4 {
			// A varint of bytes to drop from the previous name, then the rest of the name, NUL.
			_, k := uvarintGit(b[p:])
			if k <= 0 {
				return []string{"(damaged)"}
			}
			p += k
			z := strings.IndexByte(string(b[p:min(end, p+4096)]), 0)
			if z < 0 {
				return []string{"(damaged)"}
			}
			off = p + z + 1
			continue
		}
		z := strings.IndexByte(string(b[p:min(end, p+4096)]), 0)
		if z < 0 {
			return []string{"(damaged)"}
		}
		// Entries are padded with NULs to a multiple of 8 bytes (1 to 8 of them).
		entryLen := (p + z - off + 8) &^ 7
		off += entryLen
	}
	var out []string
	for off+8 <= end {
		sig := string(b[off : off+4])
		size := int(binary.BigEndian.Uint32(b[off+4 : off+8]))
		out = append(out, sig)
		off += 8 + size
	}
	return out
}

// uvarintGit reads git's offset varint (the one of index v4 and ofs-delta).
func uvarintGit(b []byte) (uint64, int) {
	if len(b) == 0 {
		return 0, 0
	}
	c := b[0]
	v := uint64(c & 0x7f)
	i := 1
	for c&0x80 != 0 {
		if i >= len(b) {
			return 0, 0
		}
		c = b[i]
		i++
		v = ((v + 1) << 7) | uint64(c&0x7f)
	}
	return v, i
}

// writeTargets19 adds issue 19's targets to the table.
func writeTargets19(w io.Writer, info reportInfo, by map[string]*pair) {
	row := func(target, measured, bound string, met bool) {
		m := "yes"
		if !met {
			m = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", target, measured, bound, m)
	}
	failed := func(target string, p *pair) { row(target, "fails: "+firstLine(p.err), "—", false) }
	vs := func(p *pair) (string, float64) {
		ma, mbv := median(p.a.runs), median(p.b.runs)
		return fmt.Sprintf("%s, %s vs %s = %.2f×", ms(ma), mb(maxRSS(p.a)), ms(mbv), float64(ma)/float64(mbv)), float64(ma) / float64(mbv)
	}
	for _, n := range info.sizes {
		l := sizeLabel(n)
		for _, c := range []string{"1 remote commit elsewhere", "50 remote commits to the same incident"} {
			p := by["incoming sync, "+c+" @"+l]
			if p == nil {
				continue
			}
			target := fmt.Sprintf("`sync` @%s, %s: ≤ 0.5× `git pull --rebase && git push` (merge driver), < 60 MB", l, c)
			if p.err != "" {
				failed(target, p)
				continue
			}
			fig, r := vs(p)
			row(target, fig, "0.5×, 60 MB", r <= 0.5 && maxRSS(p.a) < 60e6)
		}
	}
	var rss []string
	var rssBy []int64
	for _, n := range info.sizes {
		l := sizeLabel(n)
		p := by["list --status all --json @"+l]
		if p == nil {
			continue
		}
		rss = append(rss, fmt.Sprintf("@%s %s", l, mb(maxRSS(p.a))))
		rssBy = append(rssBy, maxRSS(p.a))
		if n >= 100000 {
			m := median(p.a.runs)
			row(fmt.Sprintf("`list --status all --json` @%s < 1.5 s, < 200 MB", l), fmt.Sprintf("%s, %s (git grep -h %s)", ms(m), mb(maxRSS(p.a)), ms(median(p.b.runs))),
				"1.5 s, 200 MB", m < 1500*time.Millisecond && maxRSS(p.a) < 200e6)
		}
	}
	if k := len(rssBy); k >= 2 {
		row("`list --status all --json`: memory does not grow with the incidents listed (peak RSS at the largest size ≤ 1.5× the size before)",
			strings.Join(rss, "; "), "1.5×", float64(rssBy[k-1]) <= 1.5*float64(rssBy[k-2]))
	}
	for _, c := range streamedListings[1:] {
		var rss []string
		var rssBy []int64
		for _, n := range info.sizes {
			l := sizeLabel(n)
			if p := by[c+" @"+l]; p != nil && p.err == "" {
				rss = append(rss, fmt.Sprintf("@%s %s", l, mb(maxRSS(p.a))))
				rssBy = append(rssBy, maxRSS(p.a))
			}
		}
		if k := len(rssBy); k >= 2 {
			row(fmt.Sprintf("`%s`: memory does not grow with the incidents listed (peak RSS at the largest size ≤ 1.5× the size before)", c),
				strings.Join(rss, "; "), "1.5×", float64(rssBy[k-1]) <= 1.5*float64(rssBy[k-2]))
		}
	}
	base := sizeLabel(info.sizes[0])
	for _, n := range info.sizes {
		l := sizeLabel(n)
		for _, v := range indexVariants {
			if p := by["log <id> vs git on "+v.name+" @"+l]; p != nil && n >= 100000 {
				target := fmt.Sprintf("`log <id>` on %s @%s ≤ 0.5× `git add && git commit`", v.name, l)
				if p.err != "" {
					failed(target, p)
				} else {
					fig, r := vs(p)
					row(target, fig, "0.5×", r <= 0.5)
				}
			}
			if p := by["git status after the write on "+v.name+" @"+l]; p != nil && n >= 100000 {
				target := fmt.Sprintf("next `git status` on %s @%s after incidentctl's write ≤ 1.1× after git's (the index extensions are kept)", v.name, l)
				if p.err != "" {
					failed(target, p)
				} else {
					fig, r := vs(p)
					row(target, fig, "1.1×", r <= 1.1)
				}
			}
			if p := by["log <id> on "+v.name+" @"+l+" vs @"+base]; p != nil && v.name == "core.splitIndex" {
				target := fmt.Sprintf("`log <id>` on %s @%s ≤ 1.5× itself @%s", v.name, l, base)
				if p.err != "" {
					failed(target, p)
				} else {
					fig, r := vs(p)
					row(target, fig, "1.5×", r <= 1.5)
				}
			}
		}
	}
	for _, n := range info.sizes {
		l := sizeLabel(n)
		for _, c := range []struct{ cmd, hashed string }{{"log <id>", "its last 256 KiB hashed"}, {"new", "all of it hashed"}} {
			p := by[c.cmd+" vs write floor @"+l]
			if p == nil || n < 10000 {
				continue
			}
			fig, r := vs(p)
			row(fmt.Sprintf("`%s` @%s ≤ 1.5× the write floor (process start, six loose objects, the index written and renamed with %s, the ref)", c.cmd, l, c.hashed), fig, "1.5×", r <= 1.5)
		}
	}
	for _, n := range info.sizes {
		if n < 100000 {
			continue
		}
		l := sizeLabel(n)
		for _, c := range []string{"status", "list"} {
			var runs []string
			var first *pair
			for k := 1; k <= 3; k++ {
				if p := by[fmt.Sprintf("%s after git clone, run %d @%s", c, k, l)]; p != nil {
					if k == 1 {
						first = p
					}
					runs = append(runs, fmt.Sprintf("run %d: %s, %s", k, ms(median(p.a.runs)), mb(maxRSS(p.a))))
				}
			}
			if first != nil {
				m := median(first.a.runs)
				row(fmt.Sprintf("first `%s` @%s after `git clone` ≤ 1.5 s", c, l), strings.Join(runs, "; "), "1.5 s", m <= 1500*time.Millisecond)
			}
		}
		if p := by["status @"+l]; p != nil {
			m := median(p.a.runs)
			row(fmt.Sprintf("warm `status` @%s ≤ 100 ms", l), fmt.Sprintf("%s, %s", ms(m), mb(maxRSS(p.a))), "100 ms", m <= 100*time.Millisecond)
		}
		if p := by["lint @"+l]; p != nil {
			m := median(p.a.runs)
			row(fmt.Sprintf("`lint` of %s documents ≤ 3 s (2 cores), result cache warm", l), fmt.Sprintf("%s, %s", ms(m), mb(maxRSS(p.a))), "3 s", m <= 3*time.Second)
		}
		if p := by["lint @"+l+", no result cache"]; p != nil {
			m := median(p.a.runs)
			row(fmt.Sprintf("`lint` of %s documents ≤ 3 s (2 cores), no result cache (first lint after a clone)", l), fmt.Sprintf("%s, %s", ms(m), mb(maxRSS(p.a))), "3 s", m <= 3*time.Second)
		}
		if p := by["lint --base HEAD~1 vs <hash> after git clone @"+l]; p != nil {
			target := fmt.Sprintf("`lint --base HEAD~1` after a clone @%s ≤ the same commit as a hash", l)
			if p.err != "" {
				failed(target, p)
			} else {
				fig, r := vs(p)
				row(target, fig, "1×", r <= 1)
			}
		}
	}
	if p := by["start-up: --help vs git --version"]; p != nil {
		m := median(p.a.runs)
		row("start-up: `incidentctl --help` ≤ 4 ms", fmt.Sprintf("%s, %s (git --version %s)", ms(m), mb(maxRSS(p.a)), ms(median(p.b.runs))), "4 ms", m <= 4*time.Millisecond)
	}
}
