// This file holds Settle, which learns what became of queued and in-doubt sends: messages/info by
// the _id the send returned, else messages/search by the recipient since the send. A message's
// state sent settles as delivered; bounced and rejected settle as rejected (a refused address is
// never sent to again). Messages still queued or deferred, and sends Mandrill has no record of,
// are left unsettled. Handle is the recipient's address hash, which lets the engine recognise a
// refused address whatever else changed.
package mandrill

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
)

var (
	_ connectors.Settler = (*Destination)(nil)
	_ connectors.Handler = (*Destination)(nil)
)

// messageInfo is messages/info's answer and one messages/search result.
type messageInfo struct {
	ID                string            `json:"_id"`
	Email             string            `json:"email"`
	State             string            `json:"state"` // sent | bounced | rejected | soft-bounced | deferred | queued
	Template          string            `json:"template"`
	TS                int64             `json:"ts"`
	Metadata          map[string]string `json:"metadata"`
	RejectReason      string            `json:"reject_reason"`
	BounceDescription string            `json:"bounce_description"`
}

// Handle is the md5 of the lowercased address (as Mailchimp's subscriber hash): never the
// address itself.
func (d *Destination) Handle(m connectors.Member) string {
	e := address(m.Email)
	if e == "" {
		return ""
	}
	sum := md5.Sum([]byte(e))
	return hex.EncodeToString(sum[:])
}

// Settle looks up each row's message and reports the settled ones.
func (d *Destination) Settle(ctx context.Context, rows []connectors.Unsettled) ([]connectors.Outcome, error) {
	var out []connectors.Outcome
	for _, r := range rows {
		msg, found, err := d.lookup(ctx, r)
		if err != nil {
			return out, err
		}
		if !found {
			continue
		}
		o := connectors.Outcome{ProfileID: r.ProfileID, ProviderID: msg.ID}
		switch msg.State {
		case "sent":
			o.Status = connectors.StatusDelivered
			o.Reason = "sent"
		case "bounced":
			o.Status, o.Reason = connectors.StatusRejected, "hard-bounce"
			if msg.BounceDescription != "" {
				o.Reason += ": " + msg.BounceDescription
			}
		case "rejected":
			o.Status, o.Reason = connectors.StatusRejected, msg.RejectReason
			if o.Reason == "" {
				o.Reason = "rejected"
			}
		default: // any other state (the reference lists sent, bounced, rejected): Mandrill holds the message, not final yet
			o.Status, o.Reason = connectors.StatusQueued, msg.State
		}
		out = append(out, o)
	}
	return out, nil
}

// lookup finds a row's message: by id, else by recipient, template and batch key since the send.
func (d *Destination) lookup(ctx context.Context, r connectors.Unsettled) (messageInfo, bool, error) {
	if r.ProviderID != "" {
		var m messageInfo
		_, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/messages/info",
			Body: map[string]any{"key": d.cfg.APIKey, "id": r.ProviderID}}, &m)
		if he, ok := httpx.AsError(err); ok && he.Code == "Unknown_Message" {
			return m, false, nil
		}
		if err != nil {
			return m, false, fmt.Errorf("mandrill: messages/info: %w", err)
		}
		return m, true, nil
	}
	email := address(r.Email)
	if email == "" {
		return messageInfo{}, false, nil // the profile is gone: nothing to search by
	}
	from := r.Since.Add(-24 * time.Hour).UTC().Format("2006-01-02")
	var found []messageInfo
	_, err := d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/messages/search", Read: true, Body: map[string]any{
		"key": d.cfg.APIKey, "query": "email:" + email, "date_from": from, "limit": 100}}, &found)
	if err != nil {
		return messageInfo{}, false, fmt.Errorf("mandrill: messages/search: %w", err)
	}
	for _, m := range found {
		if !strings.EqualFold(m.Email, email) || (m.Template != "" && m.Template != d.cfg.Template) {
			continue
		}
		if r.BatchKey != "" && m.Metadata["idempotency_key"] != "" && m.Metadata["idempotency_key"] != r.BatchKey {
			continue
		}
		return m, true, nil
	}
	return messageInfo{}, false, nil
}

// Check authenticates (users/ping) and verifies the template exists (templates/info).
func (d *Destination) Check(ctx context.Context, _ bool) connectors.CheckReport {
	r := connectors.CheckReport{API: connectors.APIVersion{API: "Mailchimp Transactional API", Version: "1.0"}}
	_, err := d.c.Do(ctx, httpx.Request{Method: http.MethodPost, Path: "/users/ping", Body: map[string]any{"key": d.cfg.APIKey}})
	if !r.Step("authenticate", err, "") {
		return r
	}
	var t struct {
		Name string `json:"name"`
	}
	_, err = d.c.JSON(ctx, httpx.Request{Method: http.MethodPost, Path: "/templates/info",
		Body: map[string]any{"key": d.cfg.APIKey, "name": d.cfg.Template}}, &t)
	r.Step("template exists", err, "%q", d.cfg.Template)
	if d.cfg.BatchSize > 10 {
		r.Warn("batch_size %d: Mandrill answers calls of more than 10 recipients with queued for everyone; outcomes are settled on later runs", d.cfg.BatchSize)
	}
	return r
}
