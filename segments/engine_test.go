// engine_test.go tests whole evaluations: RFM end to end, user segments, result shape, determinism, and doc.go coverage.

package segments

import (
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cdpflow/cdpflow/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ladder is five buyers with distinct recency, frequency and spend, plus a prospect, so every
// score is its rank: a=555 ... e=111.
func ladder() []Profile {
	return []Profile{
		prof("c", nOrders(3, 100, 10, 10000)...), // 3 orders, $300 total
		prof("a", nOrders(5, 1, 10, 10000)...),
		prof("e", nOrders(1, 300, 10, 10000)...),
		prof("b", nOrders(4, 10, 10, 10000)...),
		prof("d", nOrders(2, 200, 10, 10000)...),
		prof("p"),
	}
}

func TestEvaluateRFMLadder(t *testing.T) {
	res, err := mustEngine(t).Evaluate(ladder(), asOf)
	require.NoError(t, err)
	tests := []struct {
		id      string
		score   string
		segment string
	}{
		{"a", "555", Champions},
		{"b", "444", LoyalCustomers},
		{"c", "333", NeedAttention},
		{"d", "222", Hibernating},
		{"e", "111", Lost},
		{"p", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			f := res.Facts[tt.id]
			assert.Equal(t, tt.score, f.RFM.Score)
			assert.Equal(t, tt.segment, f.RFM.Segment)
			if tt.segment != "" {
				assert.Equal(t, []string{tt.id}, res.Members[RFMPrefix+tt.segment])
			}
		})
	}
	assert.Equal(t, 0, res.Facts["p"].RFM.R)
	assert.Equal(t, []string{"a", "b", "c", "d"}, res.Members[BuyersRepeat])
	assert.Equal(t, []string{"e"}, res.Members[BuyersOneTime])
	assert.Equal(t, []string{"p"}, res.Members[BuyersProspects])
	assert.Equal(t, []string{}, res.Members[RFMPrefix+CantLose], "empty built-ins are present")
	// a and b both predict 100 * 365/10 with no overdue order: tied at the top, both qualify.
	assert.Equal(t, []string{"a", "b"}, res.Members[CLVTopDecile])
}

func TestEvaluateMonetaryRanksWithinCurrency(t *testing.T) {
	yen := func(o record.Order) record.Order { return withCurrency(o, "JPY") }
	profiles := []Profile{
		prof("usd-small", ord(5, 1000)),     // $10
		prof("usd-big", ord(5, 90000)),      // $900
		prof("jpy-small", yen(ord(5, 500))), // ¥500: more minor units than $10 but not comparable
		prof("jpy-big", yen(ord(5, 80000))),
	}
	res, err := mustEngine(t).Evaluate(profiles, asOf)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Facts["usd-small"].RFM.M)
	assert.Equal(t, 3, res.Facts["usd-big"].RFM.M)
	assert.Equal(t, 1, res.Facts["jpy-small"].RFM.M)
	assert.Equal(t, 3, res.Facts["jpy-big"].RFM.M)
}

func TestEvaluateUserSegments(t *testing.T) {
	e := mustEngine(t,
		Definition{Name: "winback", Rule: `rfm.segment in ["hibernating", "lost"] && clv.historical >= 100`},
		Definition{Name: "one-timers", Rule: `orders.count == 1`},
		Definition{Name: "nobody", Rule: `false`},
		Definition{Name: "recent", Rule: `orders.count > 0 && orders.last_at >= now - duration("240h")`},
	)
	res, err := e.Evaluate(ladder(), asOf)
	require.NoError(t, err)
	assert.Equal(t, []string{"d", "e"}, res.Members["winback"])
	assert.Equal(t, []string{"e"}, res.Members["one-timers"])
	assert.Equal(t, []string{}, res.Members["nobody"])
	assert.Equal(t, []string{"a", "b"}, res.Members["recent"])
}

