// This file holds the member calls: batch upsert, per-member tags, archive, and their outcomes.
package mailchimp

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

func (d *Destination) listPath() string { return "/lists/" + url.PathEscape(d.cfg.ListID) }

func (d *Destination) memberPath(hash string) string { return d.listPath() + "/members/" + hash }

// add upserts the batch's members as subscribed (the engine only adds members with email consent),
// then tags each upserted member with its segments.
//
// Outcomes: delivered (ProviderID = subscriber hash) when the upsert and the tag call succeeded;
// rejected when Mailchimp refused the member inside the 200 (Reason = error_code: error, e.g. a
// contact in a compliance state after unsubscribing) or the address is unusable; failed when the
// tag call hit a transient error (the whole add is safe to repeat).
func (d *Destination) add(ctx context.Context, members []connectors.Member) ([]connectors.Outcome, error) {
	out := make([]connectors.Outcome, len(members))
	first := map[string]int{} // email -> index of the member sent for it
	dupOf := map[int]int{}    // a later member with the same email -> that index
	var req batchRequest
	req.UpdateExisting = true
	for i, m := range members {
		out[i] = connectors.Outcome{ProfileID: m.ProfileID}
		e := emailKey(m)
		if e == "" {
			out[i].Status, out[i].Reason = connectors.StatusRejected, "no_email: member has no usable email address"
			continue
		}
		if f, dup := first[e]; dup {
			dupOf[i] = f // same address twice in one batch: sent and tagged once, outcome shared
			continue
		}
		first[e] = i
		req.Members = append(req.Members, d.wireMember(m, e))
	}
	if len(req.Members) == 0 {
		return out, nil
	}
	var resp batchResponse
	if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: d.listPath(), Body: req}, &resp); err != nil {
		return nil, fmt.Errorf("mailchimp: batch upsert %d members into list %s: %w", len(req.Members), d.cfg.ListID, err)
	}
	ids := map[string]string{}
	for _, r := range append(resp.NewMembers, resp.UpdatedMembers...) {
		ids[lower(r.EmailAddress)] = r.ID
	}
	errs := map[string]batchError{}
	for _, e := range resp.Errors {
		errs[lower(e.EmailAddress)] = e
	}
	var tagIdx []int
	for i, m := range members {
		e := emailKey(m)
		if _, dup := dupOf[i]; dup || e == "" {
			continue
		}
		o := &out[i]
		if be, bad := errs[e]; bad {
			code := be.ErrorCode
			if code == "" {
				code = "ERROR_GENERIC"
			}
			o.Status, o.Reason = connectors.StatusRejected, code+": "+be.Error
			continue
		}
		o.Status, o.ProviderID = connectors.StatusDelivered, SubscriberHash(e)
		if id, ok := ids[e]; ok && id != "" {
			o.ProviderID = id
		} else {
			o.Reason = "not echoed in the batch response (no error reported)"
		}
		if len(d.tagsFor(m)) > 0 {
			tagIdx = append(tagIdx, i)
		}
	}
	// One tag call per member: with the default concurrency of 4 a 500-member batch costs 1 + 500 calls.
	err := d.forEach(ctx, tagIdx, func(ctx context.Context, i int) error {
		m := members[i]
		hash := SubscriberHash(emailKey(m))
		_, err := d.c.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.memberPath(hash) + "/tags", Body: tagsRequest{Tags: d.tagsFor(m)}})
		if err != nil {
			if stop := d.memberError(&out[i], "tags", err); stop != nil {
				return stop
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mailchimp: tag members of list %s: %w", d.cfg.ListID, err)
	}
	for i, f := range dupOf {
		out[i] = out[f]
		out[i].ProfileID = members[i].ProfileID
	}
	return out, nil
}

// remove archives (or untags) members who left every synced segment, by address or by the
// subscriber hash the ledger kept. Archiving an absent or already archived member answers 404,
// which counts as delivered.
func (d *Destination) remove(ctx context.Context, members []connectors.Member) ([]connectors.Outcome, error) {
	out := make([]connectors.Outcome, len(members))
	var idx []int
	for i, m := range members {
		out[i] = connectors.Outcome{ProfileID: m.ProfileID}
		if memberHash(m) == "" {
			out[i].Status, out[i].Reason = connectors.StatusRejected, "no_email: member has neither an address nor a subscriber hash"
			continue
		}
		idx = append(idx, i)
	}
	err := d.forEach(ctx, idx, func(ctx context.Context, i int) error {
		hash := memberHash(members[i])
		o := &out[i]
		var err error
		if d.cfg.Remove == RemoveUntag {
			var tags []tag
			for _, s := range d.cfg.Segments {
				tags = append(tags, tag{Name: s, Status: "inactive"})
			}
			_, err = d.c.Do(ctx, httpx.Request{Method: http.MethodPost, Path: d.memberPath(hash) + "/tags", Body: tagsRequest{Tags: tags}})
		} else {
			_, err = d.c.Do(ctx, httpx.Request{Method: http.MethodDelete, Path: d.memberPath(hash)})
		}
		o.ProviderID = hash
		if he, ok := httpx.AsError(err); ok && he.Status == http.StatusNotFound {
			o.Status, o.Reason = connectors.StatusDelivered, "not in the audience (already archived or never added)"
			return nil
		}
		if err != nil {
			return d.memberError(o, string(d.cfg.Remove), err)
		}
		o.Status = connectors.StatusDelivered
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("mailchimp: remove members from list %s: %w", d.cfg.ListID, err)
	}
	return out, nil
}

// memberError records a per-member call failure in o. A throttle or credential error is returned
// instead, to stop the batch: the whole (idempotent) batch is then retried by the engine.
func (d *Destination) memberError(o *connectors.Outcome, what string, err error) error {
	he, ok := httpx.AsError(err)
	if !ok {
		return err // context cancelled or a bug: nothing per-member to say
	}
	if he.Throttled || he.Status == http.StatusUnauthorized || he.Status == http.StatusForbidden {
		return err
	}
	o.ProviderID = ""
	reason := fmt.Sprintf("%s: HTTP %d", what, he.Status)
	if he.Code != "" {
		reason += " " + he.Code
	}
	if he.Message != "" {
		reason += ": " + he.Message
	} else if he.Err != nil {
		reason += ": " + he.Err.Error()
	}
	if he.Retryable() {
		o.Status = connectors.StatusFailed
	} else {
		o.Status = connectors.StatusRejected
	}
	o.Reason = reason
	return nil
}

// forEach runs fn for each index with bounded concurrency; the first error returned by fn cancels
// the rest and is returned.
func (d *Destination) forEach(ctx context.Context, idx []int, fn func(context.Context, int) error) error {
	if len(idx) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	work := make(chan int)
	for w := 0; w < d.cfg.Concurrency && w < len(idx); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
feed:
	for _, i := range idx {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}
