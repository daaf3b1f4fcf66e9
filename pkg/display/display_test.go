package display

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
)

func TestWidth(t *testing.T) {
	for s, want := range map[string]int{
		"":             0,
		"alice":        5,
		"田中":           4,
		"田中 alice":     10,
		"決済APIが500エラー": 18,
		"e\u0301":      1, // e + combining acute
		"👍":            2,
		"👩‍💻":          2, // ZWJ sequence
		"🇯🇵":           2, // flag
		"—→…":          3, // ambiguous width: narrow
		"ｱｲｳ":          3, // half-width katakana
	} {
		if got := Width(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}

func TestTable(t *testing.T) {
	rows := [][]string{
		{"ID", "COMMANDER", "TITLE"},
		{"261123-k7xqm", "田中", "決済APIが500エラーを返す"},
		{"261123-aaaaa", "alice", "Checkout 👍"},
		{"261123-bbbbb", "José", "e\u0301 combining"},
	}
	var b bytes.Buffer
	if err := Table(&b, rows, 2); err != nil {
		t.Fatal(err)
	}
	want := "ID            COMMANDER  TITLE\n" +
		"261123-k7xqm  田中       決済APIが500エラーを返す\n" +
		"261123-aaaaa  alice      Checkout 👍\n" +
		"261123-bbbbb  José       e\u0301 combining\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	// Every row's last column starts at the same screen column.
	for _, l := range strings.Split(strings.TrimSpace(b.String()), "\n") {
		i := strings.LastIndex(l, "  ")
		if Width(l[:i+2]) != 25 {
			t.Errorf("%q: title at column %d", l, Width(l[:i+2]))
		}
	}
}

// TestTabWriterMatchesTabwriter: on ASCII text, TabWriter aligns exactly as text/tabwriter
// with minwidth 0, padding gap, ' ' padding and no flags.
func TestTabWriterMatchesTabwriter(t *testing.T) {
	text := "Heading\n  SEV1\t3\n  SEV10\t12\n\nOther heading\n  severity\tincidents\tmedian\tp90\n  SEV1\t2\t5m\t1h00m\n"
	var want, got bytes.Buffer
	tw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', 0)
	tw.Write([]byte(text))
	tw.Flush()
	w := NewTabWriter(&got, 2)
	w.Write([]byte(text))
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if got.String() != want.String() {
		t.Errorf("got\n%q\nwant\n%q", got.String(), want.String())
	}
	got.Reset()
	w.Write([]byte("  田中\t3\n  alice\t12\n"))
	w.Flush()
	if got.String() != "  田中   3\n  alice  12\n" {
		t.Errorf("wide: %q", got.String())
	}
}

func TestTimes(t *testing.T) {
	old := time.Local
	defer func() { time.Local = old }()
	time.Local = time.FixedZone("JST", 9*3600)
	utc := time.Date(2026, 12, 1, 19, 32, 0, 0, time.UTC)
	if got := Time(utc); got != "2026-12-02 04:32 +09:00" {
		t.Errorf("Time = %q", got)
	}
	ref := time.Date(2026, 12, 2, 10, 0, 0, 0, time.Local)
	if got := Clock(utc, ref); got != "04:32 +09:00" {
		t.Errorf("Clock same day = %q", got)
	}
	if got := Clock(utc, ref.AddDate(0, 0, 1)); got != "2026-12-02 04:32 +09:00" {
		t.Errorf("Clock other day = %q", got)
	}
	if got := Truncate("決済APIが500エラー", 9, "…"); got != "決済API…" {
		t.Errorf("Truncate = %q", got)
	}
	if got := PadRight("田中", 6); got != "田中  " {
		t.Errorf("PadRight = %q", got)
	}
}

// TestTableIsTabwriterOnASCII: random rows of ASCII cells, some rows shorter, align exactly as
// text/tabwriter aligns them.
func TestTableIsTabwriterOnASCII(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "SEV1", "investigating", "2026-11-23 10:02 +09:00", "alice", "Checkout API"}
	for range 300 {
		var rows [][]string
		var text strings.Builder
		for range rng.IntN(12) {
			row := make([]string, 1+rng.IntN(5))
			for j := range row {
				row[j] = words[rng.IntN(len(words))]
			}
			rows = append(rows, row)
			text.WriteString(strings.Join(row, "\t") + "\n")
		}
		var want, got bytes.Buffer
		tw := tabwriter.NewWriter(&want, 0, 4, 2, ' ', 0)
		tw.Write([]byte(text.String()))
		tw.Flush()
		if err := Table(&got, rows, 2); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("rows %q:\ngot\n%s\ntabwriter\n%s", rows, got.String(), want.String())
		}
	}
}
