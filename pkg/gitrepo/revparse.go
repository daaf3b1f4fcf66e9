package gitrepo

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// Revisions as git reads them (Documentation/revisions.txt; object-name.c: get_oid_1,
// peel_onion, get_oid_basic; refs.c: the ref_rev_parse_rules), answered from the files they
// name: the refs and their reflogs, the config for upstreams, the commits walked by ~ and ^.
// go-git's ResolveRevision decodes every pack index into memory first (140 MB and 200 ms at
// 100,000 incidents), and ignores @{...} suffixes it parses, so main@{u} came out as main.
//
// What is done here: full and abbreviated hashes, git describe output, refs by git's rules
// (HEAD, FETCH_HEAD and the other files in the git dir, refs/..., tags, branches,
// remote-tracking branches, <remote> for its HEAD), @ for HEAD, <rev>~<n>, <rev>^<n>,
// <rev>^{}, ^{commit}, ^{tag}, ^{tree}, ^{blob}, ^{object}, <branch>@{upstream} and @{u},
// <ref>@{<n>} and @{<n>} from the reflogs, @{-<n>} from HEAD's reflog. The rest (:/<text>,
// <rev>:<path>, ^{/<text>}, @{<date>}, @{push}, an abbreviated hash that names several
// objects, a reflog entry the log does not have) is asked of git itself (`git rev-parse`), so
// that every answer is git's; without git it falls to go-git, as before.

// errRevUnsupported: a syntax, or a case of one, left to git.
var errRevUnsupported = errors.New("left to git rev-parse")

// errRevNotFound: the revision names nothing (git would say "unknown revision").
var errRevNotFound = errors.New("unknown revision")

// revParseHook, when set (tests), sees every revision handed to git rev-parse.
var revParseHook func(rev string)

// resolveRevision returns the object rev names (any type), or errRevUnsupported.
func (r *Repo) resolveRevision(rev string) (plumbing.Hash, error) {
	if rev == "" || strings.ContainsAny(rev, ":\\*?[ \t\n\x7f") || strings.Contains(rev, "..") {
		return plumbing.ZeroHash, errRevUnsupported
	}
	for _, c := range rev {
		if c < 0x20 {
			return plumbing.ZeroHash, errRevUnsupported
		}
	}
	return r.revision(rev)
}

// revision is get_oid_1: a ~/^ suffix, then ^{...}, then a name.
func (r *Repo) revision(name string) (plumbing.Hash, error) {
	// "name~3" is "name^^^", "name~" is "name~1", and "name^" is "name^1".
	i := len(name) - 1
	for i >= 0 && name[i] >= '0' && name[i] <= '9' {
		i--
	}
	if i >= 0 && (name[i] == '~' || name[i] == '^') {
		digits := name[i+1:]
		n := 1
		if digits != "" {
			v, err := strconv.Atoi(digits)
			if err != nil || v > 1<<31-1 {
				return plumbing.ZeroHash, errRevNotFound
			}
			n = v
		}
		base, err := r.revision(name[:i])
		if err != nil {
			return plumbing.ZeroHash, err
		}
		c, err := r.peelTo(base, plumbing.CommitObject)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		if name[i] == '^' {
			if n == 0 {
				return c, nil
			}
			parents, err := r.parentsOf(c)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if n > len(parents) {
				return plumbing.ZeroHash, errRevNotFound
			}
			return parents[n-1], nil
		}
		for ; n > 0; n-- {
			parents, err := r.parentsOf(c)
			if err != nil {
				return plumbing.ZeroHash, err
			}
			if len(parents) == 0 {
				return plumbing.ZeroHash, errRevNotFound
			}
			c = parents[0]
		}
		return c, nil
	}
	if strings.HasSuffix(name, "}") {
		if at := strings.LastIndex(name, "^{"); at >= 0 {
			return r.peelOnion(name[:at], name[at+2:len(name)-1])
		}
	}
	h, err := r.basicName(name)
	if !errors.Is(err, errRevNotFound) {
		return h, err
	}
	// Describe output: "<anything>-g<hex>".
	if k := strings.LastIndex(name, "-g"); k >= 1 && len(name)-k-2 >= 4 && isHex(name[k+2:]) {
		h, err := r.shortHash(name[k+2:])
		if !errors.Is(err, errRevNotFound) {
			if err == nil {
				if _, err := r.peelTo(h, plumbing.CommitObject); err != nil {
					return plumbing.ZeroHash, errRevUnsupported // git picks among candidates
				}
			}
			return h, err
		}
	}
	return r.shortHash(name)
}

