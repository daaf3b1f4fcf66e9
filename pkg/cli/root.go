package cli

import (
	"fmt"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

// NewRootCmd builds a fresh command tree, every command in it (tests build one per run).
func NewRootCmd(app *App) *cobra.Command {
	root := newRootCmd(app)
	app.buildAll(root)
	return root
}

// newRootCmd builds the root command with a stand-in for each top-level command registered
// with app.lazy (see lazyCmd); Run builds the real ones the command line needs.
func newRootCmd(app *App) *cobra.Command {
	app.lazyCmds = nil
	if app.P == nil {
		app.P = i18n.For(i18n.English)
	}
	root := &cobra.Command{
		Use:           "incidentctl",
		Short:         app.P.T("root.short"),
		Long:          app.P.T("root.long"),
		Example:       app.P.T("root.example"),
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := app.checkColor(); err != nil {
				return err
			}
			if app.Dir != "" {
				if err := os.Chdir(app.Dir); err != nil {
					return usageMsg("root.no_dir", "Dir", app.Dir)
				}
			}
			return nil
		},
		PersistentPostRunE: app.afterCommand, // chat delivery (notify.go), then --sync and sync.auto (sync.go)
	}
	bv := buildVersion()
	root.Version = bv.Version // --version (version.go)
	root.SetVersionTemplate(bv.String() + "\n")
	defer func() { // once every command is added
		localizeHelp(root, app.P)
		translateFlags(root, app.P)
	}()
	root.PersistentFlags().BoolVar(&app.JSON, "json", false, app.P.T("flag.json"))
	root.PersistentFlags().StringVarP(&app.Dir, "directory", "C", "", app.P.T("flag.directory"))
	root.PersistentFlags().StringVar(&app.Lang, "lang", app.Lang, app.P.T("flag.lang"))
	root.PersistentFlags().StringVar(&app.Color, "color", "auto", app.P.T("flag.color"))
	root.PersistentFlags().BoolVar(&app.NoVerify, "no-verify", false, app.P.T("flag.no_verify"))
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return &UsageError{Msg: err.Error()} })
	// Each command as app.lazy(name, the catalogue ID of its Short, constructor): --help lists
	// it without building it. A command added as newXCmd(app) is built at every start.
	root.AddCommand(
		app.lazy("init", "init.short", newInitCmd),
		app.lazy("new", "new.short", newNewCmd),
		app.lazy("update", "update.short", newUpdateCmd),
		app.lazy("log", "log.short", newLogCmd),
		app.lazy("close", "close.short", newCloseCmd),
		app.lazy("show", "show.short", newShowCmd),
		app.lazy("list", "list.short", newListCmd),
		app.lazy("severities", "severities.short", newSeveritiesCmd),
		app.lazy("lint", "lint.short", newLintCmd),
		app.lazy("status", "status.short", newStatusCmd),
		app.lazy("next", "next.short", newNextCmd),
		app.lazy("handoff", "handoff.short", newHandoffCmd),
		app.lazy("stats", "stats.short", newStatsCmd),
		app.lazy("sync", "sync.short", newSyncCmd),
		app.lazy("merge-driver", "mergedriver.short", newMergeDriverCmd),
		app.lazy("site", "sitecmd.short", newSiteCmd),
		app.lazy("drill", "drill.short", newDrillCmd),
		app.lazy("notify", "notify.short", newNotifyCmd),
		app.lazy("postmortem", "postmortem.short", newPostmortemCmd),
		app.lazy("followup", "followup.short", newFollowupCmd),
		app.lazy("flow", "flow.short", newFlowCmd),
		app.lazy("man", "man.short", newManCmd),
		app.lazy("edit", "edit.short", newEditCmd),
		app.lazy("undo", "undo.short", newUndoCmd),
	)
	app.addCompletions(root) // completion.go: IDs, severities, statuses, roles
	return root
}

