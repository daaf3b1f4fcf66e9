package gitrepo

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// identityEnv gives the test a fresh, empty HOME and no identity variables.
// These tests use t.Setenv, so they do not run in parallel.
func identityEnv(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT", "EMAIL",
		"GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"} {
		t.Setenv(k, "")
	}
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	return home
}

func identity(t *testing.T, dir string) (Signature, Signature, error) {
	t.Helper()
	r := openRepo(t, dir)
	return r.Identity(testTime)
}

func wantIdentity(t *testing.T, dir, aName, aEmail, cName, cEmail string) {
	t.Helper()
	a, c, err := identity(t, dir)
	if err != nil {
		t.Fatalf("Identity: %v", err)
	}
	if a.Name != aName || a.Email != aEmail || c.Name != cName || c.Email != cEmail {
		t.Errorf("author %q <%s>, committer %q <%s>; want %q <%s>, %q <%s>",
			a.Name, a.Email, c.Name, c.Email, aName, aEmail, cName, cEmail)
	}
	if !a.When.Equal(testTime) || !c.When.Equal(testTime) {
		t.Errorf("when = %v / %v", a.When, c.When)
	}
}

// gitIdentity asks git itself, for comparison.
func gitIdentity(t *testing.T, dir string) (author, committer string) {
	t.Helper()
	gitVar := func(name string) string {
		cmd := exec.Command("git", "var", name)
		cmd.Dir = dir
		// Not gitEnv(): no test identity. Variables t.Setenv emptied are
		// dropped: git treats a set-but-empty GIT_AUTHOR_EMAIL as "".
		for _, kv := range os.Environ() {
			if !strings.HasSuffix(kv, "=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		out, _ := cmd.Output()
		return string(out)
	}
	return gitVar("GIT_AUTHOR_IDENT"), gitVar("GIT_COMMITTER_IDENT")
}

func TestIdentityMissing(t *testing.T) {
	identityEnv(t)
	dir := newRepo(t, nil)
	_, _, err := identity(t, dir)
	if !errors.Is(err, ErrNoIdentity) {
		t.Fatalf("err = %v", err)
	}
	want := "no git identity: set it with\n  git config --global user.name \"Your Name\"\n  git config --global user.email you@example.com"
	if err.Error() != want {
		t.Errorf("err = %q", err)
	}
	// A name alone is not enough.
	writeFile(t, dir, ".git/config", "[user]\n\tname = Only Name\n")
	if _, _, err := identity(t, dir); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("name only: %v", err)
	}
	// EMAIL is the last resort for the address.
	t.Setenv("EMAIL", "env@example.com")
	wantIdentity(t, dir, "Only Name", "env@example.com", "Only Name", "env@example.com")
}

func TestIdentityGlobalFiles(t *testing.T) {
	home := identityEnv(t)
	dir := newRepo(t, nil)
	writeFile(t, home, ".config/git/config", "[user]\n\tname = Xdg Name\n\temail = xdg@example.com\n")
	wantIdentity(t, dir, "Xdg Name", "xdg@example.com", "Xdg Name", "xdg@example.com")
	// git reads ~/.gitconfig after the XDG file: it wins where it sets a key.
	writeFile(t, home, ".gitconfig", "[user]\n\tname = Home Name\n")
	wantIdentity(t, dir, "Home Name", "xdg@example.com", "Home Name", "xdg@example.com")
	a, c := gitIdentity(t, dir)
	if want := "Home Name <xdg@example.com> "; len(a) < len(want) || a[:len(want)] != want || c[:len(want)] != want {
		t.Errorf("git itself says %q / %q", a, c)
	}
	// XDG_CONFIG_HOME moves the XDG file.
	xdg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", xdg)
	writeFile(t, xdg, "git/config", "[user]\n\temail = moved@example.com\n")
	wantIdentity(t, dir, "Home Name", "moved@example.com", "Home Name", "moved@example.com")
	// GIT_CONFIG_GLOBAL replaces both global files.
	g := filepath.Join(t.TempDir(), "global")
	writeFile(t, filepath.Dir(g), "global", "[user]\n\tname = G\n\temail = g@example.com\n")
	t.Setenv("GIT_CONFIG_GLOBAL", g)
	wantIdentity(t, dir, "G", "g@example.com", "G", "g@example.com")
	// The system file, unless GIT_CONFIG_NOSYSTEM.
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	sys := filepath.Join(t.TempDir(), "gitconfig")
	writeFile(t, filepath.Dir(sys), "gitconfig", "[user]\n\tname = Sys\n\temail = sys@example.com\n")
	t.Setenv("GIT_CONFIG_SYSTEM", sys)
	if _, _, err := identity(t, dir); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("GIT_CONFIG_NOSYSTEM ignored: %v", err)
	}
	t.Setenv("GIT_CONFIG_NOSYSTEM", "")
	wantIdentity(t, dir, "Sys", "sys@example.com", "Sys", "sys@example.com")
}

