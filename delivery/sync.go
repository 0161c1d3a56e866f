// sync.go holds Sync: one destination brought to its audience through the ledger, so every add,
// update and remove takes effect exactly once even when attempts repeat.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/summary"
)

// Request is one destination sync of one run.
type Request struct {
	Destination string
	Run         string
	Connector   connectors.Destination
	Audience    Audience
	// AddOnly adds the audience and removes nobody (campaign runs).
	AddOnly bool
	// BatchSize caps members per call below the connector's limit (0: the connector's limit).
	BatchSize int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Progress is called after each batch with its key (the activity heartbeats there).
	Progress func(key string)
}

func (r *Request) now() time.Time {
	if r.Now != nil {
		return r.Now().UTC()
	}
	return time.Now().UTC()
}

// Sync plans the destination's changes, applies them batch by batch through the ledger, and
// reports what the run as a whole delivered (earlier attempts included). A failed call returns
// its error after the batch's rows are recorded; the rows of a call that got no answer from a
// non-idempotent destination are in doubt and never resent automatically.
func Sync(ctx context.Context, l store.Ledger, req Request) (summary.Destination, error) {
	res := summary.Destination{SkippedNoConsent: req.Audience.SkippedNoConsent, SkippedOptedOut: req.Audience.SkippedOptedOut,
		SkippedNoIdentifier: req.Audience.SkippedNoIdentifier}
	dest := req.Connector
	current, err := l.DestinationMembers(ctx, req.Destination)
	if err != nil {
		return res, fmt.Errorf("read current members: %w", err)
	}
	exclude, err := Blocked(ctx, l, dest, req.Destination, req.Run, req.Audience.Members)
	if err != nil {
		return res, err
	}
	plan := Plan(req.Audience.Members, current, Options{AddOnly: req.AddOnly, NoUpdates: !dest.Idempotent(), Exclude: exclude})
	plan.Removes = append(plan.Removes, handleMoves(dest, plan.Updates)...)
	size := dest.MaxBatch()
	if req.BatchSize > 0 && req.BatchSize < size {
		size = req.BatchSize
	}
	x := &syncer{l: l, req: req, dest: dest, size: size, res: &res}
	var runErr error
	for _, step := range []struct {
		op      store.DeliveryOp
		entries []Entry
	}{{store.OpRemove, plan.Removes}, {store.OpAdd, plan.Adds}, {store.OpUpdate, plan.Updates}} {
		if runErr = x.run(ctx, step.op, step.entries); runErr != nil {
			break
		}
	}
	if err := x.tally(ctx, plan); err != nil && runErr == nil {
		runErr = err
	}
	return res, runErr
}

// handleMoves lists the removes that updates need: a member whose handle changed (a new email, so
// a new Mailchimp subscriber or new hashed identifiers) is removed under its old handle first,
// or the vendor would keep the old identity next to the new one.
func handleMoves(dest connectors.Destination, updates []Entry) []Entry {
	h, ok := dest.(connectors.Handler)
	if !ok || !dest.Supports(connectors.OpRemove) {
		return nil
	}
	var out []Entry
	for _, u := range updates {
		if old := u.Member.Handle; old != "" && h.Handle(u.Member) != old {
			out = append(out, Entry{Member: connectors.Member{ProfileID: u.Member.ProfileID, Handle: old}})
		}
	}
	return out
}

