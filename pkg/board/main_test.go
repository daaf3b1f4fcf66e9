package board

import (
	"os"
	"testing"
	"time"
)

// The tests read times as a responder in Tokyo would: briefings show times in the reader's zone.
func TestMain(m *testing.M) {
	time.Local = time.FixedZone("JST", 9*3600)
	os.Exit(m.Run())
}
