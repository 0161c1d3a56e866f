// Conformance tests: the retention purge.
package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func testRetention(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	now := base.Add(1000 * time.Hour)
	old, recent := now.Add(-800*time.Hour), now.Add(-time.Hour)

	// An old terminated run (never finished) and a recent one, both with staged records.
	require.NoError(t, s.StartRun(ctx, store.Run{ID: "old", Kind: "refresh", StartedAt: old}))
	require.NoError(t, s.StartRun(ctx, store.Run{ID: "new", Kind: "refresh", StartedAt: recent}))
	require.NoError(t, s.FinishRun(ctx, "new", "failed", nil))
	for _, run := range []string{"old", "new"} {
		require.NoError(t, s.Stage(ctx, run, record.Batch{Customers: []record.Customer{{Source: "crm", SourceID: "c1", Email: "a@x.io"}}}))
	}
	require.NoError(t, s.Quarantine(ctx, []store.QuarantineItem{
		{Run: "old", Source: "crm", Kind: record.KindCustomer, ID: "q1", Reasons: []store.Reason{{Field: "email", Reason: "invalid_email"}}, At: old},
		{Run: "new", Source: "crm", Kind: record.KindCustomer, ID: "q2", Reasons: []store.Reason{{Field: "email", Reason: "invalid_email"}}, At: recent},
	}))
	at := func(d store.Delivery, status store.DeliveryStatus, when time.Time) store.Delivery {
		d = withStatus(d, status)
		d.UpdatedAt = when
		return d
	}
	rows := []store.Delivery{
		at(delivery("ads", "old", store.OpAdd, "p1"), store.DeliveryDelivered, old), // superseded below: purged
		at(delivery("ads", "new", store.OpUpdate, "p1"), store.DeliveryDelivered, recent),
		at(delivery("ads", "old", store.OpAdd, "p2"), store.DeliveryDelivered, old), // p2's only row: kept
		at(delivery("mail", "old", store.OpAdd, "p3"), store.DeliveryRejected, old), // a refused address: kept
		at(delivery("mail", "old", store.OpAdd, "p4"), store.DeliveryInDoubt, old),  // unsettled: kept
		at(delivery("mail", "new", store.OpAdd, "p4"), store.DeliveryDelivered, recent),
	}
	_, err := s.ReserveDeliveries(ctx, rows)
	require.NoError(t, err)
	require.NoError(t, s.RecordDeliveries(ctx, rows))

	cut := now.Add(-100 * time.Hour)
	got, err := s.Purge(ctx, store.PurgeRequest{Staged: cut, Quarantine: cut, LedgerDetails: cut, RunSummaries: cut})
	require.NoError(t, err)
	assert.Equal(t, store.Purged{Staged: 1, Quarantine: 1, LedgerDetails: 1, RunSummaries: 0}, got,
		"the old run is still marked running: its summary stays, its staged rows go")

	n, err := s.StagedCounts(ctx, "old", "crm")
	require.NoError(t, err)
	assert.Empty(t, n)
	n, err = s.StagedCounts(ctx, "new", "crm")
	require.NoError(t, err)
	assert.Equal(t, 1, n[record.KindCustomer])
	left := collect(t, func(fn func(store.Delivery) error) error { return s.ScanDeliveries(ctx, store.DeliveryFilter{}, fn) })
	assert.ElementsMatch(t, []string{"ads/new/update/p1", "ads/old/add/p2", "mail/old/add/p3", "mail/old/add/p4", "mail/new/add/p4"}, deliveryKeys(left))

	require.NoError(t, s.FinishRun(ctx, "old", "terminated", nil))
	got, err = s.Purge(ctx, store.PurgeRequest{RunSummaries: cut})
	require.NoError(t, err)
	assert.Equal(t, int64(1), got.RunSummaries)
	_, err = s.GetRun(ctx, "old")
	require.ErrorIs(t, err, store.ErrNotFound)

	got, err = s.Purge(ctx, store.PurgeRequest{})
	require.NoError(t, err)
	assert.Zero(t, got, "zero cutoffs keep everything")
}
