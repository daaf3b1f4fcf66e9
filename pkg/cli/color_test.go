package cli

import "testing"

func TestColorEnabled(t *testing.T) {
	for _, c := range []struct {
		flag string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"auto", true, nil, true},
		{"auto", false, nil, false},
		{"auto", true, map[string]string{"NO_COLOR": "1"}, false},
		{"auto", true, map[string]string{"TERM": "dumb"}, false},
		{"auto", true, map[string]string{"CLICOLOR": "0"}, false},
		{"auto", false, map[string]string{"CLICOLOR_FORCE": "1"}, true},
		{"auto", true, map[string]string{"TERM": "dumb", "CLICOLOR_FORCE": "1"}, true},
		{"auto", false, map[string]string{"CLICOLOR_FORCE": "0"}, false},
		{"auto", false, map[string]string{"CLICOLOR_FORCE": "1", "NO_COLOR": "1"}, false},
		{"always", false, map[string]string{"NO_COLOR": "1", "TERM": "dumb"}, true},
		{"never", true, map[string]string{"CLICOLOR_FORCE": "1"}, false},
	} {
		app := &App{IO: IO{OutTTY: c.tty}, Color: c.flag, Getenv: func(k string) string { return c.env[k] }}
		if got := app.colorEnabled(); got != c.want {
			t.Errorf("--color %s, terminal %v, %v: colours %v, want %v", c.flag, c.tty, c.env, got, c.want)
		}
	}
}
