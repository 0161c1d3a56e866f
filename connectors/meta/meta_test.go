// This file tests the Meta custom audience destination against the sandbox imitation.
package meta

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/connectors/hashing"
	"github.com/cdpflow/cdpflow/connectors/httpx"
	"github.com/cdpflow/cdpflow/sandbox"
)

const (
	testToken = "meta-secret-token"
	audience  = "23850000000001"
)

func start(t *testing.T) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(sandbox.ServerOptions{Dataset: sandbox.Generate(sandbox.Options{People: 5}), Token: testToken,
		Only: []string{sandbox.Meta}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sb.Close)
	return sb
}

func newDest(t *testing.T, sb *sandbox.Sandbox, mod func(*Config)) *Destination {
	t.Helper()
	cfg := Config{Name: "meta", BaseURL: sb.URLs[sandbox.Meta] + "/v25.0", Token: testToken, TokenEnv: "META_TOKEN", AudienceID: audience}
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

const (
	maryHash  = "f1904cf1a9d73a55fa5de0ac823c4403ded71afd4c3248d00bdcd0866552bb79"
	phoneHash = "1ef970831d7963307784fa8688e8fce101a15685d62aa765fed23f3a2c576a4e"
)

func TestNew_Config(t *testing.T) {
	tests := []struct {
		name, want string
		cfg        Config
	}{
		{"no token", "$META_TOKEN", Config{AudienceID: "1"}},
		{"bad audience", "audience_id", Config{Token: "t", AudienceID: "act_1"}},
		{"unknown field", "not supported", Config{Token: "t", AudienceID: "1", Schema: []string{"EMAIL", "SHOE_SIZE"}}},
		{"no strong key", "needs EMAIL or PHONE", Config{Token: "t", AudienceID: "1", Schema: []string{"FN", "LN"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	d, err := New(Config{Token: "t", AudienceID: "1"})
	if err != nil || d.MaxBatch() != 10000 || !d.Idempotent() || !d.Supports(connectors.OpRemove) || fmt.Sprint(d.cfg.Schema) != "[EMAIL PHONE FN LN]" {
		t.Fatalf("defaults: %v %+v", err, d)
	}
	if _, err := d.Apply(context.Background(), connectors.Batch{Op: connectors.OpAdd, Members: make([]connectors.Member, 10001)}); err == nil {
		t.Fatal("oversized batch accepted")
	}
}

func TestSessionID(t *testing.T) {
	a1 := SessionID("meta/run-1/add/1", audience, connectors.OpAdd)
	a2 := SessionID("meta/run-1/add/2", audience, connectors.OpAdd)
	r1 := SessionID("meta/run-1/remove/1", audience, connectors.OpRemove)
	b1 := SessionID("meta/run-2/add/1", audience, connectors.OpAdd)
	if a1 != a2 || a1 == r1 || a1 == b1 || a1 <= 0 || r1 <= 0 || b1 <= 0 {
		t.Fatalf("session ids %d %d %d %d", a1, a2, r1, b1)
	}
}

func TestDestination_ApplyAdd(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	ctx := context.Background()
	batches := [][]connectors.Member{
		{{ProfileID: "p1", Email: " Mary@Example.com ", FirstName: "Mary", LastName: "O'Neil", Phone: "+4420 7946 0958"}},
		{{ProfileID: "p2", Phone: "+15559876543"}, {ProfileID: "p3", FirstName: "Only", LastName: "Names"}},
		{{ProfileID: "p4", Email: "z@example.org"}},
	}
	for i, ms := range batches {
		b := connectors.Batch{Key: fmt.Sprintf("meta/run-1/add/%d", i+1), Op: connectors.OpAdd, Members: ms, Seq: i + 1, Last: i == 2, Total: 4}
		outs, err := d.Apply(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			want := connectors.StatusDelivered
			if o.ProfileID == "p3" {
				want = connectors.StatusRejected
			}
			if o.Status != want {
				t.Errorf("%+v, want %s", o, want)
			}
			if want == connectors.StatusDelivered && o.ProviderID != fmt.Sprintf("%d:%d", SessionID(b.Key, audience, b.Op), i+1) {
				t.Errorf("provider id %q", o.ProviderID)
			}
		}
	}
	aud := sb.MetaAudience(audience)
	if !aud[maryHash] || !aud[phoneHash] || !aud[sha("z@example.org")] || len(aud) != 3 {
		t.Fatalf("audience = %v", aud)
	}
	sess := sb.MetaSessions(audience)
	if len(sess) != 1 || fmt.Sprint(sess[0].Seqs) != "[1 2 3]" || !sess[0].LastFlag || sess[0].EstimatedTotal != 4 ||
		sess[0].Received != 3 || sess[0].ID != SessionID("meta/run-1/add/9", audience, connectors.OpAdd) {
		t.Fatalf("sessions = %+v", sess)
	}
	t.Run("remove", func(t *testing.T) {
		outs, err := d.Apply(ctx, connectors.Batch{Key: "meta/run-2/remove/1", Op: connectors.OpRemove, Seq: 1, Last: true, Total: 1,
			Members: []connectors.Member{{ProfileID: "p1", Email: "mary@example.com"}}})
		if err != nil || outs[0].Status != connectors.StatusDelivered {
			t.Fatalf("%v %+v", err, outs)
		}
		if aud := sb.MetaAudience(audience); aud[maryHash] || len(aud) != 2 {
			t.Fatalf("audience = %v", aud)
		}
		if s := sb.MetaSessions(audience); len(s) != 2 || s[1].Op != "remove" {
			t.Fatalf("sessions = %+v", s)
		}
	})
}

func TestDestination_InvalidEntries(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	var ms []connectors.Member
	for i := 0; i < 6; i++ {
		ms = append(ms, connectors.Member{ProfileID: fmt.Sprint("p", i), Email: fmt.Sprintf("u%d@example.org", i)})
	}
	// three rows invalid; the sandbox, like Meta, quotes only two samples
	sb.MetaInvalidHashes(sha("u1@example.org"), sha("u2@example.org"), sha("u3@example.org"))
	outs, err := d.Apply(context.Background(), connectors.Batch{Key: "meta/r/add/1", Op: connectors.OpAdd, Members: ms, Seq: 1, Last: true, Total: 6})
	if err != nil {
		t.Fatal(err)
	}
	rejected, noted := 0, 0
	for _, o := range outs {
		switch {
		case o.Status == connectors.StatusRejected && strings.HasPrefix(o.Reason, "invalid entry: EMAIL"):
			rejected++
		case o.Status == connectors.StatusDelivered && strings.Contains(o.Reason, "3 of 6 rows invalid, 1 not identified"):
			noted++
		default:
			t.Errorf("unexpected %+v", o)
		}
	}
	if rejected != 2 || noted != 4 {
		t.Fatalf("rejected %d, delivered with note %d", rejected, noted)
	}
}

func TestDestination_Errors(t *testing.T) {
	ctx := context.Background()
	one := []connectors.Member{{ProfileID: "p1", Email: "mary@example.com"}}
	t.Run("removal refused is failed, not dropped", func(t *testing.T) {
		sb := start(t)
		d := newDest(t, sb, nil)
		if _, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one}); err != nil {
			t.Fatal(err)
		}
		sb.MetaRefuseRemovals(true)
		outs, err := d.Apply(ctx, connectors.Batch{Op: connectors.OpRemove, Members: append(one, connectors.Member{ProfileID: "p2"})})
		if err != nil {
			t.Fatal(err)
		}
		if outs[0].Status != connectors.StatusFailed || !strings.Contains(outs[0].Reason, "too small") || outs[1].Status != connectors.StatusRejected {
			t.Fatalf("%+v", outs)
		}
		if !sb.MetaAudience(audience)[maryHash] {
			t.Fatal("member removed although refused")
		}
	})
	t.Run("throttled", func(t *testing.T) {
		sb := start(t)
		sb.Faults.Set(sandbox.Meta, sandbox.Fault{Kind: sandbox.Fault429})
		_, err := newDest(t, sb, nil).Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		he, ok := httpx.AsError(err)
		if !ok || !he.Throttled || !he.Retryable() || he.RetryAfter != time.Minute || he.Code != "17/2446079" || he.Status != 400 {
			t.Fatalf("err = %v", err)
		}
		if n := sb.Stats(sandbox.Meta).Requests.Load(); n != 1 {
			t.Fatalf("%d requests: a 1-minute wait must go back to the engine, not be slept", n)
		}
	})
	t.Run("bad token", func(t *testing.T) {
		sb := start(t)
		_, err := newDest(t, sb, func(c *Config) { c.Token = "not-the-token" }).Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		he, ok := httpx.AsError(err)
		if !ok || he.Retryable() || he.Code != "190" || !strings.Contains(err.Error(), "$META_TOKEN") {
			t.Fatalf("err = %v", err)
		}
		if strings.Contains(err.Error(), "not-the-token") || strings.Contains(he.Body, "not-the-token") {
			t.Fatalf("token leaked: %v", err)
		}
	})
	t.Run("server error is retryable", func(t *testing.T) {
		sb := start(t)
		sb.Faults.Set(sandbox.Meta, sandbox.Fault{Kind: sandbox.Fault500})
		_, err := newDest(t, sb, nil).Apply(ctx, connectors.Batch{Op: connectors.OpAdd, Members: one})
		if he, ok := httpx.AsError(err); !ok || !he.Retryable() {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestDestination_FullBatch(t *testing.T) {
	sb := start(t)
	d := newDest(t, sb, nil)
	ms := make([]connectors.Member, MaxBatch)
	for i := range ms {
		ms[i] = connectors.Member{ProfileID: fmt.Sprint("p", i), Email: fmt.Sprintf("user%d@example.org", i), FirstName: "Ann"}
	}
	outs, err := d.Apply(context.Background(), connectors.Batch{Key: "meta/big/add/1", Op: connectors.OpAdd, Members: ms, Seq: 1, Last: true, Total: MaxBatch})
	if err != nil {
		t.Fatal(err)
	}
	if outs[MaxBatch-1].Status != connectors.StatusDelivered || len(sb.MetaAudience(audience)) != MaxBatch {
		t.Fatalf("last outcome %+v, audience %d", outs[MaxBatch-1], len(sb.MetaAudience(audience)))
	}
}

func TestAPIVersionSupport(t *testing.T) {
	day := time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)
	if expired, warn := apiVersion("v25.0").Support(day); expired || !strings.Contains(warn, "2027-02-23") {
		t.Fatalf("v25.0: expired=%v warning=%q: want a warning naming 2027-02-23", expired, warn)
	}
	if expired, _ := apiVersion("v24.0").Support(day); !expired {
		t.Fatal("v24.0 expired on 2026-11-10")
	}
	if expired, warn := apiVersion("v26.0").Support(day); expired || warn != "" {
		t.Fatalf("v26.0: %v %q", expired, warn)
	}
	d, err := New(Config{Token: "t", AudienceID: "1", BaseURL: "https://graph.facebook.com/v25.0"})
	if err != nil || d.cfg.APIVersion != "v25.0" {
		t.Fatalf("a version in base_url wins: %v %q", err, d.cfg.APIVersion)
	}
}
