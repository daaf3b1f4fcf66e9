package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/incidentctl/incidentctl/pkg/drill"
	"github.com/incidentctl/incidentctl/pkg/workspace"
)

func newDrillInjectCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "inject <drill-id>",
		Short: app.P.T("drill.inject.short"),
		Long:  app.P.T("drill.inject.long"),
		Example: `  incidentctl drill inject k7x
  INCIDENTCTL_NOW=2026-11-23T10:05:00+09:00 incidentctl drill inject k7x`,
		Args: exactArgs(1, "one drill ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			ws, err := app.open()
			if err != nil {
				return err
			}
			res, err := ws.Inject(args[0])
			if err != nil {
				return err
			}
			app.warn(res.Warnings)
			if app.JSON {
				return app.printJSON(toInjectJSON(res))
			}
			for _, d := range res.Delivered {
				fmt.Fprintln(app.Out, drill.InjectEntry(d.Planned))
			}
			if len(res.Delivered) == 0 {
				fmt.Fprint(app.Err, app.drillText().nothingDue)
			} else {
				fmt.Fprintf(app.Err, app.drillText().delivered, len(res.Delivered), res.ID)
			}
			reportNext(app, res, app.Now())
			return nil
		},
	}
}

// reportNext says what comes next after a round of deliveries.
func reportNext(app *App, res *workspace.InjectResult, now time.Time) {
	if len(res.Remaining) == 0 {
		fmt.Fprintf(app.Err, app.drillText().allDelivered, len(res.Play.Plan), shortRef(res.ID))
		return
	}
	next := res.Remaining[0]
	fmt.Fprintf(app.Err, app.drillText().nextDue, drill.FormatOffset(next.Offset), clockTime(res.NextAt()), age(res.NextAt().Sub(now)), len(res.Remaining))
}

// InjectJSON is `drill inject --json`.
type InjectJSON struct {
	ID        string          `json:"id"`
	Path      string          `json:"path"`
	Delivered []DeliveredJSON `json:"delivered"`
	Remaining int             `json:"remaining"`
	NextAt    *time.Time      `json:"next_at"`
}

// DeliveredJSON is one inject delivered.
type DeliveredJSON struct {
	Number        int       `json:"number"`
	Offset        string    `json:"offset"`
	OffsetSeconds int64     `json:"offset_seconds"`
	From          string    `json:"from"`
	Text          string    `json:"text"`
	At            time.Time `json:"at"`
	Commit        string    `json:"commit"`
}

func toDeliveredJSON(d workspace.Delivery) DeliveredJSON {
	return DeliveredJSON{Number: d.Number, Offset: drill.FormatOffset(d.Offset), OffsetSeconds: int64(d.Offset / time.Second),
		From: d.From, Text: d.Text, At: d.At, Commit: d.Commit}
}

func toInjectJSON(r *workspace.InjectResult) InjectJSON {
	out := InjectJSON{ID: r.ID, Path: r.Path, Delivered: []DeliveredJSON{}, Remaining: len(r.Remaining)}
	for _, d := range r.Delivered {
		out.Delivered = append(out.Delivered, toDeliveredJSON(d))
	}
	if t := r.NextAt(); !t.IsZero() {
		out.NextAt = &t
	}
	return out
}

func newDrillRunCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:     "run <drill-id>",
		Short:   app.P.T("drill.run.short"),
		Long:    app.P.T("drill.run.long"),
		Example: `  incidentctl drill run k7x`,
		Args:    exactArgs(1, "one drill ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			clk := newRunClock(app)
			ws, err := workspace.Open(".", clk.now)
			if err != nil {
				return err
			}
			if app.opened == nil {
				app.opened = ws // chat delivery after the command (notify.go)
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			first := true
			enc := json.NewEncoder(app.Out)
			enc.SetEscapeHTML(false)
			total := 0
			res, err := ws.RunDrill(ctx, args[0], clk.sleep, func(r *workspace.InjectResult) {
				total = len(r.Play.Plan)
				if first {
					first = false
					app.warn(r.Warnings)
					fmt.Fprintf(app.Err, app.drillText().runStart, r.ID, drill.FormatSpeed(r.Play.Speed), r.Play.Scenario.Path, total)
					if r.Play.Sealed {
						fmt.Fprintf(app.Err, app.drillText().runGM, r.Play.Variant.Name)
					}
				}
				for _, d := range r.Delivered {
					if app.JSON {
						_ = enc.Encode(toDeliveredJSON(d))
					} else {
						fmt.Fprintf(app.Out, "%s  %s\n", clockTime(d.At), drill.InjectEntry(d.Planned))
					}
				}
			})
			if err != nil {
				return err
			}
			id := shortRef(args[0])
			switch {
			case res.Closed:
				fmt.Fprintf(app.Err, app.drillText().runClosed, id)
			case res.Interrupted:
				fmt.Fprintf(app.Err, app.drillText().runStopped, total-res.Remaining, total, id)
			default:
				fmt.Fprintf(app.Err, app.drillText().runDone, total, id)
			}
			return nil
		},
	}
}

// runClock is the clock drill run waits on: the real one, or, under a fixed INCIDENTCTL_NOW, a
// virtual one that starts there and jumps ahead instead of sleeping.
type runClock struct {
	mu      sync.Mutex
	virtual bool
	t       time.Time
	real    func() time.Time
}

func newRunClock(app *App) *runClock {
	_, fixed := os.LookupEnv("INCIDENTCTL_NOW")
	return &runClock{virtual: fixed, t: app.Now(), real: app.Now}
}

func (c *runClock) now() time.Time {
	if !c.virtual {
		return c.real()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *runClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.virtual {
		c.mu.Lock()
		c.t = c.t.Add(max(d, 0))
		c.mu.Unlock()
		return nil
	}
	// Wake a little after the due time, never before it, so the inject is due when we look.
	t := time.NewTimer(max(d, 0) + 50*time.Millisecond)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
