// Conformance tests: time handling, scan behaviour, concurrent writers and large batches.
package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func testTimes(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	zone := time.FixedZone("IST", 5*3600+1800)
	ts := time.Date(2024, 2, 29, 23, 59, 59, 123456789, zone) // 18:29:59.123456789 UTC

	t.Run("UTCToTheMicrosecond", func(t *testing.T) {
		require.NoError(t, s.StartRun(ctx, store.Run{ID: "t1", Kind: "sync", StartedAt: ts}))
		r, err := s.GetRun(ctx, "t1")
		require.NoError(t, err)
		requireTime(t, ts, r.StartedAt, "run started_at")
		require.Equal(t, 123456000, r.StartedAt.Nanosecond())

		require.NoError(t, s.SetWatermark(ctx, store.Watermark{Source: "crm", Kind: record.KindCustomer, Value: ts, Run: "t1", UpdatedAt: ts}))
		w, err := s.GetWatermark(ctx, "crm", record.KindCustomer)
		require.NoError(t, err)
		requireTime(t, ts, w.Value, "watermark value")
		requireTime(t, ts, w.UpdatedAt, "watermark updated_at")

		require.NoError(t, s.Quarantine(ctx, []store.QuarantineItem{{Run: "t1", Source: "crm", Kind: record.KindCustomer, ID: "1", At: ts}}))
		qs := collect(t, func(fn func(store.QuarantineItem) error) error { return s.ScanQuarantine(ctx, "t1", fn) })
		require.Len(t, qs, 1)
		requireTime(t, ts, qs[0].At, "quarantine at")

		d := store.Delivery{Destination: "ads", Run: "t1", Op: "add", ProfileID: "p1", Status: store.DeliveryDelivered, UpdatedAt: ts}
		require.NoError(t, s.RecordDeliveries(ctx, []store.Delivery{d}))
		ds := collect(t, func(fn func(store.Delivery) error) error {
			return s.ScanDeliveries(ctx, store.DeliveryFilter{Run: "t1"}, fn)
		})
		require.Len(t, ds, 1)
		requireTime(t, ts, ds[0].UpdatedAt, "delivery updated_at")
	})
	t.Run("OrderedByInstant", func(t *testing.T) {
		// Sub-second digits of different lengths, and offsets that reverse the local wall-clock order.
		at := func(id string, tm time.Time) {
			require.NoError(t, s.StartRun(ctx, store.Run{ID: id, Kind: "order", StartedAt: tm}))
		}
		b := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
		at("o-50ms", b.Add(50*time.Millisecond))
		at("o-0", b)
		at("o-1us", b.Add(time.Microsecond))
		at("o-100ms", b.Add(100*time.Millisecond))
		at("o-1s-in-zone", b.Add(time.Second).In(time.FixedZone("W", -10*3600)))
		runs, err := s.ListRuns(ctx, 5)
		require.NoError(t, err)
		require.Equal(t, []string{"o-1s-in-zone", "o-100ms", "o-50ms", "o-1us", "o-0"}, runIDs(runs))
	})
}

