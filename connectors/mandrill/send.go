// This file holds the send-template call and the mapping of per-recipient results to outcomes.
package mandrill

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

// send makes one send-template call with one "to" recipient per distinct address and
// preserve_recipients false, so each member receives an individual message and sees no other
// address. The batch's idempotency key travels in message metadata (for tracing: Mandrill does not
// deduplicate on it); each recipient carries its profile_id in recipient_metadata.
//
// Outcomes: sent -> delivered with ProviderID = Mandrill's _id; queued/scheduled -> queued (the
// message is accepted but its fate is reported later: a call of more than 10 recipients always
// answers queued, with queued_reason multiple-recipients; Settle learns the outcome);
// rejected/invalid -> rejected with the reject_reason; a member without a usable address is
// rejected without a call. A recipient missing from the answer is reported rejected with an
// "in doubt" reason rather than failed, so it is never sent twice.
func (d *Destination) send(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	out := make([]connectors.Outcome, len(b.Members))
	req := sendTemplateRequest{Key: d.cfg.APIKey, TemplateName: d.cfg.Template, TemplateContent: []templateRegion{}}
	req.Message = message{FromEmail: d.cfg.FromEmail, FromName: d.cfg.FromName, PreserveRecipients: false, Tags: d.cfg.Tags}
	if b.Key != "" {
		req.Message.Metadata = map[string]string{"idempotency_key": b.Key}
	}
	seen := map[string]bool{}
	for i, m := range b.Members {
		out[i] = connectors.Outcome{ProfileID: m.ProfileID}
		e := address(m.Email)
		if e == "" {
			out[i].Status, out[i].Reason = connectors.StatusRejected, "no_email: member has no usable email address"
			continue
		}
		if seen[e] {
			continue // one email per address, whichever profiles share it
		}
		seen[e] = true
		name := strings.TrimSpace(strings.TrimSpace(m.FirstName) + " " + strings.TrimSpace(m.LastName))
		req.Message.To = append(req.Message.To, recipient{Email: e, Name: name, Type: "to"})
		var vars []mergeVar
		if v := strings.TrimSpace(m.FirstName); v != "" {
			vars = append(vars, mergeVar{Name: "FNAME", Content: v})
		}
		if v := strings.TrimSpace(m.LastName); v != "" {
			vars = append(vars, mergeVar{Name: "LNAME", Content: v})
		}
		if len(vars) > 0 {
			req.Message.MergeVars = append(req.Message.MergeVars, rcptMergeVars{Rcpt: e, Vars: vars})
		}
		if m.ProfileID != "" {
			req.Message.RecipientMetadata = append(req.Message.RecipientMetadata,
				recipientMetadata{Rcpt: e, Values: map[string]string{"profile_id": m.ProfileID}})
		}
	}
	if len(req.Message.To) == 0 {
		return out, nil
	}
	var results []sendResult
	if _, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/messages/send-template", Body: req}, &results); err != nil {
		if inDoubt(err) {
			return nil, fmt.Errorf("mandrill: send template %q to %d recipients: %w: %w", d.cfg.Template, len(req.Message.To), ErrInDoubt, err)
		}
		return nil, fmt.Errorf("mandrill: send template %q to %d recipients: %w", d.cfg.Template, len(req.Message.To), err)
	}
	by := map[string]sendResult{}
	for _, r := range results {
		by[address(r.Email)] = r
	}
	for i, m := range b.Members {
		e := address(m.Email)
		if e == "" {
			continue
		}
		o := &out[i]
		r, ok := by[e]
		if !ok {
			o.Status, o.Reason = connectors.StatusRejected, "missing from Mandrill's answer: in doubt, not re-sent"
			continue
		}
		o.ProviderID = r.ID
		switch r.Status {
		case "sent":
			o.Status = connectors.StatusDelivered
		case "queued", "scheduled":
			o.Status = connectors.StatusQueued
			o.Reason = r.Status
			if r.QueuedReason != "" {
				o.Reason += ": " + r.QueuedReason
			}
		case "rejected":
			o.Status, o.Reason = connectors.StatusRejected, r.RejectReason
			if o.Reason == "" {
				o.Reason = "rejected"
			}
		case "invalid":
			o.Status, o.Reason = connectors.StatusRejected, "invalid"
		default:
			o.Status, o.Reason = connectors.StatusRejected, fmt.Sprintf("unknown status %q: in doubt, not re-sent", r.Status)
		}
	}
	return out, nil
}

// inDoubt reports whether a failed call may nonetheless have sent: no answer (timeout, reset), an
// unreadable 200, or a 5xx that is not one of Mandrill's own refusals (or is its GeneralError).
// Refusals Mandrill names, 429s and other 4xx answers mean nothing was sent.
func inDoubt(err error) bool {
	he, ok := httpx.AsError(err)
	if !ok {
		return true
	}
	switch {
	case he.Status == 0:
		return true // transport error, timeout, or a 2xx whose body could not be decoded
	case he.Status >= 200 && he.Status < 300:
		return true
	case he.Code == errGeneral:
		return true
	case he.Code != "":
		return false
	case he.Status == http.StatusTooManyRequests:
		return false
	}
	return he.Status >= 500
}

func address(s string) string {
	e := strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexByte(e, '@'); i <= 0 || i == len(e)-1 {
		return ""
	}
	return e
}
