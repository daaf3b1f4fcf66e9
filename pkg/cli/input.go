package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
)

// maxInput is the most text standard input may give one value: far more than any log entry,
// far less than a document may hold (incident.MaxSize).
const maxInput = 1 << 20

// textArg returns the text a flag or argument gives, reading standard input for "-" (the
// convention of git, gh and most tools: `incidentctl log k7x -` takes the entry from a pipe or
// a here-document). Standard input can be read once: a second "-" is a usage error. On a
// terminal, a line on stderr says how to end the text.
func (app *App) textArg(what, v string) (string, error) {
	if v != "-" {
		return v, nil
	}
	if app.stdinUsed != "" {
		return "", usageMsg("input.stdin_twice", "First", app.stdinUsed, "Second", what)
	}
	app.stdinUsed = what
	if app.In == nil {
		return "", nil
	}
	if f, ok := app.In.(*os.File); ok && isTerminal(f) {
		fmt.Fprintln(app.Err, app.P.T("input.stdin_terminal", "What", what))
	}
	b, err := io.ReadAll(io.LimitReader(app.In, maxInput+1))
	if err != nil {
		return "", errors.New(app.P.T("input.read_failed", "What", what, "Err", err.Error()))
	}
	if len(b) > maxInput {
		return "", usageMsg("input.stdin_too_long", "What", what, "Max", maxInput)
	}
	return string(b), nil
}