func testScans(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	const n = 2500 // several pages for any sensible page size
	require.NoError(t, s.Stage(ctx, "run1", record.Batch{Customers: customers("crm", "c", n)}))

	t.Run("FnErrorStopsTheScan", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		err := s.ScanStaged(ctx, "run1", "", record.Visitor{Customer: func(record.Customer) error {
			calls++
			return stop
		}})
		require.ErrorIs(t, err, stop)
		require.Equal(t, 1, calls)
	})
	t.Run("FnMayCallTheStore", func(t *testing.T) {
		// The common activity shape: read staged records, write clean ones in batches as you go.
		var batch []record.Customer
		seen := 0
		err := s.ScanStaged(ctx, "run1", "crm", record.Visitor{Customer: func(c record.Customer) error {
			seen++
			batch = append(batch, c)
			if len(batch) == 700 {
				if err := s.Upsert(ctx, "run1", record.Batch{Customers: batch}); err != nil {
					return err
				}
				batch = batch[:0]
			}
			if seen%100 == 0 {
				if _, err := s.CountCustomers(ctx); err != nil {
					return err
				}
			}
			return nil
		}})
		require.NoError(t, err)
		require.NoError(t, s.Upsert(ctx, "run1", record.Batch{Customers: batch}))
		require.Equal(t, n, seen)
		count, err := s.CountCustomers(ctx)
		require.NoError(t, err)
		require.Equal(t, n, count)

		// Writing into the table being scanned neither repeats nor skips rows.
		seen = 0
		prev := ""
		batch = batch[:0]
		err = s.ScanRecords(ctx, record.Visitor{Customer: func(c record.Customer) error {
			seen++
			k := c.Key().String()
			if k <= prev {
				return fmt.Errorf("order: %s after %s", k, prev)
			}
			prev = k
			c.Email = "rewritten@x.io"
			if batch = append(batch, c); len(batch) == 90 {
				if err := s.Upsert(ctx, "run2", record.Batch{Customers: batch}); err != nil {
					return err
				}
				batch = batch[:0]
			}
			return nil
		}})
		require.NoError(t, err)
		require.NoError(t, s.Upsert(ctx, "run2", record.Batch{Customers: batch}))
		require.Equal(t, n, seen)
		changed, err := s.ChangedCustomers(ctx, "run2")
		require.NoError(t, err)
		require.Len(t, changed, n)
	})
}

func testConcurrentWriters(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	const writers, pages, pageSize = 6, 5, 200
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			source := fmt.Sprintf("src%d", w)
			all := customers(source, "c", pages*pageSize)
			for p := range pages {
				page := all[p*pageSize : (p+1)*pageSize]
				if err := s.Stage(ctx, "run1", record.Batch{Customers: page}); err != nil {
					errs <- fmt.Errorf("%s stage: %w", source, err)
					return
				}
				if err := s.Upsert(ctx, "run1", record.Batch{Customers: page}); err != nil {
					errs <- fmt.Errorf("%s upsert: %w", source, err)
					return
				}
				if err := s.Quarantine(ctx, []store.QuarantineItem{{Run: "run1", Source: source, Kind: record.KindCustomer, ID: fmt.Sprint(p)}}); err != nil {
					errs <- fmt.Errorf("%s quarantine: %w", source, err)
					return
				}
				if _, err := s.StagedCounts(ctx, "run1", source); err != nil {
					errs <- fmt.Errorf("%s counts: %w", source, err)
					return
				}
			}
			if err := s.SetWatermark(ctx, store.Watermark{Source: source, Kind: record.KindCustomer, Value: base, Run: "run1"}); err != nil {
				errs <- fmt.Errorf("%s watermark: %w", source, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	for w := range writers {
		counts, err := s.StagedCounts(ctx, "run1", fmt.Sprintf("src%d", w))
		require.NoError(t, err)
		require.Equal(t, map[record.Kind]int{record.KindCustomer: pages * pageSize}, counts)
	}
	n, err := s.CountCustomers(ctx)
	require.NoError(t, err)
	require.Equal(t, writers*pages*pageSize, n)
	qs := collect(t, func(fn func(store.QuarantineItem) error) error { return s.ScanQuarantine(ctx, "run1", fn) })
	require.Len(t, qs, writers*pages)
}

func testConcurrentRetries(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	t.Run("ReserveSameDeliveries", func(t *testing.T) {
		// Two attempts of one activity racing: every row is reserved once, and exactly one of
		// them learns that it already existed.
		ds := make([]store.Delivery, 500)
		for i := range ds {
			ds[i] = delivery("ads", "run1", "add", fmt.Sprintf("p%04d", i))
		}
		var wg sync.WaitGroup
		results := make([][]store.Delivery, 2)
		errs := make([]error, 2)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i], errs[i] = s.ReserveDeliveries(ctx, ds)
			}()
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		seen := map[string]int{}
		for _, r := range results {
			for _, d := range r {
				seen[d.ProfileID]++
			}
		}
		require.Len(t, seen, len(ds))
		for id, n := range seen {
			require.Equalf(t, 1, n, "%s reported as existing by both attempts", id)
		}
	})
	t.Run("ApplySameSegmentRun", func(t *testing.T) {
		_, err := s.ApplySegment(ctx, "run0", "vip", []string{"a", "b"})
		require.NoError(t, err)
		var wg sync.WaitGroup
		changes := make([]store.SegmentChange, 4)
		errs := make([]error, 4)
		for i := range changes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				changes[i], errs[i] = s.ApplySegment(ctx, "run1", "vip", []string{"b", "c"})
			}()
		}
		wg.Wait()
		for i := range changes {
			require.NoError(t, errs[i])
			require.Equal(t, store.SegmentChange{Segment: "vip", Members: 2, Added: []string{"c"}, Removed: []string{"a"}}, changes[i])
		}
		m, err := s.SegmentMembers(ctx, "vip")
		require.NoError(t, err)
		require.Equal(t, []string{"b", "c"}, m)
	})
}

