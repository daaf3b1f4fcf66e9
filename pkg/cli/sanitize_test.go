package cli

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"
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

// escapeJSONRune is escapeJSON as it was first written, rune by rune: the reference.
func escapeJSONRune(b []byte) []byte {
	var out bytes.Buffer
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r != utf8.RuneError && (r == 0x7f || r >= 0x80 && isControlRune(r)) {
			fmt.Fprintf(&out, `\u%04x`, r)
		} else {
			out.Write(b[i : i+max(n, 1)])
		}
		i += max(n, 1)
	}
	return out.Bytes()
}

func FuzzEscapeJSON(f *testing.F) {
	for _, s := range []string{"", "plain", "a\x7fb", "\u009b[31m", "\u202eevil\u202c", "→ — 日本 \u2066x\u2069", "\xe2\x80", "\xc2", "\xe2\x80\xaa\xe2\x80\xae\xc2\x9f"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := escapeJSON(bytes.Clone(b)), escapeJSONRune(b); !bytes.Equal(got, want) {
			t.Fatalf("escapeJSON(%q) = %q, want %q", b, got, want)
		}
	})
}
