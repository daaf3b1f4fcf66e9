package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNotify(t *testing.T) {
	c, err := Parse([]byte(`notify:
  - name: war-room
    kind: slack
    url_env: WAR_ROOM_WEBHOOK
    events: [declared, severity]
    min_severity: SEV3
  - name: drills
    kind: discord
    url_file: ~/.config/incidentctl/drills.url
    drills: true
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Notify) != 2 {
		t.Fatalf("sinks = %+v", c.Notify)
	}
	s := c.Notify[0]
	if s.Name != "war-room" || s.Kind != "slack" || s.URLEnv != "WAR_ROOM_WEBHOOK" || len(s.Events) != 2 || s.MinSeverity != "SEV3" || s.Line != 2 || s.Drills {
		t.Errorf("first sink = %+v", s)
	}
	if d := c.Notify[1]; d.Line != 7 || !d.Drills || d.URLFile != "~/.config/incidentctl/drills.url" {
		t.Errorf("second sink = %+v", d)
	}
	home, _ := os.UserHomeDir()
	if p, err := c.Notify[1].URLFilePath(); err != nil || p != filepath.Join(home, ".config/incidentctl/drills.url") {
		t.Errorf("URLFilePath = %q, %v", p, err)
	}
}

func TestNotifyErrors(t *testing.T) {
	const head = "notify:\n  - name: war-room\n"
	for _, c := range []struct{ src, want string }{
		{head + "    kind: slak\n    url_env: X\n", `.incidentctl.yaml:3: notify war-room: unknown kind "slak": use one of slack, mattermost, teams, discord, webhook`},
		{head + "    kind: slack\n", ".incidentctl.yaml:2: notify war-room: say where the webhook URL is: url_env"},
		{head + "    kind: slack\n    url: https://hooks.slack.com/services/x\n", ".incidentctl.yaml:4: notify: url: the webhook URL is a secret and must not be committed"},
		{head + "    kind: slack\n    url_env: X\n    url_file: /x\n", "give url_env or url_file, not both"},
		{head + "    kind: slack\n    url_env: 'not a var'\n", `url_env "not a var" is not an environment variable name`},
		{head + "    kind: slack\n    url_file: relative.url\n", "must be an absolute path or start with ~/"},
		{head + "    kind: slack\n    url_env: X\n    events: [declared, escalated]\n", `.incidentctl.yaml:5: notify war-room: unknown event "escalated": use any of declared, severity, status, commander, announcement, resolved`},
		{head + "    kind: slack\n    url_env: X\n    colour: red\n", `.incidentctl.yaml:5: notify: unknown key "colour"`},
		{"notify:\n  - kind: slack\n    url_env: X\n", ".incidentctl.yaml:2: notify #2: name is missing"},
		{"notify:\n  - war-room\n", ".incidentctl.yaml:2: each entry of notify: is a sink"},
		{head + "    kind: slack\n    url_env: X\n  - name: war-room\n    kind: teams\n    url_env: Y\n", ".incidentctl.yaml:5: notify war-room: the name is used twice (first at line 2)"},
	} {
		if _, err := Parse([]byte(c.src)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q)\nerror = %v\nwant    %q", c.src, err, c.want)
		}
	}
}

func TestNotifyURLFileInsideRepository(t *testing.T) {
	dir := t.TempDir()
	src := "notify:\n  - name: war-room\n    kind: slack\n    url_file: " + filepath.Join(dir, "hook.url") + "\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), ".incidentctl.yaml:4: notify war-room: url_file "+filepath.Join(dir, "hook.url")+" is inside the repository") {
		t.Errorf("error = %v", err)
	}
	outside := filepath.Join(t.TempDir(), "hook.url")
	src = "notify:\n  - name: war-room\n    kind: slack\n    url_file: " + outside + "\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err != nil {
		t.Errorf("outside: %v", err)
	}
}
