// Package storetest is the conformance suite that every store.Store backend must pass.
package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

// Run runs the suite. open must return a new, empty store for each call and register with t.Cleanup
// whatever removes it (files, schemas); Run closes the store itself.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	groups := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Runs", testRuns},
		{"Staging", testStaging},
		{"Clean", testClean},
		{"Changes", testChanges},
		{"Quarantine", testQuarantine},
		{"Watermarks", testWatermarks},
		{"Identity", testIdentity},
		{"Segments", testSegments},
		{"Ledger", testLedger},
		{"Meta", testMeta},
		{"Consent", testConsent},
		{"Erasure", testErasure},
		{"Times", testTimes},
		{"Scans", testScans},
		{"ConcurrentWriters", testConcurrentWriters},
		{"ConcurrentRetries", testConcurrentRetries},
		{"LargeBatch", testLargeBatch},
		{"Retention", testRetention},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() { require.NoError(t, s.Close()) })
			g.fn(t, s)
		})
	}
}

// base is a fixed instant for fixtures.
var base = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// customer builds a customer fixture.
func customer(source, id, email string) record.Customer {
	return record.Customer{
		Source:    source,
		SourceID:  id,
		UpdatedAt: base,
		Email:     email,
		FirstName: "Ada",
		LastName:  "Lovelace",
		Address:   record.Address{City: "London", Country: "GB"},
		Consent: map[record.Channel]record.Consent{
			record.ChannelEmail: {State: record.ConsentSubscribed, UpdatedAt: base, OptInLevel: "single_opt_in"},
		},
		Attributes: map[string]string{"tags": "vip,beta"},
	}
}

// customers builds n customers of a source with ids prefix-000000 ... in key order.
func customers(source, prefix string, n int) []record.Customer {
	cs := make([]record.Customer, n)
	for i := range cs {
		id := fmt.Sprintf("%s-%06d", prefix, i)
		cs[i] = customer(source, id, id+"@example.com")
	}
	return cs
}

// order builds an order fixture.
func order(source, id, customerID string, cents int64) record.Order {
	return record.Order{
		Source:     source,
		ID:         id,
		CustomerID: customerID,
		Email:      customerID + "@example.com",
		Total:      record.Money{Amount: cents, Currency: "EUR"},
		CreatedAt:  base,
		Status:     "completed",
		Lines:      []record.LineItem{{SKU: "sku-1", Quantity: 2, Price: record.Money{Amount: cents / 2, Currency: "EUR"}}},
	}
}

// engagement builds an engagement fixture.
func engagement(source, ref string, sessions float64) record.Engagement {
	return record.Engagement{
		Source:      source,
		CustomerRef: ref,
		Metrics:     map[string]float64{"sessions": sessions, "engagement_rate": 0.25},
		StartDate:   "2024-01-01",
		EndDate:     "2024-01-31",
	}
}

// collect gathers everything a scan visits.
func collect[T any](t testing.TB, scan func(fn func(T) error) error) []T {
	t.Helper()
	var out []T
	require.NoError(t, scan(func(v T) error {
		out = append(out, v)
		return nil
	}))
	return out
}

// customerKeys lists the keys of customers in order.
func customerKeys(cs []record.Customer) []string {
	keys := make([]string, len(cs))
	for i, c := range cs {
		keys[i] = c.Key().String()
	}
	return keys
}

// usec is t as a store returns it: UTC, truncated to the microsecond.
func usec(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// requireTime checks that got is want as a store returns it, in UTC.
func requireTime(t testing.TB, want, got time.Time, what string) {
	t.Helper()
	require.Truef(t, usec(want).Equal(got), "%s: want %s, got %s", what, usec(want), got)
	require.Equalf(t, time.UTC, got.Location(), "%s: location", what)
}

func ctxOf(t testing.TB) context.Context { return t.Context() }
