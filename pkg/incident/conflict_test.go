package incident

import "testing"

var conflictSeeds = []string{
	"", "<<<<<<<", "<<<<<<< HEAD\n", "a\n<<<<<<< ours\nb\n=======\nc\n>>>>>>> theirs\n", "x <<<<<<< not at the start\n",
	"<<<<<<<<", "|||||||\n", "a\n||||||| base\n", ">>>>>>>\r\n", "\n>>>>>>>", "<<<<<<\n", "| a | b |\n|||||||x\n>>>>>>> y",
	"- [ ] a <!-- required: SEV1 -->\n", "\n\n<<<<<<<\t\n", "日本\n<<<<<<< 日本\n",
}

// TestConflictMarkerLine: the line-start search finds what the whole-file search finds.
func TestConflictMarkerLine(t *testing.T) {
	for _, s := range conflictSeeds {
		checkConflictMarkerLine(t, []byte(s))
	}
}

func FuzzConflictMarkerLine(f *testing.F) {
	for _, s := range conflictSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkConflictMarkerLine)
}

func checkConflictMarkerLine(t *testing.T, src []byte) {
	if got, want := conflictMarkerLine(src, newLineIndex(src)), conflictMarkerAt(src); got != want {
		t.Fatalf("conflictMarkerLine(%q) = %d, conflictMarkerAt %d", src, got, want)
	}
}
