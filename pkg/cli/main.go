// Package cli wires incidentctl's commands: each parses its flags into options and calls one
// function of the domain (pkg/workspace and friends). This is the one place that decides what is
// printed and which exit code an error gets.
package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// Exit codes.
const (
	ExitOK    = 0
	ExitError = 1 // the command failed; the message says why
	ExitUsage = 2 // the command line is wrong
)

// softMemoryLimit is the heap size above which the collector works harder (see Main).
const softMemoryLimit = 150 << 20

// IO is where a command reads and writes.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// OutTTY tells whether Out is a terminal (colours, alignment for humans).
	OutTTY bool
}

// App holds what every command shares: the streams, the global flags and the clock.
type App struct {
	IO
	JSON bool
	Dir  string
	// Color is --color: auto, always or never (color.go).
	Color string
	// NoVerify is --no-verify: commits skip the pre-commit and commit-msg hooks.
	NoVerify bool
	Now      func() time.Time
	// Lang is --lang; Getenv reads the locale (LC_ALL, LC_MESSAGES, LANG), nil for none.
	Lang   string
	Getenv func(string) string
	// P prints messages in the reader's language (see chooseLang); nil until Run sets it.
	P *i18n.Printer
	// langFixed says --lang or the locale chose P, so the repository's lang setting must not.
	langFixed bool

	opened *workspace.Workspace // the first workspace the command opened (root.go)

	lazyCmds []lazyCmd // the commands of the tree not built yet (root.go)

	stdinUsed string // what read standard input ("-"), so that a second "-" is refused (input.go)
}

// Main runs incidentctl with os.Args and returns the exit code.
func Main() int {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		// A soft limit: near it the collector runs more often instead of letting the heap
		// double. It keeps a first listing of 100,000 documents (which fills the caches) at
		// 160 MB instead of 240 MB, and costs nothing below it. GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(softMemoryLimit)
	}
	app := &App{IO: IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, OutTTY: isTerminal(os.Stdout)}, Now: time.Now, Getenv: os.Getenv}
	if v := os.Getenv("INCIDENTCTL_NOW"); v != "" {
		// A fixed clock for drills replayed at a set time and for reproducible tests.
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "incidentctl: INCIDENTCTL_NOW=%q is not an RFC 3339 time (like 2026-11-23T10:02:00+09:00)\n", v)
			return ExitUsage
		}
		app.Now = func() time.Time { return t }
	}
	return Run(app, os.Args[1:])
}

// Run executes one command line.
func Run(app *App, args []string) int {
	// Everything printed goes through a safeWriter (sanitize.go): hostile text is inert.
	raw := app.IO
	out, errOut := newSafeWriter(app.Out, app.palette().on), newSafeWriter(app.Err, false)
	app.Out, app.Err = out, errOut
	defer func() {
		out.Flush()
		errOut.Flush()
		app.IO = raw
	}()
	if err := app.chooseLang(args); err != nil {
		return app.fail(nil, err, jsonRequested(args))
	}
	root := newRootCmd(app)
	app.buildFor(root, args) // only the command args run (root.go)
	root.SetArgs(args)
	root.SetIn(app.In)
	root.SetOut(app.Out)
	root.SetErr(app.Err)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	return app.fail(cmd, err, jsonRequested(args))
}

