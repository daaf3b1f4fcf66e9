package lint

import (
	"fmt"
	"slices"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/incidentctl/incidentctl/pkg/flowhistory"
)

// The pull-request template promises that a change of the flow (templates/) links the incident
// or postmortem that motivated it. With --base this is checked: one of the commits since the
// merge base must cite an incident or a postmortem in its trailers (Incident: <id>,
// Postmortem: <path>, which `incidentctl flow propose` writes), whether it is the commit that
// changes the flow or another one of the same branch.

// checkFlowChange reports each changed flow file when no commit since the merge base cites an
// incident or a postmortem.
func (b *baseRun) checkFlowChange(flowPaths []string) ([]Finding, error) {
	h, err := b.repo.Head()
	if err != nil {
		return nil, err
	}
	committed, err := b.repo.ChangedFiles(b.mergeBase, h.Commit, flowPaths)
	if err != nil {
		return nil, err
	}
	work, err := b.repo.WorktreeChanges(h.Commit, flowPaths)
	if err != nil {
		return nil, err
	}
	changed := committed
	for _, p := range work {
		// An untracked file git ignores (an editor's backup) is no change of the flow.
		if _, tracked, err := b.repo.BlobAt(h.Commit, p); err != nil {
			return nil, err
		} else if !tracked {
			if ignored, err := b.repo.Ignored(p); err != nil {
				return nil, err
			} else if ignored {
				continue
			}
		}
		changed = append(changed, p)
	}
	if len(changed) == 0 {
		return nil, nil
	}
	slices.Sort(changed)
	changed = slices.Compact(changed)
	commits, err := b.repo.PathLog(h.Commit, []plumbing.Hash{b.mergeBase}, nil)
	if err != nil {
		return nil, err
	}
	for _, c := range commits {
		if !flowhistory.Cites(c.Message).Empty() {
			return nil, nil
		}
	}
	why := fmt.Sprintf("this change of the flow cites no incident or postmortem: no commit since the merge base with %s has a trailer that names the one that motivated it", b.rev)
	if len(committed) == 0 {
		why = "this change of the flow is not committed yet, so nothing cites the incident or postmortem that motivated it"
	}
	out := make([]Finding, 0, len(changed))
	for _, p := range changed {
		out = append(out, Finding{Path: p, Line: 1, Col: 1, Rule: RuleFlowChangeUnlinked,
			Message: why + ": add the trailer \"" + flowhistory.TrailerIncident + ": <id>\" or \"" + flowhistory.TrailerPostmortem + ": <path>\" to a commit message (incidentctl flow propose <id> writes both), and link them in the pull request"})
	}
	return out, nil
}
