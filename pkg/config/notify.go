package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// NotifySink is one chat destination of the notify: list. The webhook URL is a secret, so the
// file (committed, reviewed) only says where to find it: an environment variable or a file
// outside the repository.
//
//	notify:
//	  - name: war-room
//	    kind: slack                # slack | mattermost | teams | discord | webhook
//	    url_env: WAR_ROOM_WEBHOOK  # or url_file: ~/.config/incidentctl/war-room.url
//	    events: [declared, severity, status, commander, announcement, resolved]  # default: all
//	    min_severity: SEV3         # default: every severity
//	    drills: false              # post drills too (default: never)
type NotifySink struct {
	Name        string   `yaml:"name"`
	Kind        string   `yaml:"kind"`
	URLEnv      string   `yaml:"url_env"`
	URLFile     string   `yaml:"url_file"`
	Events      []string `yaml:"events"`       // empty means every event
	MinSeverity string   `yaml:"min_severity"` // checked against the severities when used
	Drills      bool     `yaml:"drills"`
	Line        int      `yaml:"-"` // where the entry starts in .incidentctl.yaml, for messages

	keyLines map[string]int // where each key is, for messages
}

// KeyLine is the line of one of the sink's keys in .incidentctl.yaml (the entry's line when
// the key is not there).
func (s NotifySink) KeyLine(key string) int {
	if l, ok := s.keyLines[key]; ok {
		return l
	}
	return s.Line
}

// NotifyKinds are the chat services a sink can be.
var NotifyKinds = []string{"slack", "mattermost", "teams", "discord", "webhook"}

// NotifyEvents are the changes of an incident a sink can be told about.
var NotifyEvents = []string{"declared", "severity", "status", "commander", "announcement", "resolved"}

var notifyKeys = []string{"name", "kind", "url_env", "url_file", "events", "min_severity", "drills"}

var (
	sinkNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]*$`)
	envNameRE  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
)

// UnmarshalYAML reads one sink, remembering its line and refusing unknown keys (yaml's
// KnownFields does not reach into custom unmarshalers).
func (s *NotifySink) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: each entry of notify: is a sink with name, kind and url_env (or url_file)", n.Line)
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		lines[k.Value] = k.Line
		switch {
		case k.Value == "url" || k.Value == "webhook" || k.Value == "webhook_url":
			return fmt.Errorf("line %d: notify: %s: the webhook URL is a secret and must not be committed: put it in an environment variable (url_env: WAR_ROOM_WEBHOOK) or in a file outside the repository (url_file: ~/.config/incidentctl/war-room.url)", k.Line, k.Value)
		case !slices.Contains(notifyKeys, k.Value):
			return fmt.Errorf("line %d: notify: unknown key %q (known: %s)", k.Line, k.Value, strings.Join(notifyKeys, ", "))
		}
	}
	type plain NotifySink
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*s = NotifySink(p)
	s.Line, s.keyLines = n.Line, lines
	return s.check()
}

func (s *NotifySink) check() error {
	name := s.Name
	if name == "" {
		name = "#" + fmt.Sprint(s.Line)
	}
	fail := func(key, format string, args ...any) error {
		return fmt.Errorf("line %d: notify %s: %s", s.KeyLine(key), name, fmt.Sprintf(format, args...))
	}
	switch {
	case s.Name == "":
		return fail("", "name is missing: give the sink a name (name: war-room), used by incidentctl notify test <name>")
	case !sinkNameRE.MatchString(s.Name):
		return fail("name", "name %q: use letters, digits, '.', '-' and '_'", s.Name)
	case s.Kind == "":
		return fail("", "kind is missing: use one of %s", strings.Join(NotifyKinds, ", "))
	case !slices.Contains(NotifyKinds, s.Kind):
		return fail("kind", "unknown kind %q: use one of %s", s.Kind, strings.Join(NotifyKinds, ", "))
	case s.URLEnv == "" && s.URLFile == "":
		return fail("", "say where the webhook URL is: url_env: <VARIABLE> (an environment variable) or url_file: <path outside the repository>")
	case s.URLEnv != "" && s.URLFile != "":
		return fail("url_file", "give url_env or url_file, not both")
	case s.URLEnv != "" && !envNameRE.MatchString(s.URLEnv):
		return fail("url_env", "url_env %q is not an environment variable name (like WAR_ROOM_WEBHOOK)", s.URLEnv)
	case s.URLFile != "" && !filepath.IsAbs(s.URLFile) && !strings.HasPrefix(s.URLFile, "~/"):
		return fail("url_file", "url_file %q must be an absolute path or start with ~/ (a file outside the repository)", s.URLFile)
	}
	for _, e := range s.Events {
		if !slices.Contains(NotifyEvents, e) {
			return fail("events", "unknown event %q: use any of %s (default: all of them)", e, strings.Join(NotifyEvents, ", "))
		}
	}
	return nil
}

// checkNotify checks what needs the whole list: names are unique.
func checkNotify(sinks []NotifySink) error {
	seen := map[string]int{}
	for _, s := range sinks {
		if first, dup := seen[s.Name]; dup {
			return fmt.Errorf("%s:%d: notify %s: the name is used twice (first at line %d): sink names must differ", FileName, s.KeyLine("name"), s.Name, first)
		}
		seen[s.Name] = s.Line
	}
	return nil
}

// URLFilePath is where a sink's url_file points, with ~ expanded.
func (s NotifySink) URLFilePath() (string, error) {
	p := s.URLFile
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("url_file %s: cannot find your home folder: %v", p, err)
		}
		p = filepath.Join(home, rest)
	}
	return filepath.Clean(p), nil
}

// checkURLFiles refuses a url_file inside the repository: the URL is a secret and would be
// one `git add` away from every clone.
func checkURLFiles(sinks []NotifySink, root string) error {
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return nil
	}
	if r, err := filepath.EvalSymlinks(rootAbs); err == nil {
		rootAbs = r
	}
	for _, s := range sinks {
		if s.URLFile == "" {
			continue
		}
		p, err := s.URLFilePath()
		if err != nil {
			continue // reported when the sink is used
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		if rel, err := filepath.Rel(rootAbs, p); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return fmt.Errorf("%s:%d: notify %s: url_file %s is inside the repository: the webhook URL is a secret, keep it in a file outside (e.g. ~/.config/incidentctl/%s.url, chmod 600)", FileName, s.KeyLine("url_file"), s.Name, s.URLFile, s.Name)
		}
	}
	return nil
}
