package gitrepo

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// Ignored reports whether git ignores an untracked file at path (slash-separated, relative to
// Root): the patterns of <common dir>/info/exclude, then of each .gitignore from the top of the
// working tree down to the file's folder, the later ones winning, a file inside an ignored
// folder ignored too. core.excludesFile is not read. Only the .gitignore files along the path
// are opened. A tracked file is never ignored: callers ask about untracked ones.
func (r *Repo) Ignored(path string) (bool, error) {
	if err := checkPath(path); err != nil {
		return false, err
	}
	parts := strings.Split(path, "/")
	var ps []gitignore.Pattern
	read := func(file string, domain []string) error {
		b, err := os.ReadFile(file)
		if os.IsNotExist(err) || err != nil && isDirErr(file) {
			return nil
		}
		if err != nil {
			return newUserError(nil, err, "cannot read %s: %v", file, err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			l := strings.TrimSuffix(sc.Text(), "\r")
			if !strings.HasPrefix(l, "#") && strings.TrimSpace(l) != "" {
				ps = append(ps, gitignore.ParsePattern(l, domain))
			}
		}
		return nil
	}
	if err := read(filepath.Join(r.commonDir, "info", "exclude"), nil); err != nil {
		return false, err
	}
	for i := range parts {
		dir := filepath.Join(append([]string{r.root}, parts[:i]...)...)
		if err := read(filepath.Join(dir, ".gitignore"), parts[:i]); err != nil {
			return false, err
		}
	}
	m := gitignore.NewMatcher(ps)
	for i := 1; i < len(parts); i++ {
		if m.Match(parts[:i], true) {
			return true, nil
		}
	}
	return m.Match(parts, false), nil
}

func isDirErr(file string) bool {
	fi, err := os.Stat(file)
	return err == nil && fi.IsDir()
}
