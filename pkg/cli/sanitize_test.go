package cli

import (
	"bytes"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSafeWriter(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, 日本語\n\ttabbed":        "plain text, 日本語\n\ttabbed",
		"title \x1b]0;pwned\a now":         `title \x1b]0;pwned\x07 now`,
		"clear \x1b[2J screen":             `clear \x1b[2J screen`,
		"cr\rover":                         `cr\x0dover`,
		"c1 \u009b31m and bidi \u202eevil": `c1 \u009b31m and bidi \u202eevil`,
		"bad utf-8 \xff\xfe":               `bad utf-8 \xff\xfe`,
		"del \x7f":                         `del \x7f`,
		"\x1b[1mbold\x1b[0m":               `\x1b[1mbold\x1b[0m`, // no colours: not a terminal
	} {
		var b bytes.Buffer
		w := newSafeWriter(&b, false)
		w.Write([]byte(in))
		w.Flush()
		if b.String() != want {
			t.Errorf("%q → %q, want %q", in, b.String(), want)
		}
	}
	// On a terminal, the palette's colours pass and nothing else does.
	var b bytes.Buffer
	w := newSafeWriter(&b, true)
	w.Write([]byte(palette{on: true}.paint(boldRed, "SEV1") + " \x1b[8mhidden\x1b[0m \x1b]0;t\a"))
	if got, want := b.String(), "\x1b[1;31mSEV1\x1b[0m \\x1b[8mhidden\x1b[0m \\x1b]0;t\\x07"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// A character or a colour sequence split between writes (bufio flushing a full buffer) is
// neither broken nor escaped.
func TestSafeWriterSplitWrites(t *testing.T) {
	in := palette{on: true}.paint(green, "mitigated") + " 日本語テキスト \x1b[2J " + strings.Repeat("é", 5)
	var whole bytes.Buffer
	w := newSafeWriter(&whole, true)
	w.Write([]byte(in))
	w.Flush()
	for size := 1; size <= 4; size++ {
		var b bytes.Buffer
		w := newSafeWriter(&b, true)
		r := iotest.OneByteReader(strings.NewReader(in))
		buf := make([]byte, size)
		for {
			n, err := r.Read(buf)
			w.Write(buf[:n])
			if err != nil {
				break
			}
		}
		w.Flush()
		if b.String() != whole.String() {
			t.Errorf("in writes of %d: %q, want %q", size, b.String(), whole.String())
		}
	}
}

func TestEscapeJSON(t *testing.T) {
	in := []byte(`{"title": "a` + "\x7f\u009b\u202e" + `b 日本"}`)
	if got, want := string(escapeJSON(in)), `{"title": "a\u007f\u009b\u202eb 日本"}`; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
