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

// Table writes rows of cells in columns, the way text/tabwriter (minwidth 0, padding gap, no
// flags) aligns tab-separated lines, but measuring cells in terminal columns: every cell but
// the last of a row is padded with spaces to the widest cell of its column block plus gap. A
// column block is a run of consecutive rows that have a cell after that column, so a row with
// fewer cells (a heading) starts new blocks, as with tabwriter.
func Table(w io.Writer, rows [][]string, gap int) error {
	pads := make([][]int, len(rows))
	for i, row := range rows {
		pads[i] = make([]int, max(len(row)-1, 0))
	}
	layout(rows, pads, 0, len(rows), 0, gap)
	out := bufio.NewWriterSize(w, 64<<10)
	spaces := strings.Repeat(" ", 64)
	for i, row := range rows {
		for j, c := range row {
			out.WriteString(c)
			if j == len(row)-1 {
				break
			}
			for pad := pads[i][j] - Width(c); pad > 0; pad -= len(spaces) {
				out.WriteString(spaces[:min(pad, len(spaces))])
			}
		}
		out.WriteByte('\n')
	}
	return out.Flush()
}

// layout sets the width of column col for the rows lo..hi, block by block, then the columns
// after it within each block (text/tabwriter's format).
func layout(rows [][]string, pads [][]int, lo, hi, col, gap int) {
	for i := lo; i < hi; {
		if col >= len(rows[i])-1 {
			i++
			continue
		}
		j, width := i, 0
		for ; j < hi && col < len(rows[j])-1; j++ {
			width = max(width, Width(rows[j][col])+gap)
		}
		for k := i; k < j; k++ {
			pads[k][col] = width
		}
		layout(rows, pads, i, j, col+1, gap)
		i = j
	}
}

// TabWriter is a text/tabwriter that measures cells in terminal columns, for code that writes
// tab-separated lines: text goes to w once Flush is called.
type TabWriter struct {
	w   io.Writer
	gap int
	buf strings.Builder
}

// NewTabWriter returns a TabWriter padding columns to their widest cell plus gap.
func NewTabWriter(w io.Writer, gap int) *TabWriter { return &TabWriter{w: w, gap: gap} }

func (t *TabWriter) Write(p []byte) (int, error) { return t.buf.Write(p) }

// Flush aligns and writes what was written since the last Flush. A last line without a
// newline is written as a line.
func (t *TabWriter) Flush() error {
	text := strings.TrimSuffix(t.buf.String(), "\n")
	t.buf.Reset()
	if text == "" {
		return nil
	}
	var rows [][]string
	for _, l := range strings.Split(text, "\n") {
		rows = append(rows, strings.Split(l, "\t"))
	}
	return Table(t.w, rows, t.gap)
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
