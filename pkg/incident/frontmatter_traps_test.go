package incident

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// frontMatterTraps are the places where YAML reads differently from what it looks like. For
// each, the fast decoder either takes it (take: true) and then must build yaml.v3's tree and
// the same Document, or leaves it to yaml.v3 (take: false). Both directions are pinned, so a
// change to the grammar is a deliberate one.
var frontMatterTraps = []struct {
	name string
	y    string
	take bool
}{
	// Plain scalars that are not strings: yaml.v3's resolve decides the tag.
	{"null words", "a: null\nb: Null\nc: NULL\nd: ~\ne: nULL\n", true},
	{"empty value is null", "a:\nb: x\n", true},
	{"booleans (YAML 1.2 only)", "a: true\nb: False\nc: TRUE\nd: yes\ne: no\nf: on\ng: off\nh: y\n", true},
	{"integers", "a: 1\nb: -1\nc: +1\nd: 0x1F\ne: 0o17\nf: 0b101\ng: -0b101\nh: 1_000\ni: 0777\nj: 9223372036854775808\n", true},
	{"floats", "a: 1.5\nb: .5\nc: 1e3\nd: -1.\ne: .inf\nf: -.Inf\ng: .NaN\nh: 1.5e-3\n", true},
	{"not numbers", "a: 1.2.3\nb: 0x\nc: 1e\nd: 12abc\ne: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad\nf: 261123-k7xqm\n", true},
	{"timestamps", "a: 2026-11-23\nb: 2026-11-23T10:02:00+09:00\nc: 2026-11-23T10:02:00Z\nd: 2026-1-2 3:4:5\ne: 2026-11-23t10:02:00z\nf: 2026-11-23T10:02:00.123456789-03:30\n", true},
	{"not timestamps", "a: 2026-13-01\nb: 2026-02-30\nc: 2026-11-23T25:00:00Z\nd: 26-11-23\ne: 2026-11-23T10:02:00+25:00\nf: 2026-11-23T10:02:60Z\n", true},
	{"merge key word as a value", "a: <<\n", true},
	// White space.
	{"trailing spaces", "a: x   \nb:   \nc: 'q'  \n", true},
	{"blank lines", "a: x\n\n\nb: y\n", true},
	{"tab before value", "a:\tx\n", false},
	{"tab in value", "a: x\ty\n", false},
	{"CRLF", "a: x\r\nb: y\r\n", true},
	{"lone CR", "a: x\rb: y\n", false},
	{"BOM", "\ufeffa: x\n", false},
	{"NEL", "a: x\u0085y\n", false},
	{"line separator", "a: x\u2028y\n", false},
	// Indicators inside and around values.
	{"colon space in value", "a: b: c\n", false},
	{"colon without space in value", "a: http://x/y\nb: 10:30\n", true},
	{"value ends in a colon", "a: x:\n", false},
	{"comment", "a: b # c\n", false},
	{"hash without a space", "a: C#\nb: x#y\n", true},
	{"comment line", "# c\na: b\n", false},
	{"leading dash", "a: -x\nb: -1\n", true},
	{"lone dash", "a: -\n", false},
	{"document markers as values", "a: ---\nb: ...\n", true},
	{"flow collections", "a: {}\nb: []\n", true},
	{"non-empty flow collections", "a: [1, 2]\nb: {c: d}\n", false},
	{"anchor and alias", "a: &x b\nc: *x\n", false},
	{"tag", "a: !!str 1\n", false},
	{"block scalar", "a: |\n  x\n", false},
	{"folded scalar", "a: >\n  x\n", false},
	{"directive-like value", "a: %x\n", false},
	{"reserved indicators", "a: @x\nb: `x`\n", false},
	{"question mark", "a: ?x\n", false},
	// Quotes and escapes.
	{"double quoted", "a: \"x: y # z\"\nb: \"\"\n", true},
	{"double quoted escape", "a: \"x\\ty\"\n", false},
	{"double quoted unclosed", "a: \"x\n", false},
	{"double quote inside", "a: \"x\"y\"\n", false},
	{"single quoted", "a: 'it''s: fine'\nb: ''\n", true},
	{"single quoted unclosed", "a: 'x\n", false},
	{"single quote inside", "a: 'x'y'\n", false},
	{"quoted then more", "a: 'x' y\n", false},
	{"apostrophe in plain", "a: it's\n", true},
	// Keys.
	{"quoted key", "\"a\": x\n", false},
	{"key with a space", "a b: x\n", false},
	{"space before colon", "a : x\n", false},
	{"no space after colon", "a:x\n", false},
	{"keys that resolve to other types", "true: x\nnull: y\n", true},
	{"numeric key", "1: x\n", false},
	{"merge key", "<<: x\n", false},
	{"dashes and underscores", "declared_at: x\nx-y: z\n_a: b\n", true},
	{"long key", strings.Repeat("k", 129) + ": x\n", false},
	{"duplicate key", "a: b\na: c\n", true},
	{"duplicate nested key", "roles:\n  a: b\n  a: c\n", true},
	{"many keys", manyKeysYAML(40, -1), true},
	{"many keys, one twice", manyKeysYAML(40, 7), true},
	// Indentation.
	{"nested mapping", "roles:\n  comms: bob\n  scribe: carol\nb: c\n", true},
	{"nested mapping, four spaces", "roles:\n    comms: bob\n", true},
	{"nested with blank lines", "a:\n\n  b: c\n\n  d: e\nf: g\n", true},
	{"uneven nesting", "a:\n  b: c\n   d: e\n", false},
	{"deeper nesting", "a:\n  b:\n    c: d\n", false},
	{"indented first line", "  a: b\n", false},
	{"continuation line", "a: b\n  c\n", false},
	{"block sequence", "a:\n  - x\n", false},
	{"nested flow value", "a:\n  b: {}\n", false},
	// Other lines.
	{"conflict marker", "<<<<<<< HEAD\na: b\n=======\na: c\n>>>>>>> other\n", false},
	{"document end", "...\na: b\n", false},
	{"empty", "", false},
	{"only blank lines", "\n\n", false},
	{"very long value", "a: " + strings.Repeat("x", 100000) + "\n", true},
	{"very long quoted value", "a: '" + strings.Repeat("x y", 50000) + "'\n", true},
	{"non-ASCII", "a: café ünïcödé 日本 🚒\nb: \u00a0x\n", true},
	{"no final newline", "a: x", true},
}

