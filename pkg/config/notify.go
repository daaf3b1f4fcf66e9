package config

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/incidentctl/incidentctl/pkg/i18n"
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
	sinkNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\p{L}\p{N}][\p{L}\p{N}_.-]*$`) }) // 障害対応 is a name too
	envNameRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
)

// UnmarshalYAML reads one sink, remembering its line and refusing unknown keys (yaml's
// KnownFields does not reach into custom unmarshalers).
func (s *NotifySink) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return &LineError{Line: n.Line, Err: i18n.Errorf("config.notify.not_a_sink")}
	}
	lines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		lines[k.Value] = k.Line
		switch {
		case k.Value == "url" || k.Value == "webhook" || k.Value == "webhook_url":
			return &LineError{Line: k.Line, Err: i18n.Errorf("config.notify.url_committed", "Key", k.Value)}
		case !slices.Contains(notifyKeys, k.Value):
			return &LineError{Line: k.Line, Err: i18n.Errorf("config.notify.unknown_key", "Key", k.Value, "Known", strings.Join(notifyKeys, ", "))}
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
	fail := func(key, id string, args ...any) error {
		return &LineError{Line: s.KeyLine(key), Err: i18n.Errorf("config.notify.sink", "Sink", name, "Error", i18n.Errorf(id, args...))}
	}
	kinds, events := strings.Join(NotifyKinds, ", "), strings.Join(NotifyEvents, ", ")
	switch {
	case s.Name == "":
		return fail("", "config.notify.no_name")
	case !sinkNameRE().MatchString(s.Name):
		return fail("name", "config.notify.bad_name", "Name", s.Name)
	case s.Kind == "":
		return fail("", "config.notify.no_kind", "Known", kinds)
	case !slices.Contains(NotifyKinds, s.Kind):
		return fail("kind", "config.notify.unknown_kind", "Kind", s.Kind, "Known", kinds)
	case s.URLEnv == "" && s.URLFile == "":
		return fail("", "config.notify.no_url")
	case s.URLEnv != "" && s.URLFile != "":
		return fail("url_file", "config.notify.both_urls")
	case s.URLEnv != "" && !envNameRE().MatchString(s.URLEnv):
		return fail("url_env", "config.notify.bad_env", "Env", s.URLEnv)
	case s.URLFile != "" && !filepath.IsAbs(s.URLFile) && !strings.HasPrefix(s.URLFile, "~/"):
		return fail("url_file", "config.notify.relative_file", "File", s.URLFile)
	}
	for _, e := range s.Events {
		if !slices.Contains(NotifyEvents, e) {
			return fail("events", "config.notify.unknown_event", "Event", e, "Known", events)
		}
	}
	return nil
}

// checkNotify checks what needs the whole list: names are unique.
func checkNotify(sinks []NotifySink) error {
	seen := map[string]int{}
	for _, s := range sinks {
		if first, dup := seen[s.Name]; dup {
			return i18n.Errorf("config.at_line", "File", FileName, "Line", s.KeyLine("name"), "Error", i18n.Errorf("config.notify.sink", "Sink", s.Name, "Error", i18n.Errorf("config.notify.twice", "First", first)))
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
			return i18n.Errorf("config.at_line", "File", FileName, "Line", s.KeyLine("url_file"), "Error", i18n.Errorf("config.notify.sink", "Sink", s.Name, "Error", i18n.Errorf("config.notify.file_inside", "File", s.URLFile, "Sink", s.Name)))
		}
	}
	return nil
}

// LineError is an error at a line of the config file: Parse names the file and the line.
type LineError struct {
	Line int
	Err  *i18n.Error
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
