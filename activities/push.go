// This file holds the Push activity: a Temporal adapter over delivery.Sync (the destination's
// audience applied through the ledger), with heartbeats after every batch and vendor errors
// classified for Temporal's retries.
package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/approval"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/consent"
	"github.com/cdpflow/cdpflow/delivery"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/summary"
)

// PushInput asks to sync one destination for one run.
type PushInput struct {
	Run         string
	Destination string
	// Segments overrides the destination's configured segments (campaign runs).
	Segments []string
	// AddOnly: add the segments' members, remove nobody (campaign runs).
	AddOnly bool
}

// PushResult is the destination's part of the run summary.
type PushResult = summary.Destination

// PreviewResult is what a destination run would do, and how long a held run waits for approval.
type PreviewResult struct {
	summary.Preview
	ApprovalTimeout time.Duration
}

// PreviewPush plans one destination's sync from the ledger without calling the vendor, and says
// whether its removals need an operator's approval (approval: in the configuration).
func (a *Activities) PreviewPush(ctx context.Context, in PushInput) (*PreviewResult, error) {
	hb := startHeartbeat(ctx, "preview "+in.Destination)
	defer hb.Stop()
	req, err := a.pushRequest(ctx, in)
	if err != nil {
		return nil, err
	}
	p, err := delivery.Preview(ctx, a.Store, req)
	if err != nil {
		return nil, fmt.Errorf("preview %s: %w", in.Destination, err)
	}
	ap := a.Config.Approval
	pol := approval.Policy{MaxRemoveFraction: ap.MaxRemoveFraction, MaxRemoves: ap.MaxRemoves, Timeout: ap.Timeout}
	if req.Connector.Supports(connectors.OpRemove) {
		// A destination that cannot remove (a sent email) ends memberships locally: nothing to hold.
		p.NeedsApproval, p.Reason = pol.Hold(p.Current, p.Removes)
	}
	return &PreviewResult{Preview: p, ApprovalTimeout: ap.Timeout}, nil
}

// pushRequest builds a destination sync's request: the connector and the audience of its
// segments, with consent and opt-outs applied.
func (a *Activities) pushRequest(ctx context.Context, in PushInput) (delivery.Request, error) {
	dcfg, ok := a.Config.Destination(in.Destination)
	if !ok {
		return delivery.Request{}, configError("push: unknown destination %q (not in destinations:)", in.Destination)
	}
	dest, err := a.Connectors.Destination(in.Destination)
	if err != nil {
		return delivery.Request{}, configError("push %s: %v", in.Destination, err)
	}
	segs := in.Segments
	if len(segs) == 0 {
		segs = a.Config.DestinationSegments(dcfg.Name)
	}
	h, err := privacy.LoadHasher(ctx, a.Store)
	if err != nil {
		return delivery.Request{}, fmt.Errorf("push %s: %w", in.Destination, err)
	}
	optOuts, err := consent.LoadOptOuts(ctx, a.Store, h, dcfg.Spec.Channel, record.ChannelEmail)
	if err != nil {
		return delivery.Request{}, fmt.Errorf("push %s: %w", in.Destination, err)
	}
	aud, err := delivery.BuildAudience(ctx, a.Store, delivery.Target{Name: dcfg.Name, Spec: dcfg.Spec, Segments: segs,
		Policy: a.Config.Consent, OptOuts: optOuts})
	if err != nil {
		return delivery.Request{}, fmt.Errorf("push %s: %w", in.Destination, err)
	}
	return delivery.Request{Destination: in.Destination, Run: in.Run, Connector: dest,
		Audience: aud, AddOnly: in.AddOnly, BatchSize: dcfg.BatchSize, Now: a.now}, nil
}

// Push brings one destination to its segments' members.
func (a *Activities) Push(ctx context.Context, in PushInput) (*PushResult, error) {
	// Beating from here on: building a large audience alone outlasts the heartbeat timeout.
	hb := startHeartbeat(ctx, "push "+in.Destination)
	defer hb.Stop()
	req, err := a.pushRequest(ctx, in)
	if err != nil {
		return nil, err
	}
	dest := req.Connector
	// Earlier queued and in-doubt sends are looked up first, so what the vendor has since reported
	// (a bounce, a delivery) decides this run; a vendor that cannot answer leaves them blocked.
	settled, serr := delivery.Settle(ctx, a.Store, dest, in.Destination, a.now().UTC())
	if serr != nil {
		a.logger().Warn("settling earlier sends failed; they stay blocked", "destination", in.Destination, "error", serr)
	}
	req.Progress = func(key string) { hb.Beat(key) }
	res, err := delivery.Sync(ctx, a.Store, req)
	for err != nil && waitOutThrottle(ctx, err) {
		// Throttled: wait the vendor's delay and go on from the ledger (what was sent stays sent).
		res, err = delivery.Sync(ctx, a.Store, req)
	}
	res.Settled = settled.Delivered + settled.Rejected
	st := connectors.StatsOf(dest)
	res.Requests, res.Retries, res.Throttled = int(st.Requests), int(st.Retries), int(st.Throttled)
	if err != nil {
		res.Error = err.Error()
		return &res, classify(fmt.Errorf("push %s: %w", in.Destination, err))
	}
	return &res, nil
}
