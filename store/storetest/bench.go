// Benchmark helpers each backend runs: staging and scanning throughput in records per second.
package storetest

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// benchPage is the records per StageCustomers call, a typical connector page.
const benchPage = 1000

// BenchmarkStageCustomers measures StageCustomers with pages of new customers.
func BenchmarkStageCustomers(b *testing.B, open func(b *testing.B) store.Store) {
	s := open(b)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	ctx := b.Context()
	page := make([]record.Customer, benchPage)
	n := 0
	for b.Loop() {
		for i := range page {
			id := fmt.Sprintf("c%09d", n+i)
			page[i] = customer("bench", id, id+"@example.com")
		}
		if err := s.Stage(ctx, "bench", record.Batch{Customers: page}); err != nil {
			b.Fatal(err)
		}
		n += benchPage
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkScanCustomers measures ScanCustomers over 10,000 clean customers.
func BenchmarkScanCustomers(b *testing.B, open func(b *testing.B) store.Store) {
	const total = 10000
	s := open(b)
	b.Cleanup(func() { require.NoError(b, s.Close()) })
	ctx := b.Context()
	require.NoError(b, s.Upsert(ctx, "bench", record.Batch{Customers: customers("bench", "c", total)}))
	n := 0
	for b.Loop() {
		if err := s.ScanRecords(ctx, record.Visitor{Customer: func(record.Customer) error { n++; return nil }}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
}
