// This file holds settlement: ledger rows whose outcome the vendor reports after the call (queued
// sends) or whose answer was lost (in doubt) are looked up at the vendor (a connectors.Settler)
// and become delivered or rejected with the vendor's reason. Rows the vendor cannot account for
// stay as they are: an in-doubt send is never resent on a guess.
package delivery

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/store"
)

// SettleStore is what settlement reads and writes.
type SettleStore interface {
	store.Ledger
	GetProfiles(ctx context.Context, ids []string) (map[string]store.Profile, error)
}

// Settled is what one settlement did.
type Settled struct {
	Destination string         `json:"destination"`
	Unsettled   int            `json:"unsettled"` // queued and in-doubt rows looked up
	Delivered   int            `json:"delivered"`
	Rejected    int            `json:"rejected"`
	Left        int            `json:"left"`              // the vendor could not account for them yet
	Reasons     map[string]int `json:"reasons,omitempty"` // rejection reasons
}

// settleChunk bounds the rows handed to the connector at once.
const settleChunk = 500

// Settle looks up the destination's queued and in-doubt rows at the vendor and records what it
// reports. Destinations that are not Settlers have nothing to settle.
func Settle(ctx context.Context, st SettleStore, dest connectors.Destination, destination string, now time.Time) (Settled, error) {
	res := Settled{Destination: destination, Reasons: map[string]int{}}
	settler, ok := dest.(connectors.Settler)
	if !ok {
		return res, nil
	}
	var rows []store.Delivery
	err := st.ScanDeliveries(ctx, store.DeliveryFilter{Destination: destination, Statuses: []store.DeliveryStatus{store.DeliveryQueued, store.DeliveryInDoubt, store.DeliverySending}},
		func(d store.Delivery) error {
			if d.Op != store.OpRemove {
				rows = append(rows, d)
			}
			return nil
		})
	if err != nil {
		return res, fmt.Errorf("settle %s: read unsettled rows: %w", destination, err)
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].UpdatedAt.Before(rows[j].UpdatedAt) })
	res.Unsettled = len(rows)
	for start := 0; start < len(rows); start += settleChunk {
		chunk := rows[start:min(start+settleChunk, len(rows))]
		if err := settleChunkOf(ctx, st, settler, chunk, now, &res); err != nil {
			return res, fmt.Errorf("settle %s: %w", destination, err)
		}
	}
	res.Left = res.Unsettled - res.Delivered - res.Rejected
	return res, nil
}

func settleChunkOf(ctx context.Context, st SettleStore, s connectors.Settler, rows []store.Delivery, now time.Time, res *Settled) error {
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ProfileID
	}
	profiles, err := st.GetProfiles(ctx, ids)
	if err != nil {
		return fmt.Errorf("read profiles: %w", err)
	}
	in := make([]connectors.Unsettled, len(rows))
	byID := make(map[string]*store.Delivery, len(rows))
	for i := range rows {
		r := &rows[i]
		in[i] = connectors.Unsettled{ProfileID: r.ProfileID, ProviderID: r.ProviderID, BatchKey: r.BatchKey, Since: r.UpdatedAt,
			Email: profiles[r.ProfileID].Golden.Email}
		byID[r.ProfileID] = r
	}
	outcomes, err := s.Settle(ctx, in)
	if err != nil {
		return err
	}
	var upd []store.Delivery
	for _, o := range outcomes {
		r, ok := byID[o.ProfileID]
		if !ok {
			continue
		}
		switch o.Status {
		case connectors.StatusDelivered:
			r.Status = store.DeliveryDelivered
			res.Delivered++
		case connectors.StatusRejected:
			r.Status = store.DeliveryRejected
			res.Rejected++
			res.Reasons[o.Reason]++
		case connectors.StatusQueued:
			if r.Status == store.DeliveryQueued {
				continue // still on its way: nothing new
			}
			r.Status = store.DeliveryQueued // the vendor has it: no longer in doubt, settled later
		default:
			continue
		}
		if o.ProviderID != "" {
			r.ProviderID = o.ProviderID
		}
		r.Reason, r.UpdatedAt = strings.TrimSpace("settled: "+o.Reason), now
		upd = append(upd, *r)
	}
	if len(upd) == 0 {
		return nil
	}
	if err := st.RecordDeliveries(ctx, upd); err != nil {
		return fmt.Errorf("record settled rows: %w", err)
	}
	return nil
}

// addressReasons are rejections of the address itself (Mandrill's reject_reason values and a
// bounce): the address is never sent to again at that destination, whatever else changes.
var addressReasons = []string{"hard-bounce", "bounced", "spam", "unsub", "custom", "invalid"}

// AddressRefused reports whether a rejection reason refuses the address itself (not the sender,
// the account or a temporary state such as a soft bounce).
func AddressRefused(reason string) bool {
	r := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(reason), "settled:"))
	for _, a := range addressReasons {
		if r == a || strings.HasPrefix(r, a+":") || strings.HasPrefix(r, a+" ") {
			return true
		}
	}
	return false
}
