// This file tests the Mailchimp destination against the sandbox imitation.
package mailchimp

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/sandbox"
)

const testKey = "0123456789abcdef-us7"
const testList = "a1b2c3"

func start(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 5}), Token: testKey,
		Only: []string{sandbox.Mailchimp}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

func newDest(t *testing.T, sb *sandbox.Sandbox, mod func(*Config)) *Destination {
	t.Helper()
	cfg := Config{Name: "mc", BaseURL: sb.URLs[sandbox.Mailchimp] + "/3.0", APIKey: testKey, APIKeyEnv: "MC_KEY",
		ListID: testList, MergeFields: true}
	if mod != nil {
		mod(&cfg)
	}
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func byProfile(outs []connectors.Outcome) map[string]connectors.Outcome {
	m := map[string]connectors.Outcome{}
	for _, o := range outs {
		m[o.ProfileID] = o
	}
	return m
}

func TestSubscriberHash(t *testing.T) {
	if got := SubscriberHash(" Urist.McVankab@FreddiesJokes.com "); got != "62eeb292278cc15f5817cb78f7790b08" {
		t.Fatalf("SubscriberHash = %s", got)
	}
}

func TestNew_Config(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
		wantURL string
	}{
		{"derives dc", Config{APIKey: "abc-us19", ListID: "l"}, "", "https://us19.api.mailchimp.com/3.0"},
		{"no key", Config{ListID: "l", APIKeyEnv: "X_KEY"}, "$X_KEY", ""},
		{"no dc", Config{APIKey: "abc", ListID: "l"}, "no -<dc> suffix", ""},
		{"no list", Config{APIKey: "abc-us1"}, "list_id", ""},
		{"untag needs segments", Config{APIKey: "abc-us1", ListID: "l", Remove: RemoveUntag}, "needs the destination's segments", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := New(tt.cfg)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.cfg.BaseURL != tt.wantURL {
				t.Fatalf("base = %s", d.cfg.BaseURL)
			}
		})
	}
}

func TestDestination_Contract(t *testing.T) {
	d, err := New(Config{APIKey: "k-us1", ListID: "l"})
	if err != nil {
		t.Fatal(err)
	}
	if d.MaxBatch() != 500 || !d.Idempotent() || !d.Supports(connectors.OpAdd) || !d.Supports(connectors.OpRemove) {
		t.Fatalf("contract: max %d idem %v", d.MaxBatch(), d.Idempotent())
	}
	_, err = d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: make([]connectors.Member, 501)})
	if err == nil || !strings.Contains(err.Error(), "exceeds") {
		t.Fatalf("oversized batch: %v", err)
	}
}

func TestDestination_ApplyAdd(t *testing.T) {
	sb := start(t)
	sb.MailchimpSetMember(testList, sandbox.MailchimpMember{Email: "gone@example.org", Status: "unsubscribed"})
	d := newDest(t, sb, func(c *Config) { c.Segments = []string{"vip", "at_risk", "winback"} })
	ctx := context.Background()
	members := []connectors.Member{
		{ProfileID: "p1", Email: "ada@example.org", FirstName: "Ada", LastName: "Lovelace", Segments: []string{"at_risk", "vip"}},
		{ProfileID: "p2", Email: "Gone@Example.org", FirstName: "Gone", Segments: []string{"vip"}},
		{ProfileID: "p3", Email: "promo77@mailinator.com", Segments: []string{"vip"}},
		{ProfileID: "p4", Email: "john.at.gmail.com", Segments: []string{"vip"}},
		{ProfileID: "p5", Email: "ADA@example.org", Segments: []string{"at_risk", "vip"}}, // same address as p1
	}
	outs, err := d.Apply(ctx, connectors.Batch{Key: "mc/run1/add/1", Op: connectors.OpAdd, Members: members, Seq: 1, Last: true, Total: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != len(members) {
		t.Fatalf("%d outcomes for %d members", len(outs), len(members))
	}
	got := byProfile(outs)
	t.Run("outcomes", func(t *testing.T) {
		want := map[string]connectors.Status{"p1": connectors.StatusDelivered, "p2": connectors.StatusRejected,
			"p3": connectors.StatusRejected, "p4": connectors.StatusRejected, "p5": connectors.StatusDelivered}
		for p, st := range want {
			if got[p].Status != st {
				t.Errorf("%s: %+v, want %s", p, got[p], st)
			}
		}
		if got["p1"].ProviderID != SubscriberHash("ada@example.org") {
			t.Errorf("p1 provider id %q", got["p1"].ProviderID)
		}
		if !strings.Contains(got["p2"].Reason, "compliance state") || !strings.HasPrefix(got["p2"].Reason, "ERROR_GENERIC") {
			t.Errorf("p2 reason %q", got["p2"].Reason)
		}
		if !strings.HasPrefix(got["p4"].Reason, "no_email") {
			t.Errorf("p4 reason %q", got["p4"].Reason)
		}
	})
	t.Run("sandbox state", func(t *testing.T) {
		ms := sb.MailchimpMembers(testList)
		ada := ms["ada@example.org"]
		if ada.Status != "subscribed" || ada.MergeFields["FNAME"] != "Ada" || ada.MergeFields["LNAME"] != "Lovelace" {
			t.Errorf("ada = %+v", ada)
		}
		if fmt.Sprint(ada.Tags) != "[at_risk vip]" {
			t.Errorf("ada tags %v", ada.Tags)
		}
		if ms["gone@example.org"].Status != "unsubscribed" {
			t.Errorf("an unsubscribed contact was resubscribed: %+v", ms["gone@example.org"])
		}
		if _, ok := ms["promo77@mailinator.com"]; ok {
			t.Errorf("rejected address stored")
		}
		if n := sb.MailchimpTagCalls(); n != 1 {
			t.Errorf("tag calls = %d, want 1 (duplicates tagged once)", n)
		}
	})
	t.Run("segment move deactivates old tag", func(t *testing.T) {
		_, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{
			{ProfileID: "p1", Email: "ada@example.org", Segments: []string{"winback"}}}})
		if err != nil {
			t.Fatal(err)
		}
		ada := sb.MailchimpMembers(testList)["ada@example.org"]
		if fmt.Sprint(ada.Tags) != "[winback]" || ada.MergeFields["LNAME"] != "Lovelace" {
			t.Errorf("ada = %+v", ada)
		}
	})
}

