package gitrepo

import "strings"

// ConfigValue returns the value git would use for section.subsection.key: the last one in the
// config files git reads for this repository (system, global, the repository's own, includes,
// GIT_CONFIG_COUNT settings), and whether any file sets it.
func (r *Repo) ConfigValue(section, subsection, key string) (string, bool, error) {
	cfg, err := r.loadConfig()
	if err != nil {
		return "", false, err
	}
	value, found := "", false
	for _, v := range cfg.All() {
		if v.Section == strings.ToLower(section) && v.Subsection == subsection && v.Key == strings.ToLower(key) {
			value, found = v.Value, true
		}
	}
	return value, found, nil
}
