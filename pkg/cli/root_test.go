package cli

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// Every stand-in of a lazily built command (root.go's app.lazy) shows exactly what the real
// command shows wherever the root reads it: its help and usage list, the suggestions for a
// mistyped command, shell completion of command names.
func TestLazyCommandsMatch(t *testing.T) {
	for _, l := range i18n.Langs {
		stubs := newRootCmd(&App{P: i18n.For(l), Now: time.Now})
		real := NewRootCmd(&App{P: i18n.For(l), Now: time.Now})
		if len(stubs.Commands()) != len(real.Commands()) {
			t.Fatalf("%s: %d commands, %d built", l, len(stubs.Commands()), len(real.Commands()))
		}
		for i, s := range stubs.Commands() {
			r := real.Commands()[i]
			type shown struct {
				Name, Short, GroupID, Deprecated string
				Aliases, SuggestFor              []string
				Hidden, Available                bool
			}
			got := shown{s.Name(), s.Short, s.GroupID, s.Deprecated, s.Aliases, s.SuggestFor, s.Hidden, s.IsAvailableCommand()}
			want := shown{r.Name(), r.Short, r.GroupID, r.Deprecated, r.Aliases, r.SuggestFor, r.Hidden, r.IsAvailableCommand()}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: stand-in %+v\n  command %+v", l, got, want)
			}
		}
		var a, b bytes.Buffer
		stubs.SetOut(&a)
		real.SetOut(&b)
		_ = stubs.Help()
		_ = real.Help()
		if a.String() != b.String() || !strings.Contains(a.String(), "postmortem") {
			t.Errorf("%s: help differs:\n%s\nbuilt:\n%s", l, a.String(), b.String())
		}
	}
}

// A command line builds the command it runs, and only that one; the root's own help builds
// none, and anything that reads the whole tree builds all.
func TestBuildFor(t *testing.T) {
	for _, c := range []struct {
		args  []string
		built []string // nil: all
	}{
		{[]string{"--help"}, []string{}},
		{[]string{}, []string{}},
		{[]string{"--version"}, []string{}},
		{[]string{"-C", "/tmp", "--lang", "en", "list", "--help"}, []string{"list"}},
		{[]string{"drill", "start", "x"}, []string{"drill"}},
		{[]string{"help", "list"}, nil},
		{[]string{"lsit"}, nil},
		{[]string{"man"}, nil},
		{[]string{"__complete", "list", ""}, nil},
	} {
		app := &App{P: i18n.For(i18n.English), Now: time.Now}
		root := newRootCmd(app)
		stub := map[*cobra.Command]bool{}
		for _, l := range app.lazyCmds {
			stub[l.stub] = true
		}
		app.buildFor(root, c.args)
		var built []string
		for _, cmd := range root.Commands() {
			if !stub[cmd] {
				built = append(built, cmd.Name())
			}
		}
		if c.built == nil {
			if len(built) != len(root.Commands()) {
				t.Errorf("%q: built %v, want all", c.args, built)
			}
			continue
		}
		if strings.Join(built, " ") != strings.Join(c.built, " ") {
			t.Errorf("%q: built %v, want %v (a command added to root.go as newXCmd(app) is built at every start: add it as app.lazy(name, short ID, newXCmd))", c.args, built, c.built)
		}
	}
}
