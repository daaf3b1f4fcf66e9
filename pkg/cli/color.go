package cli

import (
	"os"
	"slices"
	"strings"
)

// The values --color takes.
var colorModes = []string{"auto", "always", "never"}

// colorEnabled decides whether output for people gets ANSI colours, in the order the
// conventions give (https://no-color.org, https://bixense.com/clicolors): --color always or
// never decides; otherwise NO_COLOR (any value) turns colours off, CLICOLOR_FORCE (not 0)
// turns them on even when piped, TERM=dumb and CLICOLOR=0 turn them off, and else colours are
// on when stdout is a terminal.
func (app *App) colorEnabled() bool {
	switch app.Color {
	case "always":
		return true
	case "never":
		return false
	}
	getenv := app.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	switch {
	case getenv("NO_COLOR") != "":
		return false
	case getenv("CLICOLOR_FORCE") != "" && getenv("CLICOLOR_FORCE") != "0":
		return true
	case getenv("TERM") == "dumb", getenv("CLICOLOR") == "0":
		return false
	}
	return app.OutTTY
}

// checkColor validates --color (root.go runs it before every command).
func (app *App) checkColor() error {
	app.Color = strings.ToLower(strings.TrimSpace(app.Color))
	if app.Color == "" {
		app.Color = "auto"
	}
	if !slices.Contains(colorModes, app.Color) {
		return usageMsg("color.unknown", "Value", app.Color)
	}
	// The output writer was made before the flags were read (main.go): let the palette's
	// colour sequences through it as --color now decides.
	if sw, ok := app.Out.(*safeWriter); ok {
		sw.sgr = app.colorEnabled()
	}
	return nil
}
