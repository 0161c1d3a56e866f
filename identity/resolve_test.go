// resolve_test.go tests Resolve's contract: inputs it refuses, deleted records, empty input,
// statistics and the state it hands to the next run.
package identity

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolve(t *testing.T) {
	cfg := DefaultConfig()
	t.Run("invalid configuration", func(t *testing.T) {
		bad := cfg
		bad.Threshold = 1.5
		_, err := Resolve(context.Background(), bad, nil, State{})
		assert.ErrorContains(t, err, "identity.threshold")
	})
	t.Run("a record twice", func(t *testing.T) {
		r := cust(t, "crm", "1", "email", "a@x.com")
		_, err := Resolve(context.Background(), cfg, []record.Customer{r, r}, State{})
		assert.ErrorContains(t, err, "crm/1 appears twice")
	})
	t.Run("empty input", func(t *testing.T) {
		res, err := Resolve(context.Background(), cfg, nil, State{})
		require.NoError(t, err)
		assert.Empty(t, res.Profiles)
		assert.Empty(t, res.Links)
	})
	t.Run("deleted records leave their profile", func(t *testing.T) {
		a := cust(t, "crm", "1", "email", "a@x.com")
		b := cust(t, "shop", "2", "email", "a@x.com")
		b.Deleted = true
		res := mustResolve(t, cfg, []record.Customer{a, b}, State{})
		require.Len(t, res.Profiles, 1)
		assert.Equal(t, []record.RecordKey{key("crm", "1")}, res.Profiles[0].Members)
		assert.Equal(t, 1, res.Stats.Deleted)
		assert.Len(t, res.Links, 1)
	})
	t.Run("strong identifiers only", func(t *testing.T) {
		exact := cfg
		exact.Compare = nil
		res := mustResolve(t, exact, []record.Customer{
			cust(t, "crm", "1", "email", "a@x.com", "first_name", "ann"),
			cust(t, "shop", "2", "email", "a@x.com"),
			cust(t, "shop", "3", "phone", "+15550001111", "first_name", "ann"),
		}, State{})
		assert.Len(t, res.Profiles, 2)
		assert.Empty(t, res.Stats.BlockingRules)
	})
	t.Run("cancelled context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Resolve(ctx, cfg, withGenerated(100), State{})
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("result, stats and next state", func(t *testing.T) {
		g := generateCustomers(3000, 9)
		res := mustResolve(t, cfg, g.records, State{})
		assert.Equal(t, len(g.records), res.Stats.Records)
		assert.Equal(t, len(res.Profiles), res.Stats.Profiles)
		assert.Positive(t, res.Stats.PairsCompared)
		assert.Positive(t, res.Stats.PairsMatched)
		assert.Positive(t, res.Stats.ExactLinks)
		assert.NotEmpty(t, res.Stats.Phases)
		members := 0
		for _, p := range res.Profiles {
			members += len(p.Members)
			assert.Equal(t, p.ID, p.Golden.SourceID)
		}
		assert.Equal(t, len(g.records), members)

		state := res.NextState(State{Splits: []Split{{Profile: "p_x"}}})
		assert.Len(t, state.Links, len(g.records))
		assert.Len(t, state.Splits, 1)
		require.NotNil(t, state.Model)
		// The state is plain data: it survives JSON.
		data, err := json.Marshal(state)
		require.NoError(t, err)
		var back State
		require.NoError(t, json.Unmarshal(data, &back))
		assert.Equal(t, state.Links, back.Links)
		assert.Equal(t, state.Model.Fields, back.Model.Fields)
		again := mustResolve(t, cfg, g.records, back)
		assert.Equal(t, profileOf(res), profileOf(again))
	})
}
