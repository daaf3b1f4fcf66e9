package workspace

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/incident"
)

// Drills: a scenario under drills/ is played as a drill incident, a normal incident document
// marked kind: drill, so every command works on it while every view of the real record leaves
// it out. The functions here read scenarios from git, declare drills through Declare, deliver
// injects through change (one commit each), and score.

// ErrBadVariant wraps an --variant the scenario does not have (a wrong command line).
var ErrBadVariant = errors.New("unknown variant")

// ErrDrillOver wraps an inject asked of a drill that is closed.
var ErrDrillOver = errors.New("the drill is over")

// ScenarioFile is a scenario read from the repository.
type ScenarioFile struct {
	Path     string // repository path
	Commit   plumbing.Hash
	Scenario *drill.Scenario
}

// scenarioPath turns what the user typed (a name, a file name, a path) into the repository
// path of a scenario.
func (w *Workspace) scenarioPath(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return "", errNoScenarioGiven(w.scenarioNames())
	}
	if strings.ContainsRune(ref, '/') || strings.HasSuffix(ref, ".md") {
		if rel := w.relPath(ref); rel != "" {
			if _, err := os.Stat(w.abs(rel)); err == nil {
				return rel, nil
			}
		}
		if !strings.ContainsRune(ref, '/') {
			return path.Join(drill.Dir, ref), nil
		}
		return path.Clean(ref), nil
	}
	return drill.ScenarioPath(ref), nil
}

// scenarioNames lists the scenarios in the working tree, for messages.
func (w *Workspace) scenarioNames() []string {
	des, err := os.ReadDir(w.abs(drill.Dir))
	if err != nil {
		return nil
	}
	var out []string
	for _, de := range des {
		if n := de.Name(); !de.IsDir() && strings.HasSuffix(n, ".md") && !strings.EqualFold(n, "README.md") {
			out = append(out, strings.TrimSuffix(n, ".md"))
		}
	}
	return out
}

// ScenarioAtHead reads a scenario as committed at HEAD: a drill plays what was reviewed and
// merged, like the flow. A working copy that differs is a warning.
func (w *Workspace) ScenarioAtHead(ref string) (*ScenarioFile, []string, error) {
	rel, err := w.scenarioPath(ref)
	if err != nil {
		return nil, nil, err
	}
	h, err := w.head()
	if err != nil {
		return nil, nil, err
	}
	if h.Unborn {
		return nil, nil, errUnborn(h.Branch)
	}
	content, _, found, err := w.Repo.ReadAt(h.Commit, rel)
	if err != nil {
		return nil, nil, err
	}
	work, werr := readFile(w.abs(rel))
	if !found {
		if werr == nil {
			return nil, nil, errScenarioNotCommitted(rel)
		}
		return nil, nil, errNoScenario(rel, w.scenarioNames())
	}
	var warnings []string
	if werr == nil && string(work) != string(content) {
		warnings = append(warnings, warnScenarioEdited(rel))
	}
	s, err := drill.Parse(rel, content)
	if err != nil {
		return nil, nil, err
	}
	return &ScenarioFile{Path: rel, Commit: h.Commit, Scenario: s}, warnings, nil
}

// drillScenario reads the scenario a drill plays, at the commit the drill started from, so that
// edits to it since do not change a drill under way.
func (w *Workspace) drillScenario(d *incident.Document) (*drill.Scenario, []string, error) {
	m := d.Meta
	if !m.IsDrill() {
		return nil, nil, errNotDrill(m.ID)
	}
	if m.Scenario == "" {
		return nil, nil, errNoScenarioKey(d.Path)
	}
	var warnings []string
	if c := plumbing.NewHash(m.ScenarioCommit); len(m.ScenarioCommit) == 40 && !c.IsZero() {
		content, _, found, err := w.Repo.ReadAt(c, m.Scenario)
		if err == nil && found {
			s, err := drill.Parse(m.Scenario, content)
			return s, nil, err
		}
		warnings = append(warnings, warnScenarioCommitGone(m.Scenario, m.ScenarioCommit))
	}
	sf, more, err := w.ScenarioAtHead(m.Scenario)
	if err != nil {
		return nil, nil, err
	}
	return sf.Scenario, append(warnings, more...), nil
}

// DrillStart is what `drill start` asks for.
type DrillStart struct {
	Scenario    string  // name or path
	Commander   string  // the trainee; "" means the person starting it
	Facilitator string  // "" means the person starting it
	Speed       float64 // 0 means 1
	Variant     string  // "" picks one at random
}

