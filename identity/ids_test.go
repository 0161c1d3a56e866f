// ids_test.go tests stable profile ids: same data, same ids; earlier ids survive new
// records and merges, and merges are recorded.
package identity

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestResolve_StableIDs(t *testing.T) {
	cfg := DefaultConfig()
	t.Run("same data gives the same ids, whatever the order", func(t *testing.T) {
		in := withGenerated(1500)
		first := profileOf(mustResolve(t, cfg, in, State{}))
		again := profileOf(mustResolve(t, cfg, in, State{}))
		assert.Equal(t, first, again)

		shuffled := slices.Clone(in)
		rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		assert.Equal(t, first, profileOf(mustResolve(t, cfg, shuffled, State{})))
	})
	t.Run("a new profile's id derives from its smallest member", func(t *testing.T) {
		in := []record.Customer{
			cust(t, "shop", "9", "email", "x@y.com"),
			cust(t, "crm", "5", "email", "x@y.com"),
			cust(t, "crm", "7", "email", "other@y.com"),
		}
		res := mustResolve(t, cfg, in, State{})
		p := profileOf(res)
		assert.Equal(t, ProfileIDFor(key("crm", "5")), p[key("shop", "9")])
		assert.Equal(t, ProfileIDFor(key("crm", "7")), p[key("crm", "7")])
	})
	t.Run("a new record joins its existing profile, which keeps its id", func(t *testing.T) {
		in := []record.Customer{
			cust(t, "crm", "1", "email", "ann@x.com", "first_name", "ann"),
			cust(t, "crm", "2", "email", "bob@x.com", "first_name", "bob"),
		}
		res1 := mustResolve(t, cfg, in, State{})
		state := res1.NextState(State{})
		// The new record's key sorts before the old one: the id must still be the old one.
		in = append(in, cust(t, "aaa", "0", "email", "bob@x.com", "phone", "+15550000000"))
		res2 := mustResolve(t, cfg, in, state)
		p1, p2 := profileOf(res1), profileOf(res2)
		assert.Equal(t, p1[key("crm", "2")], p2[key("crm", "2")])
		assert.Equal(t, p2[key("crm", "2")], p2[key("aaa", "0")])
		assert.Equal(t, p1[key("crm", "1")], p2[key("crm", "1")])
		assert.Empty(t, res2.Merges)
	})
	t.Run("two profiles merge: the larger keeps its id and the merge is recorded", func(t *testing.T) {
		in := []record.Customer{
			cust(t, "crm", "a", "email", "a@x.com"),
			cust(t, "crm", "b", "email", "b@x.com", "phone", "+15551112222"),
			cust(t, "crm", "c", "email", "c@x.com", "phone", "+15551112222"),
		}
		res1 := mustResolve(t, cfg, in, State{})
		p1 := profileOf(res1)
		small, large := p1[key("crm", "a")], p1[key("crm", "b")]
		require.NotEqual(t, small, large)

		in = append(in, cust(t, "shop", "d", "email", "a@x.com", "phone", "+15551112222"))
		res2 := mustResolve(t, cfg, in, res1.NextState(State{}))
		require.Len(t, res2.Profiles, 1)
		assert.Equal(t, large, res2.Profiles[0].ID)
		require.Len(t, res2.Merges, 1)
		m := res2.Merges[0]
		assert.Equal(t, small, m.From)
		assert.Equal(t, large, m.Into)
		assert.Equal(t, key("crm", "a"), m.Record, "the absorbed profile's record that linked")
		assert.NotEmpty(t, m.Evidence.Rule)
		assert.Equal(t, 1, res2.Stats.Merges)
	})
	t.Run("a split profile keeps its id on the larger part", func(t *testing.T) {
		in := []record.Customer{
			cust(t, "crm", "a", "email", "a@x.com"),
			cust(t, "crm", "b", "email", "a@x.com", "phone", "+15551112222"),
			cust(t, "crm", "c", "phone", "+15551112222"),
		}
		res1 := mustResolve(t, cfg, in, State{})
		require.Len(t, res1.Profiles, 1)
		id := res1.Profiles[0].ID
		// b changes its email and phone: a and c are now unrelated.
		in[1] = cust(t, "crm", "b", "email", "new@x.com", "phone", "+15553334444")
		in = append(in, cust(t, "crm", "d", "phone", "+15551112222"))
		res2 := mustResolve(t, cfg, in, res1.NextState(State{}))
		p := profileOf(res2)
		assert.Equal(t, id, p[key("crm", "c")], "each part holds one old member; c and d make the largest part")
		assert.NotEqual(t, id, p[key("crm", "a")])
		assert.NotEqual(t, id, p[key("crm", "b")])
	})
}
