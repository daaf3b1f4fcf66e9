package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestManPages(t *testing.T) {
	root := &cobra.Command{Use: "tool", Short: "A tool"}
	root.PersistentFlags().String("color", "auto", "colours: `when` to use them")
	sub := &cobra.Command{Use: "log <id> <text>", Short: "Append an entry", Long: "First paragraph.\n.starts with a period\n\n'quoted start and a back\\slash",
		Example: "  tool log k7x \"x\"\n\n  tool log k7x -", Run: func(*cobra.Command, []string) {}}
	sub.Flags().Bool("sync", false, "share it")
	sub.Flags().StringP("at", "a", "", "when, `<time>`")
	sub.Flags().String("secret", "", "hidden")
	sub.Flags().MarkHidden("secret")
	root.AddCommand(sub)
	root.AddCommand(&cobra.Command{Use: "gone", Short: "deprecated", Deprecated: "use log", Run: func(*cobra.Command, []string) {}})

	dir := t.TempDir()
	h := manHeader{Title: "TOOL", Section: "1", Source: "tool 1.0", Manual: "tool manual", Date: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	if err := writeManTree(root, h, dir); err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(pages) != 2 {
		t.Fatalf("pages %v: want tool.1 and tool-log.1 (not the deprecated command's)", pages)
	}
	b, err := os.ReadFile(filepath.Join(dir, "tool-log.1"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		".TH \"TOOL\" \"1\" \"Dec 2026\" \"tool 1.0\" \"tool manual\"\n",
		".SH NAME\ntool-log \\- Append an entry\n",
		".SH SYNOPSIS\n\\fBtool log <id> <text> [flags]\\fP\n",
		"First paragraph.\n\\&.starts with a period\n.PP\n\\&'quoted start and a back\\eslash\n",
		".TP\n\\fB--sync\\fP\nshare it\n",
		".TP\n\\fB-a\\fP, \\fB--at\\fP=\\fI<time>\\fP\nwhen, <time>\n",
		".SH OPTIONS INHERITED FROM PARENT COMMANDS\n.TP\n\\fB--color\\fP=\\fIwhen\\fP (default auto)\ncolours: when to use them\n",
		".SH EXAMPLE\n.EX\n  tool log k7x \"x\"\n.sp\n  tool log k7x -\n.EE\n",
		".SH SEE ALSO\n\\fBtool(1)\\fP\n",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("tool-log.1 lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "hidden") {
		t.Error("a hidden flag is on the page")
	}
	if top, _ := os.ReadFile(filepath.Join(dir, "tool.1")); !strings.Contains(string(top), ".SH SEE ALSO\n\\fBtool-log(1)\\fP\n") {
		t.Errorf("tool.1 does not point to tool-log(1):\n%s", top)
	}
}
