package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// externalTool finds a tool a test needs that Go does not provide: the path in env, the name
// on PATH, or one of the places .ci/run installs it to (relative to the repository root). When
// it is missing the test skips, unless INCIDENTCTL_REQUIRE_TOOLS=1 (set by .ci/run), where a
// missing tool fails it: CI never passes by skipping.
func externalTool(t *testing.T, name, env string, installed ...string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", env, p, err)
		}
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, rel := range installed {
		p, err := filepath.Abs(filepath.Join("..", "..", filepath.FromSlash(rel)))
		if err != nil {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("INCIDENTCTL_REQUIRE_TOOLS") == "1" {
		t.Fatalf("%s is not installed and INCIDENTCTL_REQUIRE_TOOLS=1: install it (see .ci/run) or set %s", name, env)
	}
	t.Skipf("%s is not installed (set %s, or run .ci/run once): skipped", name, env)
	return ""
}
