package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Stamped by the release build (.goreleaser.yaml):
//
//	-X github.com/incidentctl/incidentctl/pkg/cli.version={{.Version}}
//	-X github.com/incidentctl/incidentctl/pkg/cli.commit={{.Commit}}
//	-X github.com/incidentctl/incidentctl/pkg/cli.date={{.Date}}
//
// A plain `go build` or `go install` leaves them empty, and the version comes from what the Go
// toolchain recorded in the binary instead (see buildVersion).
var (
	version string
	commit  string
	date    string
)

// BuildInfo is what `incidentctl --version` reports.
type BuildInfo struct {
	Version  string // "1.2.3" for a release, "v1.2.3" for `go install …@v1.2.3`, "devel" otherwise
	Commit   string // full commit hash, "" when unknown
	Date     string // RFC 3339 build or commit time, "" when unknown
	Modified bool   // built from a worktree with uncommitted changes
	Go       string // Go version that built it
}

// buildVersion returns the stamped values, falling back to the module version and the VCS
// settings that `go build` records (runtime/debug.ReadBuildInfo) when the binary was not
// built by the release configuration.
func buildVersion() BuildInfo {
	bi := BuildInfo{Version: version, Commit: commit, Date: date, Go: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		if bi.Version == "" {
			bi.Version = "devel"
		}
		return bi
	}
	if bi.Version == "" {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			bi.Version = v
		} else {
			bi.Version = "devel"
		}
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			if bi.Commit == "" {
				bi.Commit = s.Value
			}
		case "vcs.time":
			if bi.Date == "" {
				bi.Date = s.Value
			}
		case "vcs.modified":
			bi.Modified = bi.Modified || s.Value == "true" && commit == ""
		}
	}
	return bi
}

// String is the line --version prints: "incidentctl 1.2.3 (commit 3b18e51, 2026-11-23T10:02:00Z, go1.26.8)".
func (b BuildInfo) String() string {
	var extra []string
	if b.Commit != "" {
		c := b.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		if b.Modified {
			c += ", modified"
		}
		extra = append(extra, "commit "+c)
	}
	if b.Date != "" {
		extra = append(extra, b.Date)
	}
	extra = append(extra, b.Go)
	return fmt.Sprintf("incidentctl %s (%s)", b.Version, strings.Join(extra, ", "))
}
