// clv_test.go tests the CLV model on hand-computed examples, its population fit, and the top decile.

package segments

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestCLVPredict(t *testing.T) {
	m := CLVModel{MedianGapDays: 30, RepeatRate: 0.25}
	tests := []struct {
		name     string
		model    CLVModel
		count    int
		span     float64
		recency  int
		aov      float64
		gap      float64
		expected float64
		pActive  float64
		value    float64
	}{
		{
			// gap = (60+30)/3 = 30; 365/30 orders a year; 15 <= 30 so still active.
			name: "regular buyer not yet overdue", model: m, count: 3, span: 60, recency: 15, aov: 50,
			gap: 30, expected: 365.0 / 30, pActive: 1, value: 50 * 365.0 / 30,
		},
		{
			name: "recency exactly one gap", model: m, count: 3, span: 60, recency: 30, aov: 50,
			gap: 30, expected: 365.0 / 30, pActive: 1, value: 50 * 365.0 / 30,
		},
		{
			// Two gaps since the last order: exp(1-2) = 0.3679.
			name: "overdue by one gap", model: m, count: 3, span: 60, recency: 60, aov: 50,
			gap: 30, expected: 365.0 / 30, pActive: math.Exp(-1), value: 50 * 365.0 / 30 * math.Exp(-1),
		},
		{
			name: "overdue by two gaps", model: m, count: 3, span: 60, recency: 90, aov: 50,
			gap: 30, expected: 365.0 / 30, pActive: math.Exp(-2), value: 50 * 365.0 / 30 * math.Exp(-2),
		},
		{
			// No own gap: the population median; only RepeatRate of one-timers come back.
			name: "one-time buyer", model: m, count: 1, span: 0, recency: 10, aov: 80,
			gap: 30, expected: 365.0 / 30 * 0.25, pActive: 1, value: 80 * 365.0 / 30 * 0.25,
		},
		{
			// (2*365 + 30)/3 = 253.33: the pseudo-gap pulls a slow buyer's gap towards the median.
			name: "shrinks towards the median", model: m, count: 3, span: 730, recency: 100, aov: 100,
			gap: 760.0 / 3, expected: 365 / (760.0 / 3), pActive: 1, value: 100 * 365 / (760.0 / 3),
		},
		{
			// (0 + 1)/2 = 0.5 is floored at one day.
			name: "same-day orders floor the gap", model: CLVModel{MedianGapDays: 1, RepeatRate: 1},
			count: 2, span: 0, recency: 0, aov: 10, gap: 1, expected: 365, pActive: 1, value: 3650,
		},
		{
			name: "nobody repeats", model: CLVModel{MedianGapDays: DefaultGapDays}, count: 1, recency: 5, aov: 20,
			gap: 365, expected: 0, pActive: 1, value: 0,
		},
		{name: "no orders", model: m, count: 0},
		{
			name: "net refunds predict nothing", model: m, count: 3, span: 60, recency: 15, aov: -20,
			gap: 30, expected: 365.0 / 30, pActive: 1, value: 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.model.predict(tt.count, tt.span, tt.recency, tt.aov)
			assert.InDelta(t, tt.gap, p.gapDays, 1e-9, "gap")
			assert.InDelta(t, tt.expected, p.expected, 1e-9, "expected orders")
			assert.InDelta(t, tt.pActive, p.pActive, 1e-12, "p(active)")
			assert.InDelta(t, tt.value, p.value, 1e-9, "value")
		})
	}
}

func TestCLVPredictHandValues(t *testing.T) {
	// The same examples as rounded figures, as doc.go quotes them.
	m := CLVModel{MedianGapDays: 30, RepeatRate: 0.25}
	assert.InDelta(t, 608.33, m.predict(3, 60, 15, 50).value, 0.005)
	assert.InDelta(t, 223.79, m.predict(3, 60, 60, 50).value, 0.005)
	assert.InDelta(t, 243.33, m.predict(1, 0, 10, 80).value, 0.005)
}

