// clv.go holds customer lifetime value: historical spend, average order value, and the
// deterministic 12-month prediction model documented in doc.go ("Predicted CLV").

package segments

import (
	"math"
	"slices"
	"sort"
)

// CLVModel holds the population figures the 12-month prediction uses; Result.CLV reports
// them so a prediction can be recomputed by hand.
type CLVModel struct {
	Buyers       int `json:"buyers"`        // profiles with at least one counted order
	RepeatBuyers int `json:"repeat_buyers"` // profiles with at least two
	// RepeatRate is RepeatBuyers / Buyers (0 without buyers).
	RepeatRate float64 `json:"repeat_rate"`
	// MedianGapDays is the median over repeat buyers of their mean days between orders,
	// (last_at - first_at) / (count - 1); DefaultGapDays when there are no repeat buyers.
	MedianGapDays float64 `json:"median_gap_days"`
}

// Model constants.
const (
	HorizonDays    = 365 // prediction horizon
	DefaultGapDays = 365 // population gap when no buyer has ordered twice
	minGapDays     = 1   // floor on the expected gap, so same-day orders can't divide by zero
)

// fitCLV computes the population figures from the buyers' base facts.
func fitCLV(facts []Facts, st []stats, buyers []int32) CLVModel {
	m := CLVModel{Buyers: len(buyers), MedianGapDays: DefaultGapDays}
	var gaps []float64
	for _, i := range buyers {
		if n := facts[i].Orders.Count; n >= 2 {
			gaps = append(gaps, st[i].spanDays/float64(n-1))
		}
	}
	m.RepeatBuyers = len(gaps)
	if m.Buyers > 0 {
		m.RepeatRate = float64(m.RepeatBuyers) / float64(m.Buyers)
	}
	if len(gaps) > 0 {
		slices.Sort(gaps)
		h := len(gaps) / 2
		if len(gaps)%2 == 1 {
			m.MedianGapDays = gaps[h]
		} else {
			m.MedianGapDays = (gaps[h-1] + gaps[h]) / 2
		}
	}
	return m
}

// clvPrediction is the breakdown of one profile's predicted 12-month value.
type clvPrediction struct {
	gapDays  float64 // expected days between orders
	expected float64 // expected orders in the horizon if still active
	pActive  float64 // probability the customer is still active
	value    float64 // aov * expected * pActive, major units, unrounded
}

// predict applies the model to one buyer: count counted orders spanning spanDays, the last
// one recencyDays ago, with average order value aov.
//
//	gap      = (spanDays + MedianGapDays) / count          (at least 1 day)
//	expected = HorizonDays / gap, times RepeatRate when count == 1
//	pActive  = 1 if recency <= gap, else exp(1 - recency/gap)
//	value    = max(aov, 0) * expected * pActive
func (m CLVModel) predict(count int, spanDays float64, recencyDays int, aov float64) clvPrediction {
	if count < 1 {
		return clvPrediction{}
	}
	p := clvPrediction{gapDays: max((spanDays+m.MedianGapDays)/float64(count), minGapDays)}
	p.expected = HorizonDays / p.gapDays
	if count == 1 {
		p.expected *= m.RepeatRate
	}
	p.pActive = 1
	if x := float64(recencyDays) / p.gapDays; x > 1 {
		p.pActive = math.Exp(1 - x)
	}
	p.value = max(aov, 0) * p.expected * p.pActive
	return p
}

// applyCLV fills clv.predicted_12m for every buyer, rounded to the currency's minor unit.
func applyCLV(m CLVModel, facts []Facts, st []stats, buyers []int32) {
	for _, i := range buyers {
		f := &facts[i]
		p := m.predict(f.Orders.Count, st[i].spanDays, f.DaysSinceLastOrder, f.Orders.Avg)
		st[i].predictedMinor = toMinor(p.value, int(st[i].exp))
		f.CLV.Predicted12m = toMajor(st[i].predictedMinor, int(st[i].exp))
	}
}

// markTopDecile sets clv.top_decile for the buyers whose predicted value is among the
// ceil(n/10) highest of the n buyers with the same currency (ties at the cut-off included;
// a prediction of 0 never qualifies).
func markTopDecile(facts []Facts, st []stats, groups [][]int32) {
	var sorted []int64
	for _, g := range groups {
		sorted = sorted[:0]
		for _, i := range g {
			sorted = append(sorted, st[i].predictedMinor)
		}
		slices.Sort(sorted)
		n := len(g)
		limit := (n + 9) / 10
		for _, i := range g {
			v := st[i].predictedMinor
			if v <= 0 {
				continue
			}
			higher := n - sort.Search(n, func(k int) bool { return sorted[k] > v })
			if higher < limit {
				facts[i].CLV.TopDecile = true
			}
		}
	}
}
