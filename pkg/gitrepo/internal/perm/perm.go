// Package perm gives the files and folders incidentctl creates in a git directory the modes git
// would give them: the umask applies (files are created with 0666, objects with 0444, folders
// with 0777, before the umask), and core.sharedRepository widens them as git's
// adjust_shared_perm does (path.c; Documentation/config/core.txt, "core.sharedRepository").
package perm

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Shared is a core.sharedRepository setting: 0 is "umask" (nothing to adjust), a positive
// value is or'ed into the modes ("group": 0660, "all": 0664), a negative one is an exact file
// mode (-0640 for "0640").
type Shared int

// Parse reads core.sharedRepository as git_config_perm does.
func Parse(v string) (Shared, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "umask", "false", "no", "off", "0":
		return 0, nil
	case "group", "true", "yes", "on", "1":
		return 0o660, nil
	case "all", "world", "everybody", "2":
		return 0o664, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 8, 32)
	if err != nil {
		return 0, fmt.Errorf("core.sharedRepository = %q is not umask, group, all or an octal file mode", v)
	}
	if n&0o600 != 0o600 {
		return 0, fmt.Errorf("core.sharedRepository = %q: the owner of files must always have read and write permissions", v)
	}
	return Shared(-(n & 0o666)), nil
}

// mode is calc_shared_perm.
func (s Shared) mode(mode os.FileMode) os.FileMode {
	tweak := os.FileMode(s)
	if s < 0 {
		tweak = os.FileMode(-s)
	}
	if mode&0o200 == 0 {
		tweak &^= 0o222
	}
	if mode&0o100 != 0 {
		tweak |= (tweak & 0o444) >> 2 // read bits copied to execute bits
	}
	if s < 0 {
		return mode&^0o777 | tweak
	}
	return mode | tweak
}

// Adjust widens the mode of a file or folder incidentctl just created in the git directory, as
// git does after creating one (adjust_shared_perm). It does nothing for "umask".
func (s Shared) Adjust(path string) error {
	if s == 0 {
		return nil
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	old := fi.Mode()
	m := s.mode(old.Perm())
	if old.IsDir() {
		m |= (m & 0o444) >> 2
		m |= os.ModeSetgid
	}
	if m != old.Perm()|old&os.ModeSetgid {
		return os.Chmod(path, m)
	}
	return nil
}

// MkdirAll creates a folder and the missing ones above it (mode 0777 before the umask),
// adjusting each one it creates.
func (s Shared) MkdirAll(dir string) error {
	if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
		return nil
	}
	var created []string
	for d := dir; ; d = parentOf(d) {
		if _, err := os.Stat(d); err == nil || d == parentOf(d) {
			break
		}
		created = append(created, d)
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return err
	}
	for i := len(created) - 1; i >= 0; i-- {
		if err := s.Adjust(created[i]); err != nil {
			return err
		}
	}
	return nil
}

func parentOf(p string) string {
	i := strings.LastIndexByte(p, os.PathSeparator)
	if i <= 0 {
		return string(os.PathSeparator)
	}
	return p[:i]
}
