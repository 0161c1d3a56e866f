// Conformance tests: staging and clean records.
package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func testStaging(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	scanCustomers := func(run, source string) []record.Customer {
		return collect(t, func(fn func(record.Customer) error) error {
			return s.ScanStaged(ctx, run, source, record.Visitor{Customer: fn})
		})
	}

	t.Run("PageTwiceLeavesOneCopyLastWins", func(t *testing.T) {
		page := []record.Customer{customer("crm", "2", "two@x.io"), customer("crm", "1", "one@x.io"), customer("crm", "3", "three@x.io")}
		require.NoError(t, s.Stage(ctx, "run1", record.Batch{Customers: page}))
		page[1].Email = "one-changed@x.io"
		require.NoError(t, s.Stage(ctx, "run1", record.Batch{Customers: page}))

		counts, err := s.StagedCounts(ctx, "run1", "crm")
		require.NoError(t, err)
		require.Equal(t, map[record.Kind]int{record.KindCustomer: 3}, counts)

		got := scanCustomers("run1", "crm")
		require.Equal(t, []string{"crm/1", "crm/2", "crm/3"}, customerKeys(got))
		require.Equal(t, "one-changed@x.io", got[0].Email)
		require.Equal(t, page[0], got[1], "records round-trip whole")
	})
	t.Run("DuplicateKeyInOnePageLastWins", func(t *testing.T) {
		a, b := customer("crm", "dup", "first@x.io"), customer("crm", "dup", "second@x.io")
		require.NoError(t, s.Stage(ctx, "run-dup", record.Batch{Customers: []record.Customer{a, b}}))
		got := scanCustomers("run-dup", "")
		require.Len(t, got, 1)
		require.Equal(t, "second@x.io", got[0].Email)
	})
	t.Run("ScanOrderedBySourceThenID", func(t *testing.T) {
		require.NoError(t, s.Stage(ctx, "run1", record.Batch{Customers: []record.Customer{customer("shop", "b", ""), customer("shop", "a", "")}}))
		require.Equal(t, []string{"shop/a", "shop/b"}, customerKeys(scanCustomers("run1", "shop")))
		require.Equal(t, []string{"crm/1", "crm/2", "crm/3", "shop/a", "shop/b"}, customerKeys(scanCustomers("run1", "")))
		// Byte order, not locale order: upper case sorts before lower case, "B" < "a".
		require.NoError(t, s.Stage(ctx, "run-order", record.Batch{Customers: []record.Customer{
			customer("s", "a", ""), customer("s", "B", ""), customer("s", "_", ""), customer("s", "a1", ""), customer("s", "é", ""),
		}}))
		require.Equal(t, []string{"s/B", "s/_", "s/a", "s/a1", "s/é"}, customerKeys(scanCustomers("run-order", "s")))
	})
	t.Run("CountsPerKind", func(t *testing.T) {
		require.NoError(t, s.Stage(ctx, "run1", record.Batch{Orders: []record.Order{order("crm", "o2", "2", 1000), order("crm", "o1", "1", 500)}}))
		require.NoError(t, s.Stage(ctx, "run1", record.Batch{Orders: []record.Order{order("crm", "o2", "2", 1200)}}))
		require.NoError(t, s.Stage(ctx, "run1", record.Batch{Engagements: []record.Engagement{engagement("crm", "1", 3)}}))

		counts, err := s.StagedCounts(ctx, "run1", "crm")
		require.NoError(t, err)
		require.Equal(t, map[record.Kind]int{record.KindCustomer: 3, record.KindOrder: 2, record.KindEngagement: 1}, counts)
		counts, err = s.StagedCounts(ctx, "run1", "shop")
		require.NoError(t, err)
		require.Equal(t, map[record.Kind]int{record.KindCustomer: 2}, counts)
		counts, err = s.StagedCounts(ctx, "run1", "nobody")
		require.NoError(t, err)
		require.Empty(t, counts)

		orders := collect(t, func(fn func(record.Order) error) error {
			return s.ScanStaged(ctx, "run1", "crm", record.Visitor{Order: fn})
		})
		require.Len(t, orders, 2)
		require.Equal(t, order("crm", "o1", "1", 500), orders[0])
		require.Equal(t, int64(1200), orders[1].Total.Amount)
		engs := collect(t, func(fn func(record.Engagement) error) error {
			return s.ScanStaged(ctx, "run1", "", record.Visitor{Engagement: fn})
		})
		require.Equal(t, []record.Engagement{engagement("crm", "1", 3)}, engs)
	})
	t.Run("OddCharactersRoundTrip", func(t *testing.T) {
		c := customer("crm", "odd", "nul\x00byte@x.io")
		c.FirstName = "Zoë \"Quote\" \\ 😀 \u2028"
		c.Attributes = map[string]string{"note": "line1\nline2\ttab\x00end"}
		require.NoError(t, s.Stage(ctx, "run-odd", record.Batch{Customers: []record.Customer{c}}))
		require.Equal(t, []record.Customer{c}, scanCustomers("run-odd", "crm"))
	})
	t.Run("RunsAreSeparateAndDeleteStaged", func(t *testing.T) {
		require.NoError(t, s.Stage(ctx, "run2", record.Batch{Customers: []record.Customer{customer("crm", "1", "other-run@x.io")}}))
		require.Len(t, scanCustomers("run1", "crm"), 3)
		require.NoError(t, s.DeleteStaged(ctx, "run1"))
		require.Empty(t, scanCustomers("run1", ""))
		counts, err := s.StagedCounts(ctx, "run1", "crm")
		require.NoError(t, err)
		require.Empty(t, counts)
		require.Empty(t, collect(t, func(fn func(record.Order) error) error {
			return s.ScanStaged(ctx, "run1", "", record.Visitor{Order: fn})
		}))
		got := scanCustomers("run2", "crm")
		require.Len(t, got, 1)
		require.Equal(t, "other-run@x.io", got[0].Email)
		require.NoError(t, s.DeleteStaged(ctx, "run1"), "deleting twice is harmless")
	})
	t.Run("EmptyPage", func(t *testing.T) {
		require.NoError(t, s.Stage(ctx, "run-empty", record.Batch{Customers: nil}))
		require.NoError(t, s.Stage(ctx, "run-empty", record.Batch{Orders: []record.Order{}}))
		require.NoError(t, s.Stage(ctx, "run-empty", record.Batch{Engagements: nil}))
	})
	t.Run("CancelledContext", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		require.Error(t, s.Stage(cctx, "run-cancel", record.Batch{Customers: []record.Customer{customer("crm", "1", "")}}))
	})
}

