// This file holds the Push activity: sync one destination to its segments through the delivery
// ledger, so every add, update and remove takes effect exactly once even when attempts repeat.
package activities

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"go.temporal.io/sdk/activity"

	"github.com/cdpflow/cdpflow/config"
	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/delivery"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
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

// Push computes the destination's desired members (segment members with consent and an identifier),
// diffs them against the ledger and applies the changes in vendor-sized batches.
func (a *Activities) Push(ctx context.Context, in PushInput) (*PushResult, error) {
	dcfg, ok := a.Config.Destination(in.Destination)
	if !ok {
		return nil, configError("push: unknown destination %q (not in destinations:)", in.Destination)
	}
	dest, err := a.Connectors.Destination(in.Destination)
	if err != nil {
		return nil, configError("push %s: %v", in.Destination, err)
	}
	segs := in.Segments
	if len(segs) == 0 {
		segs = a.Config.DestinationSegments(dcfg.Name)
	}
	res := &PushResult{}
	desired, err := a.desiredMembers(ctx, dcfg, segs, res)
	if err != nil {
		return nil, err
	}
	current, err := a.Store.DestinationMembers(ctx, in.Destination)
	if err != nil {
		return nil, fmt.Errorf("push %s: read current members: %w", in.Destination, err)
	}
	exclude, err := a.excluded(ctx, in.Destination, dest.Idempotent(), desired)
	if err != nil {
		return nil, err
	}
	plan := delivery.Plan(desired, current, delivery.Options{AddOnly: in.AddOnly, NoUpdates: !dest.Idempotent(), Exclude: exclude})
	res.InDoubt += plan.Excluded[store.DeliveryInDoubt]
	res.Rejected += plan.Excluded[store.DeliveryRejected]

	size := dest.MaxBatch()
	if dcfg.BatchSize > 0 && dcfg.BatchSize < size {
		size = dcfg.BatchSize
	}
	x := &pushExec{a: a, in: in, dest: dest, res: res, size: size}
	if err := x.run(ctx, "remove", connectors.OpRemove, plan.Removes, &res.Removed); err != nil {
		return res, err
	}
	if err := x.run(ctx, "add", connectors.OpAdd, plan.Adds, &res.Added); err != nil {
		return res, err
	}
	if err := x.run(ctx, "update", connectors.OpAdd, plan.Updates, &res.Updated); err != nil {
		return res, err
	}
	return res, nil
}

