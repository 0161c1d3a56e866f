// sync_test.go tests Sync against a real SQLite ledger: handles kept for removals, run-level
// tallies across attempts, and the in-doubt rule.
package delivery

import (
	"context"
	"errors"
	"path/filepath"
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
