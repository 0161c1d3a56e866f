// read_test.go holds the parallel read of clean customers to ScanRecords: the same records in
// the same order, whether the count taken first is right, short or long.
package profiles

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
	"github.com/cdpflow/cdpflow/store/sqlite"
)

// smallPages hands the store's pages over in pieces of size rows and misstates the count by off.
type smallPages struct {
	store.Store
	size, off int
}

func (s smallPages) ScanCustomerData(ctx context.Context, fn func([]store.CustomerData) error) error {
	return s.Store.ScanCustomerData(ctx, func(page []store.CustomerData) error {
		for start := 0; start < len(page); start += s.size {
			piece := page[start:min(start+s.size, len(page))]
			if err := fn(piece); err != nil {
				return err
			}
			for i := range piece {
				piece[i] = store.CustomerData{} // the page is reused: nothing may keep it
			}
		}
		return nil
	})
}

func (s smallPages) CountCustomers(ctx context.Context) (int, error) {
	n, err := s.Store.CountCustomers(ctx)
	return max(0, n+s.off), err
}

func TestReadCustomers_SameAsScanRecordsInOrder(t *testing.T) {
	ctx := t.Context()
	st, err := sqlite.Open(ctx, "file:"+filepath.Join(t.TempDir(), "cdpflow.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)
	var in []record.Customer
	for i := range 250 {
		c := record.Customer{Source: []string{"crm", "pos"}[i%2], SourceID: fmt.Sprintf("%03d", 250-i), UpdatedAt: at,
			Email: fmt.Sprintf("p%d@acme-mail.com", i), FirstName: "pat", LastName: fmt.Sprintf("doe%d", i)}
		if i%50 == 0 {
			c = record.Customer{Source: c.Source, SourceID: c.SourceID, UpdatedAt: at, Deleted: true}
		}
		in = append(in, c)
	}
	require.NoError(t, st.Upsert(ctx, "r1", record.Batch{Customers: in}))
	var want []record.Customer
	require.NoError(t, st.ScanRecords(ctx, record.Visitor{Customer: func(c record.Customer) error {
		want = append(want, c)
		return nil
	}}))
	require.Len(t, want, 250)
	for _, tc := range []struct {
		name string
		off  int
	}{{"count right", 0}, {"count short (rows added meanwhile)", -40}, {"count long (rows erased meanwhile)", 13}, {"count zero", -250}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, workers := range []int{1, 3} {
				got, err := readCustomers(ctx, smallPages{Store: st, size: 7, off: tc.off}, workers)
				require.NoError(t, err)
				require.Equal(t, want, got, "%d workers", workers)
			}
		})
	}
	t.Run("undecodable data fails naming the record", func(t *testing.T) {
		_, err := readCustomers(ctx, badRow{st}, 2)
		require.ErrorContains(t, err, "decode clean customer crm/bad")
	})
}

// badRow hands over one row whose data is not a customer.
type badRow struct{ store.Store }

func (b badRow) ScanCustomerData(ctx context.Context, fn func([]store.CustomerData) error) error {
	return fn([]store.CustomerData{{Key: record.RecordKey{Source: "crm", ID: "bad"}, Data: []byte("{not json")}})
}