// peelOnion is <rev>^{<kind>}.
func (r *Repo) peelOnion(rev, kind string) (plumbing.Hash, error) {
	var want plumbing.ObjectType
	switch kind {
	case "":
	case "commit":
		want = plumbing.CommitObject
	case "tree":
		want = plumbing.TreeObject
	case "blob":
		want = plumbing.BlobObject
	case "tag":
		want = plumbing.TagObject
	case "object":
		want = plumbing.AnyObject
	default:
		return plumbing.ZeroHash, errRevUnsupported // ^{/regex}, or something git refuses
	}
	h, err := r.revision(rev)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	typ, _, err := r.readObject(h)
	if err != nil {
		return plumbing.ZeroHash, errRevNotFound
	}
	switch want {
	case plumbing.AnyObject:
		return h, nil
	case plumbing.InvalidObject: // ^{}: peel tags
		for typ == plumbing.TagObject {
			if h, err = r.tagTarget(h); err != nil {
				return plumbing.ZeroHash, err
			}
			if typ, _, err = r.readObject(h); err != nil {
				return plumbing.ZeroHash, errRevNotFound
			}
		}
		return h, nil
	case plumbing.TagObject:
		if typ != plumbing.TagObject {
			return plumbing.ZeroHash, errRevNotFound
		}
		return h, nil
	}
	return r.peelTo(h, want)
}

// peelTo follows tags (and a commit to its tree) to an object of type want.
func (r *Repo) peelTo(h plumbing.Hash, want plumbing.ObjectType) (plumbing.Hash, error) {
	for range 100 {
		typ, b, err := r.readObject(h)
		if err != nil {
			return plumbing.ZeroHash, errRevNotFound
		}
		switch {
		case typ == want:
			return h, nil
		case typ == plumbing.TagObject:
			if h, err = r.tagTarget(h); err != nil {
				return plumbing.ZeroHash, err
			}
		case typ == plumbing.CommitObject && want == plumbing.TreeObject:
			line, _, _ := bytes.Cut(b, []byte("\n"))
			hex, ok := bytes.CutPrefix(line, []byte("tree "))
			if !ok || !plumbing.IsHash(string(hex)) {
				return plumbing.ZeroHash, errRevNotFound
			}
			h = plumbing.NewHash(string(hex))
		default:
			return plumbing.ZeroHash, errRevNotFound
		}
	}
	return plumbing.ZeroHash, errRevNotFound
}