func TestDestination_ApplyRemove(t *testing.T) {
	ctx := context.Background()
	t.Run("archive", func(t *testing.T) {
		sb := start(t)
		d := newDest(t, sb, nil)
		add := []connectors.Member{{ProfileID: "p1", Email: "a@example.org", Segments: []string{"vip"}},
			{ProfileID: "p2", Email: "b@example.org", Segments: []string{"vip"}}}
		if _, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: add}); err != nil {
			t.Fatal(err)
		}
		rm := []connectors.Member{{ProfileID: "p1", Email: "a@example.org"}, {ProfileID: "p9", Email: "never@example.org"}}
		for round := 1; round <= 2; round++ { // the second round finds both gone: still delivered
			outs, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpRemove, Members: rm})
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range outs {
				if o.Status != connectors.StatusDelivered {
					t.Errorf("round %d: %+v", round, o)
				}
			}
		}
		ms := sb.MailchimpMembers(testList)
		if !ms["a@example.org"].Archived || ms["b@example.org"].Archived {
			t.Errorf("members = %+v", ms)
		}
	})
	t.Run("untag", func(t *testing.T) {
		sb := start(t)
		d := newDest(t, sb, func(c *Config) { c.Remove = RemoveUntag; c.Segments = []string{"vip", "loyal"} })
		if _, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{
			{ProfileID: "p1", Email: "a@example.org", Segments: []string{"loyal", "vip"}}}}); err != nil {
			t.Fatal(err)
		}
		outs, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpRemove, Members: []connectors.Member{{ProfileID: "p1", Email: "a@example.org"}}})
		if err != nil || outs[0].Status != connectors.StatusDelivered {
			t.Fatalf("%v %+v", err, outs)
		}
		a := sb.MailchimpMembers(testList)["a@example.org"]
		if a.Archived || len(a.Tags) != 0 || a.Status != "subscribed" {
			t.Errorf("a = %+v", a)
		}
	})
}

func TestDestination_Errors(t *testing.T) {
	ctx := context.Background()
	one := []connectors.Member{{ProfileID: "p1", Email: "a@example.org", Segments: []string{"vip"}}}
	t.Run("throttled", func(t *testing.T) {
		sb := start(t)
		sb.Faults.Set(sandbox.Mailchimp, sandbox.Fault{Kind: sandbox.Fault429})
		d := newDest(t, sb, nil)
		_, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		he, ok := httpx.AsError(err)
		if !ok || !he.Throttled || !he.Retryable() || he.RetryAfter != time.Second {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("throttled while tagging stops the batch", func(t *testing.T) {
		sb := start(t)
		sb.Faults.Set(sandbox.Mailchimp, sandbox.Fault{Kind: sandbox.Fault429, PathContains: "/tags"})
		d := newDest(t, sb, nil)
		_, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		if he, ok := httpx.AsError(err); !ok || !he.Retryable() {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("bad key", func(t *testing.T) {
		sb := start(t)
		d := newDest(t, sb, func(c *Config) { c.APIKey = "wrong-us7" })
		_, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		he, ok := httpx.AsError(err)
		if !ok || he.Retryable() || he.Status != 401 || !strings.Contains(err.Error(), "$MC_KEY") || strings.Contains(err.Error(), "wrong-us7") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("transient tag failure is per member", func(t *testing.T) {
		sb := start(t)
		sb.Faults.Set(sandbox.Mailchimp, sandbox.Fault{Kind: sandbox.Fault500, PathContains: "/tags", Times: 3})
		d := newDest(t, sb, func(c *Config) { c.Concurrency = 1 })
		two := append(one, connectors.Member{ProfileID: "p2", Email: "b@example.org", Segments: []string{"vip"}})
		outs, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: two})
		if err != nil {
			t.Fatal(err)
		}
		got := byProfile(outs)
		if got["p1"].Status != connectors.StatusFailed || got["p2"].Status != connectors.StatusDelivered {
			t.Fatalf("outs = %+v", outs)
		}
	})
}

func TestDestination_FullBatch(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	var ms []connectors.Member
	for i := 0; i < MaxBatch; i++ {
		ms = append(ms, connectors.Member{ProfileID: fmt.Sprint("p", i), Email: fmt.Sprintf("user%d@example.org", i), Segments: []string{"vip"}})
	}
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: ms})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		if o.Status != connectors.StatusDelivered {
			t.Fatalf("%+v", o)
		}
	}
	if n := len(sb.MailchimpMembers(testList)); n != MaxBatch {
		t.Fatalf("%d members stored", n)
	}
	if th := sb.Stats(sandbox.Mailchimp).Throttled.Load(); th != 0 {
		t.Fatalf("%d requests throttled by the connection limit", th)
	}
}
