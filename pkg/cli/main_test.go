package cli

import (
	"os"
	"testing"
	"time"
)

// The tests read times as a responder in Tokyo would (the testscripts set TZ=Asia/Tokyo too):
// every time is shown in the reader's zone.
func TestMain(m *testing.M) {
	time.Local = time.FixedZone("JST", 9*3600)
	os.Exit(m.Run())
}
