// read.go reads every clean customer for a resolution: the store hands over undecoded pages and
// a pool of goroutines decodes them straight into their place in one slice sized up front, so a
// million records are decoded on every core and never copied while the slice grows.
package profiles

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"

	"golang.org/x/sync/errgroup"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// readCustomers returns every clean customer, deleted ones included, in (source, id) order.
func readCustomers(ctx context.Context, st Store, workers int) ([]record.Customer, error) {
	n, err := st.CountCustomers(ctx)
	if err != nil {
		return nil, err
	}
	type job struct {
		rows []store.CustomerData
		into []record.Customer
	}
	recs := make([]record.Customer, n)
	var extra []record.Customer // rows written after the count (another source's run): decoded here
	read := 0
	g, gctx := errgroup.WithContext(ctx)
	jobs := make(chan job, workers)
	for range workers {
		g.Go(func() error {
			for j := range jobs {
				for i, row := range j.rows {
					if err := decodeCustomer(row, &j.into[i]); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(jobs)
		return st.ScanCustomerData(gctx, func(page []store.CustomerData) error {
			fit := min(len(page), n-read)
			if fit > 0 {
				select {
				case jobs <- job{rows: append([]store.CustomerData(nil), page[:fit]...), into: recs[read : read+fit]}:
				case <-gctx.Done():
					return gctx.Err()
				}
				read += fit
			}
			for _, row := range page[fit:] {
				var c record.Customer
				if err := decodeCustomer(row, &c); err != nil {
					return err
				}
				extra = append(extra, c)
			}
			return nil
		})
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	// Fewer rows than counted: some were erased meanwhile.
	return append(recs[:read], extra...), nil
}

func decodeCustomer(row store.CustomerData, into *record.Customer) error {
	if err := json.Unmarshal(row.Data, into); err != nil {
		return fmt.Errorf("decode clean customer %s: %w", row.Key, err)
	}
	return nil
}

// decodeWorkers is the decoding pool's size: one per core the process may use.
func decodeWorkers() int { return max(1, runtime.GOMAXPROCS(0)) }