func testLargeBatch(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	const n = 20000
	recs := customers("big", "c", n)

	t.Run("Customers", func(t *testing.T) {
		require.NoError(t, s.Stage(ctx, "run1", record.Batch{Customers: recs}))
		require.NoError(t, s.Upsert(ctx, "run1", record.Batch{Customers: recs}))
		counts, err := s.StagedCounts(ctx, "run1", "big")
		require.NoError(t, err)
		require.Equal(t, n, counts[record.KindCustomer])
		count, err := s.CountCustomers(ctx)
		require.NoError(t, err)
		require.Equal(t, n, count)
		changed, err := s.ChangedCustomers(ctx, "run1")
		require.NoError(t, err)
		require.Len(t, changed, n)

		i := 0
		require.NoError(t, s.ScanRecords(ctx, record.Visitor{Customer: func(c record.Customer) error {
			if c.SourceID != recs[i].SourceID {
				return fmt.Errorf("record %d: got %s, want %s", i, c.SourceID, recs[i].SourceID)
			}
			i++
			return nil
		}}))
		require.Equal(t, n, i)
	})
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("p%06d", i)
	}
	t.Run("Identity", func(t *testing.T) {
		w := store.IdentityWrite{Run: "run1"}
		for i, id := range ids {
			w.Profiles = append(w.Profiles, store.Profile{ID: id, Golden: recs[i], Members: 1})
			w.Links = append(w.Links, store.Link{Record: recs[i].Key(), ProfileID: id})
		}
		require.NoError(t, s.WriteIdentity(ctx, w))
		count, err := s.CountProfiles(ctx)
		require.NoError(t, err)
		require.Equal(t, n, count)
		links := 0
		require.NoError(t, s.ScanLinks(ctx, func(store.Link) error { links++; return nil }))
		require.Equal(t, n, links)
		all, err := s.GetProfiles(ctx, ids)
		require.NoError(t, err)
		require.Len(t, all, n, "read in chunks under the parameter limit")

		// Delete them all again: links first, then profiles.
		del := store.IdentityWrite{Run: "run2", DeleteProfiles: ids}
		for _, c := range recs {
			del.DeleteLinks = append(del.DeleteLinks, c.Key())
		}
		require.NoError(t, s.WriteIdentity(ctx, del))
		count, err = s.CountProfiles(ctx)
		require.NoError(t, err)
		require.Zero(t, count)
	})
	t.Run("SegmentsAndLedger", func(t *testing.T) {
		ch, err := s.ApplySegment(ctx, "run1", "all", ids)
		require.NoError(t, err)
		require.Len(t, ch.Added, n)
		ch, err = s.ApplySegment(ctx, "run2", "all", ids[n/2:])
		require.NoError(t, err)
		require.Len(t, ch.Removed, n/2)
		members, err := s.SegmentMembers(ctx, "all")
		require.NoError(t, err)
		require.Equal(t, ids[n/2:], members)

		ds := make([]store.Delivery, n)
		for i, id := range ids {
			ds[i] = delivery("ads", "run1", "add", id)
		}
		existing, err := s.ReserveDeliveries(ctx, ds)
		require.NoError(t, err)
		require.Empty(t, existing)
		existing, err = s.ReserveDeliveries(ctx, ds)
		require.NoError(t, err)
		require.Len(t, existing, n)
		for i := range ds {
			ds[i].Status = store.DeliveryDelivered
		}
		require.NoError(t, s.RecordDeliveries(ctx, ds))
		m, err := s.DestinationMembers(ctx, "ads")
		require.NoError(t, err)
		require.Len(t, m, n)
	})
}
