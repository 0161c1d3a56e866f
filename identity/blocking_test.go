// blocking_test.go tests blocking rules, keys, pair generation and rule derivation.
package identity

import (
	"context"
	"slices"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseBlockingRule(t *testing.T) {
	r, err := parseBlockingRule(" last_name:soundex + birth_date ")
	require.NoError(t, err)
	assert.Equal(t, []blockKey{{"last_name", "soundex"}, {"birth_date", ""}}, r.keys)
	for _, bad := range []string{"", "nope", "last_name:metaphone", "last_name:prefix0"} {
		_, err := parseBlockingRule(bad)
		assert.Error(t, err, bad)
	}
}

func TestApplyTransform(t *testing.T) {
	assert.Equal(t, "L550", applyTransform("soundex", "lanyon"))
	assert.Equal(t, "j", applyTransform("initial", "jacob"))
	assert.Equal(t, "jac", applyTransform("prefix3", "jacob"))
	assert.Equal(t, "ab", applyTransform("prefix3", "ab"))
	assert.Equal(t, applyTransform("date", "1980-03-04"), applyTransform("date", "1980-04-03"), "day and month order do not matter")
	assert.Equal(t, "", applyTransform("soundex", ""))
}

func TestBlockIndex_ForEachPair(t *testing.T) {
	recs := []record.Customer{
		cust(t, "t", "0", "last_name", "smith", "birth_date", "1980-01-02", "address.postcode", "1000"),
		cust(t, "t", "1", "last_name", "smyth", "birth_date", "1980-02-01", "address.postcode", "1000"),
		cust(t, "t", "2", "last_name", "jones", "birth_date", "1980-01-02", "address.postcode", "2000"),
		cust(t, "t", "3", "last_name", "smith", "address.postcode", "3000"),
		cust(t, "t", "4", "first_name", "x", "address.postcode", "1000"),
	}
	ds, err := newDataset(context.Background(), DefaultConfig(), recs)
	require.NoError(t, err)
	rules := ds.resolveRules(mustRules([]string{"last_name", "birth_date", "address.postcode"}))
	bi := buildBlocks(ds, rules, 100, nil)
	var pairs [][2]int32
	bi.forEachPair(0, len(bi.blocks), nil, func(a, b int32) { pairs = append(pairs, [2]int32{a, b}) })
	slices.SortFunc(pairs, func(x, y [2]int32) int { return int(x[0]-y[0])*10 + int(x[1]-y[1]) })
	// soundex(smith) = soundex(smyth); dates match whatever the day/month order; each pair once.
	assert.Equal(t, [][2]int32{{0, 1}, {0, 2}, {0, 3}, {0, 4}, {1, 2}, {1, 3}, {1, 4}}, pairs)

	t.Run("only pairs with a changed row", func(t *testing.T) {
		changed := []bool{false, false, false, true, false}
		var got [][2]int32
		bi.forEachPair(0, len(bi.blocks), changed, func(a, b int32) { got = append(got, [2]int32{a, b}) })
		assert.ElementsMatch(t, [][2]int32{{0, 3}, {1, 3}}, got)
	})
	t.Run("oversized blocks are skipped", func(t *testing.T) {
		bi := buildBlocks(ds, rules, 2, nil)
		assert.Positive(t, bi.skipped)
		for _, b := range bi.blocks {
			assert.LessOrEqual(t, len(b.rows), 2)
		}
	})
}

func TestDeriveRules(t *testing.T) {
	t.Run("rules keep matches findable when fields disagree", func(t *testing.T) {
		g := generateCustomers(20_000, 5)
		ds, err := newDataset(context.Background(), DefaultConfig(), g.records)
		require.NoError(t, err)
		rules := deriveRules(ds, DefaultMaxBlockSize)
		require.NotEmpty(t, rules)
		require.LessOrEqual(t, len(rules), maxDerivedRules)
		// Every compared field is left out by at least one rule.
		for _, f := range ds.comparedFields {
			assert.True(t, slices.ContainsFunc(rules, func(r blockingRule) bool {
				return !slices.ContainsFunc(r.keys, func(k blockKey) bool { return k.path == f.path })
			}), "no rule works without %s", f.path)
		}
		// And the blocks are affordable.
		bi := buildBlocks(ds, ds.resolveRules(rules), DefaultMaxBlockSize, nil)
		var pairs int64
		for _, b := range bi.blocks {
			pairs += b.pairs
		}
		assert.Less(t, pairs, int64(10*len(g.records)))
	})
	t.Run("configured rules replace the derived ones", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Blocking = []string{"last_name+birth_date", "email"}
		res := mustResolve(t, cfg, generateCustomers(2000, 5).records, State{})
		assert.Equal(t, []string{"last_name+birth_date", "email"}, res.Stats.BlockingRules)
	})
}

func TestBuildBlocks_OnlyChangedRowsKeysGiveTheSamePairs(t *testing.T) {
	g := generateCustomers(5000, 11)
	ds, err := newDataset(context.Background(), DefaultConfig(), g.records)
	require.NoError(t, err)
	rules := ds.resolveRules(deriveRules(ds, DefaultMaxBlockSize))
	changed := make([]bool, ds.n())
	for i := 0; i < ds.n(); i += 37 {
		changed[i] = true
	}
	pairsOf := func(bi *blockIndex) [][2]int32 {
		var out [][2]int32
		bi.forEachPair(0, len(bi.blocks), changed, func(a, b int32) { out = append(out, [2]int32{min(a, b), max(a, b)}) })
		slices.SortFunc(out, func(x, y [2]int32) int {
			if x[0] != y[0] {
				return int(x[0] - y[0])
			}
			return int(x[1] - y[1])
		})
		return out
	}
	for _, capSize := range []int{DefaultMaxBlockSize, 3} { // 3: many blocks over the cap
		all := buildBlocks(ds, rules, capSize, nil)
		some := buildBlocks(ds, rules, capSize, changed)
		want := pairsOf(all)
		require.NotEmpty(t, want)
		assert.Equal(t, want, pairsOf(some), "cap %d", capSize)
		assert.Less(t, len(some.blocks), len(all.blocks), "cap %d: only the changed rows' blocks are built", capSize)
	}
}
