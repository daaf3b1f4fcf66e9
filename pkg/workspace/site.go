package workspace

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/config"
	"github.com/incidentctl/incidentctl/pkg/i18n"
	"github.com/incidentctl/incidentctl/pkg/incident"
	"github.com/incidentctl/incidentctl/pkg/lint"
	"github.com/incidentctl/incidentctl/pkg/site"
)

// SiteOptions is one build of the web view.
type SiteOptions struct {
	Out     string // output folder; "" means _site at the repository's root
	BaseURL string // overrides site.base_url ("" keeps the config's)
	Title   string // overrides site.title ("" keeps the config's)
	Force   bool   // write into a folder that is not a previous site
}

// DefaultSiteDir is where the site goes by default, relative to the repository's root (init
// adds it to .gitignore).
const DefaultSiteDir = "_site"

// SiteOut is the output folder the options name.
func (w *Workspace) SiteOut(o SiteOptions) string {
	if o.Out == "" {
		return filepath.Join(w.Root(), DefaultSiteDir)
	}
	return o.Out
}

// BuildSite builds (or brings up to date) the static site of the incident record: every
// document in the incidents folder except drills, and their postmortems, with the severity
// definitions committed at HEAD and the pages in the repository's language (lang:). Documents that cannot be read still get a page saying what is wrong (lint's findings);
// the result lists them.
func (w *Workspace) BuildSite(o SiteOptions) (*site.Result, []string, error) {
	entries, err := w.Entries()
	if err != nil {
		return nil, nil, err
	}
	srcs := make([]site.Source, len(entries))
	for i, e := range entries {
		srcs[i] = site.Source{Path: e.Path, File: w.abs(e.Path)}
	}
	cfg := w.Config.Site
	if o.BaseURL != "" {
		if cfg.BaseURL, err = config.CheckBaseURL(o.BaseURL); err != nil {
			return nil, nil, err
		}
	}
	if t := strings.TrimSpace(o.Title); t != "" {
		cfg.Title = t
	}
	var warnings []string
	flow, err := w.Flow()
	opts := site.Options{
		Out: w.SiteOut(o), Site: cfg, Lang: string(w.Config.Lang), Now: w.Now(), Force: o.Force,
		Protected: []string{w.abs(w.incidentsDir()), w.Repo.GitDir()},
		Root:      w.Root(),
	}
	if err != nil {
		warnings = append(warnings, "severity definitions: "+err.Error()+" (severities are ordered by name)")
	} else {
		opts.Severities = flow.Severities
		warnings = append(warnings, flow.Warnings...)
	}
	opts.Diagnose = func(rel string) []site.Problem {
		res, err := lint.Run(lint.Options{Root: w.Root(), Config: w.Config, Paths: []string{w.abs(rel)},
			Severities: opts.Severities, Now: opts.Now, Repo: w.Repo})
		if err != nil {
			return nil
		}
		var out []site.Problem
		for _, f := range res.Findings {
			if f.Severity == lint.Error && f.Path == rel {
				out = append(out, site.Problem{Line: f.Line, Col: f.Col, Rule: f.Rule, Message: f.Message})
			}
		}
		return out
	}
	// The postmortems (pkg/postmortem) are pages of the site too, with their follow-ups; the
	// site reads and parses only those that changed since its last build.
	if opts.Postmortems, err = w.postmortemSources(); err != nil {
		warnings = append(warnings, "postmortems: "+err.Error())
	}
	res, err := site.Build(srcs, opts)
	return res, warnings, err
}

// postmortemSources lists the postmortem documents under the postmortems folder (files named
// after an incident ID; a README or notes beside them are not postmortems).
func (w *Workspace) postmortemSources() ([]site.Source, error) {
	var out []site.Source
	root := w.abs(w.postmortemsDir())
	err := filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return nil // no postmortem yet
			}
			return err
		}
		if de.IsDir() || !de.Type().IsRegular() || !strings.HasSuffix(de.Name(), ".md") || incident.IDFromFileName(de.Name()) == "" {
			return nil
		}
		rel, err := filepath.Rel(w.Root(), p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		out = append(out, site.Source{Path: rel, File: p})
		return nil
	})
	if err != nil {
		return nil, i18n.Errorf("pmws.listing", "Path", w.postmortemsDir(), "Error", err.Error())
	}
	return out, nil
}

// ReloadConfig reads .incidentctl.yaml again, for a long-running command (site --serve) that
// must follow a change of the settings (the title, the base URL, the language, the folders).
// When the file does not load, the settings stay as they were and the error says why.
func (w *Workspace) ReloadConfig() error {
	cfg, err := config.Load(w.Root())
	if err != nil {
		return err
	}
	w.Config = cfg
	w.flow, w.flowErr = nil, nil
	return nil
}
