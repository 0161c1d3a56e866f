// This file tests the Mandrill destination against the sandbox imitation.
package mandrill

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/sandbox"
)

const testKey = "md-test-key"

func start(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 5}), Token: testKey,
		Only: []string{sandbox.Mandrill}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

func newDest(t *testing.T, sb *sandbox.Sandbox, mod func(*Config)) *Destination {
	t.Helper()
	cfg := Config{Name: "md", BaseURL: sb.URLs[sandbox.Mandrill] + "/api/1.0", APIKey: testKey, APIKeyEnv: "MD_KEY",
		Template: "winback-offer", FromEmail: "offers@shop.example.com", Tags: []string{"winback"}}
	if mod != nil {
		mod(&cfg)
	}
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var one = []connectors.Member{{ProfileID: "p1", Email: "ada@example.org", FirstName: "Ada"}}

func TestDestination_Contract(t *testing.T) {
	d, err := New(Config{APIKey: "k", Template: "t"})
	if err != nil {
		t.Fatal(err)
	}
	if d.MaxBatch() != DefaultBatch || d.Idempotent() || !d.Supports(connectors.OpAdd) || d.Supports(connectors.OpRemove) {
		t.Fatalf("contract wrong")
	}
	if _, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpRemove, Members: one}); err == nil {
		t.Fatal("remove accepted")
	}
	if _, err := New(Config{Template: "t", APIKeyEnv: "MD_KEY"}); err == nil || !strings.Contains(err.Error(), "$MD_KEY") {
		t.Fatalf("missing key: %v", err)
	}
	small, _ := New(Config{APIKey: "k", Template: "t", BatchSize: 2})
	if _, err := small.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: make([]connectors.Member, 3)}); err == nil {
		t.Fatal("oversized batch accepted")
	}
}

func TestDestination_ApplySend(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	members := []connectors.Member{
		{ProfileID: "p1", Email: "Ada@Example.org", FirstName: "Ada", LastName: "Lovelace"},
		{ProfileID: "p2", Email: "hard.bounce@example.org", FirstName: "Bo"},
		{ProfileID: "p3", Email: "nodomain@localhost"},
		{ProfileID: "p4", Email: ""},
		{ProfileID: "p5", Email: "ada@example.org"}, // shares p1's address: one email
	}
	outs, err := d.Apply(context.Background(), connectors.Batch{Key: "md/run7/add/1", Op: connectors.OpAdd, Members: members, Seq: 1, Last: true, Total: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		st     connectors.Status
		reason string
	}{{connectors.StatusDelivered, ""}, {connectors.StatusRejected, "hard-bounce"}, {connectors.StatusRejected, "invalid"},
		{connectors.StatusRejected, "no_email"}, {connectors.StatusDelivered, ""}}
	for i, w := range want {
		o := outs[i]
		if o.ProfileID != members[i].ProfileID || o.Status != w.st || !strings.HasPrefix(o.Reason, w.reason) {
			t.Errorf("outcome %d = %+v, want %s %q", i, o, w.st, w.reason)
		}
	}
	if outs[0].ProviderID == "" || outs[0].ProviderID != outs[4].ProviderID {
		t.Errorf("provider ids %q %q", outs[0].ProviderID, outs[4].ProviderID)
	}
	if sent := sb.MandrillSent(); sent["ada@example.org"] != 1 || len(sent) != 1 {
		t.Errorf("sent = %v", sent)
	}
	msgs := sb.MandrillMessages()
	if len(msgs) != 3 {
		t.Fatalf("%d messages recorded", len(msgs))
	}
	m := msgs[0]
	if m.PreserveRecipients == nil || *m.PreserveRecipients || m.Metadata["idempotency_key"] != "md/run7/add/1" ||
		m.RecipientMetadata["profile_id"] != "p1" || m.MergeVars["FNAME"] != "Ada" || m.MergeVars["LNAME"] != "Lovelace" ||
		m.Template != "winback-offer" || m.FromEmail != "offers@shop.example.com" || len(m.Tags) != 1 {
		t.Errorf("message = %+v", m)
	}
}

func TestDestination_Queued(t *testing.T) {
	sb := start(t)
	sb.MandrillQueue("hourly-quota-exhausted")
	outs, err := newDest(t, sb, nil).Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: one})
	if err != nil {
		t.Fatal(err)
	}
	if outs[0].Status != connectors.StatusQueued || outs[0].Reason != "queued: hourly-quota-exhausted" {
		t.Fatalf("%+v", outs[0])
	}
	// Still queued at Mandrill: known but not final; once the backlog is worked off, it settles as sent.
	d := newDest(t, sb, nil)
	got, err := d.Settle(context.Background(), []connectors.Unsettled{{ProfileID: "p1", ProviderID: outs[0].ProviderID}})
	if err != nil || len(got) != 1 || got[0].Status != connectors.StatusQueued {
		t.Fatalf("a queued message: %+v %v", got, err)
	}
	sb.MandrillDeliver()
	got, _ = d.Settle(context.Background(), []connectors.Unsettled{{ProfileID: "p1", ProviderID: outs[0].ProviderID}})
	if len(got) != 1 || got[0].Status != connectors.StatusDelivered {
		t.Fatalf("%+v", got)
	}
}