func (r *Repo) tagTarget(h plumbing.Hash) (plumbing.Hash, error) {
	_, b, err := r.readObject(h)
	if err != nil {
		return plumbing.ZeroHash, errRevNotFound
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	hex, ok := bytes.CutPrefix(line, []byte("object "))
	if !ok || !plumbing.IsHash(string(hex)) {
		return plumbing.ZeroHash, errRevNotFound
	}
	return plumbing.NewHash(string(hex)), nil
}

// parentsOf reads a commit's parents from its header.
func (r *Repo) parentsOf(c plumbing.Hash) ([]plumbing.Hash, error) {
	typ, b, err := r.readObject(c)
	if err != nil || typ != plumbing.CommitObject {
		return nil, errRevNotFound
	}
	var out []plumbing.Hash
	for len(b) > 0 {
		line, rest, _ := bytes.Cut(b, []byte("\n"))
		b = rest
		if len(line) == 0 {
			break
		}
		if hex, ok := bytes.CutPrefix(line, []byte("parent ")); ok && plumbing.IsHash(string(hex)) {
			out = append(out, plumbing.NewHash(string(hex)))
		}
	}
	return out, nil
}

// basicName is get_oid_basic: a full hash, or a ref name with an optional @{...}.
func (r *Repo) basicName(name string) (plumbing.Hash, error) {
	if len(name) == 40 && isHex(name) {
		return plumbing.NewHash(strings.ToLower(name)), nil
	}
	refName, mark := name, ""
	if at := strings.LastIndex(name, "@{"); at >= 0 && at <= len(name)-4 && strings.HasSuffix(name, "}") {
		refName, mark = name[:at], name[at+2:len(name)-1]
	}
	switch {
	case mark == "":
		if refName == "@" {
			refName = "HEAD"
		}
		if strings.Contains(refName, "@{") {
			return plumbing.ZeroHash, errRevUnsupported // @{-1}@{u} and the like
		}
		h, _, err := r.dwimRef(refName)
		return h, err
	case strings.EqualFold(mark, "u") || strings.EqualFold(mark, "upstream"):
		return r.upstreamOf(refName)
	case strings.HasPrefix(mark, "-"):
		if refName != "" {
			return plumbing.ZeroHash, errRevNotFound // @{-N} only at the start
		}
		n, err := strconv.Atoi(mark[1:])
		if err != nil || n <= 0 {
			return plumbing.ZeroHash, errRevUnsupported
		}
		return r.priorCheckout(n)
	}
	n, err := strconv.Atoi(mark)
	if err != nil || n < 0 || n >= 100000000 || strings.Contains(refName, "@{") {
		return plumbing.ZeroHash, errRevUnsupported // a date, @{push}, ...
	}
	return r.reflogEntry(refName, n)
}

// refRules are git's ref_rev_parse_rules.
var refRules = []string{"%s", "refs/%s", "refs/tags/%s", "refs/heads/%s", "refs/remotes/%s", "refs/remotes/%s/HEAD"}

// dwimRef resolves a ref name by git's rules and returns it with the full name of the ref
// the first matching rule led to (the target of a symbolic ref: HEAD gives refs/heads/main).
func (r *Repo) dwimRef(name string) (plumbing.Hash, string, error) {
	if !safeRefName(name) {
		return plumbing.ZeroHash, "", errRevUnsupported
	}
	for _, rule := range refRules {
		full := strings.Replace(rule, "%s", name, 1)
		h, resolved, found, err := r.readAnyRef(full)
		if err != nil {
			return plumbing.ZeroHash, "", err
		}
		if found {
			return h, resolved, nil
		}
	}
	return plumbing.ZeroHash, "", errRevNotFound
}

// safeRefName accepts the names this resolver reads refs for: the characters of ordinary
// branch and tag names, no component starting with a dot or ending in .lock, no "//", not
// ending in a slash or a dot (git's check_refname_format, narrowed; anything else goes to git).
func safeRefName(s string) bool {
	if s == "" || strings.HasSuffix(s, "/") || strings.HasSuffix(s, ".") || strings.HasPrefix(s, "/") ||
		strings.Contains(s, "//") || strings.Contains(s, "@{") || s == "@" {
		return false
	}
	for _, part := range strings.Split(s, "/") {
		if strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".lock") {
			return false
		}
	}
	for _, c := range s {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == '/' || c == '+' || c == '=' || c == ',' || c == '@':
		default:
			return false
		}
	}
	return true
}

// readAnyRef reads a ref the way git's files backend does for revision lookup: a name without
// a slash ("HEAD", "FETCH_HEAD", "main") is a file in the git dir (taken only when it holds a
// ref, as git's parse_loose_ref_contents does: a hash followed by a space or the end, or
// "ref: <name>"), anything else a loose ref or an entry of packed-refs. resolved is the name
// of the ref the value came from, after following symbolic refs.
func (r *Repo) readAnyRef(name string) (h plumbing.Hash, resolved string, found bool, err error) {
	for depth := 0; depth < 5; depth++ {
		var path string
		switch {
		case strings.HasPrefix(name, "refs/"):
			path = r.refs.Path(plumbing.ReferenceName(name))
		case pseudorefSyntax(name):
			path = filepath.Join(r.gitDir, name) // HEAD, FETCH_HEAD, ...: per working tree
		default:
			path = filepath.Join(r.commonDir, filepath.FromSlash(name))
		}
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			if !strings.HasPrefix(name, "refs/") {
				return plumbing.ZeroHash, "", false, nil
			}
			// A directory or nothing: the ref may be packed.
			h, found, err := r.readRef(plumbing.ReferenceName(name))
			if err != nil || !found {
				return plumbing.ZeroHash, "", false, nil
			}
			return h, name, true, nil
		}
		content, _, _ := strings.Cut(string(b), "\n")
		if target, ok := strings.CutPrefix(content, "ref:"); ok {
			name = strings.TrimSpace(target)
			continue
		}
		if len(content) >= 40 && plumbing.IsHash(content[:40]) && (len(content) == 40 || isSpace(content[40])) {
			return plumbing.NewHash(content[:40]), name, true, nil
		}
		return plumbing.ZeroHash, "", false, nil // not a ref: git skips it too
	}
	return plumbing.ZeroHash, "", false, errRevUnsupported
}