// DrillStartResult is a declared drill.
type DrillStartResult struct {
	*Result
	Scenario *ScenarioFile
	Variant  drill.Variant
	Random   bool // the variant was picked at random
}

// StartDrill declares a drill incident from a scenario: declared like `new` (the action list
// rendered from the flow at HEAD today), marked kind: drill, with the scenario, the commit it was
// read at, the sealed variant, the facilitator and the speed recorded.
func (w *Workspace) StartDrill(o DrillStart) (*DrillStartResult, error) {
	speed := o.Speed
	if speed == 0 {
		speed = 1
	}
	if _, err := drill.ParseSpeed(drill.FormatSpeed(speed)); err != nil {
		return nil, err
	}
	sf, warnings, err := w.ScenarioAtHead(o.Scenario)
	if err != nil {
		return nil, err
	}
	s := sf.Scenario
	var v drill.Variant
	random := false
	if o.Variant != "" {
		var ok bool
		if v, ok = s.Variant(o.Variant); !ok {
			return nil, fmt.Errorf("%w: %s", ErrBadVariant, msgUnknownVariant(o.Variant, sf.Path, s.VariantNames()))
		}
	} else {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(s.Variants))))
		if err != nil {
			return nil, err
		}
		v, random = s.Variants[n.Int64()], true
	}
	flow, err := w.Flow()
	if err != nil {
		return nil, err
	}
	if _, ok := flow.Severities.Get(s.Severity); !ok {
		return nil, errScenarioSeverity(sf.Path, s.Line(drill.KeySeverity), s.Severity, flow.SeveritiesFrom, flow.Severities.IDs())
	}
	author, _, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	facilitator := incident.OneLine(o.Facilitator)
	if facilitator == "" {
		facilitator = author.Name
	}
	at := w.Now().Truncate(time.Second)
	res, err := w.Declare(Declaration{
		Title: s.DeclaredTitle(string(w.Config.Lang)), Severity: s.Severity, Commander: o.Commander, At: at,
		Drill: &DrillKeys{Scenario: sf.Path, ScenarioCommit: sf.Commit.String(), Variant: drill.SealVariant(at, v.Name),
			Facilitator: facilitator, Speed: drill.FormatSpeed(speed)},
	})
	if err != nil {
		return nil, err
	}
	res.Warnings = append(warnings, res.Warnings...)
	for _, e := range s.Expected {
		if e.Tie == drill.TieAction {
			if !slices.ContainsFunc(res.Doc.Actions, func(a incident.Action) bool {
				return strings.Contains(strings.ToLower(a.Text), strings.ToLower(e.Action))
			}) {
				res.Warnings = append(res.Warnings, warnExpectedNotInFlow(sf.Path, e.Line, e.Action, flow.ActionListPath))
			}
		}
	}
	return &DrillStartResult{Result: res, Scenario: sf, Variant: v, Random: random}, nil
}

// Delivery is one inject delivered.
type Delivery struct {
	drill.Planned
	At     time.Time
	Commit string
}

// InjectResult is what one round of delivering did.
type InjectResult struct {
	ID, Path  string
	Delivered []Delivery
	Play      *drill.Play // the drill after the deliveries
	Remaining []drill.Planned
	Warnings  []string
}

// NextAt is when the next inject is due (zero when none is left).
func (r *InjectResult) NextAt() time.Time {
	if len(r.Remaining) == 0 {
		return time.Time{}
	}
	return r.Play.DueAt(r.Remaining[0])
}

