// erase.go holds EraseAt: a person erased at one destination, with its receipt.
package subject

import (
	"context"
	"fmt"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/store"
)

// EraseAt erases the person at one destination and returns its receipt. A destination the ledger
// shows never reached the person holds nothing: no call is made (the vendor is not told about a
// person it never had). Otherwise an Eraser erases for good; any other destination that can remove
// removes the person by every handle the ledger kept and every identifier known.
func EraseAt(ctx context.Context, l store.Ledger, dest connectors.Destination, name string, p Person, now time.Time) (store.ErasureReceipt, error) {
	rc := store.ErasureReceipt{Target: "destination:" + name, At: now}
	var rows []store.Delivery
	for _, id := range p.ProfileIDs() {
		if err := l.ScanDeliveries(ctx, store.DeliveryFilter{Destination: name, ProfileID: id}, func(d store.Delivery) error {
			rows = append(rows, d)
			return nil
		}); err != nil {
			return rc, fmt.Errorf("erase at %s: read the ledger: %w", name, err)
		}
	}
	reached := false
	handles := map[string]bool{}
	for _, d := range rows {
		if d.Status != store.DeliveryRejected && d.Status != store.DeliverySkipped {
			reached = true
		}
		if d.Handle != "" {
			handles[d.Handle] = true
		}
	}
	if !reached {
		rc.Action, rc.Status = "none", store.ReceiptNothingHeld
		return rc, nil
	}
	members := erasureMembers(p, handles)
	if er, ok := dest.(connectors.Eraser); ok {
		for _, m := range members {
			res, err := er.Erase(ctx, m)
			rc.Action = res.Action
			if err != nil {
				rc.Status, rc.Detail = store.ReceiptFailed, vendorDetail(err)
				return rc, err
			}
			if res.Held {
				rc.Count++
			}
		}
		rc.Status = store.ReceiptDone
		if rc.Count == 0 {
			rc.Status = store.ReceiptNothingHeld
		}
		return rc, nil
	}
	rc.Action = "remove"
	if !dest.Supports(connectors.OpRemove) {
		rc.Status, rc.Detail = store.ReceiptFailed, "the destination can neither erase nor remove"
		return rc, nil
	}
	for start := 0; start < len(members); start += dest.MaxBatch() {
		batch := members[start:min(start+dest.MaxBatch(), len(members))]
		out, err := dest.Apply(ctx, connectors.Batch{Key: name + "/erasure/" + p.ProfileIDs()[0], Op: connectors.OpRemove, Members: batch, Seq: 1, Last: true, Total: len(batch)})
		if err != nil {
			rc.Status, rc.Detail = store.ReceiptFailed, vendorDetail(err)
			return rc, err
		}
		for _, o := range out {
			if o.Status != connectors.StatusDelivered {
				rc.Status, rc.Detail = store.ReceiptFailed, "the vendor did not accept the remove: "+string(o.Status)
				return rc, fmt.Errorf("erase at %s: remove %s", name, o.Status)
			}
			rc.Count++
		}
	}
	rc.Status = store.ReceiptDone
	return rc, nil
}

// erasureMembers is the person as destinations receive an erasure: one member per known email
// (with the phones), plus one per ledger handle, so every identity the vendor may hold is reached.
func erasureMembers(p Person, handles map[string]bool) []connectors.Member {
	pid := "erasure"
	if len(p.Profiles) > 0 {
		pid = p.Profiles[0].ID
	}
	var out []connectors.Member
	phone := ""
	if len(p.Phones) > 0 {
		phone = p.Phones[0]
	}
	for _, e := range p.Emails {
		out = append(out, connectors.Member{ProfileID: pid, Email: e, Phone: phone})
	}
	if len(p.Emails) == 0 && phone != "" {
		out = append(out, connectors.Member{ProfileID: pid, Phone: phone})
	}
	for _, h := range slicesSorted(handles) {
		out = append(out, connectors.Member{ProfileID: pid, Handle: h})
	}
	for i := range out {
		out[i].ProfileID = fmt.Sprintf("%s#%d", pid, i) // distinct per call so outcomes map back
	}
	return out
}

// vendorDetail keeps a receipt free of personal data: the vendor error's kind, not its text.
func vendorDetail(err error) string {
	if ce, ok := connectors.AsError(err); ok {
		switch {
		case ce.RateLimited():
			return "the vendor is rate limiting; run the erasure again"
		case ce.NoResponse():
			return "no answer from the vendor; run the erasure again"
		case ce.Retryable():
			return "the vendor failed temporarily; run the erasure again"
		}
		return "the vendor refused the call (check the credentials and ids of the destination)"
	}
	return "the call failed"
}
