package workspace

import (
	"io"
	"time"

	"github.com/incidentctl/incidentctl/pkg/sync"
)

// SyncOptions is what `incidentctl sync` and --sync ask for.
type SyncOptions struct {
	Remote   string    // "" means the configured one (sync.remote, default origin)
	Progress io.Writer // nil keeps quiet
	// Timeout bounds each network operation (0: the default of package sync).
	Timeout time.Duration
}

// Sync shares the current branch with the remote: fetch, integrate field by field, push, and
// again while others push first (see package sync).
func (w *Workspace) Sync(opts SyncOptions) (*sync.Result, error) {
	remote := opts.Remote
	if remote == "" {
		remote = w.Config.Sync.Remote
	}
	var moreSevere func(a, b string) bool
	if flow, err := w.flowOnce(); err == nil {
		moreSevere = flow.Severities.MoreSevere // concurrent severity changes keep the more severe
	}
	return sync.Run(w.Repo, sync.Options{
		Remote:       remote,
		IncidentsDir: w.incidentsDir(),
		Progress:     opts.Progress,
		Now:          w.Now,
		Timeout:      opts.Timeout,
		TokenHosts:   w.Config.Sync.Credentials,
		MoreSevere:   moreSevere,
	})
}

// AutoSync reports whether the config asks to sync after every change (sync.auto).
func (w *Workspace) AutoSync() bool { return w.Config.Sync.Auto }
