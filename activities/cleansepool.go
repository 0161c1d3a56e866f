// cleansepool.go holds the streaming cleanse's machinery: staged pages fanned out to a pool of
// decoding and cleansing goroutines, results handed back in their original order, and the
// identifier groups a run's changes touch.
package activities

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/cdpflow/cdpflow/cleansing"
	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// cleanseCounts is what the change detection found in one source.
type cleanseCounts struct{ Changed, Unchanged int }

// cleansed is one staged row after the pool: decoded and cleansed.
type cleansed struct {
	row store.StagedCustomer
	in  record.Customer
	res cleansing.Result
}

// cleanseWorkers is the pool size: one per core the process may use, unless configured.
func (a *Activities) cleanseWorkers() int {
	if n := a.Config.Cleanse.Workers; n > 0 {
		return n
	}
	return max(1, runtime.GOMAXPROCS(0))
}

// cleansePool runs scan, which hands over pages of staged rows, decodes and cleanses each page on
// one of workers goroutines, and calls emit for every row in the order scan produced them. Memory
// is bounded by a few pages per worker. The first error (scan's, a decode's, emit's) stops it.
func cleansePool(ctx context.Context, workers int, cl *cleansing.Cleanser, scan func(func([]store.StagedCustomer) error) error, emit func(cleansed) error) error {
	type job struct {
		rows []store.StagedCustomer
		out  chan []cleansed
	}
	g, ctx := errgroup.WithContext(ctx)
	jobs := make(chan job, workers)
	order := make(chan chan []cleansed, 2*workers)
	g.Go(func() error {
		defer close(jobs)
		defer close(order)
		return scan(func(page []store.StagedCustomer) error {
			j := job{rows: slices.Clone(page), out: make(chan []cleansed, 1)} // the store reuses page
			select {
			case order <- j.out:
			case <-ctx.Done():
				return ctx.Err()
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return ctx.Err()
			}
			return nil
		})
	})
	for range workers {
		g.Go(func() error {
			for j := range jobs {
				out := make([]cleansed, len(j.rows))
				for i, row := range j.rows {
					var c record.Customer
					if err := json.Unmarshal(row.Data, &c); err != nil {
						return fmt.Errorf("decode staged %s: %w", row.Key, err)
					}
					row.Data = nil // no longer needed; not kept while the page waits its turn
					out[i] = cleansed{row: row, in: c}
					if !(c.Deleted && c.SourceID != "") {
						out[i].res = cl.Customer(c)
					}
				}
				j.out <- out
			}
			return nil
		})
	}
	g.Go(func() error {
		for out := range order {
			var page []cleansed
			select {
			case page = <-out:
			case <-ctx.Done():
				return ctx.Err()
			}
			for _, it := range page {
				if err := emit(it); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return g.Wait()
}

// touchedGroups collects the match keys a run's changed records enter and leave.
type touchedGroups struct {
	emails, phones map[string]bool
}

func newTouchedGroups() *touchedGroups {
	return &touchedGroups{emails: map[string]bool{}, phones: map[string]bool{}}
}

func (g *touchedGroups) enter(c record.Customer) {
	if c.EmailKey != "" {
		g.emails[c.EmailKey] = true
	}
	if c.PhoneKey != "" {
		g.phones[c.PhoneKey] = true
	}
}

func (g *touchedGroups) leave(row store.StagedCustomer) {
	if row.PrevEmailKey != "" {
		g.emails[row.PrevEmailKey] = true
	}
	if row.PrevPhoneKey != "" {
		g.phones[row.PrevPhoneKey] = true
	}
}

func (g *touchedGroups) empty() bool { return len(g.emails)+len(g.phones) == 0 }

func (g *touchedGroups) list(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
