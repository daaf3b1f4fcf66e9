package i18n

import (
	"bytes"
	"testing"
)

// TestKeptText: a text kept and read back in a process that never made it (the remembered
// texts forgotten) translates as the original did, nested texts and counts included; other
// text passes through; damaged bytes are an error, never a panic.
func TestKeptText(t *testing.T) {
	ja := For(Japanese)
	inner := Text("lint.field.want_number")
	texts := []string{
		Text("lint.field.type", "Key", "impact", "Want", inner, "File", ".incidentctl.yaml", "Got", `"many"`),
		Text("lint.required_action", "Action", "影響範囲の確認", "Severity", "SEV1", "Ref", "a0001", "N", 3, "Skip", "skipped: x"),
		"id 261120-a0000 is also the id of x.md",
		"",
	}
	var want []string
	var b []byte
	for _, s := range texts {
		want = append(want, ja.Translate(s))
		var ok bool
		if b, ok = AppendText(b, s); !ok {
			t.Fatalf("%q cannot be kept", s)
		}
	}
	forgetTexts()
	if ja.Translate(texts[0]) != texts[0] {
		t.Fatal("the texts were not forgotten")
	}
	rest := b
	for i, s := range texts {
		var got string
		var err error
		got, rest, err = ReadText(rest)
		if err != nil || got != s {
			t.Fatalf("text %d: %q, %v; want %q", i, got, err, s)
		}
		if tr := ja.Translate(got); tr != want[i] {
			t.Errorf("text %d in Japanese: %q, want %q", i, tr, want[i])
		}
	}
	if len(rest) != 0 {
		t.Fatalf("%d bytes left", len(rest))
	}
	if want[0] == texts[0] || want[1] == texts[1] {
		t.Fatalf("the fixture should translate: %q", want[:2])
	}

	// An argument of another kind cannot be kept.
	odd := Text("lint.summary", "Errors", 1.5, "Warnings", "", "Documents", "")
	if got, ok := AppendText([]byte("x"), odd); ok || !bytes.Equal(got, []byte("x")) {
		t.Fatalf("a float argument was kept: %q", got)
	}

	// Every truncation and a few damaged bytes.
	for n := 0; n < len(b); n++ {
		ReadText(b[:n])
	}
	for _, bad := range [][]byte{{9}, {keepText, 200}, {keepText, 0, 0, 255, 255, 255, 255, 15}} {
		if _, _, err := ReadText(bad); err == nil {
			t.Errorf("%q read", bad)
		}
	}
}

// FuzzReadText: any bytes are read or refused, never a panic or an endless loop.
func FuzzReadText(f *testing.F) {
	b, _ := AppendText(nil, Text("lint.field.type", "Key", "k", "Want", Text("lint.field.want_number"), "File", "f", "Got", "g"))
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		ReadText(b)
	})
}

func forgetTexts() {
	texts.Range(func(k, _ any) bool {
		texts.Delete(k)
		return true
	})
}
