// rfm.go holds RFM scoring: tie-aware quintile scores across buyers and the R x FM grid that
// names the classic segments (champions, at_risk, lost ...).

package segments

import (
	"slices"
)

// RFM segment names, the values of rfm.segment. The built-in segment for each is
// "rfm." + name.
const (
	Champions          = "champions"
	LoyalCustomers     = "loyal_customers"
	PotentialLoyalists = "potential_loyalists"
	NewCustomers       = "new_customers"
	Promising          = "promising"
	NeedAttention      = "need_attention"
	AboutToSleep       = "about_to_sleep"
	AtRisk             = "at_risk"
	CantLose           = "cant_lose"
	Hibernating        = "hibernating"
	Lost               = "lost"
)

// rfmNames lists the RFM segments in a fixed order (best to worst); stats.rfm indexes it.
var rfmNames = [...]string{
	Champions, LoyalCustomers, PotentialLoyalists, NewCustomers, Promising, NeedAttention,
	AboutToSleep, AtRisk, CantLose, Hibernating, Lost,
}

// RFMSegmentNames returns the RFM segment names, best to worst.
func RFMSegmentNames() []string { return slices.Clone(rfmNames[:]) }

// rfmGrid maps [R-1][FM-1] to an index into rfmNames, where FM = (F+M)/2 rounded down.
//
//	        FM=1            FM=2                FM=3                FM=4             FM=5
//	R=5     new_customers   potential_loyalists potential_loyalists champions        champions
//	R=4     promising       potential_loyalists potential_loyalists loyal_customers  loyal_customers
//	R=3     about_to_sleep  about_to_sleep      need_attention      loyal_customers  loyal_customers
//	R=2     hibernating     hibernating         at_risk             at_risk          cant_lose
//	R=1     lost            lost                at_risk             at_risk          cant_lose
var rfmGrid = [5][5]int8{
	{10, 10, 7, 7, 8}, // R=1
	{9, 9, 7, 7, 8},   // R=2
	{6, 6, 5, 1, 1},   // R=3
	{4, 2, 2, 1, 1},   // R=4
	{3, 2, 2, 0, 0},   // R=5
}

// rfmIndex returns the rfmNames index for scores in 1..5.
func rfmIndex(r, f, m int) int8 { return rfmGrid[r-1][(f+m)/2-1] }

// RFMSegment names the segment of R, F and M scores in 1..5; "" if any is out of range.
func RFMSegment(r, f, m int) string {
	if r < 1 || r > 5 || f < 1 || f > 5 || m < 1 || m > 5 {
		return ""
	}
	return rfmNames[rfmIndex(r, f, m)]
}

// rfmScores holds "111" ... "555" so profiles share the strings; index (r-1)*25+(f-1)*5+m-1.
var rfmScores = func() (s [125]string) {
	for i := range s {
		s[i] = string([]byte{byte('1' + i/25), byte('1' + i/5%5), byte('1' + i%5)})
	}
	return s
}()

// quintiles scores each key 1..5, higher keys scoring higher. A key scores
// 1 + floor(5 * below / n), where below counts the keys strictly lower: equal keys always
// share a score, the result does not depend on input order, and a score s means the key beats
// at least (s-1)/5 of all keys. A tie group therefore gets the score of its lowest position:
// when 70% of buyers have exactly one order they all get F=1.
func quintiles(keys []int64, out []int) {
	n := len(keys)
	if n == 0 {
		return
	}
	sorted := slices.Clone(keys)
	slices.Sort(sorted)
	for i, k := range keys {
		below, _ := slices.BinarySearch(sorted, k)
		out[i] = 1 + 5*below/n
	}
}

// scoreRFM fills rfm.r/f/m/score/segment for every buyer. R and F rank all buyers; M ranks
// each buyer against the buyers with the same dominant currency (amounts in different
// currencies are not comparable without exchange rates).
func scoreRFM(facts []Facts, st []stats, buyers []int32, groups [][]int32) {
	n := len(buyers)
	keys := make([]int64, n)
	scores := make([]int, n)

	// Recency: fewer whole days since the last order is better.
	for j, i := range buyers {
		keys[j] = -int64(facts[i].DaysSinceLastOrder)
	}
	quintiles(keys, scores)
	for j, i := range buyers {
		facts[i].RFM.R = scores[j]
	}

	// Frequency: more counted orders is better.
	for j, i := range buyers {
		keys[j] = int64(facts[i].Orders.Count)
	}
	quintiles(keys, scores)
	for j, i := range buyers {
		facts[i].RFM.F = scores[j]
	}

	// Monetary: a larger dominant-currency total is better, within the currency.
	for _, g := range groups {
		k, s := keys[:len(g)], scores[:len(g)]
		for j, i := range g {
			k[j] = st[i].totalMinor
		}
		quintiles(k, s)
		for j, i := range g {
			facts[i].RFM.M = s[j]
		}
	}

	for _, i := range buyers {
		r := &facts[i].RFM
		r.Score = rfmScores[(r.R-1)*25+(r.F-1)*5+r.M-1]
		st[i].rfm = rfmIndex(r.R, r.F, r.M)
		r.Segment = rfmNames[st[i].rfm]
	}
}
