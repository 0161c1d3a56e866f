// unmerge_test.go tests unmerge: the record leaves its profile and stays apart in later runs.
package identity

import (
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestUnmerge(t *testing.T) {
	cfg := DefaultConfig()
	base := func(t *testing.T) []record.Customer {
		return []record.Customer{
			cust(t, "crm", "a", "email", "e1@x.com", "phone", "+15550000002"),
			cust(t, "shop", "b", "email", "e1@x.com", "phone", "+15550000003"),
			cust(t, "crm", "c", "email", "e3@x.com", "phone", "+15550000002"),
		}
	}
	t.Run("the record is split off and stays split in later runs", func(t *testing.T) {
		in := base(t)
		res1 := mustResolve(t, cfg, in, State{})
		require.Len(t, res1.Profiles, 1)
		id := res1.Profiles[0].ID
		state := res1.NextState(State{})

		newID, err := unmergeState(&state, id, key("shop", "b"))
		require.NoError(t, err)
		assert.NotEqual(t, id, newID)
		require.Len(t, state.Splits, 1)
		assert.Equal(t, []record.RecordKey{key("crm", "a"), key("crm", "c")}, state.Splits[0].Apart)

		res2 := mustResolve(t, cfg, in, state)
		p := profileOf(res2)
		assert.Equal(t, id, p[key("crm", "a")])
		assert.Equal(t, id, p[key("crm", "c")])
		assert.Equal(t, newID, p[key("shop", "b")])
		assert.Equal(t, "unmerge", firstKey(res2.Stats.RefusedBy))

		// A third run, with a new record sharing the email of a and b: it may join one side,
		// never both, and b stays apart from a and c.
		state = res2.NextState(state)
		in = append(in, cust(t, "web", "d", "email", "e1@x.com"))
		res3 := mustResolve(t, cfg, in, state)
		p = profileOf(res3)
		assert.Equal(t, id, p[key("crm", "a")])
		assert.Equal(t, id, p[key("crm", "c")])
		assert.Equal(t, newID, p[key("shop", "b")])
		assert.Len(t, state.Splits, 1, "NextState carries the splits")

		// Incremental runs keep it too.
		res4, err := ResolveIncremental(t.Context(), cfg, in, []record.RecordKey{key("shop", "b")}, res3.NextState(state))
		require.NoError(t, err)
		assert.NotEqual(t, profileOf(res4)[key("crm", "a")], profileOf(res4)[key("shop", "b")])
	})
	t.Run("errors", func(t *testing.T) {
		res := mustResolve(t, cfg, base(t), State{})
		state := res.NextState(State{})
		id := res.Profiles[0].ID
		_, err := unmergeState(&state, id, key("crm", "zzz"))
		assert.ErrorContains(t, err, "not in that profile")
		_, err = unmergeState(&state, "p_nope", key("crm", "a"))
		assert.ErrorContains(t, err, "not in that profile")

		single := mustResolve(t, cfg, []record.Customer{cust(t, "crm", "solo", "email", "s@x.com")}, State{})
		st := single.NextState(State{})
		_, err = unmergeState(&st, single.Profiles[0].ID, key("crm", "solo"))
		assert.ErrorContains(t, err, "only member")
	})
}

// unmergeState applies an unmerge to a state the way the store does: the split is kept and the
// record's link re-pointed at its new profile.
func unmergeState(state *State, profileID string, rec record.RecordKey) (string, error) {
	var members []record.RecordKey
	used := map[string]bool{}
	for _, l := range state.Links {
		used[l.Profile] = true
		if l.Profile == profileID {
			members = append(members, l.Record)
		}
	}
	split, err := Unmerge(profileID, members, rec, func(id string) bool { return used[id] })
	if err != nil {
		return "", err
	}
	for i := range state.Links {
		if state.Links[i].Record == rec {
			state.Links[i].Profile = split.NewProfile
		}
	}
	state.Splits = append(state.Splits, split)
	return split.NewProfile, nil
}

func TestBuildProfile_IsWhatResolutionBuilds(t *testing.T) {
	cfg := DefaultConfig()
	in := []record.Customer{
		cust(t, "crm", "a", "email", "e1@x.com", "first_name", "ann"),
		cust(t, "shop", "b", "email", "e1@x.com", "last_name", "lee"),
	}
	res := mustResolve(t, cfg, in, State{})
	require.Len(t, res.Profiles, 1)
	got := BuildProfile(cfg, res.Profiles[0].ID, in)
	assert.Equal(t, res.Profiles[0], got)
}

func firstKey(m map[string]int) string {
	for k := range m {
		return k
	}
	return ""
}
