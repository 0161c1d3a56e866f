// sync_test.go tests Sync against a real SQLite ledger: handles kept for removals, run-level
// tallies across attempts, and the in-doubt rule.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/connectors"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/store/sqlite"
)

// audienceDest keeps an audience keyed by handle, as an ad platform keeps hashed identifiers: a
// remove must name the member the way it was added.
type audienceDest struct {
	held     map[string]bool // handle -> present
	failNext error
	calls    int
}

func (d *audienceDest) MaxBatch() int                  { return 2 }
func (d *audienceDest) Idempotent() bool               { return true }
func (d *audienceDest) Supports(op connectors.Op) bool { return true }
func (d *audienceDest) Handle(m connectors.Member) string {
	return "h:" + m.Email
}
func (d *audienceDest) Apply(_ context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	d.calls++
	if err := d.failNext; err != nil {
		d.failNext = nil
		return nil, err
	}
	var out []connectors.Outcome
	for _, m := range b.Members {
		h := m.Handle
		if b.Op == connectors.OpAdd {
			h = d.Handle(m)
		}
		if h == "" {
			out = append(out, connectors.Outcome{ProfileID: m.ProfileID, Status: connectors.StatusRejected, Reason: "no identifier"})
			continue
		}
		d.held[h] = b.Op == connectors.OpAdd
		out = append(out, connectors.Outcome{ProfileID: m.ProfileID, Status: connectors.StatusDelivered})
	}
	return out, nil
}