// Blocked lists profiles that must not be sent: in-doubt and queued sends of a non-idempotent
// destination (any earlier run, until settled), members the vendor rejected for good with the
// same fields, and members whose address the vendor refused (a hard bounce, a spam complaint,
// an unsubscribe, the vendor's denylist: the same handle, whatever else changed). Only those
// ledger rows are read. Rows of the run itself are left to Resume (a retried attempt).
func Blocked(ctx context.Context, l store.Ledger, dest connectors.Destination, destination, run string, desired []Entry) (map[string]store.DeliveryStatus, error) {
	idempotent := dest.Idempotent()
	hd, _ := dest.(connectors.Handler)
	fp := make(map[string]string, len(desired))
	handles := make(map[string]string, len(desired))
	for _, e := range desired {
		fp[e.Member.ProfileID] = e.Fingerprint
		if hd != nil {
			handles[e.Member.ProfileID] = hd.Handle(e.Member)
		}
	}
	out := map[string]store.DeliveryStatus{}
	err := l.ScanDeliveries(ctx, store.DeliveryFilter{Destination: destination,
		Statuses: []store.DeliveryStatus{store.DeliveryInDoubt, store.DeliveryQueued, store.DeliveryRejected, store.DeliverySending}},
		func(d store.Delivery) error {
			if d.Run == run {
				return nil
			}
			switch {
			case (d.Status == store.DeliveryInDoubt || d.Status == store.DeliveryQueued || d.Status == store.DeliverySending) && !idempotent:
				out[d.ProfileID] = d.Status
			case d.Status == store.DeliveryRejected && d.Op != store.OpRemove && d.Fingerprint != "" && d.Fingerprint == fp[d.ProfileID]:
				out[d.ProfileID] = store.DeliveryRejected
			case d.Status == store.DeliveryRejected && d.Op != store.OpRemove && d.Handle != "" && d.Handle == handles[d.ProfileID] && AddressRefused(d.Reason):
				out[d.ProfileID] = store.DeliveryRejected
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("read blocked members: %w", err)
	}
	return out, nil
}

// syncer applies one sync's batches.
type syncer struct {
	l    store.Ledger
	req  Request
	dest connectors.Destination
	size int
	res  *summary.Destination
}

// vendorOp is the call a ledger op makes: updates are upserts.
func vendorOp(op store.DeliveryOp) connectors.Op {
	if op == store.OpRemove {
		return connectors.OpRemove
	}
	return connectors.OpAdd
}

func (x *syncer) run(ctx context.Context, op store.DeliveryOp, entries []Entry) error {
	batches := Batches(entries, x.size)
	for i, b := range batches {
		key := batchKey(x.req.Destination, x.req.Run, string(op), b)
		batch := connectors.Batch{Key: key, Op: vendorOp(op), Seq: i + 1, Last: i == len(batches)-1, Total: len(entries)}
		if err := x.apply(ctx, op, batch, b); err != nil {
			return err
		}
		if x.req.Progress != nil {
			x.req.Progress(key)
		}
	}
	return nil
}

func (x *syncer) rows(op store.DeliveryOp, key string, entries []Entry) []store.Delivery {
	now := x.req.now()
	rows := make([]store.Delivery, len(entries))
	for i, e := range entries {
		handle := e.Member.Handle
		if h, ok := x.dest.(connectors.Handler); ok && op != store.OpRemove {
			handle = h.Handle(e.Member)
		}
		rows[i] = store.Delivery{Destination: x.req.Destination, Run: x.req.Run, Op: op, ProfileID: e.Member.ProfileID,
			BatchKey: key, Status: store.DeliveryPending, Fingerprint: e.Fingerprint, Handle: handle, UpdatedAt: now}
	}
	return rows
}

func (x *syncer) apply(ctx context.Context, op store.DeliveryOp, b connectors.Batch, entries []Entry) error {
	rows := x.rows(op, b.Key, entries)
	existing, err := x.l.ReserveDeliveries(ctx, rows)
	if err != nil {
		return fmt.Errorf("reserve %s: %w", b.Key, err)
	}
	r := Resume(entries, existing, x.dest.Idempotent())
	x.res.AlreadyDelivered += len(r.Done)
	if len(r.Sent) > 0 {
		if err := x.verify(ctx, r.Sent, existing); err != nil {
			return err
		}
	}
	if len(r.Send) == 0 {
		return nil
	}
	send := make([]string, len(r.Send))
	b.Members = make([]connectors.Member, len(r.Send))
	for i, e := range r.Send {
		b.Members[i], send[i] = e.Member, e.Member.ProfileID
	}
	x.res.Batches++
	if !x.dest.Supports(b.Op) {
		// The vendor has nothing to undo (a sent email): end the membership in the ledger only.
		return x.l.RecordDeliveries(ctx, mark(rows, send, store.DeliveryDelivered, "destination cannot remove; membership ended locally", x.req.now()))
	}
	callCtx, marked := ctx, false
	if !x.dest.Idempotent() {
		// The rows say "sending" only once the request is about to leave (after rate-limit waits
		// and request building): a crash before that leaves them pending, and the retry sends them.
		callCtx = connectors.WithSending(ctx, func() error {
			if marked {
				return nil
			}
			if err := x.l.RecordDeliveries(ctx, mark(rows, send, store.DeliverySending, "", x.req.now())); err != nil {
				return fmt.Errorf("mark %s sending: %w", b.Key, err)
			}
			marked = true
			return nil
		})
	}
	outcomes, err := x.dest.Apply(callCtx, b)
	if err != nil {
		return x.failed(ctx, rows, send, err, marked)
	}
	return x.record(ctx, rows, outcomes)
}

// verify looks up, at the vendor, a non-idempotent batch whose call left in an earlier attempt
// of this run with no recorded answer (the worker died waiting): a send the vendor lists is
// recorded with its outcome; one it does not list yet is in doubt, never resent, and looked up
// again by every later push (Settle). The rows keep the key and time of the call that went out.
func (x *syncer) verify(ctx context.Context, sent []Entry, existing []store.Delivery) error {
	prev := make(map[string]store.Delivery, len(existing))
	for _, d := range existing {
		prev[d.ProfileID] = d
	}
	found := map[string]connectors.Outcome{}
	reason := "the call went out but its answer was lost; the vendor does not list it yet: not resent, settled by a later push"
	if s, ok := x.dest.(connectors.Settler); ok {
		in := make([]connectors.Unsettled, len(sent))
		for i, e := range sent {
			d := prev[e.Member.ProfileID]
			in[i] = connectors.Unsettled{ProfileID: d.ProfileID, ProviderID: d.ProviderID, BatchKey: d.BatchKey, Since: d.UpdatedAt, Email: e.Member.Email}
		}
		outs, err := s.Settle(ctx, in)
		if err != nil {
			reason = "the call went out but its answer was lost; looking it up failed (" + err.Error() + "): not resent, settled by a later push"
		}
		for _, o := range outs {
			found[o.ProfileID] = o
		}
	}
	now := x.req.now()
	upd := make([]store.Delivery, 0, len(sent))
	for _, e := range sent {
		d := prev[e.Member.ProfileID]
		d.UpdatedAt = now
		o, ok := found[d.ProfileID]
		switch {
		case ok && o.Status == connectors.StatusDelivered:
			d.Status, d.Reason = store.DeliveryDelivered, "verified at the vendor: sent by an interrupted attempt"
			x.res.AlreadyDelivered++
		case ok && o.Status == connectors.StatusRejected:
			d.Status, d.Reason = store.DeliveryRejected, o.Reason
		case ok && o.Status == connectors.StatusQueued:
			d.Status, d.Reason = store.DeliveryQueued, "verified at the vendor: accepted, outcome pending"
		default:
			d.Status, d.Reason = store.DeliveryInDoubt, reason
		}
		if ok && o.ProviderID != "" {
			d.ProviderID = o.ProviderID
		}
		upd = append(upd, d)
	}
	if err := x.l.RecordDeliveries(ctx, upd); err != nil {
		return fmt.Errorf("record verified rows: %w", err)
	}
	return nil
}

// failed records a failed call. For a non-idempotent destination a call that got no answer may
// have been delivered: those rows become in doubt and are never resent automatically, unless the
// request certainly never left (refused before sending, or cancelled before it was marked sending).
func (x *syncer) failed(ctx context.Context, rows []store.Delivery, sent []string, err error, marked bool) error {
	status := store.DeliveryFailed
	neverLeft := errors.Is(err, connectors.ErrNotSent) ||
		(!marked && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)))
	if !x.dest.Idempotent() && mayHaveTakenEffect(err) && !neverLeft {
		status = store.DeliveryInDoubt
	}
	if rerr := x.l.RecordDeliveries(ctx, mark(rows, sent, status, err.Error(), x.req.now())); rerr != nil {
		return fmt.Errorf("record failure: %w (after %w)", rerr, err)
	}
	x.res.Error = err.Error()
	return err
}

