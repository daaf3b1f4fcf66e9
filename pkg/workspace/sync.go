package workspace

import (
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/incidentctl/incidentctl/pkg/gitrepo"
	"github.com/incidentctl/incidentctl/pkg/i18n"
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
	if err := w.checkGitForRemote(remote); err != nil {
		return nil, err
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

// lookPath finds a program on PATH (a variable, so tests can take git away).
var lookPath = exec.LookPath

// checkGitForRemote says plainly that git is missing when the remote needs it: a local path or
// file:// remote is served by git's own upload-pack and receive-pack (the other transports are
// spoken by incidentctl itself). Without it, the transport fails with what looks like an
// unreachable remote.
func (w *Workspace) checkGitForRemote(remote string) error {
	url, err := w.Repo.RemoteURL(remote)
	if err != nil || !localRemote(url) {
		return nil // no such remote: sync says so
	}
	if _, err := lookPath("git-upload-pack"); err == nil {
		return nil
	}
	if _, err := lookPath("git"); err == nil {
		return nil
	}
	return i18n.Errorf("git.missing", "Remote", remote, "URL", url)
}

// localRemote reports whether a remote URL is a path on this machine (or file://), not
// host:path, ssh://, git:// or http(s)://.
func localRemote(url string) bool {
	if strings.HasPrefix(url, "file://") {
		return true
	}
	if strings.Contains(url, "://") {
		return false
	}
	if i := strings.IndexByte(url, ':'); i > 0 && !strings.ContainsAny(url[:i], "/\\") && !(i == 1 && len(url) > 2 && (url[2] == '\\' || url[2] == '/')) {
		return false // scp-like host:path (but not a Windows drive letter)
	}
	return true
}

// Maintenance is what Housekeep found and did (gitrepo.Maintenance).
type Maintenance = gitrepo.Maintenance

// Housekeep runs git's automatic maintenance when it is due, as git fetch does after a fetch
// and git commit after a commit (gitrepo.AutoMaintenance): starting is called just before git
// starts. Without git it does nothing; it never fails the command.
func (w *Workspace) Housekeep(starting func(Maintenance)) Maintenance {
	return w.Repo.AutoMaintenance(starting)
}

// Changed reports whether this repository's index was written since t, as every change
// incidentctl commits writes it (gitrepo.IndexWrittenSince): a command that only read did not.
func (w *Workspace) Changed(since time.Time) bool { return w.Repo.IndexWrittenSince(since) }