// fail prints what went wrong and returns the exit code: 2 for a wrong command line (a usage
// error, or a value the domain found invalid: workspace.InputError), 1 for any other failure.
// Under --json the error is a JSON object on stderr instead of text (see docs/json.md), so a
// tool reading the output never has to parse a sentence.
func (app *App) fail(cmd *cobra.Command, err error, asJSON bool) int {
	var silent *SilentError
	if errors.As(err, &silent) {
		return silent.Code // the command printed what needed printing
	}
	code, hint := ExitError, ""
	var usage *UsageError
	var input *workspace.InputError
	switch {
	case errors.As(err, &usage) || isCobraUsage(err):
		code = ExitUsage
		if cmd != nil {
			hint = app.P.T("usage.help", "Command", cmd.CommandPath())
		}
	case errors.As(err, &input):
		code = ExitUsage
	}
	var h interface{ Hint() string }
	if errors.As(err, &h) && h.Hint() != "" {
		hint = h.Hint()
	}
	msg := app.P.Message(err)
	if asJSON {
		enc := json.NewEncoder(app.Err)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(ErrorJSON{Error: msg, Hint: hint, Code: code})
		return code
	}
	fmt.Fprintf(app.Err, "incidentctl: %s\n", msg)
	if hint != "" {
		fmt.Fprintf(app.Err, "%s\n", hint)
	}
	return code
}

// ErrorJSON is what a failed command prints on stderr under --json.
type ErrorJSON struct {
	Error string `json:"error"` // what went wrong, in the reader's language
	Hint  string `json:"hint"`  // what to do, when it is not already part of the error ("" otherwise)
	Code  int    `json:"code"`  // the exit code: 1 the command failed, 2 the command line is wrong
}

// jsonRequested tells whether --json was on the command line, for errors that happen before
// (or while) cobra parses the flags.
func jsonRequested(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "--json", "--json=true":
			return true
		}
	}
	return false
}

// UsageError is a wrong command line: exit 2 and a pointer to --help.
type UsageError struct {
	Msg string
	msg *i18n.Error // the catalogue message Msg was made from, if any
}

func (e *UsageError) Error() string { return e.Msg }

// Unwrap gives the catalogue message, so that it is printed in the reader's language.
func (e *UsageError) Unwrap() error {
	if e.msg == nil {
		return nil
	}
	return e.msg
}

func usageErr(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// usageMsg is a UsageError whose text comes from the catalogue: Run prints it in the reader's
// language, Error() is English.
func usageMsg(id string, args ...any) error {
	e := i18n.Errorf(id, args...)
	return &UsageError{Msg: e.Error(), msg: e}
}

// usageFrom is a UsageError for an error of the domain: printed in the reader's language when
// it carries a catalogue message (an *i18n.Error, or an error that unwraps to one without
// adding to its text).
func usageFrom(err error) error {
	u := &UsageError{Msg: err.Error()}
	var e *i18n.Error
	if errors.As(err, &e) && e.Error() == err.Error() {
		u.msg = e
	}
	return u
}

// SilentError exits with Code; the command already printed what needed printing.
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// isCobraUsage recognises cobra's own argument errors (unknown command, unknown flag).
func isCobraUsage(err error) bool {
	msg := err.Error()
	return strings.HasPrefix(msg, "unknown command") || strings.HasPrefix(msg, "unknown flag") ||
		strings.HasPrefix(msg, "unknown shorthand flag") || strings.Contains(msg, "flag needs an argument") ||
		strings.HasPrefix(msg, "invalid argument") || strings.HasPrefix(msg, "required flag")
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// chooseLang sets the printer before the command tree is built, so that --help is in the
// reader's language too: --lang (read from the arguments, as cobra has not parsed them yet),
// then the locale. The repository's lang setting applies later, once the repository is open
// (see App.open), and only when neither said anything.
func (app *App) chooseLang(args []string) error {
	flag := app.Lang
	for i, a := range args {
		if a == "--" {
			break
		}
		if v, ok := strings.CutPrefix(a, "--lang="); ok {
			flag = v
		} else if a == "--lang" && i+1 < len(args) {
			flag = args[i+1]
		}
	}
	getenv := app.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	l, err := i18n.Choose(flag, getenv, "")
	if err != nil {
		l, _ = i18n.Choose("", getenv, "") // say what is wrong with --lang in the locale's language
	}
	app.P = i18n.For(l)
	if err != nil {
		return &UsageError{Msg: app.P.T("lang.unknown", "Flag", flag, "Known", i18n.Names())}
	}
	app.langFixed = flag != "" || i18n.FromEnv(getenv) != ""
	return nil
}
