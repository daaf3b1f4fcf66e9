package cli

import (
	"regexp"
	"sync"

	"github.com/incidentctl/incidentctl/pkg/i18n"
)

// cobra and pflag write their command-line errors in English, as plain errors. A reader in
// another language gets the catalogue's sentence for the usual ones (the flag or command
// named as typed); any other passes through as cobra wrote it. Compiled the first time an
// error is translated, not at every start.
var cobraMessages = sync.OnceValue(func() []cobraPattern {
	return []cobraPattern{
		{regexp.MustCompile(`^unknown command "(.*)" for "(.*)"`), "cobra.unknown_command", []string{"Command", "Parent"}},
		{regexp.MustCompile(`^unknown flag: (\S+)$`), "cobra.unknown_flag", []string{"Flag"}},
		{regexp.MustCompile(`^unknown shorthand flag: '(.)' in (\S+)$`), "cobra.unknown_shorthand", []string{"Flag", "Arg"}},
		{regexp.MustCompile(`^flag needs an argument: '(.)' in (\S+)$`), "cobra.needs_argument_short", []string{"Flag", "Arg"}},
		{regexp.MustCompile(`^flag needs an argument: (\S+)$`), "cobra.needs_argument", []string{"Flag"}},
		{regexp.MustCompile(`(?s)^invalid argument "(.*)" for "(.*)" flag: (.*)$`), "cobra.invalid_argument", []string{"Value", "Flag", "Error"}},
		{regexp.MustCompile(`^required flag\(s\) (.*) not set$`), "cobra.required_flags", []string{"Flags"}},
	}
})

// cobraPattern is one of cobra's errors and its catalogue message.
type cobraPattern struct {
	re   *regexp.Regexp
	id   string
	args []string // the names of the catalogue arguments, one per group of re
}

func init() { i18n.AddTranslator(cobraMessage) }

// cobraMessage says one of cobra's command-line errors in p's language.
func cobraMessage(p *i18n.Printer, err error) (string, bool) {
	msg := err.Error()
	for _, m := range cobraMessages() {
		g := m.re.FindStringSubmatch(msg)
		if g == nil {
			continue
		}
		args := make([]any, 0, 2*len(m.args))
		for i, name := range m.args {
			args = append(args, name, g[i+1])
		}
		return p.T(m.id, args...), true
	}
	return "", false
}
