package incident

import (
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestSlugUnicode(t *testing.T) {
	for in, want := range map[string]string{
		"決済APIが500エラーを返す（東京リージョン）": "決済apiが500エラーを返す-東京リージョン",
		"ログインできない：ＳＳＯ利用者":          "ログインできない-sso利用者", // full-width Latin folds to ASCII
		"ｶｰﾄに入らない":                 "カートに入らない",        // half-width katakana to full-width
		"Café au lait":             "café-au-lait",
		"Cafe\u0301 au lait":       "café-au-lait", // NFD input: the same NFC slug
		"🔥🔥🔥":                      SlugFallback,
		"🔥 DB 落ちた 🔥":               "db-落ちた",
		`a<b>c:d"e/f\g|h?i*j`:      "a-b-c-d-e-f-g-h-i-j", // nothing Windows refuses
		"Ünïcödé ÄPI":              "ünïcödé-äpi",
		"東京 ・ 大阪":                  "東京-大阪",
		"서울 리전 장애":                 "서울-리전-장애",
		"SEV1: Checkout\u200bdown": "sev1-checkout-down", // zero-width space separates
		"":                         SlugFallback,
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
	long := Slug(strings.Repeat("決済", 40))
	if len(long) > SlugMaxBytes || utf8.RuneCountInString(long) != SlugMaxBytes/3 {
		t.Errorf("long Japanese slug: %d bytes, %d runes", len(long), utf8.RuneCountInString(long))
	}
	// A letter is never separated from its combining marks by the cut.
	marks := Slug(strings.Repeat("e\u0301\u0327", 60)) // e + two marks: ȩ́ has no single code point
	if r, _ := utf8.DecodeLastRuneInString(marks); r != '\u0301' || len(marks) > SlugMaxBytes {
		t.Errorf("marks cut badly: %q", marks)
	}
	p := RelPath("261201-k7xqm", "決済APIが500エラーを返す（東京リージョン）", time.Date(2026, 12, 1, 19, 32, 0, 0, time.UTC))
	if p != "2026/12/261201-k7xqm-決済apiが500エラーを返す-東京リージョン.md" || IDFromFileName(p) != "261201-k7xqm" {
		t.Errorf("RelPath = %q", p)
	}
}

// FuzzSlug: whatever the title, the slug is a safe, bounded, non-empty NFC file-name part.
func FuzzSlug(f *testing.F) {
	for _, s := range []string{"決済APIが500エラーを返す（東京リージョン）", "Checkout API returns 500s", "🔥", "e\u0301", "ｶﾞ", "a/../b", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, title string) {
		s := Slug(title)
		chars := 0 // a letter with its combining marks counts once
		for _, r := range s {
			if !unicode.Is(unicode.M, r) {
				chars++
			}
		}
		if s == "" || !utf8.ValidString(s) || len(s) > SlugMaxBytes || chars > SlugMaxRunes+1 {
			t.Fatalf("Slug(%q) = %q: empty, invalid or too long", title, s)
		}
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("Slug(%q) = %q is not NFC", title, s)
		}
		if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("Slug(%q) = %q: stray dash", title, s)
		}
		for _, r := range s {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.M, r) {
				t.Fatalf("Slug(%q) = %q holds %U", title, s, r)
			}
		}
	})
}