// Inject appends every inject whose time has come (offset ÷ speed after the declaration) to
// the drill's log, one commit each, in order. Injects already in the log are not delivered
// again, so running it twice, or beside `drill run`, delivers each once.
func (w *Workspace) Inject(ref string) (*InjectResult, error) {
	d, err := w.Load(ref)
	if err != nil {
		return nil, err
	}
	if !d.Meta.IsDrill() {
		return nil, errNotDrill(d.Meta.ID)
	}
	if d.Meta.Status == incident.StatusResolved {
		return nil, fmt.Errorf("%w: %s", ErrDrillOver, msgDrillClosed(d.Meta.ID))
	}
	s, warnings, err := w.drillScenario(d)
	if err != nil {
		return nil, err
	}
	p, err := drill.NewPlay(d, s)
	if err != nil {
		return nil, err
	}
	out := &InjectResult{ID: d.Meta.ID, Path: d.Path, Play: p, Warnings: warnings}
	if !p.Sealed {
		out.Warnings = append(out.Warnings, warnSealUnknown(d.Meta.ID, s.Path))
	}
	for _, pl := range p.Due(w.Now()) {
		at := w.at(time.Time{})
		res, err := w.changeRetrying(d.Meta.ID, func(d *incident.Document, author string) (*incident.Document, string, error) {
			for _, e := range d.Log {
				if n, ok := drill.ReadInject(e.Text); ok && n == pl.Number {
					return d, "inject delivered already", nil // by a concurrent run: nothing to do
				}
			}
			text := drill.InjectEntry(pl)
			nd, err := d.AppendLog(incident.LogEntry{At: at, Author: author, Text: text})
			return nd, text, err
		})
		if errors.Is(err, ErrNothingToChange) {
			continue
		}
		if err != nil {
			return out, err
		}
		out.Delivered = append(out.Delivered, Delivery{Planned: pl, At: at, Commit: res.Commit})
		d = res.Doc
	}
	if out.Play, err = drill.NewPlay(d, s); err != nil {
		return nil, err
	}
	out.Remaining = out.Play.Remaining()
	return out, nil
}

// changeRetrying is change for the facilitator's deliveries, which race the trainee's commands
// on the same branch: when someone else committed (or held git's locks) in between, it reads
// the document again and retries, a few times over about five seconds. A document that looks
// edited is retried too: another incidentctl writing it shows so for a moment (a hand edit
// still stops the delivery, after the retries).
func (w *Workspace) changeRetrying(ref string, edit editor) (*Result, error) {
	pause := 20 * time.Millisecond
	for try := 0; ; try++ {
		res, err := w.change(ref, Options{}, &given{}, edit)
		var uncommitted *UncommittedError
		if try < 8 && (errors.Is(err, gitrepo.ErrBranchMoved) || errors.Is(err, gitrepo.ErrLocked) || errors.As(err, &uncommitted)) {
			time.Sleep(pause)
			pause *= 2
			continue
		}
		return res, err
	}
}

// RunResult is how a run ended.
type RunResult struct {
	Delivered   int  // injects this run delivered
	Remaining   int  // injects still to come
	Interrupted bool // stopped by the context (Ctrl-C) before the scenario ended
	Closed      bool // the drill was closed while it ran
}

// RunDrill delivers injects as their time comes until none is left, the drill is closed, or ctx
// is done. sleep waits (a real timer, or a fixed clock's step forward); each round of deliveries
// is reported as it is committed, so stopping at any moment loses nothing.
func (w *Workspace) RunDrill(ctx context.Context, ref string, sleep func(context.Context, time.Duration) error, report func(*InjectResult)) (*RunResult, error) {
	out := &RunResult{}
	for {
		res, err := w.Inject(ref)
		if errors.Is(err, ErrDrillOver) {
			out.Closed = true
			return out, nil
		}
		if res != nil {
			out.Delivered += len(res.Delivered)
			report(res)
		}
		if err != nil {
			return out, err
		}
		out.Remaining = len(res.Remaining)
		if out.Remaining == 0 {
			return out, nil
		}
		if err := sleep(ctx, res.NextAt().Sub(w.Now())); err != nil {
			out.Interrupted = true
			return out, nil
		}
	}
}

// DrillScore is a drill's score with where it came from.
type DrillScore struct {
	*drill.Result
	Warnings []string
}

// ScoreDrill compares what the trainee did with the scenario (see drill.Score). The flow at HEAD,
// rendered for the drill's severity, is what the debrief's suggestions are about.
func (w *Workspace) ScoreDrill(ref string) (*DrillScore, error) {
	d, err := w.Load(ref)
	if err != nil {
		return nil, err
	}
	return w.score(d)
}

func (w *Workspace) score(d *incident.Document) (*DrillScore, error) {
	s, warnings, err := w.drillScenario(d)
	if err != nil {
		return nil, err
	}
	p, err := drill.NewPlay(d, s)
	if err != nil {
		return nil, err
	}
	var actions []incident.Action
	flowPath := w.Config.ActionList
	if flow, err := w.Flow(); err == nil {
		flowPath = flow.ActionListPath
		if _, as, err := flow.renderActions(d.Meta, d.Meta.Severity, w.Now()); err == nil {
			actions = as
		}
	}
	return &DrillScore{Result: drill.Score(p, actions, flowPath, w.Now()), Warnings: warnings}, nil
}