// lazyCmd is a top-level command that the root's help lists by its name and Short but that is
// built (its flags, its long help, its subcommands, all translated) only when the command line
// needs it: building all two dozen of them was half of what `incidentctl --help` cost after
// the runtime's start. TestLazyCommandsMatch holds each stand-in equal to the command it
// stands for in everything the root's help, usage and suggestions read.
type lazyCmd struct {
	stub *cobra.Command
	make func(*App) *cobra.Command
}

// lazy is the stand-in for command name until buildFor or buildAll puts the real one in.
func (app *App) lazy(name, shortID string, make func(*App) *cobra.Command) *cobra.Command {
	stub := &cobra.Command{Use: name, Short: app.P.T(shortID),
		RunE: func(cmd *cobra.Command, args []string) error {
			return fmt.Errorf("internal error: %s ran before it was built", cmd.CommandPath())
		}}
	app.lazyCmds = append(app.lazyCmds, lazyCmd{stub, make})
	return stub
}

// buildFor puts in the real command that args run, if it is a stand-in: the root's own help
// and --version need none. Anything else (help, completion, the shell's __complete, an
// unknown command and its suggestions, man) reads the whole tree: every command is built.
func (app *App) buildFor(root *cobra.Command, args []string) {
	c, _, err := root.Find(args)
	if err == nil && c == root {
		return
	}
	for _, l := range app.lazyCmds {
		if err == nil && c == l.stub && !readsTree(c.Name()) {
			app.build(root, l)
			return
		}
	}
	app.buildAll(root)
}

// isStub reports whether c is the stand-in of a command not built yet.
func (app *App) isStub(c *cobra.Command) bool {
	for _, l := range app.lazyCmds {
		if l.stub == c {
			return true
		}
	}
	return false
}

// readsTree names the commands that read every command of the tree.
func readsTree(name string) bool { return name == "man" }

// buildAll puts in every real command.
func (app *App) buildAll(root *cobra.Command) {
	for _, l := range app.lazyCmds {
		app.build(root, l)
	}
	app.lazyCmds = nil
}

// build puts in one real command, as NewRootCmd's tree had it: translated, with its
// completions.
func (app *App) build(root *cobra.Command, l lazyCmd) {
	if l.stub.Parent() != root {
		return // built already
	}
	cmd := l.make(app)
	root.RemoveCommand(l.stub)
	root.AddCommand(cmd)
	root.Commands() // sorts them by name again, as addCompletions left them (suggestions keep that order)
	app.addFlagCompletions(cmd)
	translateFlags(cmd, app.P)
}

// open finds the repository from the current directory.
// Messages switch to the repository's language (lang: in .incidentctl.yaml) when neither
// --lang nor the locale chose one.
// openForChange opens the workspace for a command that writes one change. Such a command
// allocates a few megabytes and keeps almost none of it, so unless GOGC is set the collector
// is told to wait four times longer: with the default it ran once in every change (about 7 M
// of a change's 38 M instructions at 10,000 incidents), for no memory that matters; the soft
// memory limit still holds.
func (app *App) openForChange() (*workspace.Workspace, error) {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	return app.open()
}

func (app *App) open() (*workspace.Workspace, error) {
	ws, err := workspace.Open(".", app.Now)
	if err == nil && !app.langFixed && ws.Config.Lang != "" {
		app.P = i18n.For(ws.Config.Lang)
	}
	if err == nil {
		ws.Repo.NoVerify = app.NoVerify
		app.warn(ws.Repo.Notes()) // an interrupted change the repository completed on opening
	}
	if err == nil && app.opened == nil {
		app.opened = ws // the command's own workspace, for chat delivery after it (notify.go)
	}
	return ws, err
}

// argsMessages are the catalogue's sentences for exactArgs' usual cases.
var argsMessages = map[string]string{"one incident ID": "args.one_id", "no arguments": "args.none",
	"the name of a sink (see incidentctl notify status)": "args.sink", "one drill ID": "args.one_drill",
	"one follow-up ID (<incident id>-F<n>)":                    "args.one_followup",
	"one scenario (a name under drills/ or a path)":            "args.one_scenario",
	"the four files git passes: <base> <ours> <theirs> <path>": "args.merge_driver"}

