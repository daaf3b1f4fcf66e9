package remote

import (
	"context"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp"
	"github.com/go-git/go-git/v5/plumbing/protocol/packp/capability"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/plumbing/transport/client"

	"github.com/incidentctl/incidentctl/pkg/gitrepo/revwalk"
)

// The push itself: the objects to send are found by pkg/gitrepo/revwalk in time proportional
// to the change, not to the history (go-git's Remote.Push walks everything reachable from the
// remote's refs).

// sendPack pushes commit to refs/heads/<branch> of url through go-git's transports.
func (r *Remotes) sendPack(ctx context.Context, url string, req PushRequest) error {
	ep, err := transport.NewEndpoint(url)
	if err != nil {
		return err
	}
	cl, err := client.NewClient(ep)
	if err != nil {
		return err
	}
	sess, err := cl.NewReceivePackSession(ep, req.Auth)
	if err != nil {
		return err
	}
	defer sess.Close()
	adv, err := sess.AdvertisedReferencesContext(ctx)
	if err != nil {
		return err
	}
	refs, err := adv.AllReferences()
	if err != nil {
		return err
	}

	name := plumbing.NewBranchReferenceName(req.Branch)
	var old plumbing.Hash
	if ref, err := refs.Reference(name); err == nil {
		old = ref.Hash()
	}
	if old == req.Commit {
		return nil
	}
	// Never by force: the remote's tip must be in our history. A tip we do not even have means
	// somebody pushed after our fetch.
	if !old.IsZero() {
		ok, err := revwalk.Reaches(r.objects, req.Commit, old)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("non-fast-forward update: %s", name)
		}
	}

	// What the remote has: every advertised tip we know.
	var have []plumbing.Hash
	iter, err := refs.IterReferences()
	if err != nil {
		return err
	}
	iter.ForEach(func(ref *plumbing.Reference) error {
		if ref.Type() == plumbing.HashReference && revwalk.HasCommit(r.objects, ref.Hash()) {
			have = append(have, ref.Hash())
		}
		return nil
	})
	objects, err := revwalk.ObjectsToSend(r.objects, req.Commit, have)
	if err != nil {
		return err
	}

	upd := packp.NewReferenceUpdateRequestFromCapabilities(adv.Capabilities)
	upd.Commands = []*packp.Command{{Name: name, Old: old, New: req.Commit}}
	if req.Progress != nil {
		upd.Progress = req.Progress
		if adv.Capabilities.Supports(capability.Sideband64k) {
			upd.Capabilities.Set(capability.Sideband64k)
		} else if adv.Capabilities.Supports(capability.Sideband) {
			upd.Capabilities.Set(capability.Sideband)
		}
	}
	rd, wr := io.Pipe()
	upd.Packfile = rd
	done := make(chan error, 1)
	go func() {
		enc := packfile.NewEncoder(wr, r.objects.Storer(), !adv.Capabilities.Supports(capability.OFSDelta))
		if _, err := enc.Encode(objects, 10); err != nil {
			done <- wr.CloseWithError(err)
			return
		}
		done <- wr.Close()
	}()
	status, err := sess.ReceivePack(ctx, upd)
	if err != nil {
		rd.Close() // unblocks the encoder
		<-done
		return err
	}
	if err := <-done; err != nil {
		return err
	}
	if status != nil {
		if err := status.Error(); err != nil {
			return err
		}
	}
	return nil
}
