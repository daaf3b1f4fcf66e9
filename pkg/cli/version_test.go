package cli

import (
	"strings"
	"testing"
)

func TestBuildVersionStamped(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "1.2.3", "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", "2026-11-23T01:02:03Z"
	bi := buildVersion()
	if bi.Version != "1.2.3" || bi.Commit != commit || bi.Date != date || bi.Modified {
		t.Fatalf("stamped: %+v", bi)
	}
	if got := bi.String(); !strings.HasPrefix(got, "incidentctl 1.2.3 (commit 3b18e512dba7, 2026-11-23T01:02:03Z, go") {
		t.Errorf("String() = %q", got)
	}
}

// Not stamped (go build, go install, go test): the toolchain's record, or "devel".
func TestBuildVersionFallback(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "", "", ""
	bi := buildVersion()
	if bi.Version == "" || bi.Go == "" {
		t.Fatalf("fallback: %+v", bi)
	}
	if got := (BuildInfo{Version: "devel", Go: "go1.26.8"}).String(); got != "incidentctl devel (go1.26.8)" {
		t.Errorf("String() = %q", got)
	}
	if got := (BuildInfo{Version: "v1.0.0", Commit: "abc", Modified: true, Go: "go1.26.8"}).String(); got != "incidentctl v1.0.0 (commit abc, modified, go1.26.8)" {
		t.Errorf("String() = %q", got)
	}
}