func TestFitCLV(t *testing.T) {
	tests := []struct {
		name     string
		profiles []Profile
		want     CLVModel
	}{
		{name: "no buyers", profiles: []Profile{prof("a")}, want: CLVModel{MedianGapDays: DefaultGapDays}},
		{
			name:     "only one-time buyers",
			profiles: []Profile{prof("a", ord(1, 100)), prof("b", ord(2, 100))},
			want:     CLVModel{Buyers: 2, MedianGapDays: DefaultGapDays},
		},
		{
			// Gaps 10, 20 (3 orders over 40 days), 40: median 20.
			name: "odd number of repeat buyers",
			profiles: []Profile{
				prof("a", nOrders(2, 1, 10, 100)...),
				prof("b", nOrders(3, 1, 20, 100)...),
				prof("c", nOrders(2, 1, 40, 100)...),
				prof("d", ord(5, 100)),
				prof("e"),
			},
			want: CLVModel{Buyers: 4, RepeatBuyers: 3, RepeatRate: 0.75, MedianGapDays: 20},
		},
		{
			name: "even number averages the middle two",
			profiles: []Profile{
				prof("a", nOrders(2, 1, 10, 100)...),
				prof("b", nOrders(2, 1, 20, 100)...),
				prof("c", nOrders(2, 1, 40, 100)...),
				prof("d", nOrders(2, 1, 80, 100)...),
			},
			want: CLVModel{Buyers: 4, RepeatBuyers: 4, RepeatRate: 1, MedianGapDays: 30},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := mustEngine(t).Evaluate(tt.profiles, asOf)
			assert.NoError(t, err)
			assert.Equal(t, tt.want, res.CLV)
		})
	}
}

func TestCLVFacts(t *testing.T) {
	// Population: a repeats every 30 days (gap 30, the median); b bought once.
	profiles := []Profile{
		prof("a", nOrders(3, 15, 30, 5000)...), // orders 15, 45, 75 days ago, $50 each
		prof("b", ord(10, 8000)),
	}
	res, err := mustEngine(t).Evaluate(profiles, asOf)
	assert.NoError(t, err)
	assert.Equal(t, CLVModel{Buyers: 2, RepeatBuyers: 1, RepeatRate: 0.5, MedianGapDays: 30}, res.CLV)

	a := res.Facts["a"].CLV
	assert.Equal(t, 150.0, a.Historical)
	assert.Equal(t, 50.0, a.AOV)
	assert.Equal(t, 608.33, a.Predicted12m) // 50 * 365/30, rounded to cents

	b := res.Facts["b"].CLV
	assert.Equal(t, 80.0, b.Historical)
	assert.Equal(t, 486.67, b.Predicted12m) // 80 * 365/30 * 0.5
}

func TestCLVRoundsToCurrencyUnit(t *testing.T) {
	profiles := []Profile{
		prof("jpy", withCurrency(ord(15, 5000), "JPY"), withCurrency(ord(45, 5000), "JPY"), withCurrency(ord(75, 5000), "JPY")),
	}
	res, err := mustEngine(t).Evaluate(profiles, asOf)
	assert.NoError(t, err)
	f := res.Facts["jpy"]
	assert.Equal(t, 5000.0, f.Orders.Avg)
	assert.Equal(t, 60833.0, f.CLV.Predicted12m) // 5000 * 365/30 = 60833.33 -> whole yen
}

func TestTopDecile(t *testing.T) {
	tests := []struct {
		name      string
		predicted map[string][]int64 // currency -> predicted minor units per buyer
		want      []string           // "currency/index" of top-decile buyers
	}{
		{"fewer than ten: only the highest", map[string][]int64{"USD": {5, 9, 7}}, []string{"USD/1"}},
		{"ties at the top all qualify", map[string][]int64{"USD": {9, 9, 1}}, []string{"USD/0", "USD/1"}},
		{
			"twenty buyers: two",
			map[string][]int64{"USD": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20}},
			[]string{"USD/18", "USD/19"},
		},
		{
			"eleven buyers: ceil(1.1) = 2",
			map[string][]int64{"USD": {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
			[]string{"USD/10", "USD/9"},
		},
		{"zero never qualifies", map[string][]int64{"USD": {0, 0, 0}}, nil},
		{
			"per currency",
			map[string][]int64{"USD": {100, 200}, "JPY": {5, 1}},
			[]string{"JPY/0", "USD/1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var facts []Facts
			var st []stats
			var groups [][]int32
			var labels []string
			for _, cur := range []string{"JPY", "USD"} {
				var g []int32
				for k, v := range tt.predicted[cur] {
					g = append(g, int32(len(facts)))
					facts = append(facts, Facts{})
					st = append(st, stats{predictedMinor: v})
					labels = append(labels, fmt.Sprintf("%s/%d", cur, k))
				}
				if g != nil {
					groups = append(groups, g)
				}
			}
			markTopDecile(facts, st, groups)
			var got []string
			for i := range facts {
				if facts[i].CLV.TopDecile {
					got = append(got, labels[i])
				}
			}
			assert.ElementsMatch(t, tt.want, got)
		})
	}
}

func mustEngine(t testing.TB, defs ...Definition) *Engine {
	t.Helper()
	e, err := New(defs)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
