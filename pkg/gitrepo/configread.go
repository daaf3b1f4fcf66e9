package gitrepo

import (
	"strings"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/gitconfig"
)

// ConfigValue returns the value git would use for section.subsection.key: the last one in the
// config files git reads for this repository (system, global, the repository's own, includes,
// GIT_CONFIG_COUNT settings), and whether any file sets it. Like git, it reads them once per
// process (the copy Open read; EnsureConfig drops it).
func (r *Repo) ConfigValue(section, subsection, key string) (string, bool, error) {
	cfg, err := r.config()
	if err != nil {
		return "", false, err
	}
	value, found := lastValue(cfg, section, subsection, key)
	return value, found, nil
}

// lastValue is the value git uses from a config already read: the last one set.
func lastValue(cfg *gitconfig.Set, section, subsection, key string) (string, bool) {
	value, found := "", false
	for _, v := range cfg.All() {
		if v.Section == strings.ToLower(section) && v.Subsection == subsection && v.Key == strings.ToLower(key) {
			value, found = v.Value, true
		}
	}
	return value, found
}
