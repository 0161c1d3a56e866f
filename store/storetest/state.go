// Conformance tests: quarantine and watermarks.
package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func testQuarantine(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	raw := json.RawMessage(`{"id": "7",   "email":"not-an-email", "z": 1, "a": [1, 2]}`) // kept byte for byte
	at := base.Add(1234567 * time.Nanosecond)
	items := []store.QuarantineItem{
		{Run: "run1", Source: "shop", Kind: record.KindOrder, ID: "o1", Reasons: []store.Reason{{Field: "total", Reason: "negative", Value: "-5"}}, Record: json.RawMessage(`{"id":"o1"}`), At: at},
		{Run: "run1", Source: "crm", Kind: record.KindCustomer, ID: "7", Reasons: []store.Reason{
			{Field: "email", Reason: "invalid_email", Value: "not-an-email"},
			{Field: "source_id", Reason: "missing", Value: ""},
		}, Record: raw, At: at},
		{Run: "run2", Source: "crm", Kind: record.KindCustomer, ID: "8", Reasons: []store.Reason{{Field: "email", Reason: "invalid_email", Value: "x"}}, Record: json.RawMessage(`{}`), At: at},
		{Run: "run1", Source: "crm", Kind: record.KindOrder, ID: "7", Reasons: []store.Reason{{Field: "total", Reason: "missing"}}, Record: json.RawMessage(`{"id":"7"}`), At: at},
	}
	scan := func(run string) []store.QuarantineItem {
		return collect(t, func(fn func(store.QuarantineItem) error) error { return s.ScanQuarantine(ctx, run, fn) })
	}

	require.NoError(t, s.Quarantine(ctx, items))
	require.NoError(t, s.Quarantine(ctx, items), "idempotent")

	got := scan("run1")
	require.Len(t, got, 3)
	var order []string
	for _, q := range got {
		order = append(order, q.Run+"/"+q.Source+"/"+q.ID+"/"+string(q.Kind))
	}
	require.Equal(t, []string{"run1/crm/7/customers", "run1/crm/7/orders", "run1/shop/o1/orders"}, order)
	first := got[0]
	require.Equal(t, items[1].Reasons, first.Reasons)
	require.Equal(t, string(raw), string(first.Record), "raw record kept verbatim")
	requireTime(t, at, first.At, "at")

	require.Len(t, scan(""), 4)
	require.Empty(t, scan("run-none"))

	// A later write of the same key replaces the item.
	changed := items[1]
	changed.Reasons = []store.Reason{{Field: "email", Reason: "disposable", Value: "x@mailinator.com"}}
	require.NoError(t, s.Quarantine(ctx, []store.QuarantineItem{changed}))
	got = scan("run1")
	require.Len(t, got, 3)
	require.Equal(t, changed.Reasons, got[0].Reasons)

	// At defaults to now.
	require.NoError(t, s.Quarantine(ctx, []store.QuarantineItem{{Run: "run3", Source: "crm", Kind: record.KindCustomer, ID: "9"}}))
	got = scan("run3")
	require.Len(t, got, 1)
	require.False(t, got[0].At.IsZero())
	require.Empty(t, got[0].Reasons)
}

func testWatermarks(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	_, err := s.GetWatermark(ctx, "crm", record.KindCustomer)
	require.ErrorIs(t, err, store.ErrNotFound)

	v1 := base.Add(-time.Hour)
	require.NoError(t, s.SetWatermark(ctx, store.Watermark{Source: "crm", Kind: record.KindCustomer, Value: v1, Run: "run1"}))
	require.NoError(t, s.SetWatermark(ctx, store.Watermark{Source: "crm", Kind: record.KindOrder, Value: base, Run: "run1", UpdatedAt: base}))

	w, err := s.GetWatermark(ctx, "crm", record.KindCustomer)
	require.NoError(t, err)
	require.Equal(t, "crm", w.Source)
	require.Equal(t, record.KindCustomer, w.Kind)
	require.Equal(t, "run1", w.Run)
	requireTime(t, v1, w.Value, "value")
	require.False(t, w.UpdatedAt.IsZero(), "UpdatedAt defaults to now")

	w, err = s.GetWatermark(ctx, "crm", record.KindOrder)
	require.NoError(t, err)
	requireTime(t, base, w.Value, "orders value")
	requireTime(t, base, w.UpdatedAt, "orders updated_at")

	_, err = s.GetWatermark(ctx, "shop", record.KindCustomer)
	require.ErrorIs(t, err, store.ErrNotFound, "per source")
	_, err = s.GetWatermark(ctx, "crm", record.KindEngagement)
	require.ErrorIs(t, err, store.ErrNotFound, "per kind")

	v2 := base.Add(time.Hour)
	require.NoError(t, s.SetWatermark(ctx, store.Watermark{Source: "crm", Kind: record.KindCustomer, Value: v2, Run: "run2"}))
	w, err = s.GetWatermark(ctx, "crm", record.KindCustomer)
	require.NoError(t, err)
	requireTime(t, v2, w.Value, "replaced value")
	require.Equal(t, "run2", w.Run)
}
