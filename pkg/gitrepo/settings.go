package gitrepo

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitattributes"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/gitconfig"
)

// The settings that make git commit do more than the fast path: signing, hooks, and the
// conversions of .gitattributes and core.autocrlf. The fast path is taken when none applies;
// otherwise the part that needs git is done by git (gitcli.go) or, for hooks, run as git
// commit runs them (hooks.go), and INCIDENTCTL_TRACE=1 says which and why.

// commitWay is how one commit is made.
type commitWay struct {
	sign    bool   // commit.gpgsign: the commit object is made and signed by git commit-tree -S
	signWhy string // e.g. "commit.gpgsign is true (gpg.format=ssh)"
	// hooks are the commit hooks that will run, by name (pre-commit, prepare-commit-msg,
	// commit-msg, post-commit), with their paths.
	hooks map[string]string
	// attrs reads the conversion attributes of a path (nil: nothing converts).
	attrs *attributes
}

func (w *commitWay) fast() bool { return !w.sign && len(w.hooks) == 0 }

// commitHooks are the hooks git commit runs, in order.
var commitHooks = []string{"pre-commit", "prepare-commit-msg", "commit-msg", "post-commit"}

// config returns every config value git would read for this repository (read once).
func (r *Repo) config() (*gitconfig.Set, error) {
	if r.cfg == nil {
		cfg, err := r.loadConfig()
		if err != nil {
			return nil, err
		}
		r.cfg = cfg
	}
	return r.cfg, nil
}

// way decides how a commit is made; noVerify skips pre-commit and commit-msg, as
// git commit --no-verify does.
func (r *Repo) way(noVerify bool) (*commitWay, error) {
	cfg, err := r.config()
	if err != nil {
		return nil, err
	}
	w := &commitWay{hooks: map[string]string{}}
	if gitconfig.ParseBool(cfg.Get("commit", "gpgsign")) {
		w.sign = true
		format := cfg.Get("gpg", "format")
		if format == "" {
			format = "openpgp"
		}
		w.signWhy = "commit.gpgsign is true (gpg.format=" + format + ")"
	}
	dir := r.hooksDir(cfg)
	for _, name := range commitHooks {
		if noVerify && (name == "pre-commit" || name == "commit-msg") {
			continue
		}
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0 {
			w.hooks[name] = p
		}
	}
	w.attrs = r.attributes(cfg)
	return w, nil
}

// hooksDir is core.hooksPath (relative to the top of the working tree, where hooks run) or
// <common dir>/hooks.
func (r *Repo) hooksDir(cfg *gitconfig.Set) string {
	p := cfg.Get("core", "hookspath")
	if p == "" {
		return filepath.Join(r.commonDir, "hooks")
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		p = filepath.Join(os.Getenv("HOME"), rest)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.root, p)
	}
	return p
}

func (w *commitWay) describe() string {
	var parts []string
	if w.sign {
		parts = append(parts, "git commit-tree -S signs it ("+w.signWhy+")")
	}
	if len(w.hooks) > 0 {
		var names []string
		for _, n := range commitHooks {
			if _, ok := w.hooks[n]; ok {
				names = append(names, n)
			}
		}
		parts = append(parts, "hooks run: "+strings.Join(names, ", "))
	}
	if len(parts) == 0 {
		return "fast path (no signing, no hooks)"
	}
	return strings.Join(parts, "; ")
}

// attributes are the conversion settings of one repository: core.autocrlf and the attributes
// files git reads (core.attributesFile, each .gitattributes from the top down to the file's
// folder, $GIT_DIR/info/attributes), read for the paths of a change only.
type attributes struct {
	r        *Repo
	autocrlf string // "true", "input" or ""
	global   []gitattributes.MatchAttribute
	info     []gitattributes.MatchAttribute
}

// convAttrs are the attributes that change the bytes between the working tree and the blob.
var convAttrs = []string{"text", "eol", "crlf", "filter", "ident", "working-tree-encoding"}

func (r *Repo) attributes(cfg *gitconfig.Set) *attributes {
	a := &attributes{r: r}
	switch v := strings.ToLower(cfg.Get("core", "autocrlf")); v {
	case "input":
		a.autocrlf = "input"
	default:
		if gitconfig.ParseBool(v) {
			a.autocrlf = "true"
		}
	}
	global := cfg.Get("core", "attributesfile")
	if global == "" {
		xdg := os.Getenv("XDG_CONFIG_HOME")
		if xdg == "" && os.Getenv("HOME") != "" {
			xdg = filepath.Join(os.Getenv("HOME"), ".config")
		}
		if xdg != "" {
			global = filepath.Join(xdg, "git", "attributes")
		}
	} else if rest, ok := strings.CutPrefix(global, "~/"); ok {
		global = filepath.Join(os.Getenv("HOME"), rest)
	}
	if global != "" {
		a.global = readAttrFile(global, nil)
	}
	a.info = readAttrFile(filepath.Join(r.commonDir, "info", "attributes"), nil)
	return a
}

func readAttrFile(path string, domain []string) []gitattributes.MatchAttribute {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	m, err := gitattributes.ReadAttributes(f, domain, len(domain) == 0)
	if err != nil {
		return nil
	}
	return m
}

// conversion says what git would do to path between the working tree and the blob: text is
// true when end-of-line conversion may apply, other when a filter, ident or an encoding does.
func (a *attributes) conversion(path string) (text, other bool) {
	if a == nil {
		return false, false
	}
	parts := strings.Split(path, "/")
	stack := append([]gitattributes.MatchAttribute(nil), a.global...)
	for i := range parts {
		dir := filepath.Join(append([]string{a.r.root}, parts[:i]...)...)
		stack = append(stack, readAttrFile(filepath.Join(dir, ".gitattributes"), parts[:i])...)
	}
	stack = append(stack, a.info...)
	found, _ := gitattributes.NewMatcher(stack).Match(parts, convAttrs)
	text = a.autocrlf != ""
	for name, at := range found {
		switch name {
		case "text", "crlf":
			text = !at.IsUnset()
		case "eol":
			text = text || at.IsValueSet()
		case "filter", "ident", "working-tree-encoding":
			if at.IsSet() || at.IsValueSet() {
				other = true
			}
		}
		// (The matcher returns every attribute of a matching line, merge=incidentctl included.)
	}
	if at, ok := found["text"]; ok && at.IsUnset() {
		text = false
	}
	return text, other
}
