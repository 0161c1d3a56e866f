// incremental_test.go tests incremental resolution: new and changed records are compared
// against the existing profiles through the same blocking, without recomputing everything.
package identity

import (
	"strconv"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolveIncremental(t *testing.T) {
	cfg := DefaultConfig()
	g := generateCustomers(4000, 11)
	initial := g.records[:3500]
	res1 := mustResolve(t, cfg, initial, State{})
	state := res1.NextState(State{})
	before := profileOf(res1)

	// New records: the remaining generated ones, plus a typo'd copy of an existing record.
	all := append([]record.Customer(nil), g.records...)
	dup := initial[0]
	dup.Source, dup.SourceID = "web", "new-1"
	dup.FirstName = typoAt(dup.FirstName)
	dup.Email, dup.Phone = "", ""
	all = append(all, dup)
	g.person[dup.Key()] = g.person[initial[0].Key()]
	// A changed record: its last name is corrected.
	changedKey := initial[1].Key()
	all[1].LastName = all[1].LastName + "s"

	inc, err := ResolveIncremental(t.Context(), cfg, all, []record.RecordKey{changedKey}, state)
	require.NoError(t, err)
	full := mustResolve(t, cfg, all, state)

	t.Run("compares only pairs with a new or changed record", func(t *testing.T) {
		assert.Equal(t, 502, inc.Stats.Changed)
		assert.True(t, inc.Stats.ModelReused)
		assert.Less(t, inc.Stats.PairsCompared, full.Stats.PairsCompared/3)
	})
	t.Run("finds what a full run finds", func(t *testing.T) {
		byProfile := func(res Result) func(record.RecordKey) string {
			p := profileOf(res)
			return func(k record.RecordKey) string { return p[k] }
		}
		// Pairwise agreement of the two clusterings (full run as the truth).
		m := EvaluatePairs(inc.Links, byProfile(full))
		assert.GreaterOrEqual(t, m.F1(), 0.99, "precision %.4f recall %.4f", m.Precision(), m.Recall())
		truth := EvaluatePairs(inc.Links, func(k record.RecordKey) string { return strconv.Itoa(g.person[k]) })
		assert.GreaterOrEqual(t, truth.F1(), 0.97)
	})
	t.Run("the new duplicate joins its existing profile", func(t *testing.T) {
		p := profileOf(inc)
		assert.Equal(t, before[initial[0].Key()], p[dup.Key()])
		assert.Equal(t, before[initial[0].Key()], p[initial[0].Key()])
	})
	t.Run("unchanged records keep their profile ids", func(t *testing.T) {
		p := profileOf(inc)
		merged := map[string]string{}
		for _, m := range inc.Merges {
			merged[m.From] = m.Into
		}
		for _, r := range initial[2:] {
			old, now := before[r.Key()], p[r.Key()]
			if old != now {
				assert.Equal(t, merged[old], now, "record %s moved from %s to %s without a merge", r.Key(), old, now)
			}
		}
	})
	t.Run("unchanged links carry prior evidence", func(t *testing.T) {
		var prior int
		for _, l := range inc.Links {
			if l.Evidence.Rule == EvidencePrior {
				prior++
			}
		}
		assert.Positive(t, prior)
	})
	t.Run("without prior links it is a full run", func(t *testing.T) {
		res, err := ResolveIncremental(t.Context(), cfg, initial, nil, State{})
		require.NoError(t, err)
		assert.Equal(t, before, profileOf(res))
	})
}

// typoAt swaps the second and third letters.
func typoAt(s string) string {
	if len(s) < 3 {
		return s + "x"
	}
	b := []byte(s)
	b[1], b[2] = b[2], b[1]
	return string(b)
}

// With KeepUnchanged, an incremental run builds golden records only for the profiles its
// changes touched; every other profile is marked Unchanged, and the touched ones are the same
// as when every golden record is built.
func TestResolveIncremental_KeepUnchangedBuildsOnlyTouchedProfiles(t *testing.T) {
	cfg := DefaultConfig()
	g := generateCustomers(3000, 5)
	res1 := mustResolve(t, cfg, g.records, State{})
	state := res1.NextState(State{})
	before := profileOf(res1)

	all := append([]record.Customer(nil), g.records...)
	all[10].Address.City = "Leeds" // a move: its profile must be rebuilt
	changed := []record.RecordKey{all[10].Key()}
	extra := g.records[20]
	extra.Source, extra.SourceID = "web", "new-1" // a new record joining an existing profile
	all = append(all, extra)

	built, err := ResolveIncremental(t.Context(), cfg, all, changed, state)
	require.NoError(t, err)
	keep := state
	keep.KeepUnchanged = true
	kept, err := ResolveIncremental(t.Context(), cfg, all, changed, keep)
	require.NoError(t, err)
	require.True(t, kept.Stats.ModelReused)
	require.Len(t, kept.Profiles, len(built.Profiles))

	touched := map[string]bool{before[all[10].Key()]: true}
	for _, l := range kept.Links {
		if l.Record == extra.Key() {
			touched[l.Profile] = true
		}
	}
	unchanged := 0
	for i, p := range kept.Profiles {
		want := built.Profiles[i]
		require.Equal(t, want.ID, p.ID)
		require.Equal(t, want.Members, p.Members)
		assert.False(t, want.Unchanged, "without KeepUnchanged every golden record is built")
		if touched[p.ID] || len(p.Members) != countMembers(state, p.ID) {
			assert.False(t, p.Unchanged, "profile %s was touched", p.ID)
			assert.Equal(t, want.Golden, p.Golden)
			assert.Equal(t, want.Lineage, p.Lineage)
			continue
		}
		assert.True(t, p.Unchanged, "profile %s holds the same records as before", p.ID)
		assert.Zero(t, p.Golden)
		assert.Nil(t, p.Lineage)
		unchanged++
	}
	assert.Greater(t, unchanged, len(kept.Profiles)-5, "all but the touched profiles are kept")
}

func countMembers(s State, profile string) int {
	n := 0
	for _, l := range s.Links {
		if l.Profile == profile {
			n++
		}
	}
	return n
}
