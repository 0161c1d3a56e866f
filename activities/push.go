// This file holds the Push activity: a Temporal adapter over delivery.Sync (the destination's
// audience applied through the ledger), with heartbeats after every batch and vendor errors
// classified for Temporal's retries.
package activities

import (
	"context"
	"fmt"

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

// Push brings one destination to its segments' members.
func (a *Activities) Push(ctx context.Context, in PushInput) (*PushResult, error) {
	dcfg, ok := a.Config.Destination(in.Destination)
	if !ok {
		return nil, configError("push: unknown destination %q (not in destinations:)", in.Destination)
	}
	dest, err := a.Connectors.Destination(in.Destination)
	if err != nil {
		return nil, configError("push %s: %v", in.Destination, err)
	}
	// Beating from here on: building a large audience alone outlasts the heartbeat timeout.
	hb := startHeartbeat(ctx, "push "+in.Destination)
	defer hb.Stop()
	segs := in.Segments
	if len(segs) == 0 {
		segs = a.Config.DestinationSegments(dcfg.Name)
	}
	h, err := privacy.LoadHasher(ctx, a.Store)
	if err != nil {
		return nil, fmt.Errorf("push %s: %w", in.Destination, err)
	}
	optOuts, err := consent.LoadOptOuts(ctx, a.Store, h, dcfg.Spec.Channel, record.ChannelEmail)
	if err != nil {
		return nil, fmt.Errorf("push %s: %w", in.Destination, err)
	}
	aud, err := delivery.BuildAudience(ctx, a.Store, delivery.Target{Name: dcfg.Name, Spec: dcfg.Spec, Segments: segs,
		Policy: a.Config.Consent, OptOuts: optOuts})
	if err != nil {
		return nil, fmt.Errorf("push %s: %w", in.Destination, err)
	}
	// Earlier queued and in-doubt sends are looked up first, so what the vendor has since reported
	// (a bounce, a delivery) decides this run; a vendor that cannot answer leaves them blocked.
	settled, serr := delivery.Settle(ctx, a.Store, dest, in.Destination, a.now().UTC())
	if serr != nil {
		a.logger().Warn("settling earlier sends failed; they stay blocked", "destination", in.Destination, "error", serr)
	}
	req := delivery.Request{Destination: in.Destination, Run: in.Run, Connector: dest,
		Audience: aud, AddOnly: in.AddOnly, BatchSize: dcfg.BatchSize, Now: a.now,
		Progress: func(key string) { hb.Beat(key) }}
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
