package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The man pages are written here as roff from the command tree, one page per command, the
// sections man-pages(7) names: NAME, SYNOPSIS, DESCRIPTION, OPTIONS, the options inherited
// from the parent commands, EXAMPLE, SEE ALSO. (cobra's doc package does the same through a
// Markdown converter whose package initialisation every command paid for at start-up.)

// manHeader is the page's .TH line.
type manHeader struct {
	Title, Section, Source, Manual string
	Date                           time.Time
}

// writeManTree writes the page of cmd and of every command below it that --help lists.
func writeManTree(cmd *cobra.Command, h manHeader, dir string) error {
	for _, c := range cmd.Commands() {
		if !c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand() {
			continue
		}
		if err := writeManTree(c, h, dir); err != nil {
			return err
		}
	}
	name := strings.ReplaceAll(cmd.CommandPath(), " ", "-") + "." + h.Section
	return os.WriteFile(filepath.Join(dir, name), manPage(cmd, h), 0o644)
}

// manPage is the roff source of one command's page.
func manPage(cmd *cobra.Command, h manHeader) []byte {
	var b bytes.Buffer
	dashed := strings.ReplaceAll(cmd.CommandPath(), " ", "-")
	fmt.Fprintf(&b, ".nh\n.TH %q %q %q %q %q\n", h.Title, h.Section, h.Date.Format("Jan 2006"), h.Source, h.Manual)
	fmt.Fprintf(&b, "\n.SH NAME\n%s \\- %s\n", dashed, roffText(cmd.Short))
	fmt.Fprintf(&b, "\n.SH SYNOPSIS\n\\fB%s\\fP\n", roffText(cmd.UseLine()))
	long := cmd.Long
	if long == "" {
		long = cmd.Short
	}
	b.WriteString("\n.SH DESCRIPTION\n")
	for i, para := range strings.Split(strings.TrimSpace(long), "\n\n") {
		if i > 0 {
			b.WriteString(".PP\n")
		}
		b.WriteString(roffText(para) + "\n")
	}
	if fs := cmd.NonInheritedFlags(); fs.HasAvailableFlags() {
		b.WriteString("\n.SH OPTIONS\n")
		manFlags(&b, fs)
	}
	if fs := cmd.InheritedFlags(); fs.HasAvailableFlags() {
		b.WriteString("\n.SH OPTIONS INHERITED FROM PARENT COMMANDS\n")
		manFlags(&b, fs)
	}
	if cmd.Example != "" {
		b.WriteString("\n.SH EXAMPLE\n.EX\n" + roffText(cmd.Example) + "\n.EE\n")
	}
	var see []string
	if p := cmd.Parent(); p != nil {
		see = append(see, `\fB`+strings.ReplaceAll(p.CommandPath(), " ", "-")+"("+h.Section+`)\fP`)
	}
	for _, c := range cmd.Commands() {
		if c.IsAvailableCommand() && !c.IsAdditionalHelpTopicCommand() {
			see = append(see, `\fB`+strings.ReplaceAll(c.CommandPath(), " ", "-")+"("+h.Section+`)\fP`)
		}
	}
	if len(see) > 0 {
		b.WriteString("\n.SH SEE ALSO\n" + strings.Join(see, ", ") + "\n")
	}
	return b.Bytes()
}

// manFlags lists the flags of fs as tagged paragraphs: the flag with its value, then its usage.
func manFlags(b *bytes.Buffer, fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		b.WriteString(".TP\n")
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			fmt.Fprintf(b, `\fB-%s\fP, `, f.Shorthand)
		}
		value, usage := pflag.UnquoteUsage(f)
		fmt.Fprintf(b, `\fB--%s\fP`, f.Name)
		switch {
		case f.NoOptDefVal != "":
			// a switch (--x, or --x=false)
		case value != "":
			fmt.Fprintf(b, `=\fI%s\fP`, roffText(value))
		}
		if f.NoOptDefVal == "" && f.DefValue != "" && f.DefValue != "[]" {
			fmt.Fprintf(b, " (default %s)", roffText(f.DefValue))
		}
		b.WriteString("\n" + roffText(usage) + "\n")
	})
}

// roffText makes text safe as roff input: backslashes escaped, and no line starting with a
// control character (a period or an apostrophe) or left empty (a blank line is a break).
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'"):
			lines[i] = `\&` + l
		case strings.TrimSpace(l) == "":
			lines[i] = ".sp"
		}
	}
	return strings.Join(lines, "\n")
}
