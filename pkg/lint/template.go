package lint

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/actionlist"
	"github.com/incidentctl/incidentctl/pkg/severity"
)

// A broken action-list template blocks every declaration: lint renders it for every severity,
// so the pull request that breaks it fails before it is merged. (incidentctl new still declares
// with the built-in list if one slips through.)

// checkTemplate renders the action-list template at rel (a repository path; the file in the
// working tree, which is what a pull request's checkout holds) for every severity. A missing
// template is fine: new uses the built-in one.
func checkTemplate(root, rel string, sevs *severity.Set, now time.Time) []Finding {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return []Finding{{Path: rel, Line: 1, Col: 1, Rule: RuleTemplate, Message: fmt.Sprintf("cannot read the action-list template: %v", err)}}
	}
	return RenderTemplate(rel, src, sevs, now)
}

// RenderTemplate renders an action-list template for every severity and reports what fails,
// once per problem with the severities it fails at.
func RenderTemplate(rel string, src []byte, sevs *severity.Set, now time.Time) []Finding {
	type problem struct {
		line, col int
		msg       string
	}
	var order []problem
	at := map[problem][]string{}
	for _, l := range sevs.Levels {
		_, _, err := actionlist.Render(rel, src, sevs, actionlist.Data{
			Severity:   l,
			Severities: sevs.Levels,
			Incident:   actionlist.Incident{ID: "261123-k7xqm", Title: "lint check", Commander: "lint", DeclaredAt: now},
			Now:        now,
		})
		if err == nil {
			continue
		}
		p := problem{1, 1, err.Error()}
		var te *actionlist.Error
		if errors.As(err, &te) {
			p = problem{max(te.Line, 1), max(te.Col, 1), te.Msg}
		}
		if _, seen := at[p]; !seen {
			order = append(order, p)
		}
		at[p] = append(at[p], l.ID)
	}
	var out []Finding
	for _, p := range order {
		where := "at " + strings.Join(at[p], ", ")
		if len(at[p]) == len(sevs.Levels) {
			where = "at every severity"
		}
		out = append(out, Finding{Path: rel, Line: p.line, Col: p.col, Rule: RuleTemplate,
			Message: fmt.Sprintf("the action list does not render %s: %s; incidentctl new would fall back to the built-in action list, so fix the template", where, p.msg)})
	}
	slices.SortStableFunc(out, func(a, b Finding) int { return a.Line - b.Line })
	return out
}
