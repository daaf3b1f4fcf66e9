package flowhistory

import (
	"fmt"
	"strings"
)

// maxDiffCells bounds the table of the line diff: an action list is a few hundred lines at most.
const maxDiffCells = 16 << 20

// Diff is a unified diff (3 lines of context) from a to b, with the given file labels; "" when
// they are equal.
func Diff(aName, bName string, a, b []byte) string {
	if string(a) == string(b) {
		return ""
	}
	x, y := splitLines(string(a)), splitLines(string(b))
	ops := lineOps(x, y)
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", aName, bName)
	const ctx = 3
	// Group the operations into hunks: changes with up to 2*ctx equal lines between them.
	i := 0
	for i < len(ops) {
		for i < len(ops) && ops[i].kind == ' ' {
			i++
		}
		if i == len(ops) {
			break
		}
		start := max(i-ctx, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		h := ops[start:end]
		aStart, bStart := h[0].ai, h[0].bi
		aLen, bLen := 0, 0
		for _, o := range h {
			if o.kind != '+' {
				aLen++
			}
			if o.kind != '-' {
				bLen++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(aStart, aLen), hunkRange(bStart, bLen))
		for _, o := range h {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			out.WriteByte('\n')
			if o.noEOL {
				out.WriteString("\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

type line struct {
	text  string
	noEOL bool
}

func splitLines(s string) []line {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "\n")
	last := parts[len(parts)-1]
	parts = parts[:len(parts)-1]
	out := make([]line, 0, len(parts)+1)
	for _, p := range parts {
		out = append(out, line{text: p})
	}
	if last != "" {
		out = append(out, line{text: last, noEOL: true})
	}
	return out
}

type op struct {
	kind   byte // ' ', '-', '+'
	text   string
	noEOL  bool
	ai, bi int // position in a and b before this line
}

// lineOps is a shortest edit script from x to y by longest common subsequence.
func lineOps(x, y []line) []op {
	n, m := len(x), len(y)
	pre := 0
	for pre < n && pre < m && x[pre] == y[pre] {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && x[n-1-suf] == y[m-1-suf] {
		suf++
	}
	xs, ys := x[pre:n-suf], y[pre:m-suf]
	var ops []op
	ai, bi := 0, 0
	emit := func(kind byte, l line) {
		ops = append(ops, op{kind: kind, text: l.text, noEOL: l.noEOL, ai: ai, bi: bi})
		if kind != '+' {
			ai++
		}
		if kind != '-' {
			bi++
		}
	}
	for i := 0; i < pre; i++ {
		emit(' ', x[i])
	}
	if len(xs)*len(ys) > maxDiffCells {
		for _, l := range xs {
			emit('-', l)
		}
		for _, l := range ys {
			emit('+', l)
		}
	} else {
		w := len(ys) + 1
		dp := make([]int32, (len(xs)+1)*w)
		for i := len(xs) - 1; i >= 0; i-- {
			for j := len(ys) - 1; j >= 0; j-- {
				if xs[i] == ys[j] {
					dp[i*w+j] = dp[(i+1)*w+j+1] + 1
				} else {
					dp[i*w+j] = max(dp[(i+1)*w+j], dp[i*w+j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(xs) || j < len(ys) {
			switch {
			case i < len(xs) && j < len(ys) && xs[i] == ys[j]:
				emit(' ', xs[i])
				i++
				j++
			case i < len(xs) && (j == len(ys) || dp[(i+1)*w+j] >= dp[i*w+j+1]):
				emit('-', xs[i])
				i++
			default:
				emit('+', ys[j])
				j++
			}
		}
	}
	for i := n - suf; i < n; i++ {
		emit(' ', x[i])
	}
	return ops
}