// mayHaveTakenEffect reports whether a failed call may still have reached the vendor: the
// connector says so, or no vendor answer arrived.
func mayHaveTakenEffect(err error) bool {
	if errors.Is(err, connectors.ErrInDoubt) {
		return true
	}
	ce, ok := connectors.AsError(err)
	return !ok || ce.NoResponse()
}

// record turns per-member outcomes into ledger statuses.
func (x *syncer) record(ctx context.Context, rows []store.Delivery, outcomes []connectors.Outcome) error {
	byID := make(map[string]*store.Delivery, len(rows))
	for i := range rows {
		byID[rows[i].ProfileID] = &rows[i]
	}
	now := x.req.now()
	var upd []store.Delivery
	for _, o := range outcomes {
		row, ok := byID[o.ProfileID]
		if !ok {
			continue
		}
		row.ProviderID, row.Reason, row.Attempts, row.UpdatedAt = o.ProviderID, o.Reason, row.Attempts+1, now
		row.Status = statusOf(o.Status)
		upd = append(upd, *row)
	}
	if err := x.l.RecordDeliveries(ctx, upd); err != nil {
		return fmt.Errorf("record outcomes: %w", err)
	}
	return nil
}

// statusOf maps a vendor outcome to its ledger status.
func statusOf(s connectors.Status) store.DeliveryStatus {
	switch s {
	case connectors.StatusDelivered:
		return store.DeliveryDelivered
	case connectors.StatusRejected:
		return store.DeliveryRejected
	case connectors.StatusQueued:
		return store.DeliveryQueued
	}
	return store.DeliveryFailed
}

