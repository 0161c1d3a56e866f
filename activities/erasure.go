// This file holds the erasure activities, Temporal adapters over package subject: find the person,
// erase them at one destination, erase them from the store. Inputs and results carry the request
// id, names and counts: the person's identifiers stay in the store's request row.
package activities

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/privacy"
	"github.com/cdpflow/cdpflow/profiles"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/subject"
	"github.com/cdpflow/cdpflow/summary"
)

// EraseInput names an erasure request.
type EraseInput struct {
	Request string
}

// EraseFound is what the person's data amounts to.
type EraseFound struct {
	Records      int
	Profiles     int
	Destinations []string // every configured destination (each gets a receipt)
}

// EraseDestinationInput erases the person of a request at one destination.
type EraseDestinationInput struct {
	Request     string
	Destination string
}

// EraseStoreInput erases the person from the store and finishes the request with all receipts.
type EraseStoreInput struct {
	Request  string
	Receipts []summary.Receipt // the destinations'
}

// find loads a request and finds its person; done requests find nothing.
func (a *Activities) find(ctx context.Context, id string) (store.Erasure, subject.Person, error) {
	e, err := a.Store.GetErasure(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return e, subject.Person{}, configError("erasure request %s does not exist (starter erase creates it)", id)
	}
	if err != nil {
		return e, subject.Person{}, fmt.Errorf("erasure %s: %w", id, err)
	}
	if e.Subject == nil {
		return e, subject.Person{}, nil
	}
	h, err := privacy.LoadHasher(ctx, a.Store)
	if err != nil {
		return e, subject.Person{}, fmt.Errorf("erasure %s: %w", id, err)
	}
	analytics := map[string]string{}
	for _, s := range a.Config.Sources {
		if s.Spec.Role == connectors.RoleAnalytics {
			analytics[s.Name] = a.Config.CustomerSource(s.Name)
		}
	}
	p, err := subject.Find(ctx, a.Store, h, *e.Subject, analytics)
	if err != nil {
		return e, p, fmt.Errorf("erasure %s: %w", id, err)
	}
	return e, p, nil
}

// EraseFind finds the person of a request and lists the destinations to erase at.
func (a *Activities) EraseFind(ctx context.Context, in EraseInput) (*EraseFound, error) {
	_, p, err := a.find(ctx, in.Request)
	if err != nil {
		return nil, err
	}
	out := &EraseFound{Records: len(p.Records), Profiles: len(p.Profiles)}
	for _, d := range a.Config.Destinations {
		out.Destinations = append(out.Destinations, d.Name)
	}
	return out, nil
}

// EraseDestination erases the person at one destination and returns its receipt.
func (a *Activities) EraseDestination(ctx context.Context, in EraseDestinationInput) (*summary.Receipt, error) {
	e, p, err := a.find(ctx, in.Request)
	if err != nil {
		return nil, err
	}
	if e.Subject == nil {
		return &summary.Receipt{Target: "destination:" + in.Destination, Action: "none", Status: store.ReceiptNothingHeld, At: a.now()}, nil
	}
	dest, err := a.Connectors.Destination(in.Destination)
	if err != nil {
		return nil, configError("erase at %s: %v", in.Destination, err)
	}
	rc, err := subject.EraseAt(ctx, a.Store, dest, in.Destination, p, a.now())
	out := receiptOf(rc)
	if err != nil {
		return &out, classify(fmt.Errorf("erase at %s: %s", in.Destination, rc.Detail))
	}
	return &out, nil
}

// EraseStore deletes every row about the person, suppresses a later import of them, and finishes
// the request: receipts per destination and per table, the identifiers asked for cleared.
func (a *Activities) EraseStore(ctx context.Context, in EraseStoreInput) (*summary.Erasure, error) {
	e, p, err := a.find(ctx, in.Request)
	if err != nil {
		return nil, err
	}
	if e.Status == store.ErasureDone {
		return erasureSummary(e, 0, 0), nil
	}
	now := a.now()
	receipts := make([]store.ErasureReceipt, 0, len(in.Receipts)+16)
	for _, r := range in.Receipts {
		receipts = append(receipts, store.ErasureReceipt(r))
	}
	// A retried attempt after the deletion committed finds nothing: keep the first attempt's
	// table receipts.
	stored := slices.IndexFunc(e.Receipts, func(r store.ErasureReceipt) bool { return len(r.Target) > 6 && r.Target[:6] == "store:" }) >= 0
	if !stored {
		counts, err := a.Store.DeletePerson(ctx, p.Rows())
		if err != nil {
			return nil, fmt.Errorf("erasure %s: %w", in.Request, err)
		}
		if err := profiles.ForgetRecords(ctx, a.Store, p.RecordKeys()); err != nil {
			return nil, fmt.Errorf("erasure %s: %w", in.Request, err)
		}
		for _, table := range []string{"customers", "orders", "engagements", "staged", "quarantine", "profiles", "links", "merges",
			"segment_members", "segment_changes", "deliveries", "destination_members", "optouts"} {
			rc := store.ErasureReceipt{Target: "store:" + table, Action: "delete rows", Status: store.ReceiptNothingHeld, Count: counts[table], At: now}
			if rc.Count > 0 {
				rc.Status = store.ReceiptDone
			}
			receipts = append(receipts, rc)
		}
		keys := append(slices.Clone(e.Keys), p.Keys...)
		slices.Sort(keys)
		keys = slices.Compact(keys)
		if err := a.Store.Suppress(ctx, keys, e.ID, now); err != nil {
			return nil, fmt.Errorf("erasure %s: %w", in.Request, err)
		}
		receipts = append(receipts, store.ErasureReceipt{Target: "store:suppressions", Action: "keep keyed hashes of the identifiers",
			Status: store.ReceiptDone, Count: len(keys), At: now})
		e.Keys = keys
	} else {
		for _, r := range e.Receipts {
			if len(r.Target) > 6 && r.Target[:6] == "store:" {
				receipts = append(receipts, r)
			}
		}
	}
	e.Receipts, e.Status, e.FinishedAt = receipts, store.ErasureDone, now
	for _, r := range receipts {
		if r.Status == store.ReceiptFailed {
			e.Status = store.ErasureFailed
		}
	}
	if e.Status == store.ErasureDone {
		e.Subject = nil // the identifiers asked for go too; the keyed hashes stay as the suppression
	}
	if err := a.Store.UpdateErasure(ctx, e); err != nil {
		return nil, fmt.Errorf("erasure %s: %w", in.Request, err)
	}
	return erasureSummary(e, len(p.Records), len(p.Profiles)), nil
}

func receiptOf(r store.ErasureReceipt) summary.Receipt { return summary.Receipt(r) }

func erasureSummary(e store.Erasure, records, profiles int) *summary.Erasure {
	out := &summary.Erasure{ID: e.ID, Status: e.Status, Deadline: e.Deadline, Records: records, Profiles: profiles,
		NothingHeld: records == 0 && profiles == 0}
	for _, r := range e.Receipts {
		out.Receipts = append(out.Receipts, receiptOf(r))
	}
	return out
}