func TestEvaluateMembersShape(t *testing.T) {
	e := mustEngine(t, Definition{Name: "us", Rule: `customer.country == "US"`})
	profiles := synthProfiles(500, 1)
	res, err := e.Evaluate(profiles, asOf)
	require.NoError(t, err)

	for _, name := range e.Names() {
		assert.Contains(t, res.Members, name)
	}
	var cohorts int
	for name, ids := range res.Members {
		assert.True(t, slices.IsSorted(ids), name)
		assert.NotNil(t, ids, name)
		if strings.HasPrefix(name, CohortPrefix) {
			cohorts++
			assert.NotEmpty(t, ids, name)
		}
	}
	assert.Greater(t, cohorts, 1)
	assert.Len(t, res.Facts, len(profiles))

	// Every buyer is in exactly one rfm.* segment and every profile in one buyers.* segment.
	count := map[string]int{}
	for name, ids := range res.Members {
		if strings.HasPrefix(name, RFMPrefix) || strings.HasPrefix(name, "buyers.") {
			for _, id := range ids {
				count[id+" "+name[:strings.IndexByte(name, '.')]]++
			}
		}
	}
	for id, f := range res.Facts {
		assert.Equal(t, 1, count[id+" buyers"], id)
		if f.Orders.Count > 0 {
			assert.Equal(t, 1, count[id+" rfm"], id)
			assert.Equal(t, []string{id}, intersect(res.Members[CohortPrefix+f.Cohort], id))
		} else {
			assert.Zero(t, count[id+" rfm"], id)
		}
	}
}

func intersect(ids []string, id string) []string {
	if _, ok := slices.BinarySearch(ids, id); ok {
		return []string{id}
	}
	return nil
}

func TestEvaluateIsDeterministic(t *testing.T) {
	e := mustEngine(t,
		Definition{Name: "engaged", Rule: `engagement.sessions > 5 && consent.email == "subscribed"`},
		Definition{Name: "vip", Rule: `clv.top_decile || rfm.segment == "champions"`},
	)
	// Enough profiles to take the parallel path.
	profiles := synthProfiles(5000, 7)
	want, err := e.Evaluate(profiles, asOf)
	require.NoError(t, err)

	shuffled := slices.Clone(profiles)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	got, err := e.Evaluate(shuffled, asOf)
	require.NoError(t, err)
	assert.Equal(t, want, got, "input order must not matter")

	inTokyo, err := e.Evaluate(profiles, asOf.In(time.FixedZone("JST", 9*3600)))
	require.NoError(t, err)
	assert.Equal(t, want, inTokyo, "now's location must not matter")

	members, err := e.EvaluateMembers(profiles, asOf)
	require.NoError(t, err)
	assert.Nil(t, members.Facts)
	assert.Equal(t, want.Members, members.Members)
	assert.Equal(t, want.CLV, members.CLV)
}

func TestEvaluateRejectsBadIDs(t *testing.T) {
	tests := []struct {
		name     string
		profiles []Profile
		want     string
	}{
		{"duplicate", []Profile{prof("a"), prof("b"), prof("a")}, `duplicate profile id "a"`},
		{"empty", []Profile{prof("a"), prof("")}, "profile at index 1 has an empty id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mustEngine(t).Evaluate(tt.profiles, asOf)
			assert.EqualError(t, err, tt.want)
		})
	}
}

func TestEvaluateRejectsZeroNow(t *testing.T) {
	_, err := mustEngine(t).Evaluate(ladder(), time.Time{})
	assert.EqualError(t, err, "evaluation time (now) is zero")
}

func TestEvaluateNoProfiles(t *testing.T) {
	res, err := mustEngine(t, Definition{Name: "x", Rule: "true"}).Evaluate(nil, asOf)
	require.NoError(t, err)
	assert.Len(t, res.Members, len(BuiltinNames())+1)
	assert.Equal(t, []string{}, res.Members["x"])
	assert.Empty(t, res.Facts)
}

// TestDocCoversEverything keeps doc.go in step with the code: every rule field and every
// built-in segment must be documented there.
func TestDocCoversEverything(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	require.NoError(t, err)
	doc := string(src)
	for _, f := range Fields() {
		assert.Contains(t, doc, f.Name, "field %s undocumented", f.Name)
	}
	for _, name := range BuiltinNames() {
		assert.Contains(t, doc, name, "built-in %s undocumented", name)
	}
	assert.Contains(t, doc, "cohort.<YYYY-MM>")
}