func TestIdentityPrecedence(t *testing.T) {
	home := identityEnv(t)
	dir := newRepo(t, nil)
	writeFile(t, home, ".gitconfig", "[user]\n\tname = Global\n\temail = global@example.com\n")
	// Repository config beats global.
	gitOut(t, dir, "config", "user.email", "repo@example.com")
	wantIdentity(t, dir, "Global", "repo@example.com", "Global", "repo@example.com")
	// author.* / committer.* for their role only.
	gitOut(t, dir, "config", "author.name", "Author Key")
	gitOut(t, dir, "config", "committer.email", "committer@example.com")
	wantIdentity(t, dir, "Author Key", "repo@example.com", "Global", "committer@example.com")
	// Environment beats everything.
	t.Setenv("GIT_AUTHOR_NAME", "Env Author")
	t.Setenv("GIT_COMMITTER_EMAIL", "env-committer@example.com")
	wantIdentity(t, dir, "Env Author", "repo@example.com", "Global", "env-committer@example.com")
	// git -c style variables beat the files but not GIT_AUTHOR_*.
	t.Setenv("GIT_CONFIG_COUNT", "1")
	t.Setenv("GIT_CONFIG_KEY_0", "user.email")
	t.Setenv("GIT_CONFIG_VALUE_0", "dash-c@example.com")
	wantIdentity(t, dir, "Env Author", "dash-c@example.com", "Global", "env-committer@example.com")
	t.Setenv("GIT_CONFIG_COUNT", "")
	// What git says, for the record.
	a, c := gitIdentity(t, dir)
	if want := "Env Author <repo@example.com> "; len(a) < len(want) || a[:len(want)] != want {
		t.Errorf("git says author %q", a)
	}
	if want := "Global <env-committer@example.com> "; len(c) < len(want) || c[:len(want)] != want {
		t.Errorf("git says committer %q", c)
	}
}

func TestIdentityIncludes(t *testing.T) {
	home := identityEnv(t)
	dir := newRepo(t, nil)
	// include.path relative to the including file, with later values
	// overriding included ones and included ones overriding earlier ones.
	writeFile(t, home, ".gitconfig", "[user]\n\tname = Before\n\temail = before@example.com\n"+
		"[include]\n\tpath = .config/extra.inc\n"+
		"[user]\n\temail = after@example.com\n")
	writeFile(t, home, ".config/extra.inc", "[user]\n\tname = Included\n\temail = included@example.com\n")
	wantIdentity(t, dir, "Included", "after@example.com", "Included", "after@example.com")

	// ~/ in include.path.
	writeFile(t, home, ".gitconfig", "[include]\n\tpath = ~/inc/tilde.inc\n")
	writeFile(t, home, "inc/tilde.inc", "[user]\n\tname = Tilde\n\temail = tilde@example.com\n[include]\n\tpath = nested.inc\n")
	writeFile(t, home, "inc/nested.inc", "[user]\n\temail = nested@example.com\n")
	wantIdentity(t, dir, "Tilde", "nested@example.com", "Tilde", "nested@example.com")

	// includeIf gitdir: matching this repository (trailing slash = inside).
	parent := filepath.Dir(dir)
	writeFile(t, home, ".gitconfig", "[user]\n\tname = Default\n\temail = default@example.com\n"+
		"[includeIf \"gitdir:"+parent+"/\"]\n\tpath = work.inc\n"+
		"[includeIf \"gitdir:/nowhere/\"]\n\tpath = never.inc\n")
	writeFile(t, home, "work.inc", "[user]\n\temail = work@example.com\n")
	writeFile(t, home, "never.inc", "[user]\n\tname = Never\n")
	wantIdentity(t, dir, "Default", "work@example.com", "Default", "work@example.com")
	a, _ := gitIdentity(t, dir)
	if want := "Default <work@example.com> "; len(a) < len(want) || a[:len(want)] != want {
		t.Errorf("git says %q", a)
	}

	// Unanchored pattern (gets **/), case-insensitive variant, onbranch.
	base := filepath.Base(dir)
	writeFile(t, home, ".gitconfig", "[user]\n\tname = Default\n\temail = default@example.com\n"+
		"[includeIf \"gitdir:"+base+"/.git\"]\n\tpath = unanchored.inc\n"+
		"[includeIf \"gitdir/i:"+upper(parent)+"/\"]\n\tpath = icase.inc\n"+
		"[includeIf \"onbranch:ma*\"]\n\tpath = branch.inc\n")
	writeFile(t, home, "unanchored.inc", "[user]\n\tname = Unanchored\n")
	writeFile(t, home, "icase.inc", "[user]\n\temail = icase@example.com\n")
	writeFile(t, home, "branch.inc", "[committer]\n\tname = On Main\n")
	wantIdentity(t, dir, "Unanchored", "icase@example.com", "On Main", "icase@example.com")
	a, c := gitIdentity(t, dir)
	if want := "Unanchored <icase@example.com> "; len(a) < len(want) || a[:len(want)] != want {
		t.Errorf("git says author %q", a)
	}
	if want := "On Main <icase@example.com> "; len(c) < len(want) || c[:len(want)] != want {
		t.Errorf("git says committer %q", c)
	}

	// An include loop is an error, not a hang.
	writeFile(t, home, ".gitconfig", "[include]\n\tpath = .gitconfig\n")
	if _, _, err := identity(t, dir); err == nil {
		t.Errorf("include loop: no error")
	}
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'a' <= c && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

func TestIdentityBrokenConfig(t *testing.T) {
	home := identityEnv(t)
	dir := newRepo(t, nil)
	writeFile(t, home, ".gitconfig", "[user\n\tname = x\n")
	_, _, err := identity(t, dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(home, ".gitconfig")) || !strings.Contains(err.Error(), "git config --file") {
		t.Errorf("err = %v", err)
	}
}
