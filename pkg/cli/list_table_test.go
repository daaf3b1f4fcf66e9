package cli

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
)

// writeTable aligns exactly as tabwriter does.
func TestWriteTableIsTabwriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	words := []string{"", "a", "SEV1", "investigating", "—", "résolu", "日本語", "2026-11-23 10:02 +09:00", "alice", "Checkout API returns 500s", "x\ty", "a  b"}
	for trial := range 200 {
		rows := [][]string{{"ID", "SEVERITY", "STATUS", "COMMANDER", "DECLARED", "TITLE"}}
		for range rng.IntN(20) {
			row := make([]string, 6)
			for j := range row {
				row[j] = words[rng.IntN(len(words))]
				if trial%2 == 0 && row[j] == "x\ty" {
					row[j] = "xy"
				}
			}
			rows = append(rows, row)
		}
		var got, want bytes.Buffer
		if err := writeTable(&got, rows); err != nil {
			t.Fatal(err)
		}
		if err := writeTabwriter(&want, rows); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("rows %q:\n%s\ntabwriter:\n%s", rows, strings.ReplaceAll(got.String(), " ", "·"), strings.ReplaceAll(want.String(), " ", "·"))
		}
	}
}
