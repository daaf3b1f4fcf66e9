// Command incidentctl is a git-native incident-response CLI.
package main

import (
	"os"

	"github.com/incidentctl/incidentctl/pkg/cli"
)

func main() { os.Exit(cli.Main()) }