func mark(rows []store.Delivery, which []string, status store.DeliveryStatus, reason string, at time.Time) []store.Delivery {
	want := make(map[string]bool, len(which))
	for _, id := range which {
		want[id] = true
	}
	var out []store.Delivery
	for _, r := range rows {
		if want[r.ProfileID] {
			r.Status, r.Reason, r.UpdatedAt = status, reason, at
			out = append(out, r)
		}
	}
	return out
}

// tally reports the run's outcome from the ledger: every row of this run, whichever attempt wrote
// it, plus the members held back by the plan.
func (x *syncer) tally(ctx context.Context, plan Changes) error {
	r := x.res
	r.Added, r.Updated, r.Removed, r.Rejected, r.Failed, r.InDoubt, r.Queued = 0, 0, 0, 0, 0, 0, 0
	err := x.l.ScanDeliveries(ctx, store.DeliveryFilter{Destination: x.req.Destination, Run: x.req.Run}, func(d store.Delivery) error {
		switch d.Status {
		case store.DeliveryDelivered:
			switch d.Op {
			case store.OpAdd:
				r.Added++
			case store.OpUpdate:
				r.Updated++
			case store.OpRemove:
				r.Removed++
			}
		case store.DeliveryRejected:
			r.Rejected++
		case store.DeliveryFailed:
			r.Failed++
		case store.DeliveryInDoubt, store.DeliveryPending, store.DeliverySending:
			r.InDoubt++
		case store.DeliveryQueued:
			r.Queued++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("count the run's deliveries: %w", err)
	}
	r.InDoubt += plan.Excluded[store.DeliveryInDoubt] + plan.Excluded[store.DeliverySending]
	r.Queued += plan.Excluded[store.DeliveryQueued]
	r.Rejected += plan.Excluded[store.DeliveryRejected]
	return nil
}
