// Conformance tests: change detection (staged digests against clean rows), match-key lookups
// and shared-identifier rewrites.
package storetest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/cdpflow/cdpflow/record"
	"github.com/cdpflow/cdpflow/store"
)

func testChanges(t *testing.T, s store.Store) {
	ctx := ctxOf(t)
	staged := func(run string, changedOnly bool) []store.StagedCustomer {
		var out []store.StagedCustomer
		require.NoError(t, s.ScanStagedCustomers(ctx, run, "pos", changedOnly, func(page []store.StagedCustomer) error {
			out = append(out, page...)
			return nil
		}))
		return out
	}
	keys := func(rows []store.StagedCustomer) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r.Key.String())
		}
		return out
	}
	// commit writes staged rows to the clean table as the cleanse does (digest and match keys kept).
	commit := func(run string, rows []store.StagedCustomer, cs map[string]record.Customer) {
		var batch []record.Customer
		for _, r := range rows {
			c := cs[r.Key.ID]
			c.Digest, c.EmailKey = r.Digest, c.Email
			batch = append(batch, c)
		}
		require.NoError(t, s.Upsert(ctx, run, record.Batch{Customers: batch}))
	}

	a, b, c := customer("pos", "a", "a@x.io"), customer("pos", "b", "shared@x.io"), customer("pos", "c", "shared@x.io")
	all := map[string]record.Customer{"a": a, "b": b, "c": c}
	require.NoError(t, s.Stage(ctx, "r1", record.Batch{Customers: []record.Customer{a, b, c}}))
	first := staged("r1", true)
	require.Equal(t, []string{"pos/a", "pos/b", "pos/c"}, keys(first), "new records are changes")
	require.NotEmpty(t, first[0].Digest)
	require.JSONEq(t, mustJSON(t, a), string(first[0].Data), "rows come undecoded, as staged")
	commit("r1", first, all)

	t.Run("AReReadIsNotAChange", func(t *testing.T) {
		again := a
		again.UpdatedAt = base.Add(72 * time.Hour) // a file exported again: only the modification time moved
		changed := b
		changed.LastName = "Byron"
		require.NoError(t, s.Stage(ctx, "r2", record.Batch{Customers: []record.Customer{again, changed, c}}))
		got := staged("r2", true)
		require.Equal(t, []string{"pos/b"}, keys(got))
		require.Equal(t, "shared@x.io", got[0].PrevEmailKey, "the clean row's match key: the group it leaves")
		require.Len(t, staged("r2", false), 3, "a full pass sees every row")
		commit("r2", got, map[string]record.Customer{"b": changed})
		require.Equal(t, []string{"pos/b"}, keys(staged("r2", true)), "a retried cleanse redoes the rows its own run wrote")
		gotKeys, err := s.ChangedCustomers(ctx, "r2")
		require.NoError(t, err)
		require.Equal(t, []record.RecordKey{{Source: "pos", ID: "b"}}, gotKeys)
	})
	t.Run("CustomersByMatchKeys", func(t *testing.T) {
		got, err := s.CustomersByMatchKeys(ctx, "pos", []string{"shared@x.io", "nobody@x.io"}, nil)
		require.NoError(t, err)
		require.ElementsMatch(t, []string{"b", "c"}, []string{got[0].SourceID, got[1].SourceID})
		require.Equal(t, "shared@x.io", got[0].EmailKey)
		other, err := s.CustomersByMatchKeys(ctx, "crm", []string{"shared@x.io"}, nil)
		require.NoError(t, err)
		require.Empty(t, other, "only the named source")
		require.NoError(t, s.Upsert(ctx, "r3", record.Batch{Customers: []record.Customer{{Source: "pos", SourceID: "c", UpdatedAt: base, Deleted: true}}}))
		got, err = s.CustomersByMatchKeys(ctx, "pos", []string{"shared@x.io"}, nil)
		require.NoError(t, err)
		require.Len(t, got, 1, "a tombstone has left its groups")
	})
	t.Run("SetShared", func(t *testing.T) {
		require.NoError(t, s.SetShared(ctx, "r4", map[record.RecordKey][]string{{Source: "pos", ID: "b"}: {"email"}, {Source: "pos", ID: "gone"}: {"email"}}))
		got, err := s.GetCustomers(ctx, []record.RecordKey{{Source: "pos", ID: "b"}, {Source: "pos", ID: "a"}})
		require.NoError(t, err)
		require.Equal(t, []string{"email"}, got[record.RecordKey{Source: "pos", ID: "b"}].Shared)
		require.Empty(t, got[record.RecordKey{Source: "pos", ID: "a"}].Shared)
		require.Equal(t, "Byron", got[record.RecordKey{Source: "pos", ID: "b"}].LastName, "the rest of the record is kept")
		changed, err := s.ChangedCustomers(ctx, "r4")
		require.NoError(t, err)
		require.Equal(t, []record.RecordKey{{Source: "pos", ID: "b"}}, changed, "a new mark is a change identity must see")
		byKey, err := s.CustomersByMatchKeys(ctx, "pos", []string{"shared@x.io"}, nil)
		require.NoError(t, err)
		require.NotEmpty(t, byKey[0].Digest, "the digest survives the rewrite")
		live, err := s.CountLiveCustomers(ctx, "")
		require.NoError(t, err)
		require.Equal(t, 2, live)
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
