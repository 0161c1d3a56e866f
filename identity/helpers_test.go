// helpers_test.go holds small builders shared by the tests.
package identity

import (
	"context"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/require"
)

// cust builds a customer from "field=value" pairs.
func cust(t testing.TB, source, id string, kv ...string) record.Customer {
	t.Helper()
	c := record.Customer{Source: source, SourceID: id, UpdatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)}
	for i := 0; i+1 < len(kv); i += 2 {
		require.NoError(t, c.SetField(kv[i], kv[i+1]))
	}
	return c
}

func key(source, id string) record.RecordKey { return record.RecordKey{Source: source, ID: id} }

// profileOf returns the profile id of each record.
func profileOf(res Result) map[record.RecordKey]string {
	m := map[record.RecordKey]string{}
	for _, l := range res.Links {
		m[l.Record] = l.Profile
	}
	return m
}

// groups returns the members of each profile as sets of record ids.
func groups(res Result) map[string][]string {
	g := map[string][]string{}
	for _, p := range res.Profiles {
		for _, m := range p.Members {
			g[p.ID] = append(g[p.ID], m.ID)
		}
	}
	return g
}

func mustResolve(t testing.TB, cfg Config, records []record.Customer, prior State) Result {
	t.Helper()
	res, err := Resolve(context.Background(), cfg, records, prior)
	require.NoError(t, err)
	return res
}

// withGenerated returns n generated records (a background population for the model) plus
// the given ones.
func withGenerated(n int, extra ...record.Customer) []record.Customer {
	g := generateCustomers(n, 7)
	return append(g.records, extra...)
}