func ledger(t *testing.T) store.Store {
	st, err := sqlite.Open(context.Background(), "file:"+filepath.Join(t.TempDir(), "l.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func audience(ids ...string) Audience {
	var a Audience
	for _, id := range ids {
		a.Members = append(a.Members, NewEntry(connectors.Member{ProfileID: id, Email: id + "@x.io", Segments: []string{"s"}}))
	}
	return a
}

func TestSync(t *testing.T) {
	ctx := context.Background()
	st := ledger(t)
	d := &audienceDest{held: map[string]bool{}}
	sync := func(run string, a Audience) (int, int, error) {
		res, err := Sync(ctx, st, Request{Destination: "ads", Run: run, Connector: d, Audience: a})
		return res.Added, res.Removed, err
	}
	added, _, err := sync("r1", audience("p1", "p2", "p3"))
	require.NoError(t, err)
	assert.Equal(t, 3, added)
	assert.Equal(t, map[string]bool{"h:p1@x.io": true, "h:p2@x.io": true, "h:p3@x.io": true}, d.held)

	t.Run("a member who leaves is removed by the handle the ledger kept, with no profile", func(t *testing.T) {
		_, removed, err := sync("r2", audience("p1", "p3"))
		require.NoError(t, err)
		assert.Equal(t, 1, removed)
		assert.False(t, d.held["h:p2@x.io"], "gone at the vendor")
	})
	t.Run("a retried attempt reports the whole run", func(t *testing.T) {
		d.failNext = errors.New("connection reset")
		_, _, err := sync("r3", audience("p1", "p3", "p4", "p5", "p6"))
		require.Error(t, err)
		added, _, err := sync("r3", audience("p1", "p3", "p4", "p5", "p6"))
		require.NoError(t, err)
		assert.Equal(t, 3, added, "p4, p5 and p6, whichever attempt sent them")
		res, err := Sync(ctx, st, Request{Destination: "ads", Run: "r3", Connector: d, Audience: audience("p1", "p3", "p4", "p5", "p6")})
		require.NoError(t, err)
		assert.Equal(t, 3, res.Added)
		assert.Zero(t, res.Batches, "a third attempt has nothing to send")
	})
	t.Run("a member whose email changes is removed under the old handle and added under the new", func(t *testing.T) {
		a := audience("p1", "p3", "p4", "p5", "p6")
		a.Members[0] = NewEntry(connectors.Member{ProfileID: "p1", Email: "p1-new@x.io", Segments: []string{"s"}})
		res, err := Sync(ctx, st, Request{Destination: "ads", Run: "r3b", Connector: d, Audience: a})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Updated)
		assert.Equal(t, 1, res.Removed)
		assert.False(t, d.held["h:p1@x.io"], "the old identity is gone")
		assert.True(t, d.held["h:p1-new@x.io"])
		members, err := st.DestinationMembers(ctx, "ads")
		require.NoError(t, err)
		assert.Equal(t, "h:p1-new@x.io", members["p1"].Handle, "the ledger keeps the new handle")
	})
	t.Run("batch keys depend on the members, not on positions", func(t *testing.T) {
		a := audience("p7", "p8")
		k1 := batchKey("ads", "r4", "add", a.Members)
		k2 := batchKey("ads", "r4", "add", audience("p8", "p9").Members)
		assert.NotEqual(t, k1, k2)
		assert.Equal(t, k1, batchKey("ads", "r4", "add", audience("p7", "p8").Members))
	})
}

// mailDest imitates a transactional email vendor: not idempotent (a resend is a second email), it
// lists what it sent (Settler), and it can die mid-call the way a killed worker does. Like the
// HTTP transport, it calls the sending hook right before the request leaves.
type mailDest struct {
	sent    map[string]int // profile id -> emails received
	crash   string         // "before" the request leaves, "after" it was received, "lost" in flight
	crashed bool
}

func (d *mailDest) MaxBatch() int                  { return 2 }
func (d *mailDest) Idempotent() bool               { return false }
func (d *mailDest) Supports(op connectors.Op) bool { return op == connectors.OpAdd }
func (d *mailDest) Apply(ctx context.Context, b connectors.Batch) ([]connectors.Outcome, error) {
	die := d.crash != "" && !d.crashed
	if die && d.crash == "before" {
		d.crashed = true
		runtime.Goexit() // killed while waiting for the rate limiter
	}
	if fn := connectors.SendingHook(ctx); fn != nil {
		if err := fn(); err != nil {
			return nil, err
		}
	}
	if die && d.crash == "lost" {
		d.crashed = true
		runtime.Goexit() // the request left but never arrived
	}
	var out []connectors.Outcome
	for _, m := range b.Members {
		d.sent[m.ProfileID]++
		out = append(out, connectors.Outcome{ProfileID: m.ProfileID, Status: connectors.StatusDelivered, ProviderID: "msg-" + m.ProfileID})
	}
	if die {
		d.crashed = true
		runtime.Goexit() // killed before the answer was recorded
	}
	return out, nil
}
func (d *mailDest) Settle(_ context.Context, rows []connectors.Unsettled) ([]connectors.Outcome, error) {
	var out []connectors.Outcome
	for _, r := range rows {
		if d.sent[r.ProfileID] > 0 {
			out = append(out, connectors.Outcome{ProfileID: r.ProfileID, Status: connectors.StatusDelivered, ProviderID: "msg-" + r.ProfileID})
		}
	}
	return out, nil
}

// TestSync_KilledMidCall kills a non-idempotent sync at each point of a call, then retries it as
// Temporal would: nothing is sent twice, nothing reserved but unsent is stranded, and a call that
// went out is settled from the vendor's own list.
func TestSync_KilledMidCall(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		crash            string
		added, inDoubt   int
		firstBatchEmails int
	}{
		{crash: "before", added: 4, firstBatchEmails: 1}, // never left: sent by the retry
		{crash: "after", added: 4, firstBatchEmails: 1},  // received: verified, not resent
		{crash: "lost", added: 2, inDoubt: 2},            // left, never arrived: in doubt, not resent
	} {
		t.Run(tc.crash, func(t *testing.T) {
			st := ledger(t)
			d := &mailDest{sent: map[string]int{}, crash: tc.crash}
			req := Request{Destination: "mail", Run: "r1", Connector: d, Audience: audience("p1", "p2", "p3", "p4")}
			done := make(chan struct{})
			go func() {
				defer close(done)
				_, _ = Sync(ctx, st, req)
			}()
			<-done
			require.True(t, d.crashed)
			res, err := Sync(ctx, st, req)
			require.NoError(t, err)
			assert.Equal(t, tc.added, res.Added)
			assert.Equal(t, tc.inDoubt, res.InDoubt)
			assert.Equal(t, tc.firstBatchEmails, d.sent["p1"], "p1's emails")
			for _, id := range []string{"p1", "p2", "p3", "p4"} {
				assert.LessOrEqual(t, d.sent[id], 1, "%s got one email at most", id)
			}
		})
	}
	t.Run("a refusal before sending is not in doubt", func(t *testing.T) {
		st := ledger(t)
		d := &mailDest{sent: map[string]int{}}
		req := Request{Destination: "mail", Run: "r1", Connector: &notSent{d}, Audience: audience("p1")}
		res, err := Sync(ctx, st, req)
		require.Error(t, err)
		assert.Equal(t, 1, res.Failed)
		assert.Zero(t, res.InDoubt)
	})
}

// notSent fails every call before its request leaves.
type notSent struct{ *mailDest }

func (n *notSent) Apply(context.Context, connectors.Batch) ([]connectors.Outcome, error) {
	return nil, fmt.Errorf("%w: the store was unavailable", connectors.ErrNotSent)
}
