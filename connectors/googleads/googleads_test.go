// This file tests the Google Ads Customer Match destination against the sandbox imitation.
package googleads

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/hashing"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/sandbox"
)

const (
	testToken = "ya29.test-token"
	userList  = "customers/1234567890/userLists/555"
)

func start(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 5}), Token: testToken,
		Only: []string{sandbox.GoogleAds}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

func newDest(t *testing.T, sb *sandbox.Sandbox, mod func(*Config)) *Destination {
	t.Helper()
	cfg := Config{BaseURL: sb.URLs[sandbox.GoogleAds] + "/v26", Token: testToken, DeveloperToken: "dev-token",
		CustomerID: "123-456-7890", LoginCustomerID: "999-000-1111", UserList: "555", ConsentGranted: true}
	if mod != nil {
		mod(&cfg)
	}
	d, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func sha(s string) string { return hashing.SHA256(s) }

func TestNew_Config(t *testing.T) {
	base := Config{Token: "t", DeveloperToken: "d", CustomerID: "1"}
	tests := []struct {
		name, want, list string
		mod              func(*Config)
	}{
		{name: "id", list: "customers/1/userLists/7", mod: func(c *Config) { c.UserList = "7" }},
		{name: "resource name", list: "customers/1/userLists/7", mod: func(c *Config) { c.UserList = "customers/1/userLists/7" }},
		{name: "other customer", want: "user_list", mod: func(c *Config) { c.UserList = "customers/2/userLists/7" }},
		{name: "no developer token", want: "$GOOGLE_ADS_DEVELOPER_TOKEN", mod: func(c *Config) { c.UserList = "7"; c.DeveloperToken = "" }},
		{name: "no token", want: "$GOOGLE_ADS_TOKEN", mod: func(c *Config) { c.UserList = "7"; c.Token = "" }},
		{name: "bad customer", want: "customer_id", mod: func(c *Config) { c.UserList = "7"; c.CustomerID = "abc" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := base
			tt.mod(&cfg)
			d, err := New(cfg)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want %q", err, tt.want)
				}
				return
			}
			if err != nil || d.cfg.UserList != tt.list {
				t.Fatalf("%v %q", err, d.cfg.UserList)
			}
		})
	}
	d, _ := New(Config{Token: "t", DeveloperToken: "d", CustomerID: "1", UserList: "7"})
	if d.MaxBatch() != 100000 || !d.Idempotent() || !d.Supports(connectors.OpRemove) {
		t.Fatal("contract")
	}
	if _, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: make([]connectors.Member, 100001)}); err == nil {
		t.Fatal("oversized batch accepted")
	}
}

func TestDestination_Apply(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	ctx := context.Background()
	members := []connectors.Member{
		{ProfileID: "p1", Email: " Ada@Example.org", Phone: "+1 800 555 0101"},
		{ProfileID: "p2", Phone: "+18005550101"},
		{ProfileID: "p3", FirstName: "Bo", LastName: "Li", Address: record.Address{Country: "US", Postcode: "94103"}},
		{ProfileID: "p4", FirstName: "Nobody"},
	}
	outs, err := d.Apply(ctx, connectors.Batch{Key: "g/run1/add/1", Op: connectors.OpAdd, Members: members, Seq: 1, Last: true, Total: 4})
	if err != nil {
		t.Fatal(err)
	}
	jobs := sb.GoogleAdsJobs()
	if len(jobs) != 1 || jobs[0].Status != "SUCCESS" || jobs[0].Operations != 3 || jobs[0].LoginCustomerID != "9990001111" || jobs[0].UserList != userList {
		t.Fatalf("jobs = %+v", jobs)
	}
	for i, o := range outs {
		want := connectors.StatusDelivered
		if i == 3 {
			want = connectors.StatusRejected
		}
		if o.Status != want || (want == connectors.StatusDelivered && o.ProviderID != jobs[0].ResourceName) {
			t.Errorf("outcome %d = %+v", i, o)
		}
	}
	list := sb.GoogleAdsUserList(userList)
	phone := "61d6c2976b5d92b1ad63073a12fddd26040cd980067d03a93dd1cc50f1a3ac68"
	if !list[sha("ada@example.org")] || !list[phone] || len(list) != 3 {
		t.Fatalf("list = %v", list)
	}
	t.Run("remove", func(t *testing.T) {
		outs, err := d.Apply(ctx, connectors.Batch{Key: "g/run2/remove/1", Op: connectors.OpRemove,
			Members: []connectors.Member{{ProfileID: "p1", Email: "ada@example.org"}}})
		if err != nil || outs[0].Status != connectors.StatusDelivered {
			t.Fatalf("%v %+v", err, outs)
		}
		if l := sb.GoogleAdsUserList(userList); l[sha("ada@example.org")] || len(l) != 2 {
			t.Fatalf("list = %v", l)
		}
	})
}

