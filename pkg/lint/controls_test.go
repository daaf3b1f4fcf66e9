package lint

import (
	"testing"

	"github.com/incidentctl/incidentctl/pkg/incident"
)

// controlTexts put every kind of control ControlAt finds, and look-alikes it does not (a
// dash, an arrow, other E2 and C3 sequences, a tab, CRLF), at every offset of an 8-byte
// block.
func controlTexts() [][]byte {
	pieces := []string{"\x1b[31m", "\x00", "\x07", "\x7f", "\r", "\r\n", "\u0085", "\u009b", "\u202a", "\u202e", "\u2066", "\u2069",
		"\u2029", "\u202f", "\u2065", "\u206a", "—", "→", "é", "\t", "\n", "\xe2\x80", "\xe2", "\xc2", "\xff\xe2\x80\xaa"}
	var out [][]byte
	for _, p := range pieces {
		for pad := range 10 {
			b := []byte("abcdefghij"[:pad] + p + " after")
			out = append(out, b, b[:pad+len(p)])
		}
	}
	return out
}

func TestMayHoldControl(t *testing.T) {
	for _, text := range controlTexts() {
		if controlAtBytes(text) >= 0 && !mayHoldControl(text) {
			t.Errorf("%q: ControlAt finds a control at %d, the prefilter says none", text, controlAtBytes(text))
		}
	}
	if mayHoldControl([]byte(validDoc)) || mayHoldControl([]byte("— → é\tx\n ok — ok → ok\n")) {
		t.Error("the prefilter sends plain text with dashes and arrows to the slow path")
	}
}

// FuzzMayHoldControl: the prefilter never hides a control ControlAt finds.
func FuzzMayHoldControl(f *testing.F) {
	for _, text := range controlTexts() {
		f.Add(text)
	}
	f.Add([]byte(validDoc))
	f.Fuzz(func(t *testing.T, text []byte) {
		if at := controlAtBytes(text); at >= 0 && !mayHoldControl(text) {
			t.Fatalf("%q: ControlAt finds a control at %d, the prefilter says none", text, at)
		}
	})
}

func controlAtBytes(b []byte) int { return incident.ControlAt(string(b)) }
