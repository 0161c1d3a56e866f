// Conformance tests: the delivery ledger and destination membership.
package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/store"
)

func delivery(dest, run string, op store.DeliveryOp, profile string) store.Delivery {
	return store.Delivery{Destination: dest, Run: run, Op: op, ProfileID: profile, BatchKey: run + "-b1", Fingerprint: "fp-" + profile,
		Handle: "h-" + profile}
}

func withStatus(d store.Delivery, status store.DeliveryStatus) store.Delivery {
	d.Status = status
	d.Attempts++
	return d
}

func deliveryKeys(ds []store.Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Destination + "/" + d.Run + "/" + string(d.Op) + "/" + d.ProfileID
	}
	return out
}

func testLedger(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	scan := func(f store.DeliveryFilter) []store.Delivery {
		return collect(t, func(fn func(store.Delivery) error) error { return s.ScanDeliveries(ctx, f, fn) })
	}
	membersOf := func(dest string) map[string]store.DestinationMember {
		t.Helper()
		m, err := s.DestinationMembers(ctx, dest)
		require.NoError(t, err)
		return m
	}
	p1, p2, p3 := delivery("ads", "run1", "add", "p1"), delivery("ads", "run1", "add", "p2"), delivery("ads", "run1", "add", "p3")

	t.Run("ReserveReturnsExistingRows", func(t *testing.T) {
		existing, err := s.ReserveDeliveries(ctx, []store.Delivery{p2, p1})
		require.NoError(t, err)
		require.Empty(t, existing)

		rows := scan(store.DeliveryFilter{Destination: "ads"})
		require.Equal(t, []string{"ads/run1/add/p1", "ads/run1/add/p2"}, deliveryKeys(rows))
		for _, r := range rows {
			require.Equal(t, store.DeliveryPending, r.Status)
			require.Equal(t, "run1-b1", r.BatchKey)
			require.False(t, r.UpdatedAt.IsZero())
		}

		existing, err = s.ReserveDeliveries(ctx, []store.Delivery{p1, p2, p3})
		require.NoError(t, err)
		require.Equal(t, []string{"ads/run1/add/p1", "ads/run1/add/p2"}, deliveryKeys(existing))
		require.Equal(t, store.DeliveryPending, existing[0].Status)
		require.Len(t, scan(store.DeliveryFilter{Destination: "ads"}), 3)
	})
	t.Run("RecordMovesMembership", func(t *testing.T) {
		d1 := withStatus(p1, store.DeliveryDelivered)
		d1.ProviderID = "vendor-1"
		d1.UpdatedAt = base.Add(1500 * time.Nanosecond)
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{
			d1,
			withStatus(p2, store.DeliveryFailed),
			withStatus(p3, store.DeliveryRejected),
		}))
		require.Equal(t, map[string]store.DestinationMember{"p1": {ProfileID: "p1", Fingerprint: "fp-p1", Run: "run1", Handle: "h-p1"}}, membersOf("ads"))

		existing, err := s.ReserveDeliveries(ctx, []store.Delivery{p1})
		require.NoError(t, err)
		require.Len(t, existing, 1)
		got := existing[0]
		require.Equal(t, store.DeliveryDelivered, got.Status, "a retry learns what it already did")
		require.Equal(t, "vendor-1", got.ProviderID)
		require.Equal(t, 1, got.Attempts)
		require.Equal(t, "fp-p1", got.Fingerprint)
		requireTime(t, d1.UpdatedAt, got.UpdatedAt, "updated_at")

		// Recording the same outcome again is harmless.
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{d1}))
		require.Len(t, membersOf("ads"), 1)
	})
	t.Run("DeliveredRemoveEndsMembership", func(t *testing.T) {
		add4 := delivery("ads", "run2", "add", "p4")
		rm1 := delivery("ads", "run2", "remove", "p1")
		_, err := s.ReserveDeliveries(ctx, []store.Delivery{add4, rm1})
		require.NoError(t, err)
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{withStatus(add4, store.DeliveryDelivered), withStatus(rm1, store.DeliveryDelivered)}))
		m := membersOf("ads")
		require.Len(t, m, 1)
		require.Equal(t, store.DestinationMember{ProfileID: "p4", Fingerprint: "fp-p4", Run: "run2", Handle: "h-p4"}, m["p4"], "the handle stays for a later remove")
	})
	t.Run("FailedAndRejectedKeepMembership", func(t *testing.T) {
		rm4 := delivery("ads", "run3", "remove", "p4")
		add5 := delivery("ads", "run3", "add", "p5")
		add6 := delivery("ads", "run3", "add", "p6")
		_, err := s.ReserveDeliveries(ctx, []store.Delivery{rm4, add5, add6})
		require.NoError(t, err)
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{
			withStatus(rm4, store.DeliveryFailed),
			withStatus(add5, store.DeliveryRejected),
			withStatus(add6, store.DeliveryInDoubt),
		}))
		m := membersOf("ads")
		require.Len(t, m, 1)
		require.Contains(t, m, "p4")
	})
	t.Run("DeliveredUpdateRefreshesTheMember", func(t *testing.T) {
		up := delivery("ads", "run3b", store.OpUpdate, "p4")
		up.Fingerprint, up.Handle = "fp-p4-v2", "h-p4-v2"
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{withStatus(up, store.DeliveryDelivered)}))
		m := membersOf("ads")
		require.Equal(t, store.DestinationMember{ProfileID: "p4", Fingerprint: "fp-p4-v2", Run: "run3b", Handle: "h-p4-v2"}, m["p4"])
	})
	t.Run("DestinationsAreSeparate", func(t *testing.T) {
		other := delivery("email", "run3", "add", "p1")
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{withStatus(other, store.DeliveryDelivered)}), "recording without reserving inserts the row")
		require.Equal(t, []string{"p1"}, keysOf(membersOf("email")))
		require.Equal(t, []string{"p4"}, keysOf(membersOf("ads")))
		require.Empty(t, membersOf("nowhere"))
	})
	t.Run("ScanFilters", func(t *testing.T) {
		require.Len(t, scan(store.DeliveryFilter{}), 10)
		require.Equal(t, []string{"ads/run1/add/p1", "ads/run1/add/p2", "ads/run1/add/p3"}, deliveryKeys(scan(store.DeliveryFilter{Run: "run1"})))
		require.Equal(t, []string{"ads/run1/add/p1", "ads/run2/remove/p1", "email/run3/add/p1"}, deliveryKeys(scan(store.DeliveryFilter{ProfileID: "p1"})))
		require.Equal(t, []string{"ads/run1/add/p1", "ads/run2/add/p4", "ads/run2/remove/p1", "ads/run3b/update/p4"},
			deliveryKeys(scan(store.DeliveryFilter{Destination: "ads", Statuses: []store.DeliveryStatus{store.DeliveryDelivered}})))
		require.Equal(t, []string{"ads/run1/add/p2", "ads/run3/remove/p4"}, deliveryKeys(scan(store.DeliveryFilter{Statuses: []store.DeliveryStatus{store.DeliveryFailed}})))
		require.Equal(t, []string{"email/run3/add/p1"}, deliveryKeys(scan(store.DeliveryFilter{Destination: "email", Run: "run3", Statuses: []store.DeliveryStatus{store.DeliveryDelivered}, ProfileID: "p1"})))
		require.Empty(t, scan(store.DeliveryFilter{Destination: "nowhere"}))
		require.Equal(t, []string{"ads/run1/add/p3", "ads/run3/add/p5", "ads/run3/add/p6"},
			deliveryKeys(scan(store.DeliveryFilter{Destination: "ads", Statuses: []store.DeliveryStatus{store.DeliveryInDoubt, store.DeliveryRejected}})))
	})
}

func keysOf[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}