// pseudorefSyntax is git's is_pseudoref_syntax: HEAD, FETCH_HEAD, ORIG_HEAD, ...
func pseudorefSyntax(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c >= 'A' && c <= 'Z') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return s != ""
}

// shortHash resolves an abbreviated object name that no ref matched; several candidates are
// git's to choose among (core.disambiguate, commit-ish preference).
func (r *Repo) shortHash(s string) (plumbing.Hash, error) {
	if len(s) < 4 || len(s) > 40 || !isHex(s) {
		return plumbing.ZeroHash, errRevNotFound
	}
	found, complete := r.objects.FindPrefix(s, 2)
	switch {
	case !complete || len(found) > 1:
		return plumbing.ZeroHash, errRevUnsupported
	case len(found) == 0:
		return plumbing.ZeroHash, errRevNotFound
	}
	return found[0], nil
}

// upstreamOf is <branch>@{upstream}: branch.<name>.remote and .merge, mapped through the
// remote's fetch refspecs to a remote-tracking branch (git's branch_get_upstream).
func (r *Repo) upstreamOf(branch string) (plumbing.Hash, error) {
	if branch == "" || branch == "HEAD" || branch == "@" {
		h, err := r.Head()
		if err != nil || h.Detached || h.Branch == "" {
			return plumbing.ZeroHash, errRevUnsupported // git explains
		}
		branch = h.Branch
	}
	if !safeRefName(branch) {
		return plumbing.ZeroHash, errRevUnsupported
	}
	if _, found, err := r.readRef(plumbing.ReferenceName("refs/heads/" + branch)); err != nil || !found {
		return plumbing.ZeroHash, errRevUnsupported
	}
	cfg, err := r.loadConfig()
	if err != nil {
		return plumbing.ZeroHash, errRevUnsupported
	}
	var remote, merge string
	var fetch []string
	for _, v := range cfg.All() {
		if v.Section == "branch" && v.Subsection == branch {
			switch v.Key {
			case "remote":
				remote = v.Value
			case "merge":
				merge = v.Value
			}
		}
	}
	if remote == "" || merge == "" || !strings.HasPrefix(merge, "refs/") {
		return plumbing.ZeroHash, errRevUnsupported
	}
	tracking := merge
	if remote != "." {
		for _, v := range cfg.All() {
			if v.Section == "remote" && v.Subsection == remote && v.Key == "fetch" {
				if strings.HasPrefix(v.Value, "^") {
					return plumbing.ZeroHash, errRevUnsupported // negative refspecs: git's
				}
				fetch = append(fetch, v.Value)
			}
		}
		tracking = ""
		for _, spec := range fetch {
			if dst, ok := mapRefspec(spec, merge); ok {
				tracking = dst
				break
			}
		}
		if tracking == "" {
			return plumbing.ZeroHash, errRevUnsupported
		}
	}
	h, _, found, err := r.readAnyRef(tracking)
	if err != nil || !found {
		return plumbing.ZeroHash, errRevUnsupported
	}
	return h, nil
}

// mapRefspec maps a ref through a fetch refspec ("+refs/heads/*:refs/remotes/origin/*", or
// one ref to one ref); negative refspecs and patterns with more than one * are not handled.
func mapRefspec(spec, ref string) (string, bool) {
	spec = strings.TrimPrefix(spec, "+")
	src, dst, ok := strings.Cut(spec, ":")
	if !ok || strings.HasPrefix(spec, "^") || strings.Count(src, "*") > 1 || strings.Count(src, "*") != strings.Count(dst, "*") {
		return "", false
	}
	if !strings.Contains(src, "*") {
		return dst, src == ref && dst != ""
	}
	pre, post, _ := strings.Cut(src, "*")
	if !strings.HasPrefix(ref, pre) || !strings.HasSuffix(ref, post) || len(ref) < len(pre)+len(post) {
		return "", false
	}
	mid := ref[len(pre) : len(ref)-len(post)]
	return strings.Replace(dst, "*", mid, 1), true
}

// reflogEntries reads a reflog, newest first: (old, new, message) per line.
type reflogEntry struct {
	old, new plumbing.Hash
	message  string
}

