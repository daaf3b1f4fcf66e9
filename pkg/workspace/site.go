package workspace

import (
	"path/filepath"
	"strings"

	"github.com/incidentctl/incidentctl/pkg/config"
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
// document in the incidents folder except drills, with the severity definitions committed at
// HEAD. Documents that cannot be read still get a page saying what is wrong (lint's findings);
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
	// Follow-ups live in the postmortems' front matter (pkg/postmortem); each incident's page
	// lists its own.
	fus, ferrs, err := w.Followups(FollowupFilter{})
	if err != nil {
		warnings = append(warnings, "follow-ups: "+err.Error())
	}
	for _, e := range ferrs {
		warnings = append(warnings, "follow-ups: "+e.Error())
	}
	if len(fus) > 0 {
		opts.Followups = map[string][]site.Followup{}
		for _, f := range fus {
			opts.Followups[f.Incident] = append(opts.Followups[f.Incident], site.Followup{
				ID: f.ID, Text: f.Text, Owner: f.Owner, Due: f.Due, Link: f.Link, Done: f.Done, Overdue: f.Overdue, Postmortem: f.Path})
		}
	}
	res, err := site.Build(srcs, opts)
	return res, warnings, err
}
