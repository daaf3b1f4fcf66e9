package config

import (
	"slices"
	"strconv"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// DefaultRoles are the roles of the practice besides the incident commander: who talks to
// users and support (comms), who operates the systems (ops), who keeps the log (scribe), who
// speaks with other teams and customers (liaison), who stands in for the commander (deputy),
// and the security team a leak brings in. A repository lists its own with `roles:`.
var DefaultRoles = []string{"comms", "ops", "scribe", "liaison", "deputy", "security"}

// RoleNames returns the role names responders may take: the configured list, or the defaults.
func (c Config) RoleNames() []string {
	if len(c.Roles) > 0 {
		return c.Roles
	}
	return DefaultRoles
}

// KnownRole reports whether name is one of RoleNames.
func (c Config) KnownRole(name string) bool { return slices.Contains(c.RoleNames(), name) }

func checkRoles(roles []string) error {
	seen := map[string]bool{}
	for i, r := range roles {
		if !validName(r) {
			return i18n.Errorf("config.roles.bad_name", "File", FileName, "Index", i, "Name", strconv.Quote(r))
		}
		if seen[r] {
			return i18n.Errorf("config.roles.twice", "File", FileName, "Name", strconv.Quote(r))
		}
		seen[r] = true
	}
	return nil
}

// validName is the syntax of role names and field keys: usable as YAML keys and on the
// command line (the same rule as incident.ValidRoleName).
func validName(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