// Debrief writes the drill's debrief into its document (the Debrief section, regenerated each
// time) and logs the note, if any, in one commit.
func (w *Workspace) Debrief(ref, note string, opts Options) (*Result, *DrillScore, error) {
	at := w.at(opts.At)
	var score *DrillScore
	g := &given{}
	note = g.text("--note", note)
	res, err := w.change(ref, opts, g, func(d *incident.Document, author string) (*incident.Document, string, error) {
		if !d.Meta.IsDrill() {
			return nil, "", errNotDrill(d.Meta.ID)
		}
		if note = incident.OneLine(note); note != "" {
			var err error
			if d, err = d.AppendLog(incident.LogEntry{At: at, Author: author, Text: drill.DebriefNotePrefix + note}); err != nil {
				return nil, "", err
			}
		}
		sc, err := w.score(d)
		if err != nil {
			return nil, "", err
		}
		score = sc
		nd, err := d.SetSection(drill.DebriefSection, sc.Debrief())
		return nd, fmt.Sprintf("drill debrief: score %d/100", sc.Score), err
	})
	if err != nil {
		return nil, nil, err
	}
	return res, score, nil
}

// ScenarioResult is a scenario written from an incident.
type ScenarioResult struct {
	Path, Commit string
	Scenario     *drill.Scenario
	Incident     *incident.Document
}

// NewScenario writes drills/<name>.md from a resolved incident (drill.FromIncident) and commits
// that file alone. name defaults to the incident's title as a slug.
func (w *Workspace) NewScenario(ref, name string) (*ScenarioResult, error) {
	h, err := w.head()
	if err != nil {
		return nil, err
	}
	if h.Unborn {
		return nil, errUnborn(h.Branch)
	}
	d, err := w.Load(ref)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = incident.Slug(d.Meta.Title)
	}
	if !drill.NameRE.MatchString(name) {
		return nil, errScenarioName(name)
	}
	rel := drill.ScenarioPath(name)
	if _, err := os.Lstat(w.abs(rel)); err == nil {
		return nil, errScenarioExists(rel)
	}
	if _, _, found, err := w.Repo.ReadAt(h.Commit, rel); err != nil || found {
		if err != nil {
			return nil, err
		}
		return nil, errScenarioExists(rel)
	}
	src, err := drill.FromIncident(d, d.Path, name, string(w.Config.Lang))
	if err != nil {
		return nil, err
	}
	s, err := drill.Parse(rel, src)
	if err != nil {
		return nil, err
	}
	sc, err := w.scanner()
	if err != nil {
		return nil, err
	}
	if err := scenarioSecrets(sc, d, rel, src); err != nil {
		return nil, err
	}
	author, committer, err := w.Repo.Identity(w.Now())
	if err != nil {
		return nil, err
	}
	commit, err := w.Repo.Commit(gitrepo.CommitRequest{
		Changes:   []gitrepo.Change{{Path: rel, Content: src}},
		Message:   commitMessage(sc, d.Meta.ID, "drill scenario "+rel),
		Parent:    h.Commit,
		Author:    author,
		Committer: committer,
	})
	if err != nil {
		return nil, err
	}
	return &ScenarioResult{Path: rel, Commit: commit.String(), Scenario: s, Incident: d}, nil
}

// Pick ranks who should practise next and on which scenario (drill.Pick) from every incident and
// drill and the scenarios in the working tree. Scenarios that do not parse are left out with a
// warning.
func (w *Workspace) Pick(roster []string) (*drill.PickResult, []string, error) {
	res, err := w.List(Filter{Status: "all", Drills: WithDrills})
	if err != nil {
		return nil, nil, err
	}
	var warnings []string
	for _, e := range res.Errors {
		warnings = append(warnings, "skipped "+e.Error())
	}
	var scenarios []*drill.Scenario
	for _, n := range w.scenarioNames() {
		rel := drill.ScenarioPath(n)
		src, err := readFile(w.abs(rel))
		if err != nil {
			warnings = append(warnings, err.Error())
			continue
		}
		s, err := drill.Parse(rel, src)
		if err != nil {
			warnings = append(warnings, warnScenarioSkipped(rel, err))
			continue
		}
		scenarios = append(scenarios, s)
	}
	return drill.Pick(res.Incidents, scenarios, roster), warnings, nil
}
