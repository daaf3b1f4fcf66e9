package cli

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/site"
	"github.com/incidentctl/incidentctl/pkg/site/serve"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

type siteOptions struct {
	workspace.SiteOptions
	Serve    bool
	Addr     string
	Interval time.Duration
}

func newSiteCmd(app *App) *cobra.Command {
	o := siteOptions{}
	cmd := &cobra.Command{
		Use:   "site [--out <dir>] [--base-url <url>] [--title <text>] [--serve [--addr <host:port>]]",
		Short: app.P.T("sitecmd.short"),
		Long:  app.P.T("sitecmd.long"),
		Example: `  incidentctl site
  open _site/index.html
  incidentctl site --out public --base-url https://ops.example.com/status
  incidentctl site --serve --addr 127.0.0.1:8080`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("addr") && !o.Serve {
				return usageMsg("sitecmd.addr_without_serve")
			}
			if o.Out != "" {
				abs, err := filepath.Abs(o.Out)
				if err != nil {
					return usageMsg("sitecmd.out_path", "Path", o.Out, "Error", err.Error())
				}
				o.Out = abs
			}
			return siteRun(app, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Out, "out", "", i18n.Text("flag.site.out"))
	f.StringVar(&o.BaseURL, "base-url", "", i18n.Text("flag.site.base_url"))
	f.StringVar(&o.Title, "title", "", i18n.Text("flag.site.title"))
	f.BoolVar(&o.Force, "force", false, i18n.Text("flag.site.force"))
	f.BoolVar(&o.Serve, "serve", false, i18n.Text("flag.site.serve"))
	f.StringVar(&o.Addr, "addr", "127.0.0.1:8080", i18n.Text("flag.site.addr"))
	f.DurationVar(&o.Interval, "interval", 2*time.Second, i18n.Text("flag.site.interval"))
	f.MarkHidden("interval")
	return cmd
}

// SiteJSON is what `site --json` prints.
type SiteJSON struct {
	Out         string       `json:"out"`
	Index       string       `json:"index"`
	Incidents   int          `json:"incidents"`
	Postmortems int          `json:"postmortems"`
	Drills      int          `json:"drills_left_out"`
	Parsed      int          `json:"documents_read"`
	Written     []string     `json:"written"`
	Removed     []string     `json:"removed"`
	Unchanged   int          `json:"unchanged"`
	Broken      []BrokenJSON `json:"broken"`
}

// BrokenJSON is a document the site could not read.
type BrokenJSON struct {
	Path     string        `json:"path"`
	Problems []ProblemJSON `json:"problems"`
}

// ProblemJSON is one thing wrong with a document.
type ProblemJSON struct {
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

func siteRun(app *App, o siteOptions) error {
	ws, err := app.open()
	if err != nil {
		return err
	}
	if o.BaseURL != "" {
		if _, err := config.CheckBaseURL(o.BaseURL); err != nil {
			return usageMsg("sitecmd.base_url", "Error", err)
		}
	}
	res, warnings, err := ws.BuildSite(o.SiteOptions)
	if err != nil {
		return err
	}
	app.warn(warnings)
	if !o.Serve {
		if app.JSON {
			if err := app.printJSON(toSiteJSON(res)); err != nil {
				return err
			}
		} else {
			reportSite(app, res, true)
		}
		if len(res.Broken) > 0 {
			if app.JSON {
				reportBroken(app, res)
			}
			return &SilentError{Code: ExitError}
		}
		return nil
	}
	reportSite(app, res, true)
	ln, err := serve.Listen(o.Addr)
	if err != nil {
		return err
	}
	fmt.Fprintln(app.Err, app.P.T("sitecmd.serving", "Out", res.Out, "Addr", ln.Addr().String()))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var mu sync.Mutex
	lastBroken := len(res.Broken)
	lastConfigErr := ""
	return serve.Serve(ctx, ln, res.Out, o.Interval, func() {
		mu.Lock()
		defer mu.Unlock()
		// .incidentctl.yaml may have changed (the title, the base URL, the language): each
		// rebuild reads it again. One that does not load keeps the settings in use, said once.
		if err := ws.ReloadConfig(); err != nil {
			if msg := err.Error(); msg != lastConfigErr {
				fmt.Fprintln(app.Err, "incidentctl: "+app.P.T("sitecmd.config_broken", "Error", app.P.Message(err)))
				lastConfigErr = msg
			}
		} else if lastConfigErr != "" {
			fmt.Fprintln(app.Err, app.P.T("sitecmd.config_ok", "Clock", clockTime(time.Now()), "File", config.FileName))
			lastConfigErr = ""
		}
		res, warnings, err := ws.BuildSite(o.SiteOptions)
		if err != nil {
			fmt.Fprintln(app.Err, "incidentctl: "+app.P.T("sitecmd.rebuild_failed", "Error", app.P.Message(err)))
			return
		}
		if len(res.Written) > 0 || len(res.Removed) > 0 || len(res.Broken) != lastBroken {
			app.warn(warnings)
			reportSite(app, res, false)
		}
		lastBroken = len(res.Broken)
	})
}

func toSiteJSON(res *site.Result) SiteJSON {
	out := SiteJSON{Out: res.Out, Index: filepath.Join(res.Out, "index.html"), Incidents: res.Incidents, Postmortems: res.Postmortems, Drills: res.Drills,
		Parsed: res.Parsed, Written: append([]string{}, res.Written...), Removed: append([]string{}, res.Removed...),
		Unchanged: res.Unchanged, Broken: []BrokenJSON{}}
	for _, b := range res.Broken {
		bj := BrokenJSON{Path: b.Path, Problems: []ProblemJSON{}}
		for _, p := range b.Problems {
			bj.Problems = append(bj.Problems, ProblemJSON{p.Line, p.Col, p.Rule, p.Message})
		}
		out.Broken = append(out.Broken, bj)
	}
	return out
}

// reportSite says on stderr what a build did; the documents that could not be read first, as
// file:line: message.
func reportSite(app *App, res *site.Result, first bool) {
	reportBroken(app, res)
	p := app.P
	drills := ""
	if res.Drills > 0 {
		drills = p.N("sitecmd.drills", res.Drills)
	}
	changes := p.N("sitecmd.wrote", len(res.Written))
	if len(res.Removed) > 0 {
		changes += p.T("sitecmd.removed", "Count", len(res.Removed))
	}
	changes += p.T("sitecmd.unchanged", "Count", res.Unchanged)
	if !first {
		fmt.Fprintln(app.Err, p.T("sitecmd.rebuilt", "Clock", clockTime(time.Now()), "Changes", changes))
		return
	}
	pms := ""
	if res.Postmortems > 0 {
		pms = p.N("sitecmd.postmortems", res.Postmortems)
	}
	fmt.Fprintln(app.Err, p.T("sitecmd.built", "Out", res.Out, "Incidents", p.N("sitecmd.incidents", res.Incidents), "Postmortems", pms, "Drills", drills, "Changes", changes))
	fmt.Fprintf(app.Out, "%s\n", filepath.Join(res.Out, "index.html"))
}

func reportBroken(app *App, res *site.Result) {
	for _, b := range res.Broken {
		for _, p := range b.Problems {
			rule := ""
			if p.Rule != "" {
				rule = " (" + p.Rule + ")"
			}
			fmt.Fprintf(app.Err, "%s:%d:%d: %s%s\n", b.Path, p.Line, p.Col, strings.TrimSpace(app.P.Translate(p.Message)), rule)
		}
	}
	if n := len(res.Broken); n > 0 {
		fmt.Fprintf(app.Err, "incidentctl: %s\n", app.P.N("sitecmd.broken", n))
	}
}