func (r *Repo) reflog(ref string) ([]reflogEntry, bool) {
	dir := r.commonDir
	if !strings.HasPrefix(ref, "refs/") || strings.HasPrefix(ref, "refs/bisect/") ||
		strings.HasPrefix(ref, "refs/worktree/") || strings.HasPrefix(ref, "refs/rewritten/") {
		dir = r.gitDir
	}
	f, err := os.Open(filepath.Join(dir, "logs", filepath.FromSlash(ref)))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var out []reflogEntry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if len(line) < 82 || line[40] != ' ' || line[81] != ' ' || !plumbing.IsHash(line[:40]) || !plumbing.IsHash(line[41:81]) {
			return nil, false // not a reflog we understand: git's to read
		}
		e := reflogEntry{old: plumbing.NewHash(line[:40]), new: plumbing.NewHash(line[41:81])}
		if _, msg, ok := strings.Cut(line[82:], "\t"); ok {
			e.message = msg
		}
		out = append(out, e)
	}
	if sc.Err() != nil {
		return nil, false
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, true
}

// reflogEntry is <ref>@{n}: the value the ref had n moves ago (@{0}: its newest value); the
// ref is found by git's rules among those that have a reflog, and @{n} alone is the current
// branch's (HEAD's when detached). Cases at the edges of the log are git's to word.
func (r *Repo) reflogEntry(name string, n int) (plumbing.Hash, error) {
	var log string
	if name == "" || name == "@" {
		if name == "@" {
			name = "HEAD"
		} else {
			_, resolved, err := r.dwimRef("HEAD")
			if err != nil {
				return plumbing.ZeroHash, errRevUnsupported
			}
			log = resolved
		}
	}
	if log == "" {
		if !safeRefName(name) {
			return plumbing.ZeroHash, errRevUnsupported
		}
		for _, rule := range refRules {
			full := strings.Replace(rule, "%s", name, 1)
			_, resolved, found, err := r.readAnyRef(full)
			if err != nil || !found {
				continue
			}
			if _, ok := r.reflog(full); ok {
				log = full
			} else if resolved != full {
				if _, ok := r.reflog(resolved); ok {
					log = resolved
				}
			}
			if log != "" {
				break
			}
		}
		if log == "" {
			return plumbing.ZeroHash, errRevUnsupported
		}
	}
	entries, ok := r.reflog(log)
	if !ok || len(entries) == 0 || n > len(entries) {
		return plumbing.ZeroHash, errRevUnsupported
	}
	if n == 0 {
		return entries[0].new, nil
	}
	e := entries[n-1]
	if e.old.IsZero() || (n < len(entries) && entries[n].new != e.old) {
		return plumbing.ZeroHash, errRevUnsupported // the branch's creation, or a gap in the log
	}
	return e.old, nil
}

// priorCheckout is @{-n}: the branch (or detached commit) checked out before the n-th last
// "checkout: moving from <a> to <b>" of HEAD's reflog.
func (r *Repo) priorCheckout(n int) (plumbing.Hash, error) {
	entries, ok := r.reflog("HEAD")
	if !ok {
		return plumbing.ZeroHash, errRevUnsupported
	}
	for _, e := range entries {
		from, ok := strings.CutPrefix(e.message, "checkout: moving from ")
		if !ok {
			continue
		}
		i := strings.Index(from, " to ")
		if i < 0 {
			continue
		}
		if n--; n > 0 {
			continue
		}
		name := from[:i]
		if len(name) == 40 && plumbing.IsHash(name) {
			return plumbing.NewHash(name), nil
		}
		h, _, err := r.dwimRef(name)
		return h, err
	}
	return plumbing.ZeroHash, errRevUnsupported
}

// revParseByGit asks git for the object a revision names. ok=false: git is not installed (or
// too old for --end-of-options); err: git says the revision names nothing.
func (r *Repo) revParseByGit(rev string) (h plumbing.Hash, ok bool, err error) {
	if revParseHook != nil {
		revParseHook(rev)
	}
	git, lerr := exec.LookPath("git")
	if lerr != nil {
		return plumbing.ZeroHash, false, nil
	}
	cmd := exec.Command(git, "rev-parse", "--verify", "--quiet", "--end-of-options", rev)
	cmd.Dir = r.root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	out := strings.TrimSpace(stdout.String())
	switch {
	case runErr == nil && plumbing.IsHash(out):
		return plumbing.NewHash(out), true, nil
	case strings.Contains(stderr.String(), "end-of-options"):
		return plumbing.ZeroHash, false, nil // a git before 2.24
	}
	return plumbing.ZeroHash, true, errRevNotFound
}