func testClean(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	scan := func() []record.Customer {
		return collect(t, func(fn func(record.Customer) error) error { return s.ScanRecords(ctx, record.Visitor{Customer: fn}) })
	}

	t.Run("LaterRunKeepsWhatItDoesNotMention", func(t *testing.T) {
		require.NoError(t, s.Upsert(ctx, "run1", record.Batch{Customers: []record.Customer{
			customer("shop", "x", "x@x.io"), customer("crm", "b", "b@x.io"), customer("crm", "a", "a@x.io"),
		}}))
		b2 := customer("crm", "b", "b-new@x.io")
		require.NoError(t, s.Upsert(ctx, "run2", record.Batch{Customers: []record.Customer{b2}}))
		require.NoError(t, s.Upsert(ctx, "run3", record.Batch{Customers: nil}), "an empty source writes nothing")

		got := scan()
		require.Equal(t, []string{"crm/a", "crm/b", "shop/x"}, customerKeys(got))
		require.Equal(t, b2, got[1])
		n, err := s.CountCustomers(ctx)
		require.NoError(t, err)
		require.Equal(t, 3, n)
	})
	t.Run("ScanCustomerData", func(t *testing.T) {
		// Undecoded pages hold what ScanRecords decodes, in the same order, the data kept valid
		// after the page is handed on.
		var rows []store.CustomerData
		require.NoError(t, s.ScanCustomerData(ctx, func(page []store.CustomerData) error {
			rows = append(rows, page...)
			return nil
		}))
		want := scan()
		require.Len(t, rows, len(want))
		for i, r := range rows {
			var c record.Customer
			require.NoError(t, json.Unmarshal(r.Data, &c))
			require.Equal(t, want[i].Key(), r.Key)
			require.Equal(t, want[i], c)
		}
	})
	t.Run("GetCustomersByKey", func(t *testing.T) {
		got, err := s.GetCustomers(ctx, []record.RecordKey{{Source: "crm", ID: "b"}, {Source: "shop", ID: "x"}, {Source: "crm", ID: "nope"}})
		require.NoError(t, err)
		require.Len(t, got, 2, "missing keys are absent")
		require.Equal(t, "b-new@x.io", got[record.RecordKey{Source: "crm", ID: "b"}].Email)
		require.Equal(t, "x@x.io", got[record.RecordKey{Source: "shop", ID: "x"}].Email)
	})
	t.Run("ChangedCustomers", func(t *testing.T) {
		keys, err := s.ChangedCustomers(ctx, "run1")
		require.NoError(t, err)
		require.Equal(t, []record.RecordKey{{Source: "crm", ID: "a"}, {Source: "shop", ID: "x"}}, keys)
		keys, err = s.ChangedCustomers(ctx, "run2")
		require.NoError(t, err)
		require.Equal(t, []record.RecordKey{{Source: "crm", ID: "b"}}, keys)
		keys, err = s.ChangedCustomers(ctx, "run3")
		require.NoError(t, err)
		require.Empty(t, keys)
	})
	t.Run("UpsertIsIdempotent", func(t *testing.T) {
		b2 := customer("crm", "b", "b-new@x.io")
		require.NoError(t, s.Upsert(ctx, "run2", record.Batch{Customers: []record.Customer{b2, b2}}))
		n, err := s.CountCustomers(ctx)
		require.NoError(t, err)
		require.Equal(t, 3, n)
	})
	t.Run("Orders", func(t *testing.T) {
		require.NoError(t, s.Upsert(ctx, "run1", record.Batch{Orders: []record.Order{order("shop", "o2", "c2", 900), order("shop", "o1", "c1", 100)}}))
		require.NoError(t, s.Upsert(ctx, "run2", record.Batch{Orders: []record.Order{order("shop", "o2", "c9", 950)}}))
		require.NoError(t, s.Upsert(ctx, "run3", record.Batch{Orders: nil}))
		got := collect(t, func(fn func(record.Order) error) error { return s.ScanRecords(ctx, record.Visitor{Order: fn}) })
		require.Equal(t, []record.Order{order("shop", "o1", "c1", 100), order("shop", "o2", "c9", 950)}, got)
	})
	t.Run("Engagements", func(t *testing.T) {
		require.NoError(t, s.Upsert(ctx, "run1", record.Batch{Engagements: []record.Engagement{engagement("ga4", "u2", 1), engagement("ga4", "u1", 7)}}))
		require.NoError(t, s.Upsert(ctx, "run2", record.Batch{Engagements: []record.Engagement{engagement("ga4", "u2", 4)}}))
		got := collect(t, func(fn func(record.Engagement) error) error {
			return s.ScanRecords(ctx, record.Visitor{Engagement: fn})
		})
		require.Equal(t, []record.Engagement{engagement("ga4", "u1", 7), engagement("ga4", "u2", 4)}, got)
	})
	t.Run("MissingFromRunIsWhatASnapshotNoLongerHolds", func(t *testing.T) {
		gone := customer("file", "3", "")
		gone.Deleted = true
		require.NoError(t, s.Upsert(ctx, "snap1", record.Batch{Customers: []record.Customer{
			customer("file", "1", "1@x.io"), customer("file", "2", "2@x.io"), gone, customer("other", "9", "9@x.io")}}))
		require.NoError(t, s.Stage(ctx, "snap2", record.Batch{Customers: []record.Customer{customer("file", "1", "1@x.io")}}))
		missing, err := s.MissingFromRun(ctx, "snap2", "file")
		require.NoError(t, err)
		require.Equal(t, []record.RecordKey{{Source: "file", ID: "2"}}, missing, "deleted records and other sources are not missing")
		n, err := s.CountLiveCustomers(ctx, "file")
		require.NoError(t, err)
		require.Equal(t, 2, n)
	})
	t.Run("BatchesOfManyStatementsWriteEveryRow", func(t *testing.T) {
		// More rows than two full statements: the repeated statement is prepared once and reused,
		// the remainder has its own; a second upsert of every row goes through both again.
		const n = 2345
		batch := make([]record.Customer, n)
		keys := make([]record.RecordKey, n)
		for i := range batch {
			batch[i] = customer("many", fmt.Sprintf("%05d", i), fmt.Sprintf("m%d@x.io", i))
			keys[i] = batch[i].Key()
		}
		for pass, domain := range []string{"x.io", "y.io"} {
			for i := range batch {
				batch[i].Email = fmt.Sprintf("m%d@%s", i, domain)
			}
			require.NoError(t, s.Upsert(ctx, fmt.Sprintf("many-%d", pass), record.Batch{Customers: batch}))
			got, err := s.GetCustomers(ctx, keys)
			require.NoError(t, err)
			require.Len(t, got, n)
			for i, k := range keys {
				require.Equal(t, batch[i].Email, got[k].Email, "customer %s after pass %d", k.ID, pass)
			}
		}
		live, err := s.CountLiveCustomers(ctx, "many")
		require.NoError(t, err)
		require.Equal(t, n, live)
	})
	t.Run("MissingFromRunFollowsByteOrder", func(t *testing.T) {
		// Ids whose byte order differs from a natural or case-blind order, staged and missing
		// interleaved, staged ids with no clean record, and a run that staged nothing of the source.
		var all []record.Customer
		ids := []string{"10", "9", "B", "a", "b", "é", "z", "Ab", "aB", "0", "00", "1 ", "1"}
		for _, id := range ids {
			all = append(all, customer("snapx", id, ""))
		}
		require.NoError(t, s.Upsert(ctx, "sx1", record.Batch{Customers: all}))
		var staged []record.Customer
		for _, id := range []string{"new-1", "9", "a", "é", "Ab", "00", "1", "zz-new"} {
			staged = append(staged, customer("snapx", id, ""))
		}
		require.NoError(t, s.Stage(ctx, "sx2", record.Batch{Customers: staged}))
		missing, err := s.MissingFromRun(ctx, "sx2", "snapx")
		require.NoError(t, err)
		var got []string
		for _, k := range missing {
			require.Equal(t, "snapx", k.Source)
			got = append(got, k.ID)
		}
		require.Equal(t, []string{"0", "1 ", "10", "B", "aB", "b", "z"}, got)
		missing, err = s.MissingFromRun(ctx, "sx-none", "snapx")
		require.NoError(t, err)
		require.Len(t, missing, len(ids))
	})
}
