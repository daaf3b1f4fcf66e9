package drill

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/board"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// How `drill pick` chooses is told in its --help (drill.pick.long in pkg/i18n's catalogue):
// keep the two in step.

// Person is one candidate trainee.
type Person struct {
	Name string
	board.Experience
}

// ScenarioUse is how often and how recently a scenario was practised.
type ScenarioUse struct {
	Path       string
	Title      string
	Difficulty string
	Drills     int
	Last       time.Time // declaration of the latest drill of it; zero when never
}

// PickResult is who should practise next, on what.
type PickResult struct {
	People    []Person      // least experienced first
	Scenarios []ScenarioUse // least recently practised first
}

// Pick ranks people and scenarios (see drill.pick.long in the catalogue). docs are every incident and drill; roster,
// when given, is the people to choose from.
func Pick(docs []*incident.Document, scenarios []*Scenario, roster []string) *PickResult {
	exp := board.ICExperience(docs, board.Range{})
	byKey := map[string]string{}
	for name := range exp {
		byKey[strings.ToLower(name)] = name
	}
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		n = strings.TrimSpace(n)
		if n == "" || seen[strings.ToLower(n)] {
			return
		}
		seen[strings.ToLower(n)] = true
		names = append(names, n)
	}
	if len(roster) > 0 {
		for _, n := range roster {
			add(n)
		}
	} else {
		for _, d := range docs {
			for _, c := range board.Commanders(d) {
				add(c)
			}
			for _, r := range d.Meta.Roles {
				add(r.Holder)
			}
			add(d.Meta.Facilitator)
			for _, e := range d.Log {
				add(e.Author)
			}
		}
	}
	res := &PickResult{}
	for _, n := range names {
		p := Person{Name: n}
		if k, ok := byKey[strings.ToLower(n)]; ok {
			p.Experience = exp[k]
		}
		res.People = append(res.People, p)
	}
	slices.SortStableFunc(res.People, func(a, b Person) int {
		return cmp.Or(cmp.Compare(a.Total(), b.Total()), a.Last().Compare(b.Last()),
			strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)))
	})
	use := map[string]*ScenarioUse{}
	for _, s := range scenarios {
		u := &ScenarioUse{Path: s.Path, Title: s.Title, Difficulty: s.Difficulty}
		use[s.Path] = u
	}
	for _, d := range docs {
		if !d.Meta.IsDrill() {
			continue
		}
		if u, ok := use[d.Meta.Scenario]; ok {
			u.Drills++
			if d.Meta.DeclaredAt.After(u.Last) {
				u.Last = d.Meta.DeclaredAt
			}
		}
	}
	for _, s := range scenarios {
		res.Scenarios = append(res.Scenarios, *use[s.Path])
	}
	slices.SortStableFunc(res.Scenarios, func(a, b ScenarioUse) int {
		return cmp.Or(a.Last.Compare(b.Last), cmp.Compare(a.Drills, b.Drills), strings.Compare(a.Path, b.Path))
	})
	return res
}