func TestDestination_PartialFailure(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	var ms []connectors.Member
	for i := 0; i < 5; i++ {
		ms = append(ms, connectors.Member{ProfileID: fmt.Sprint("p", i), Email: fmt.Sprintf("u%d@example.org", i)})
	}
	ms = append([]connectors.Member{{ProfileID: "none"}}, ms...) // shifts operation indices against member indices
	sb.GoogleAdsRejectHashes(sha("u1@example.org"), sha("u3@example.org"))
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: ms})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		switch o.ProfileID {
		case "p1", "p3":
			if o.Status != connectors.StatusRejected || !strings.HasPrefix(o.Reason, "offlineUserDataJobError=INVALID_SHA256_FORMAT") {
				t.Errorf("%+v", o)
			}
		case "none":
			if o.Status != connectors.StatusRejected {
				t.Errorf("%+v", o)
			}
		default:
			if o.Status != connectors.StatusDelivered || o.Reason != "" {
				t.Errorf("%+v", o)
			}
		}
	}
	if l := sb.GoogleAdsUserList(userList); len(l) != 3 || l[sha("u1@example.org")] {
		t.Fatalf("list = %v", l)
	}
}

func TestDestination_Errors(t *testing.T) {
	ctx := context.Background()
	one := []connectors.Member{{ProfileID: "p1", Email: "ada@example.org"}}
	t.Run("throttled", func(t *testing.T) {
		sb := start(t)
		sb.Faults.Set(sandbox.GoogleAds, sandbox.Fault{Kind: sandbox.Fault429})
		_, err := newDest(t, sb, nil).Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		he, ok := httpx.AsError(err)
		if !ok || !he.Throttled || !he.Retryable() || he.RetryAfter != 30*time.Second || he.Code != "RESOURCE_EXHAUSTED" {
			t.Fatalf("err = %v", err)
		}
		if n := sb.Stats(sandbox.GoogleAds).Requests.Load(); n != 1 {
			t.Fatalf("%d requests", n)
		}
	})
	t.Run("failed run is redone as a new job", func(t *testing.T) {
		sb := start(t)
		sb.Faults.Set(sandbox.GoogleAds, sandbox.Fault{Kind: sandbox.Fault429, PathContains: ":run", Times: 1})
		d := newDest(t, sb, nil)
		if _, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one}); err == nil {
			t.Fatal("no error")
		}
		if len(sb.GoogleAdsUserList(userList)) != 0 {
			t.Fatal("list changed by a job that never ran")
		}
		outs, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		if err != nil || outs[0].Status != connectors.StatusDelivered {
			t.Fatalf("%v %+v", err, outs)
		}
		jobs := sb.GoogleAdsJobs()
		if len(jobs) != 2 || jobs[0].Status != "PENDING" || jobs[1].Status != "SUCCESS" || !sb.GoogleAdsUserList(userList)[sha("ada@example.org")] {
			t.Fatalf("jobs = %+v", jobs)
		}
	})
	t.Run("bad token", func(t *testing.T) {
		sb := start(t)
		_, err := newDest(t, sb, func(c *Config) { c.Token = "expired-token"; c.TokenEnv = "GADS_TOKEN" }).Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		he, ok := httpx.AsError(err)
		if !ok || he.Retryable() || he.Status != 401 || !strings.Contains(err.Error(), "$GADS_TOKEN") ||
			!strings.Contains(err.Error(), "OAUTH_TOKEN_INVALID") || strings.Contains(err.Error(), "expired-token") {
			t.Fatalf("err = %v", err)
		}
	})
}

// One job per list and op: a batch larger than one addOperations call is added to one job in
// several calls and run once (Google's guidance), not one job per 10,000.
func TestDestination_OneJobPerBatch(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	const n = 2*opsPerCall + 500
	ms := make([]connectors.Member, n)
	for i := range ms {
		ms[i] = connectors.Member{ProfileID: fmt.Sprint("p", i), Email: fmt.Sprintf("user%d@example.org", i), Phone: fmt.Sprintf("+1415%07d", i)}
	}
	outs, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: ms})
	if err != nil {
		t.Fatal(err)
	}
	if outs[n-1].Status != connectors.StatusDelivered || len(sb.GoogleAdsUserList(userList)) != n {
		t.Fatalf("%+v %d", outs[n-1], len(sb.GoogleAdsUserList(userList)))
	}
	jobs := sb.GoogleAdsJobs()
	if len(jobs) != 1 || jobs[0].Operations != n || jobs[0].Status != "SUCCESS" {
		t.Fatalf("jobs = %+v, want one job of %d operations, run", jobs, n)
	}
}

func TestDestination_NotAllowlisted(t *testing.T) {
	sb := start(t)
	sb.GoogleAdsNotAllowlisted(true)
	d := newDest(t, sb, nil)
	_, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: []connectors.Member{{ProfileID: "p", Email: "a@example.org"}}})
	if err == nil || !strings.Contains(err.Error(), "CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE") || !strings.Contains(err.Error(), "Data Manager") {
		t.Fatalf("err = %v: want Google's reason and the way out", err)
	}
	if rep := d.Check(context.Background(), false); rep.Err() == nil {
		t.Fatal("check passed for a token that is not allow-listed")
	}
	if v := APIVersion("https://googleads.googleapis.com/v22"); v.Ends.Format("2006-01-02") != "2026-10-07" {
		t.Fatalf("v22 sunset = %v", v.Ends)
	}
}
