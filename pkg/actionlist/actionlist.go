// Package actionlist renders the action-list template (templates/action-list.md, a Go
// text/template) into the task list of one incident.
package actionlist

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"

	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// Data is what the template sees: a typed context, never a bag of strings.
type Data struct {
	Severity   severity.Level
	Severities []severity.Level
	Incident   Incident
	Now        time.Time
}

// Incident is the part of the incident known at declaration.
type Incident struct {
	ID, Title, Commander, Impact string
	DeclaredAt                   time.Time
}

// Render executes the template at path (src is its content) and checks that the result is a
// task list the CLI can read. Errors point at the template's line.
func Render(path string, src []byte, sevs *severity.Set, data Data) (string, []incident.Action, error) {
	funcs := template.FuncMap{
		"required": func(ids ...string) (string, error) {
			if len(ids) == 0 {
				ids = sevs.IDs()
			}
			if err := known(sevs, ids); err != nil {
				return "", err
			}
			return incident.RequiredMarker(ids), nil
		},
		"due": func(d string, ids ...string) (string, error) {
			dur, err := time.ParseDuration(d)
			if err != nil || dur <= 0 {
				return "", fmt.Errorf("due %q: want a duration like 30m or 2h", d)
			}
			if err := known(sevs, ids); err != nil {
				return "", err
			}
			return incident.DueMarker(dur, ids), nil
		},
		"announce": func(d string, ids ...string) (string, error) {
			dur, err := time.ParseDuration(d)
			if err != nil || dur <= 0 {
				return "", fmt.Errorf("announce %q: want a duration like 30m or 1h", d)
			}
			if err := known(sevs, ids); err != nil {
				return "", err
			}
			return incident.AnnounceMarker(dur, ids), nil
		},
		"atLeast": func(id string) (bool, error) {
			if err := known(sevs, []string{id}); err != nil {
				return false, err
			}
			return sevs.AtLeast(data.Severity.ID, id), nil
		},
	}
	name := path
	t, err := template.New(name).Funcs(funcs).Option("missingkey=error").Parse(string(src))
	if err != nil {
		return "", nil, templateError(name, err)
	}
	var out bytes.Buffer
	if err := t.Execute(&out, data); err != nil {
		return "", nil, templateError(name, err)
	}
	rendered := strings.TrimSpace(out.String()) + "\n"
	for i, line := range strings.Split(rendered, "\n") {
		if topHeadingRE().MatchString(line) {
			return "", nil, &Error{Path: path, Msg: fmt.Sprintf("line %d of the rendered action list is a level-1 or level-2 heading (%q): the action list is one section of the incident document, so use ### headings inside it", i+1, line)}
		}
	}
	actions, err := incident.ParseActionList(rendered)
	if err != nil {
		return "", nil, &Error{Path: path, Msg: fmt.Sprintf("the rendered action list does not parse: %v", err)}
	}
	if len(actions) == 0 {
		return "", nil, &Error{Path: path, Msg: "the rendered action list has no items: write them as a task list (\"- [ ] Page the on-call engineer\")"}
	}
	return rendered, actions, nil
}

// Error is a template that does not render, or renders into something the CLI cannot read.
// Line and Col point into the template when known (0 otherwise).
type Error struct {
	Path      string
	Line, Col int
	Msg       string
}

func (e *Error) Error() string {
	switch {
	case e.Line > 0 && e.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Col, e.Msg)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

func known(sevs *severity.Set, ids []string) error {
	for _, id := range ids {
		if _, ok := sevs.Get(id); !ok {
			return fmt.Errorf("unknown severity %q (the definitions have %s)", id, strings.Join(sevs.IDs(), ", "))
		}
	}
	return nil
}

var topHeadingRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^ {0,3}#{1,2}(\s|$)`) })

var tmplErrRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^template: (.*?):(\d+)(:\d+)?: (?:executing ".*?" at <(.*?)>: )?(?:error calling \w+: )?`)
})

// templateError rewrites text/template's "template: name:12:3: executing ... at <...>: ..." into
// "path:12:3: ...", the form editors and CI understand.
func templateError(path string, err error) error {
	msg := err.Error()
	if m := tmplErrRE().FindStringSubmatch(msg); m != nil {
		rest := msg[len(m[0]):]
		if m[4] != "" {
			rest = "in {{" + m[4] + "}}: " + rest
		}
		line, _ := strconv.Atoi(m[2])
		col, _ := strconv.Atoi(strings.TrimPrefix(m[3], ":"))
		return &Error{Path: path, Line: line, Col: col, Msg: "template error: " + rest}
	}
	return &Error{Path: path, Msg: "template error: " + strings.TrimPrefix(msg, "template: ")}
}