// desiredMembers assembles the members of segs that may receive this destination's messages.
func (a *Activities) desiredMembers(ctx context.Context, d *config.Destination, segs []string, res *PushResult) ([]connectors.Member, error) {
	bySeg := map[string][]string{}
	for _, s := range segs {
		ids, err := a.Store.SegmentMembers(ctx, s)
		if err != nil {
			return nil, fmt.Errorf("push %s: read segment %s: %w", d.Name, s, err)
		}
		for _, id := range ids {
			bySeg[id] = append(bySeg[id], s)
		}
	}
	ids := make([]string, 0, len(bySeg))
	for id := range bySeg {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	profiles, err := a.Store.GetProfiles(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("push %s: read profiles: %w", d.Name, err)
	}
	var out []connectors.Member
	for _, id := range ids {
		p, ok := profiles[id]
		if !ok {
			return nil, fmt.Errorf("push %s: segment member %s has no profile (segments are recomputed by the next refresh)", d.Name, id)
		}
		g := p.Golden
		if !hasConsent(g, d.Consent) {
			res.SkippedNoConsent++
			continue
		}
		if !hasIdentifier(g, d.Type) {
			res.SkippedNoIdentifier++
			continue
		}
		sort.Strings(bySeg[id])
		out = append(out, connectors.Member{ProfileID: id, Email: g.Email, Phone: g.Phone, FirstName: g.FirstName,
			LastName: g.LastName, BirthDate: g.BirthDate, Gender: g.Gender, Address: g.Address, Segments: bySeg[id]})
	}
	return out, nil
}

func hasConsent(c record.Customer, channel string) bool {
	if channel == "none" {
		return true
	}
	return c.Consent[record.Channel(channel)].State == record.ConsentSubscribed
}

func hasIdentifier(c record.Customer, destType string) bool {
	switch destType {
	case "mailchimp", "mandrill":
		return c.Email != ""
	default:
		return c.Email != "" || c.Phone != ""
	}
}

// excluded lists profiles that must not be sent: in-doubt sends of a non-idempotent destination
// (any run), and members the vendor rejected for good with the same fields.
func (a *Activities) excluded(ctx context.Context, dest string, idempotent bool, desired []connectors.Member) (map[string]string, error) {
	fp := make(map[string]string, len(desired))
	for _, m := range desired {
		fp[m.ProfileID] = delivery.Fingerprint(m)
	}
	out := map[string]string{}
	err := a.Store.ScanDeliveries(ctx, store.DeliveryFilter{Destination: dest}, func(d store.Delivery) error {
		switch {
		case d.Status == store.DeliveryInDoubt && !idempotent:
			out[d.ProfileID] = store.DeliveryInDoubt
		case d.Status == store.DeliveryRejected && d.Op == string(connectors.OpAdd) && d.Fingerprint != "" && d.Fingerprint == fp[d.ProfileID]:
			out[d.ProfileID] = store.DeliveryRejected
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("push %s: read ledger: %w", dest, err)
	}
	return out, nil
}

// pushExec applies one op's changes batch by batch through the ledger.
type pushExec struct {
	a    *Activities
	in   PushInput
	dest connectors.Destination
	res  *PushResult
	size int
}

// run applies one kind of change (label: add, update or remove). Batch keys come from business
// identity (destination/run/label/sequence), never from Temporal's run id.
func (x *pushExec) run(ctx context.Context, label string, op connectors.Op, members []connectors.Member, done *int) error {
	batches := delivery.Batches(members, x.size)
	for i, b := range batches {
		key := fmt.Sprintf("%s/%s/%s/%d", x.in.Destination, x.in.Run, label, i+1)
		batch := connectors.Batch{Key: key, Op: op, Members: b, Seq: i + 1, Last: i == len(batches)-1, Total: len(members)}
		if err := x.apply(ctx, batch, done); err != nil {
			return err
		}
		activity.RecordHeartbeat(ctx, key)
	}
	return nil
}

func (x *pushExec) apply(ctx context.Context, b connectors.Batch, done *int) error {
	st := x.a.Store
	rows := make([]store.Delivery, len(b.Members))
	for i, m := range b.Members {
		rows[i] = store.Delivery{Destination: x.in.Destination, Run: x.in.Run, Op: string(b.Op), ProfileID: m.ProfileID,
			BatchKey: b.Key, Status: store.DeliveryPending, Fingerprint: delivery.Fingerprint(m), UpdatedAt: x.a.now()}
	}
	existing, err := st.ReserveDeliveries(ctx, rows)
	if err != nil {
		return fmt.Errorf("push %s: reserve %s: %w", x.in.Destination, b.Key, err)
	}
	r := delivery.Resume(b.Members, existing, x.dest.Idempotent())
	x.res.AlreadyDelivered += len(r.Done)
	if len(r.InDoubt) > 0 {
		x.res.InDoubt += len(r.InDoubt)
		if err := st.RecordDeliveries(ctx, x.mark(rows, r.InDoubt, store.DeliveryInDoubt, "attempt interrupted after sending; not resent")); err != nil {
			return fmt.Errorf("push %s: record in-doubt rows: %w", x.in.Destination, err)
		}
	}
	if len(r.Send) == 0 {
		return nil
	}
	b.Members = r.Send
	x.res.Batches++
	if !x.dest.Supports(b.Op) {
		// The vendor has nothing to undo (a sent email): end the membership in the ledger only.
		*done += len(r.Send)
		return st.RecordDeliveries(ctx, x.mark(rows, ids(r.Send), store.DeliveryDelivered, "destination cannot remove; membership ended locally"))
	}
	outcomes, err := x.dest.Apply(ctx, b)
	if err != nil {
		return x.applyFailed(ctx, rows, r.Send, err)
	}
	return x.recordOutcomes(ctx, rows, outcomes, done)
}

// applyFailed records a failed call. For a non-idempotent destination a call that got no answer
// may have been delivered: those rows become in doubt and are never resent automatically.
func (x *pushExec) applyFailed(ctx context.Context, rows []store.Delivery, sent []connectors.Member, err error) error {
	he, isHTTP := httpx.AsError(err)
	status, reason := store.DeliveryFailed, err.Error()
	inDoubt := errors.Is(err, connectors.ErrInDoubt) || !isHTTP || he.Status == 0
	if !x.dest.Idempotent() && inDoubt {
		status = store.DeliveryInDoubt
		x.res.InDoubt += len(sent)
	}
	if rerr := x.a.Store.RecordDeliveries(ctx, x.mark(rows, ids(sent), status, reason)); rerr != nil {
		return fmt.Errorf("push %s: record failure: %w (after %v)", x.in.Destination, rerr, err)
	}
	x.res.Error = err.Error()
	return classify(fmt.Errorf("push %s: %w", x.in.Destination, err))
}

func (x *pushExec) recordOutcomes(ctx context.Context, rows []store.Delivery, outcomes []connectors.Outcome, done *int) error {
	byID := make(map[string]*store.Delivery, len(rows))
	for i := range rows {
		byID[rows[i].ProfileID] = &rows[i]
	}
	var upd []store.Delivery
	for _, o := range outcomes {
		row, ok := byID[o.ProfileID]
		if !ok {
			continue
		}
		row.ProviderID, row.Reason, row.Attempts, row.UpdatedAt = o.ProviderID, o.Reason, row.Attempts+1, x.a.now()
		switch o.Status {
		case connectors.StatusDelivered:
			row.Status = store.DeliveryDelivered
			*done++
		case connectors.StatusRejected:
			row.Status = store.DeliveryRejected
			x.res.Rejected++
		default:
			row.Status = store.DeliveryFailed
			x.res.Failed++
		}
		upd = append(upd, *row)
	}
	if err := x.a.Store.RecordDeliveries(ctx, upd); err != nil {
		return fmt.Errorf("push %s: record outcomes: %w", x.in.Destination, err)
	}
	return nil
}

func (x *pushExec) mark(rows []store.Delivery, which []string, status, reason string) []store.Delivery {
	want := make(map[string]bool, len(which))
	for _, id := range which {
		want[id] = true
	}
	var out []store.Delivery
	for _, r := range rows {
		if want[r.ProfileID] {
			r.Status, r.Reason, r.UpdatedAt = status, reason, x.a.now()
			out = append(out, r)
		}
	}
	return out
}

func ids(ms []connectors.Member) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.ProfileID
	}
	return out
}