// members returns n members; those at the given indexes have addresses Mandrill refuses.
func members(n int, bad map[int]string) []connectors.Member {
	out := make([]connectors.Member, n)
	for i := range out {
		email := fmt.Sprintf("user%d@example.org", i)
		if b, ok := bad[i]; ok {
			email = fmt.Sprintf("%s%d@example.org", b, i)
		}
		out[i] = connectors.Member{ProfileID: fmt.Sprint("p", i), Email: email}
	}
	return out
}

// The reference's rule: more than 10 recipients in a call are answered queued for everyone, so a
// rejection never shows in the answer. The default batch of 10 reports every outcome.
func TestMoreThanTenRecipientsAreQueuedAndSettledLater(t *testing.T) {
	sb := start(t)
	bad := map[int]string{3: "bounce", 7: "unsub"}
	d := newDest(t, sb, nil)
	if d.MaxBatch() != 10 {
		t.Fatalf("default batch %d, want 10", d.MaxBatch())
	}
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: members(10, bad)})
	if err != nil {
		t.Fatal(err)
	}
	if outs[3].Status != connectors.StatusRejected || outs[3].Reason != "hard-bounce" || outs[7].Reason != "unsub" || outs[0].Status != connectors.StatusDelivered {
		t.Fatalf("10 recipients: %+v", outs)
	}

	big := newDest(t, sb, func(c *Config) { c.BatchSize = 12 })
	ms := members(12, bad)
	for i := range ms {
		ms[i].ProfileID, ms[i].Email = "big-"+ms[i].ProfileID, "big-"+ms[i].Email
	}
	outs, err = big.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: ms})
	if err != nil {
		t.Fatal(err)
	}
	var rows []connectors.Unsettled
	for i, o := range outs {
		if o.Status != connectors.StatusQueued || !strings.Contains(o.Reason, "multiple-recipients") {
			t.Fatalf("12 recipients: outcome %d = %+v, want queued (multiple-recipients)", i, o)
		}
		rows = append(rows, connectors.Unsettled{ProfileID: o.ProfileID, ProviderID: o.ProviderID})
	}
	// A lost answer (no id) is found by recipient.
	rows[0].ProviderID, rows[0].Email = "", ms[0].Email
	settled, err := big.Settle(context.Background(), rows)
	if err != nil {
		t.Fatal(err)
	}
	by := map[string]connectors.Outcome{}
	for _, o := range settled {
		by[o.ProfileID] = o
	}
	if len(settled) != 12 || by["big-p3"].Status != connectors.StatusRejected || !strings.HasPrefix(by["big-p3"].Reason, "hard-bounce") ||
		by["big-p7"].Reason != "unsub" || by["big-p0"].Status != connectors.StatusDelivered || by["big-p0"].ProviderID == "" {
		t.Fatalf("settled = %+v", settled)
	}
	if rep := big.Check(context.Background(), false); rep.Err() != nil || len(rep.Warnings) != 1 {
		t.Fatalf("check: %+v", rep)
	}
}

func TestDestination_Errors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name      string
		setup     func(*sandbox.Sandbox)
		cfg       func(*Config)
		retryable bool
		inDoubt   bool
		code      string
		contains  string
		sent      int // emails the sandbox accepted
	}{
		{name: "unknown template", cfg: func(c *Config) { c.Template = "nope" }, code: "Unknown_Template", contains: "No such template"},
		{name: "bad key", cfg: func(c *Config) { c.APIKey = "wrong-secret" }, code: "Invalid_Key", contains: "$MD_KEY"},
		{name: "throttled", setup: func(sb *sandbox.Sandbox) { sb.Faults.Set(sandbox.Mandrill, sandbox.Fault{Kind: sandbox.Fault429}) },
			retryable: true, code: "ServiceUnavailable", contains: "retry after 2s"},
		{name: "truncated answer is in doubt", setup: func(sb *sandbox.Sandbox) {
			sb.Faults.Set(sandbox.Mandrill, sandbox.Fault{Kind: sandbox.FaultTruncate})
		}, retryable: true, inDoubt: true, code: "malformed_response", sent: 1},
		{name: "bare 500 is in doubt", setup: func(sb *sandbox.Sandbox) { sb.Faults.Set(sandbox.Mandrill, sandbox.Fault{Kind: sandbox.Fault500}) },
			retryable: true, inDoubt: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := start(t)
			if tt.setup != nil {
				tt.setup(sb)
			}
			d := newDest(t, sb, tt.cfg)
			_, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
			he, ok := httpx.AsError(err)
			if !ok {
				t.Fatalf("err = %v", err)
			}
			if he.Retryable() != tt.retryable || errors.Is(err, ErrInDoubt) != tt.inDoubt || he.Code != tt.code ||
				!strings.Contains(err.Error(), tt.contains) {
				t.Fatalf("err = %v (retryable %v, code %q)", err, he.Retryable(), he.Code)
			}
			if strings.Contains(err.Error(), "wrong-secret") || strings.Contains(err.Error(), testKey) {
				t.Fatalf("key leaked: %v", err)
			}
			if tt.name == "throttled" && he.RetryAfter != 2*time.Second {
				t.Fatalf("retry after %s", he.RetryAfter)
			}
			if got := sb.MandrillSent()["ada@example.org"]; got != tt.sent {
				t.Fatalf("sent %d", got)
			}
			if n := sb.Stats(sandbox.Mandrill).Requests.Load(); n != 1 {
				t.Fatalf("%d requests: a send must never be retried inside the call", n)
			}
		})
	}
}