func TestFrontMatterTraps(t *testing.T) {
	for _, tr := range frontMatterTraps {
		t.Run(tr.name, func(t *testing.T) {
			if got := checkFrontMatterAgrees(t, []byte(tr.y)); got != tr.take {
				t.Fatalf("fast decoder took it: %v, want %v\n%q", got, tr.take, tr.y)
			}
		})
	}
}

// referenceTimestamp is yaml.v3's parseTimestamp as it is written there.
func referenceTimestamp(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, f := range yamlTimestampFormats {
		if _, err := time.Parse(f, s); err == nil {
			return true
		}
	}
	return false
}

// TestYAMLTimestamp: yamlTimestamp (with its shortcut for the canonical forms) agrees with
// yaml.v3's on every day of four years around leap days and centuries, on times at the edges
// of their ranges, and on near misses.
func TestYAMLTimestamp(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := yamlTimestamp(s), referenceTimestamp(s); got != want {
			t.Fatalf("yamlTimestamp(%q) = %v, yaml.v3 %v", s, got, want)
		}
		if canonicalTimestamp(s) && !referenceTimestamp(s) {
			t.Fatalf("canonicalTimestamp(%q) is true, yaml.v3 reads no timestamp", s)
		}
	}
	for _, year := range []int{0, 1900, 1999, 2000, 2024, 2026, 2100, 9999} {
		for month := 0; month <= 13; month++ {
			for day := 0; day <= 32; day++ {
				d := fmt.Sprintf("%04d-%02d-%02d", year, month, day)
				check(d)
				check(d + "T10:02:00Z")
				check(d + "T10:02:00+09:00")
			}
		}
	}
	for _, tm := range []string{"00:00:00", "23:59:59", "24:00:00", "23:60:00", "23:59:60", "9:02:00", "10:2:00", "1a:00:00", "10-02-00"} {
		for _, zone := range []string{"Z", "z", "+00:00", "-23:59", "+24:00", "+23:60", "+09", "+0900", "+09:0a", "", ".5Z", ".123456789+09:00"} {
			check("2026-11-23T" + tm + zone)
			check("2026-11-23t" + tm + zone)
			check("2026-11-23 " + tm + zone)
		}
	}
	for _, s := range []string{"2026-1-2", "2026-11-2", "2026-11-23 ", "2026-11-23x", "20261-11-23", "2026-11", "2026-", "2026--11-23",
		"2026-11-23T10:02:00+09:00x", "2026-11-23T10:02:00ZZ", "2026-11-23T10:02:00-09:00", "2026-\u0661\u0661-23"} {
		check(s)
	}
}

// FuzzYAMLTimestamp compares yamlTimestamp with yaml.v3's on any string.
func FuzzYAMLTimestamp(f *testing.F) {
	for _, s := range []string{"2026-11-23", "2026-11-23T10:02:00Z", "2026-11-23T10:02:00+09:00", "2026-02-29", "2026-1-2 3:4:5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := yamlTimestamp(s), referenceTimestamp(s); got != want {
			t.Fatalf("yamlTimestamp(%q) = %v, yaml.v3 %v", s, got, want)
		}
	})
}

// manyKeysYAML is a front matter of n keys k0 … k(n-1); the last one repeats key dup (if ≥ 0).
func manyKeysYAML(n, dup int) string {
	var b strings.Builder
	for i := range n {
		if i == n-1 && dup >= 0 {
			i = dup
		}
		fmt.Fprintf(&b, "k%d: v\n", i)
	}
	return b.String()
}

// FuzzYAMLNumber compares yamlNumber with yaml.v3's number resolution on any string.
func FuzzYAMLNumber(f *testing.F) {
	for _, s := range []string{"1", "-0b101", "0x1F", "0o17", "1_000", "1e3", ".5", "3b18e512dba79e4c8300dd08aeb37f8e728b8dad", "0B1", "0O7", "+0x_1f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := yamlNumber(s), referenceNumber(s); got != want {
			t.Fatalf("yamlNumber(%q) = %q, yaml.v3 %q", s, got, want)
		}
	})
}

// TestKnownKeySlots: knownKey gives each of KnownKeys a place of its own below numKnownKeys,
// and -1 to anything else, so decodeMeta reads the keys KnownKeys names, no more, no less.
func TestKnownKeySlots(t *testing.T) {
	if len(KnownKeys) != numKnownKeys {
		t.Fatalf("%d known keys, numKnownKeys is %d", len(KnownKeys), numKnownKeys)
	}
	seen := map[int]string{}
	for _, k := range KnownKeys {
		slot := knownKey(k)
		if slot < 0 || slot >= numKnownKeys {
			t.Errorf("knownKey(%q) = %d", k, slot)
		}
		if other, dup := seen[slot]; dup {
			t.Errorf("%q and %q share place %d", k, other, slot)
		}
		seen[slot] = k
	}
	for _, k := range []string{"", "ID", "Title", "custom", "team", "roles.comms", "declared", "announced_at "} {
		if slot := knownKey(k); slot != -1 {
			t.Errorf("knownKey(%q) = %d, want -1", k, slot)
		}
	}
}
