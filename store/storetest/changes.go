// Conformance tests: change detection (staged digests against clean rows), match-key lookups
// and shared-identifier rewrites.
package storetest

import (
	"encoding/json"
	"fmt"
	"slices"
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
		require.NoError(t, s.ScanStagedCustomers(ctx, run, "pos", store.StagedScan{ChangedOnly: changedOnly}, func(page []store.StagedCustomer) error {
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
	t.Run("CustomersSharingMatchKeys", func(t *testing.T) {
		// pos/b holds shared@x.io alone now (pos/c is a tombstone); p1 and p2 share a phone.
		p1, p2, p3 := customer("pos", "p1", ""), customer("pos", "p2", ""), customer("pos", "p3", "")
		p1.PhoneKey, p2.PhoneKey, p3.PhoneKey = "+14155550101", "+14155550101", "+14155550102"
		d := customer("pos", "d", "")
		d.EmailKey = "shared@x.io"
		other := customer("crm", "z", "")
		other.EmailKey = "a@x.io"
		require.NoError(t, s.Upsert(ctx, "r3b", record.Batch{Customers: []record.Customer{p1, p2, p3, d, other}}))
		got, err := s.CustomersSharingMatchKeys(ctx, "pos")
		require.NoError(t, err)
		var ids []string
		for _, c := range got {
			ids = append(ids, c.SourceID)
		}
		require.Equal(t, []string{"b", "d", "p1", "p2"}, ids, "a key on another live record of the same source; not a@x.io (crm), not a lone phone")
		require.Equal(t, "+14155550101", got[2].PhoneKey, "with the derived columns")
		require.NoError(t, s.Upsert(ctx, "r3c", record.Batch{Customers: []record.Customer{{Source: "pos", SourceID: "d", UpdatedAt: base, Deleted: true},
			{Source: "pos", SourceID: "p1", UpdatedAt: base, Deleted: true}, {Source: "pos", SourceID: "p2", UpdatedAt: base, Deleted: true},
			{Source: "pos", SourceID: "p3", UpdatedAt: base, Deleted: true}}}))
		got, err = s.CustomersSharingMatchKeys(ctx, "pos")
		require.NoError(t, err)
		require.Empty(t, got, "tombstones hold no keys")
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
		require.Equal(t, 3, live, "pos/a, pos/b and crm/z")
	})
	t.Run("PartsSplitTheRowsByDigest", func(t *testing.T) {
		var batch []record.Customer
		for i := range 300 {
			batch = append(batch, customer("pos", fmt.Sprintf("q%03d", i), fmt.Sprintf("q%d@x.io", i)))
		}
		require.NoError(t, s.Stage(ctx, "r5", record.Batch{Customers: batch}))
		scan := func(opt store.StagedScan) []string {
			var out []string
			require.NoError(t, s.ScanStagedCustomers(ctx, "r5", "pos", opt, func(page []store.StagedCustomer) error {
				for _, r := range page {
					out = append(out, r.Key.ID)
				}
				return nil
			}))
			return out
		}
		all := scan(store.StagedScan{})
		require.Len(t, all, 300)
		for _, parts := range []int{2, 3, 7} {
			var union []string
			for part := range parts {
				got := scan(store.StagedScan{Part: part, Parts: parts})
				require.NotEmpty(t, got, "part %d of %d", part, parts)
				require.Less(t, len(got), 300, "part %d of %d", part, parts)
				require.True(t, slices.IsSorted(got), "a part is in id order")
				union = append(union, got...)
			}
			slices.Sort(union)
			require.Equal(t, all, union, "%d parts cover every row once", parts)
		}
		require.Error(t, s.ScanStagedCustomers(ctx, "r5", "pos", store.StagedScan{Part: 3, Parts: 3}, func([]store.StagedCustomer) error { return nil }))
		require.Equal(t, all, scan(store.StagedScan{ChangedOnly: true, Part: 0, Parts: 1}), "one part is every row")
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}
