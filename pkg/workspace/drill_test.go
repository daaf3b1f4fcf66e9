package workspace

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/incidentctl/incidentctl/pkg/drill"
)

// ownIncident is the project's own example of a resolved SEV1 (incidents/ at the top).
const ownIncident = "incidents/2026/09/260917-x31y2-payments-api-unavailable-after-database-failover.md"

// drillRepo is a repository holding the project's own past incident and a scenario generated
// from it, committed.
func drillRepo(t *testing.T) (*Workspace, *ScenarioResult) {
	t.Helper()
	w := newRepo(t)
	src, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(ownIncident)))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(w.Root(), filepath.FromSlash(ownIncident))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, w.Root(), "add", ".")
	git(t, w.Root(), "commit", "-q", "-m", "past incident")
	sc, err := w.NewScenario("x31y2", "payments")
	if err != nil {
		t.Fatal(err)
	}
	return w, sc
}

func at(w *Workspace, t time.Time) { w.Now = func() time.Time { return t } }

func TestDrillInjectAndRun(t *testing.T) {
	w, sc := drillRepo(t)
	if sc.Path != "drills/payments.md" || len(sc.Commit) != 40 || sc.Scenario.BasedOn != "260917-x31y2" {
		t.Fatalf("scenario: %+v", sc)
	}
	if _, err := w.NewScenario("x31y2", "payments"); err == nil || !strings.Contains(err.Error(), "drills/payments.md exists already") {
		t.Errorf("second scenario of the same name: %v", err)
	}
	start := clock()
	at(w, start)
	res, err := w.StartDrill(DrillStart{Scenario: "payments", Commander: "bob", Speed: 60, Variant: "as-it-happened"})
	if err != nil {
		t.Fatal(err)
	}
	m := res.Doc.Meta
	if !m.IsDrill() || m.Scenario != "drills/payments.md" || m.ScenarioCommit != sc.Commit || m.Speed != "60" || m.Facilitator != "Alice" ||
		m.Commander != "bob" || m.Variant != drill.SealVariant(start, "as-it-happened") || m.Title != "Drill: Payments API unavailable after database failover" {
		t.Fatalf("drill: %+v", m)
	}
	if strings.Contains(string(res.Doc.Src), "as-it-happened") {
		t.Errorf("the variant's name is in the drill document")
	}
	// The drill is out of the real record.
	if l, err := w.List(Filter{Status: "all"}); err != nil || len(l.Incidents) != 1 {
		t.Errorf("real record: %v %v", l, err)
	}
	commits := func() int { return len(strings.Split(strings.TrimSpace(git(t, w.Root(), "log", "--format=%h")), "\n")) }
	before := commits()
	// At the declaration the inject from before it (-2m) is due.
	ir, err := w.Inject(res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ir.Delivered) != 1 || ir.Delivered[0].Number != 1 || len(ir.Remaining) != 8 || !ir.NextAt().Equal(start.Add(2*time.Second)) {
		t.Fatalf("first inject: %+v, next %v", ir.Delivered, ir.NextAt())
	}
	// Again at the same time: nothing; at +5m (5 s): two more, one commit each.
	if ir, err = w.Inject(res.ID); err != nil || len(ir.Delivered) != 0 {
		t.Fatalf("again: %+v %v", ir, err)
	}
	at(w, start.Add(5*time.Second))
	if ir, err = w.Inject(res.ID); err != nil || len(ir.Delivered) != 2 {
		t.Fatalf("at +5m: %+v %v", ir, err)
	}
	if got := commits() - before; got != 3 {
		t.Errorf("%d commits for 3 injects", got)
	}
	// A run stopped after its first round delivers what was due and leaves the rest.
	ctx, cancel := context.WithCancel(context.Background())
	rounds := 0
	rr, err := w.RunDrill(ctx, res.ID, func(ctx context.Context, d time.Duration) error { return ctx.Err() }, func(*InjectResult) {
		rounds++
		cancel()
	})
	if err != nil || !rr.Interrupted || rr.Remaining != 6 || rounds != 1 {
		t.Fatalf("interrupted run: %+v %v", rr, err)
	}
	if out := git(t, w.Root(), "status", "--porcelain"); out != "" {
		t.Errorf("git status after the interrupted run:\n%s", out)
	}
	// A run on a clock that jumps to each due time delivers the rest in order.
	now := start.Add(5 * time.Second)
	var delivered []int
	rr, err = w.RunDrill(context.Background(), res.ID, func(_ context.Context, d time.Duration) error {
		now = now.Add(d)
		at(w, now)
		return nil
	}, func(r *InjectResult) {
		for _, d := range r.Delivered {
			delivered = append(delivered, d.Number)
			if !d.At.Equal(start.Add(drill.Wall(d.Offset, 60)).Truncate(time.Second)) {
				t.Errorf("inject %d logged at %v, due %v", d.Number, d.At, start.Add(drill.Wall(d.Offset, 60)))
			}
		}
	})
	if err != nil || rr.Interrupted || rr.Remaining != 0 || rr.Delivered != 6 {
		t.Fatalf("run: %+v %v", rr, err)
	}
	if got := fmt.Sprint(delivered); got != "[4 5 6 7 8 9]" {
		t.Errorf("delivered %v", delivered)
	}
	// Score and debrief: nothing done, every expected action missed; the debrief is committed.
	sc2, err := w.ScoreDrill(res.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sc2.Score != 0 || len(sc2.Expected) != 16 || !sc2.Play.Sealed {
		t.Errorf("score %d, %d expected", sc2.Score, len(sc2.Expected))
	}
	dr, score, err := w.Debrief(res.ID, "nobody paged", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if text, ok := dr.Doc.SectionText("Debrief"); !ok || !strings.Contains(text, "Score: **0/100**") || !strings.Contains(text, "- nobody paged (Alice)") || score.Score != 0 {
		t.Errorf("debrief section:\n%s", text)
	}
	if _, _, err := w.Debrief(res.ID, "", Options{}); !errors.Is(err, ErrNothingToChange) {
		t.Errorf("a second debrief with nothing new: %v", err)
	}
	// Closed, nothing more is delivered.
	if _, err := w.Close(res.ID, "drill over", true, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Inject(res.ID); !errors.Is(err, ErrDrillOver) {
		t.Errorf("inject into a closed drill: %v", err)
	}
	git(t, w.Root(), "fsck", "--strict")
}

func TestDrillStartRefuses(t *testing.T) {
	w, _ := drillRepo(t)
	if _, err := w.StartDrill(DrillStart{Scenario: "payments", Variant: "nope"}); !errors.Is(err, ErrBadVariant) || !strings.Contains(err.Error(), "has the variants as-it-happened") {
		t.Errorf("unknown variant: %v", err)
	}
	if _, err := w.StartDrill(DrillStart{Scenario: "nope"}); err == nil || !strings.Contains(err.Error(), "no scenario drills/nope.md (scenarios: payments)") {
		t.Errorf("unknown scenario: %v", err)
	}
	if err := os.WriteFile(filepath.Join(w.Root(), "drills", "draft.md"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := w.StartDrill(DrillStart{Scenario: "draft"}); err == nil || !strings.Contains(err.Error(), "drills/draft.md is not committed") {
		t.Errorf("uncommitted scenario: %v", err)
	}
	if _, err := w.Inject("x31y2"); err == nil || !strings.Contains(err.Error(), "260917-x31y2 is not a drill") {
		t.Errorf("inject into an incident: %v", err)
	}
	if _, err := w.ScoreDrill("x31y2"); err == nil || !strings.Contains(err.Error(), "is not a drill") {
		t.Errorf("score of an incident: %v", err)
	}
	res, err := w.Declare(Declaration{Title: "open one", Severity: "SEV2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.NewScenario(res.ID, ""); err == nil || !strings.Contains(err.Error(), "is not resolved") {
		t.Errorf("scenario of an open incident: %v", err)
	}
	if out := git(t, w.Root(), "status", "--porcelain"); out != "?? drills/draft.md\n" {
		t.Errorf("refusals wrote something:\n%s", out)
	}
}
