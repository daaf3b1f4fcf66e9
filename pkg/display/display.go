// Package display is how text and times are laid out for a person reading a terminal: the
// width a string takes on screen (wide East Asian characters take two columns, combining marks
// and zero-width joiners none, an emoji sequence two), padding and tables aligned by that
// width, and times shown in the reader's zone with their offset.
package display

import (
	"bufio"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mattn/go-runewidth"
)

// cond measures widths. Characters of ambiguous width (—, →, …) count as one column, as most
// terminals show them even in a Japanese locale; RUNEWIDTH_EASTASIAN=1 counts them as two for a
// terminal set up that way. The locale itself does not change widths, so output is the same
// for every reader.
var cond = func() *runewidth.Condition {
	c := runewidth.NewCondition()
	c.EastAsianWidth = os.Getenv("RUNEWIDTH_EASTASIAN") == "1"
	return c
}()

// Width is the number of terminal columns s takes.
func Width(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf || s[i] < ' ' {
			return cond.StringWidth(s)
		}
	}
	return len(s) // printable ASCII: one column a byte
}

// PadRight pads s with spaces to w columns (s unchanged when it is already as wide).
func PadRight(s string, w int) string {
	if n := w - Width(s); n > 0 {
		return s + strings.Repeat(" ", n)
	}
	return s
}

// Truncate shortens s to at most w columns, ending it with tail ("…") when it was cut; it never
// cuts inside a character or a grapheme cluster.
func Truncate(s string, w int, tail string) string { return cond.Truncate(s, w, tail) }

// Table writes rows of cells in columns: every cell but the last of a row padded with spaces to
// its column's widest cell (in terminal columns) plus gap. Rows may have different lengths; a
// cell holding a tab or a line break is written as it is, after the cells before it.
func Table(w io.Writer, rows [][]string, gap int) error {
	var widths []int
	for _, row := range rows {
		for j, c := range row[:max(len(row)-1, 0)] {
			if j >= len(widths) {
				widths = append(widths, 0)
			}
			widths[j] = max(widths[j], Width(c)+gap)
		}
	}
	out := bufio.NewWriterSize(w, 64<<10)
	spaces := strings.Repeat(" ", 64)
	for _, row := range rows {
		for j, c := range row {
			out.WriteString(c)
			if j == len(row)-1 {
				break
			}
			for pad := widths[j] - Width(c); pad > 0; pad -= len(spaces) {
				out.WriteString(spaces[:min(pad, len(spaces))])
			}
		}
		out.WriteByte('\n')
	}
	return out.Flush()
}

// TabWriter is a text/tabwriter that measures cells in terminal columns, for code that writes
// tab-separated lines: text goes to w once Flush is called. Lines without a tab end a block of
// columns, as with text/tabwriter.
type TabWriter struct {
	w     io.Writer
	gap   int
	buf   strings.Builder
	flush error
}

// NewTabWriter returns a TabWriter padding columns to their widest cell plus gap.
func NewTabWriter(w io.Writer, gap int) *TabWriter { return &TabWriter{w: w, gap: gap} }

func (t *TabWriter) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush aligns and writes what was written since the last Flush. Consecutive lines holding a
// tab form a block whose columns align; a line without a tab is written as it is.
func (t *TabWriter) Flush() error {
	text := t.buf.String()
	t.buf.Reset()
	lines := strings.SplitAfter(text, "\n")
	var block [][]string
	out := bufio.NewWriter(t.w)
	emit := func() {
		if len(block) > 0 {
			_ = Table(out, block, t.gap)
			block = block[:0]
		}
	}
	for _, l := range lines {
		if l == "" {
			continue
		}
		body := strings.TrimSuffix(l, "\n")
		if !strings.Contains(body, "\t") {
			emit()
			out.WriteString(l)
			continue
		}
		block = append(block, strings.Split(body, "\t"))
	}
	emit()
	return out.Flush()
}

// The layouts of times shown to people.
const (
	layoutTime  = "2006-01-02 15:04 -07:00"
	layoutClock = "15:04 -07:00"
)

// Time shows t in the reader's zone (TZ) with its offset, to the minute:
// "2026-12-02 04:32 +09:00". Stored times keep the offset they were written with; only what is
// shown changes.
func Time(t time.Time) string { return t.In(time.Local).Format(layoutTime) }

// Clock shows t in the reader's zone with its offset: "10:07 +09:00" when it falls on the same
// local day as ref, the date too otherwise.
func Clock(t, ref time.Time) string {
	t = t.In(time.Local)
	ry, rm, rd := ref.In(time.Local).Date()
	if y, m, d := t.Date(); y == ry && m == rm && d == rd {
		return t.Format(layoutClock)
	}
	return t.Format(layoutTime)
}