// exactArgs is cobra.ExactArgs with a message that names what is missing.
func exactArgs(n int, what string) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			if id, ok := argsMessages[what]; ok {
				return usageMsg(id, "Command", cmd.CommandPath(), "Got", len(args))
			}
			return usageErr("%s takes %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}

// warn prints warnings on stderr.
func (app *App) warn(ws []string) {
	for _, w := range ws {
		fmt.Fprintf(app.Err, "%s: %s\n", app.P.T("warning"), app.P.Translate(w))
	}
}

// warnSkipped reports documents a listing could not read.
func (app *App) warnSkipped(errs []error) {
	for _, e := range errs {
		fmt.Fprintf(app.Err, "%s: %s\n", app.P.T("warning"), app.P.T("list.skipped", "Error", app.P.Message(e)))
	}
}

// localizeHelp puts the headings of cobra's help and usage text into the reader's language
// (English keeps cobra's own template untouched).
func localizeHelp(root *cobra.Command, p *i18n.Printer) {
	if p.Lang() == i18n.English {
		return
	}
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		switch c.Name() {
		case "help":
			c.Short = p.T("help.short")
			c.Long = p.T("help.long", "Command", root.Name())
		case "completion":
			c.Short = p.T("completion.short")
			c.Long = p.T("completion.long", "Command", root.Name())
			for _, sh := range c.Commands() {
				sh.Short = p.T("completion.shell", "Shell", sh.Name())
				sh.Long = p.T("completion.long."+sh.Name(), "Command", root.Name())
				if f := sh.Flags().Lookup("no-descriptions"); f != nil {
					f.Usage = p.T("flag.completion.no_descriptions")
				}
			}
		}
	}
	if root.Version != "" {
		root.InitDefaultVersionFlag()
		if f := root.Flags().Lookup("version"); f != nil {
			f.Usage = p.T("flag.version", "Name", root.Name())
		}
	}
	// pflag appends ` (default "auto")` to a flag's usage in English: the template says it
	// in the reader's language.
	cobra.AddTemplateFunc("localDefaults", func(s string) string {
		re := flagDefault()
		return re.ReplaceAllStringFunc(s, func(m string) string {
			return p.T("help.default", "Value", re.FindStringSubmatch(m)[1])
		})
	})
	t := root.UsageTemplate()
	t = strings.ReplaceAll(t, "FlagUsages | trimTrailingWhitespaces}}", "FlagUsages | trimTrailingWhitespaces | localDefaults}}")
	for _, r := range [][2]string{
		{"Usage:", "help.usage"}, {"Aliases:", "help.aliases"}, {"Examples:", "help.examples"},
		{"Available Commands:", "help.commands"}, {"Additional Commands:", "help.additional_commands"},
		{"Global Flags:", "help.global_flags"}, {"Flags:", "help.flags"},
		{"Additional help topics:", "help.topics"},
		{`Use "{{.CommandPath}} [command] --help" for more information about a command.`, "help.more"},
	} {
		t = strings.ReplaceAll(t, r[0], p.T(r[1], "Path", "{{.CommandPath}}"))
	}
	root.SetUsageTemplate(t)
}

// flagDefault is the default pflag appends to a flag's usage, at the end of its line.
// Compiled for a help text in a language other than English only.
var flagDefault = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m) \(default (.*)\)$`) })

// translateFlags puts the flag descriptions made with i18n.Text into the reader's language,
// in every command of the tree.
func translateFlags(cmd *cobra.Command, p *i18n.Printer) {
	tr := func(f *pflag.Flag) { f.Usage = p.Translate(f.Usage) }
	if p.Lang() != i18n.English && cmd.Flags().Lookup("help") == nil {
		// cobra's own help flag, defined before cobra does so that it says it in the reader's language
		cmd.Flags().BoolP("help", "h", false, p.T("flag.help", "Name", cmd.Name()))
	}
	cmd.Flags().VisitAll(tr)
	cmd.PersistentFlags().VisitAll(tr)
	for _, c := range cmd.Commands() {
		translateFlags(c, p)
	}
}
